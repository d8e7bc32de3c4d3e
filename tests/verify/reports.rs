//! The work result report (作業結果報告書): the xlsx read back with
//! calamine and the HTML, on one window holding every outcome. The
//! expected Japanese words are those the issue names for 結果.

use super::fixture::*;
use calamine::{open_workbook, Data, Reader, Xlsx};

/// AFTER with every outcome: r1 and vm1 landed, r2 partial, fw1 back at
/// FROM, j1 something else than planned, r9 changed outside the plan.
fn every_outcome(env: &TestEnv) -> String {
    let configs = vec![
        ("r1.cfg", ios("r1", " ip ospf cost 20\n shutdown\n")),
        ("r2.cfg", ios("r2", " ip ospf cost 20\n")),
        ("fw1.conf", fortios("", "AAAAone")),
        ("j1.conf", junos("        mtu 1500;\n", "")),
        ("vm1.yaml", vm(4, 16)),
        ("r9.cfg", ios("r9", " shutdown\n")),
    ];
    after(env, &configs)
}

fn cells(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook(path).expect("open the xlsx");
    let range = workbook.worksheet_range(sheet).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_xlsx_holds_every_outcome_with_its_lines_and_evidence() {
    let env = setup();
    let after = every_outcome(&env);
    env.write("evidence/r1/pre/01-show-run.txt", "before\n");
    env.write("evidence/r1/post/01-show-run.txt", "after\n");
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "verify",
            "plan.json",
            &after,
            "--record",
            "--by",
            "山田 太郎",
            "--checked-by",
            "鈴木 花子",
            "--evidence",
            "evidence",
            "--xlsx",
            "result.xlsx",
            "--html",
            "result.html",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = cells(&env.join("result.xlsx"), "作業結果報告書");
    let header = &rows[0];
    for label in [
        "作業ID",
        "作業内容",
        "作業日時",
        "作業者",
        "確認者",
        "結果",
        "未反映の行",
        "計画外の行",
        "エビデンス",
    ] {
        assert!(
            header.iter().any(|h| h == label),
            "{label} missing from {header:?}"
        );
    }
    let col = |label: &str| header.iter().position(|h| h == label).unwrap();
    let row = |device: &str| {
        rows.iter()
            .find(|r| r[col("機器")] == device)
            .unwrap_or_else(|| panic!("no row for {device}: {rows:?}"))
    };
    let result = |device: &str| row(device)[col("結果")].clone();
    assert_eq!(result("r1"), "正常");
    assert_eq!(result("vm1"), "正常");
    assert_eq!(result("r2"), "一部未反映");
    assert_eq!(result("j1"), "未実施");
    assert_eq!(result("fw1"), "切り戻し済");
    assert_eq!(result("r9"), "計画外変更");
    assert_eq!(row("r2")[col("未反映の行")], "interface Gi0/1 > shutdown");
    assert!(row("j1")[col("計画外の行")].contains("mtu 1500"));
    assert_eq!(row("r9")[col("計画外の行")], "interface Gi0/1 > shutdown");
    assert_eq!(row("r9")[col("作業内容")], "（計画外）");
    assert!(
        row("r1")[col("作業内容")].contains("+ interface Gi0/1 > shutdown"),
        "{:?}",
        row("r1")
    );
    assert_eq!(
        row("r1")[col("エビデンス")],
        "r1/post/01-show-run.txt\nr1/pre/01-show-run.txt"
    );
    assert_eq!(row("r1")[col("作業者")], "山田 太郎");
    assert_eq!(row("r1")[col("確認者")], "鈴木 花子");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.join("plan.json")).unwrap()).unwrap();
    assert_eq!(
        row("r1")[col("作業ID")],
        plan["hash"].as_str().unwrap()[..12]
    );

    let summary = cells(&env.join("result.xlsx"), "概要");
    let value = |item: &str| {
        summary
            .iter()
            .find(|r| r[0] == item)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {item} in {summary:?}"))
    };
    assert_eq!(value("台数: 正常"), "2");
    assert_eq!(value("台数: 計画外変更"), "1");
    assert_eq!(value("作業者"), "山田 太郎");
    assert!(
        value("結果").contains("4 台の機器に確認が必要です"),
        "{summary:?}"
    );

    let html = std::fs::read_to_string(env.join("result.html")).unwrap();
    for word in [
        "作業結果報告書",
        "正常",
        "一部未反映",
        "未実施",
        "切り戻し済",
        "計画外変更",
        "r1/post/01-show-run.txt",
    ] {
        assert!(html.contains(word), "{word} missing from the HTML");
    }
}

#[test]
fn the_report_is_available_in_english() {
    let env = setup();
    let after = every_outcome(&env);
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "verify",
            "plan.json",
            &after,
            "--by",
            "Taro",
            "--xlsx",
            "result.xlsx",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let rows = cells(&env.join("result.xlsx"), "Work result report");
    assert!(rows[0].iter().any(|h| h == "Work ID"));
    let results: Vec<&str> = rows[1..].iter().map(|r| r[8].as_str()).collect();
    for word in [
        "landed",
        "partial",
        "not applied",
        "rolled back",
        "unplanned change",
    ] {
        assert!(results.contains(&word), "{word} missing from {results:?}");
    }
}
