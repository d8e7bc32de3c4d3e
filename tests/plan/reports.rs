//! The reports for people: HTML (self-contained, every step, renders in a
//! browser), xlsx (read back), and no secret anywhere.

use super::fixture::*;

#[test]
fn reports_hold_every_step_and_no_secret() {
    let env = setup();
    let plan = plan(
        &env,
        "rules",
        "plan.json",
        &["--html", "plan.html", "--xlsx", "plan.xlsx", "--lang", "ja"],
    );
    let html = std::fs::read_to_string(env.join("plan.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("<svg") && html.contains("切り戻し"));
    for step in steps(&plan) {
        let escaped = step
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&escaped), "html lacks {step}");
    }

    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(env.join("plan.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"作業手順書".to_string()));
    let range = book.worksheet_range("作業手順書").unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for step in steps(&plan) {
        assert!(cells.iter().any(|c| c.contains(&step)), "xlsx lacks {step}");
    }

    let text = env
        .henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            "rules",
        ])
        .output()
        .unwrap();
    let markdown = env
        .henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            "rules",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let json = std::fs::read_to_string(env.join("plan.json")).unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let markdown = String::from_utf8_lossy(&markdown.stdout).to_string();
    for (name, output) in [
        ("json", &json),
        ("html", &html),
        ("text", &text),
        ("markdown", &markdown),
    ] {
        for secret in [SECRET_OLD, SECRET_NEW, "OldSecretValue", "NewSecretValue"] {
            assert!(!output.contains(secret), "{name} shows a secret");
        }
    }
    assert!(
        !cells.iter().any(|c| c.contains("SecretValue")),
        "xlsx shows a secret"
    );
}

#[test]
fn html_renders_in_a_headless_browser() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("notice: /usr/bin/chromium is not installed; skipping the browser test");
        return;
    }
    let env = setup();
    plan(
        &env,
        "rules",
        "plan.json",
        &["--html", "plan.html", "--lang", "ja"],
    );
    let profile = env.mkdir("chromium-profile");
    let shot = env.join("plan.png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", env.join("plan.html").display()))
        .status()
        .expect("run chromium");
    assert!(status.success());
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.len() > 10_000, "screenshot is {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

/// A rule whose reviewer texts come in both languages.
const BILINGUAL: &str = r#"
fn on_device(ctx) {
    if ctx.name == "core1" {
        ctx.risk("high", "test.core-change", "core router changes", "コアルータが変わります");
        ctx.require_approval("network-lead", "core routing", "コアのルーティング");
    }
}
fn on_plan(ctx) {
    ctx.note("change window 22:00-23:00", "作業時間帯 22:00-23:00");
    ctx.note("English only");
}
"#;

#[test]
fn script_texts_in_both_languages_follow_the_report_language() {
    let env = setup();
    env.write("bilingual/rules.rhai", BILINGUAL);
    let run = |extra: &[&str]| plan_stdout(&env, &[&["--scripts", "bilingual"], extra].concat());
    let english = [
        "change window 22:00-23:00",
        "core router changes",
        "core routing",
    ];
    let japanese = [
        "作業時間帯 22:00-23:00",
        "コアルータが変わります",
        "コアのルーティング",
    ];
    for format in ["text", "markdown"] {
        let ja = run(&["--format", format, "--lang", "ja"]);
        let en = run(&["--format", format]);
        for (en_text, ja_text) in english.iter().zip(japanese) {
            assert!(ja.contains(ja_text), "{format} ja lacks {ja_text}:\n{ja}");
            assert!(!ja.contains(en_text), "{format} ja shows {en_text}");
            assert!(en.contains(en_text), "{format} en lacks {en_text}");
            assert!(!en.contains(ja_text), "{format} en shows {ja_text}");
        }
        // A one-language note is shown as written in both.
        assert!(ja.contains("English only") && en.contains("English only"));
    }
    let plan = plan(
        &env,
        "bilingual",
        "plan.json",
        &["--html", "plan.html", "--lang", "ja"],
    );
    let html = std::fs::read_to_string(env.join("plan.html")).unwrap();
    assert!(html.contains("作業時間帯 22:00-23:00") && html.contains("コアのルーティング"));
    assert!(!html.contains("change window"));
    // The plan JSON keeps the English under the old keys and adds the
    // Japanese beside it.
    let note = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["type"] == "note" && f["text_ja"].is_string())
        .unwrap();
    assert_eq!(note["text"], "change window 22:00-23:00");
    assert_eq!(note["text_ja"], "作業時間帯 22:00-23:00");
    let core = plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "core1")
        .unwrap();
    let risk = core["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["type"] == "risk")
        .unwrap();
    assert_eq!(risk["message"], "core router changes");
    assert_eq!(risk["message_ja"], "コアルータが変わります");
    assert_eq!(plan["approvals_required"][0]["reason"], "core routing");
    // Read back, the plan keeps its hash and still reports in Japanese.
    let loaded = henko::plan::read_plan(&env.join("plan.json")).unwrap();
    assert_eq!(loaded.body_hash, loaded.plan.hash);
    let text = henko::report::plan_text::render(&loaded.plan, henko::report::i18n::Lang::Ja);
    assert!(text.contains("作業時間帯 22:00-23:00"), "{text}");
    let english_only = loaded
        .plan
        .findings
        .iter()
        .find(|f| f.summary() == "English only");
    assert!(english_only.is_some());
    let json = serde_json::to_value(&loaded.plan).unwrap();
    assert_eq!(json["findings"], plan["findings"]);
}

/// A removed nested YAML list item showed in the plan reports as
/// `- - name: vol-db01-data` over `-  lun: 10` (one space per level): the
/// diff reports were fixed to indent such a body as YAML does, the plan
/// reports were not.
#[test]
fn a_removed_nested_yaml_list_item_lines_up_in_plan_reports() {
    let env = crate::common::TestEnv::new();
    let inventory = "devices:\n  - name: w-pure01\n    kind: storage\n    platform: purestorage\n    site: west\n    env: prod\n    config: storage/w-pure01.yaml\n";
    let before = "hosts:\n  - name: esx02\n    connections:\n      - name: vol-db01-data\n        lun: 10\n      - name: vol-db01-redo\n        lun: 11\n";
    let after =
        "hosts:\n  - name: esx02\n    connections:\n      - name: vol-db01-redo\n        lun: 11\n";
    for (side, config) in [("v1", before), ("v2", after)] {
        env.write(format!("{side}/inventory.yaml"), inventory);
        env.write(format!("{side}/storage/w-pure01.yaml"), config);
    }
    let run = |extra: &[&str]| plan_stdout(&env, &[&["-o", "plan.json"], extra].concat());
    let text = run(&[]);
    assert!(
        text.contains("- name: vol-db01-data\n    -   lun: 10\n"),
        "{text}"
    );
    let markdown = run(&["--format", "markdown"]);
    assert!(
        markdown.contains("- name: vol-db01-data\n-   lun: 10\n"),
        "{markdown}"
    );
    run(&["--html", "plan.html"]);
    let html = std::fs::read_to_string(env.join("plan.html")).unwrap();
    assert!(
        html.contains("- name: vol-db01-data\n  lun: 10</code>"),
        "{html}"
    );
    // The plan JSON keeps its body as before: one space per level.
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["devices"][0]["changes"][0]["body"][0], " lun: 10");
}
