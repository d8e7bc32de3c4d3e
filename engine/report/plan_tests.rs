//! Tests of the plan renderers on the sample plan.

use super::i18n::Lang;
use super::*;
use crate::plan::gate::{evaluate, GateInput};
use crate::plan::testing::sample_plan;
use crate::plan::Risk;

/// Every step of every device: its [`forward_procedure`] and its rollback.
fn every_step(plan: &crate::plan::Plan) -> Vec<String> {
    let rollback = plan.devices.iter().flat_map(|d| d.steps.rollback.clone());
    forward_procedure(plan)
        .into_iter()
        .chain(rollback)
        .collect()
}

#[test]
fn text_and_markdown_speak_both_languages() {
    let plan = sample_plan();
    let en = plan_text::render(&plan, Lang::En);
    let ja = plan_text::render(&plan, Lang::Ja);
    assert!(en.contains("Change plan v1 → v2"));
    assert!(en.contains("[high] fw.ha: HA member"));
    assert!(ja.contains("変更計画書"));
    assert!(ja.contains("[高] fw.ha"));
    assert!(ja.contains("切り戻し:"));
    let md = plan_markdown::render(&plan, Lang::Ja);
    assert!(md.contains("| `fw1` |"));
    assert!(md.contains("**事前確認**"));
    for step in every_step(&plan) {
        assert!(en.contains(&step), "text lacks {step}");
        assert!(md.contains(&step), "markdown lacks {step}");
    }
}

#[test]
fn html_is_self_contained_and_holds_every_step() {
    let plan = sample_plan();
    for lang in [Lang::En, Lang::Ja] {
        let html = plan_html::render(&plan, lang);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains(" src=") && !html.contains("<link"));
        assert!(html.contains("<svg"), "blast radius picture");
        for step in every_step(&plan) {
            assert!(html.contains(&escape::html(&step)), "html lacks {step}");
        }
    }
    let ja = plan_html::render(&plan, Lang::Ja);
    assert!(ja.contains("<span class=\"badge r-high\">高</span>"));
    assert!(ja.contains("<html lang=\"ja\">"));
}

#[test]
fn xlsx_reads_back_with_every_step() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let plan = sample_plan();
    let bytes = plan_xlsx::render(&plan, Lang::Ja).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["作業手順書", "概要"]);
    let range = book.worksheet_range("作業手順書").unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(cells[..5], ["No.", "段階", "機器", "グループ", "作業種別"]);
    for step in every_step(&plan) {
        assert!(cells.iter().any(|c| c.contains(&step)), "xlsx lacks {step}");
    }
    let rows = plan_rows::rows(&plan);
    assert_eq!(range.height(), rows.len() + 1);
    assert!(cells.iter().filter(|c| *c == "☐").count() == rows.len());
}

#[test]
fn junit_and_sarif_mark_blocking_findings() {
    let plan = sample_plan();
    let verdict = evaluate(
        &plan,
        &GateInput {
            body_hash: &plan.hash,
            recomputed_hash: &plan.hash,
            approvals: &[],
            fail_on: Risk::High,
        },
    );
    assert!(!verdict.passed());
    let junit = junit::render(&plan, &verdict, Risk::High);
    assert!(junit.contains("<testcase classname=\"henko.device.fw1\" name=\"fw1\">"));
    assert!(junit.contains("missing approval by network-lead"));
    let sarif: serde_json::Value =
        serde_json::from_str(&sarif::render(&plan, &verdict, Risk::High)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ha = results.iter().find(|r| r["ruleId"] == "fw.ha").unwrap();
    assert_eq!(ha["level"], "error");
    assert_eq!(
        ha["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "configs/fw1.cfg"
    );
    assert_eq!(
        ha["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let mut plan = sample_plan();
    let template = plan.devices[0].clone();
    for i in 0..3000 {
        let mut device = template.clone();
        device.name = format!("leaf{i:03}");
        device.steps.apply = (0..40)
            .map(|n| format!("interface Ethernet{n}\n description x{i}"))
            .collect();
        plan.devices.push(device);
    }
    let md = plan_markdown::render(&plan, Lang::En);
    assert!(md.len() <= plan_markdown::MAX_COMMENT_BYTES, "{}", md.len());
    assert!(md.contains("more device(s) are left out"));
    assert!(md.contains("| `leaf000` |"));
    assert!(md.contains("more row(s)"));
    // Findings keep the highest risk first.
    assert!(md.contains("fw.ha: HA member"));
}

#[test]
fn whole_sections_show_their_body() {
    let mut plan = sample_plan();
    plan.devices[0].changes.push(crate::plan::PlanChange {
        op: "add".into(),
        path: vec!["router bgp 65001".into()],
        after: Some("router bgp 65001".into()),
        category: "config".into(),
        body: vec![
            " neighbor 10.0.0.2 remote-as 65002".into(),
            "  description <peer>".into(),
        ],
        ..Default::default()
    });
    let text = plan_text::render(&plan, Lang::En);
    assert!(text.contains("    + router bgp 65001\n    +  neighbor 10.0.0.2 remote-as 65002\n"));
    let md = plan_markdown::render(&plan, Lang::En);
    assert!(md.contains("+   description <peer>"));
    let html = plan_html::render(&plan, Lang::En);
    assert!(html.contains(
        "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n  description &lt;peer&gt;"
    ));
}

/// A plan of `count` leaf switches getting the same NTP server (their own
/// names in the apply lines), plus the sample plan's own devices.
fn fleet_plan(count: usize) -> crate::plan::Plan {
    let mut plan = sample_plan();
    let template = plan.devices[0].clone();
    for i in 0..count {
        let mut device = template.clone();
        device.name = format!("leaf{i:05}");
        device.config = format!("configs/leaf{i:05}.cfg");
        device.wave = if i < count / 2 { 2 } else { 3 };
        device.steps = crate::plan::Steps {
            precheck: vec!["show ntp associations".into()],
            apply: vec![
                format!("snmp-server location {}", device.name),
                "ntp server 10.0.0.40".into(),
            ],
            verify: vec!["show ntp associations".into()],
            rollback: vec!["no ntp server 10.0.0.40".into()],
        };
        plan.devices.push(device);
    }
    // Rollback: the last wave first, as `plan::order` writes it.
    let mut order: Vec<(u32, String)> = plan
        .devices
        .iter()
        .map(|d| (d.wave, d.name.clone()))
        .collect();
    order.sort_by(|a, b| b.cmp(a));
    plan.rollback_order = order.into_iter().map(|(_, name)| name).collect();
    plan
}

#[test]
fn markdown_of_ten_thousand_devices_fits_one_comment_with_its_groups() {
    let plan = fleet_plan(10_000);
    for lang in [Lang::En, Lang::Ja] {
        let md = plan_markdown::render(&plan, lang);
        assert!(
            md.chars().count() < 65_000,
            "{lang:?}: {}",
            md.chars().count()
        );
        assert!(md.len() <= plan_markdown::MAX_COMMENT_BYTES, "{}", md.len());
        // The shared procedure is shown once, with placeholders.
        assert_eq!(
            md.matches("snmp-server location {device}").count(),
            1,
            "{lang:?}"
        );
        assert!(md.ends_with(&format!("`{}`</sub>\n", plan.schema)));
        // The rollback order is one line per wave, not 10 000 names.
        assert!(md.lines().all(|l| l.len() < 2_000), "a line is too long");
    }
    let en = plan_markdown::render(&plan, Lang::En);
    assert!(en.contains("### Device groups (the same procedure)"));
    assert!(en.contains("_same procedure as group 1_"));
    let waves: Vec<&str> = en.lines().filter(|l| l.starts_with("- Wave ")).collect();
    assert!(
        en.contains("- Wave 3 (5001 devices): `leaf09999` → "),
        "{waves:?}"
    );
    assert!(en.contains("10000 devices (ios)"), "{}", &en[..2000]);
    assert!(en.contains("… and 9988 more"));
    assert!(en.contains("(+"), "the rollback waves are summarised");
    let ja = plan_markdown::render(&plan, Lang::Ja);
    assert!(ja.contains("同一手順のデバイスグループ"));
}

#[test]
fn text_and_html_show_each_fleet_group_once() {
    let plan = fleet_plan(50);
    let text = plan_text::render(&plan, Lang::En);
    assert_eq!(text.matches("snmp-server location {device}").count(), 1);
    assert!(text.contains("Device groups (the same procedure)"));
    assert!(text.contains("(same procedure as group 1)"));
    assert!(
        text.contains("\n  Wave 3: leaf00049 → "),
        "rollback order per wave"
    );
    let html = plan_html::render(&plan, Lang::En);
    assert!(html.contains("id=\"group-1\""));
    assert_eq!(html.matches("snmp-server location {device}").count(), 1);
    // Every device keeps its own full procedure in the HTML.
    assert!(html.contains("snmp-server location leaf00049"));
    let ja = plan_text::render(&plan, Lang::Ja);
    assert!(ja.contains("グループ 1 と同じ手順"));
}

#[test]
fn xlsx_keeps_one_row_per_device_and_marks_its_group() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let plan = fleet_plan(50);
    let bytes = plan_xlsx::render(&plan, Lang::Ja).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("作業手順書").unwrap();
    let text = |row: &[Data], col: usize| match &row[col] {
        Data::String(s) => s.clone(),
        _ => String::new(),
    };
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(text(rows[0], 3), "グループ");
    // Every step of every device is a row of its own, ticked on its own.
    assert_eq!(rows.len(), plan_rows::rows(&plan).len() + 1);
    let leaf_rows: Vec<&&[Data]> = rows
        .iter()
        .filter(|r| text(r, 2).starts_with("leaf"))
        .collect();
    assert!(leaf_rows.len() >= 50 * 4, "{}", leaf_rows.len());
    // … and the 50 leaves name the one group they share.
    assert!(leaf_rows.iter().all(|r| text(r, 3) == "1 (50 台)"));
    // The sample plan's own devices are not in the leaves' group.
    assert!(rows
        .iter()
        .filter(|r| !text(r, 2).starts_with("leaf"))
        .all(|r| text(r, 3) != "1 (50 台)"));
}

#[test]
fn japanese_reports_show_manual_steps_in_japanese() {
    let mut plan = sample_plan();
    let step = "remove `crypto key generate rsa` at top level: key material is generated or imported on the device, never pasted from a plan";
    let ja = "鍵は機器上で生成またはインポートします。計画書から貼り付けることはしません";
    let device = plan.devices[0].name.clone();
    plan.devices[0].manual.push(step.to_string());
    plan.manual.push(crate::plan::ManualStep {
        device,
        text: step.to_string(),
    });
    // A script's manual step with its Japanese words.
    let scripted = crate::script::Step {
        phase: crate::script::Phase::Rollback,
        kind: crate::script::StepKind::Manual,
        text: "vSphere Client: set lockdown mode back to normal".into(),
        text_ja: Some("vSphere Client でロックダウンモードを通常に戻す".into()),
        ..crate::script::Step::default()
    };
    plan.devices[0]
        .manual
        .push(crate::plan::manual_text(&scripted));
    plan.devices[0].actions.push(scripted);
    let english = "never pasted from a plan";
    let text = plan_text::render(&plan, Lang::Ja);
    assert!(
        text.contains("切り戻し: vSphere Client でロックダウンモードを通常に戻す"),
        "{text}"
    );
    assert!(!text.contains("set lockdown mode back"), "{text}");
    for (name, report) in [
        ("text", plan_text::render(&plan, Lang::Ja)),
        ("markdown", plan_markdown::render(&plan, Lang::Ja)),
        ("html", plan_html::render(&plan, Lang::Ja)),
    ] {
        assert!(report.contains(ja), "{name} lacks the Japanese step");
        assert!(
            !report.contains(english),
            "{name} still has the English step"
        );
    }
    assert!(plan_text::render(&plan, Lang::En).contains(step));
    for sheet in ["作業手順書", "概要"] {
        let cells = xlsx_cells(plan_xlsx::render(&plan, Lang::Ja).unwrap(), sheet);
        assert!(cells.iter().any(|c| c.contains(ja)), "{sheet}");
        assert!(!cells.iter().any(|c| c.contains(english)), "{sheet}");
    }
}

/// The text cells of worksheet `sheet` of an xlsx file, row by row.
fn xlsx_cells(bytes: Vec<u8>, sheet: &str) -> Vec<String> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Each device's steps in the order an operator works through them,
/// straight from the plan's fields: prechecks, apply lines, manual steps,
/// verifications.
fn forward_procedure(plan: &crate::plan::Plan) -> Vec<String> {
    plan.devices
        .iter()
        .flat_map(|d| {
            d.steps
                .precheck
                .iter()
                .chain(&d.steps.apply)
                .chain(&d.manual)
                .chain(&d.steps.verify)
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Asserts that `steps` occur in `report` in this order (each found after
/// the one before it).
fn assert_in_order(name: &str, report: &str, steps: &[String]) {
    let mut at = 0;
    for step in steps {
        match report[at..].find(step.as_str()) {
            Some(found) => at += found + step.len(),
            None => panic!("{name}: `{step}` missing or out of order"),
        }
    }
}

#[test]
fn every_format_shows_the_same_steps_in_the_same_order() {
    let mut plan = sample_plan();
    // Every device its own verification (so no fleet group hides a
    // device's steps behind its group's) and a manual step, so the order
    // of manual steps against the verifications shows.
    for (i, device) in plan.devices.iter_mut().enumerate() {
        device.steps.verify.push(format!("show interfaces Gi0/{i}"));
        if !device.steps.apply.is_empty() {
            device.manual.push(format!("call the NOC about port {i}"));
        }
    }
    assert!(plan_groups::group(&plan, plan_groups::GROUP_MIN)
        .groups
        .is_empty());
    let forward = forward_procedure(&plan);
    assert!(forward.len() >= 5, "{forward:?}");
    let html = plan_html::render(&plan, Lang::En);
    // The device sections (the procedure table further down repeats them).
    let sections = &html[..html.find("id=\"procedure\"").unwrap()];
    let xlsx = xlsx_cells(
        plan_xlsx::render(&plan, Lang::En).unwrap(),
        "Work procedure",
    );
    let escaped: Vec<String> = forward.iter().map(|s| escape::html(s)).collect();
    for (name, report, steps) in [
        ("text", plan_text::render(&plan, Lang::En), &forward),
        ("markdown", plan_markdown::render(&plan, Lang::En), &forward),
        ("html sections", sections.to_string(), &escaped),
        (
            "html procedure",
            html[sections.len()..].to_string(),
            &escaped,
        ),
        ("xlsx", xlsx.join("\n"), &forward),
    ] {
        assert_in_order(name, &report, steps);
        // The rollback blocks: in the sections after the device's
        // verifications, in the procedure at the end in rollback order.
        for device in &plan.devices {
            for line in &device.steps.rollback {
                let line = if name.starts_with("html") {
                    escape::html(line)
                } else {
                    line.clone()
                };
                assert!(report.contains(&line), "{name} lacks {line}");
            }
        }
    }
}

#[test]
fn every_format_shows_a_fleet_groups_steps_in_the_same_order() {
    let plan = fleet_plan(50);
    // The leaves' procedure as `fleet_plan` writes it, in working order.
    let shared = |name: &str| -> Vec<String> {
        [
            "show ntp associations".to_string(),
            format!("snmp-server location {name}"),
            "ntp server 10.0.0.40".to_string(),
            "show ntp associations".to_string(),
        ]
        .to_vec()
    };
    let group = shared("{device}");
    let text = plan_text::render(&plan, Lang::En);
    let at = text.find("Device groups").unwrap();
    assert_in_order("text group", &text[at..], &group);
    let md = plan_markdown::render(&plan, Lang::En);
    let at = md.find("### Device groups").unwrap();
    assert_in_order("markdown group", &md[at..], &group);
    let html = plan_html::render(&plan, Lang::En);
    let at = html.find("id=\"group-1\"").unwrap();
    assert_in_order("html group", &html[at..], &group);
    let at = html.find("id=\"device-leaf00007\"").unwrap();
    assert_in_order("html device", &html[at..], &shared("leaf00007"));
    // The xlsx keeps each leaf's own rows, in the same order.
    let xlsx = xlsx_cells(
        plan_xlsx::render(&plan, Lang::En).unwrap(),
        "Work procedure",
    );
    let first = xlsx.iter().position(|c| c == "leaf00007").unwrap();
    assert_in_order("xlsx", &xlsx[first..].join("\n"), &shared("leaf00007"));
}
