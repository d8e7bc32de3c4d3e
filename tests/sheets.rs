//! Parameter sheets and site-pair drift, end to end: `henko validate` names
//! the broken cell, `henko plan` carries violations as critical findings and
//! hands scripts the whole table, `henko drift` reports only real drift.

use crate::common::TestEnv;

const SCHEMA: &str = "\
key: VLAN ID
columns:
  VLAN ID: { type: integer, min: 1, max: 4094, required: true }
  名前: { required: true, unique: true }
  サブネット: { type: ipv4-prefix, unique: true }
  ゲートウェイ: { type: ipv4, within: サブネット }
";

const INVENTORY: &str = "\
devices:
  - name: vlans
    kind: service
    platform: csv
    config: sheets/vlans.csv
    key: VLAN ID
";

fn sheet(env: &TestEnv, folder: &str, rows: &str) {
    env.write(format!("{folder}/inventory.yaml"), INVENTORY);
    env.write(format!("{folder}/sheets/vlans.schema.yaml"), SCHEMA);
    env.write(
        format!("{folder}/sheets/vlans.csv"),
        format!("VLAN ID,名前,サブネット,ゲートウェイ\n{rows}"),
    );
}

#[test]
fn validate_names_sheet_row_column_and_cell() {
    let env = TestEnv::new();
    sheet(&env, "good", "120,WEB,10.1.20.0/24,10.1.20.1\n");
    sheet(
        &env,
        "bad",
        "120,WEB,10.1.20.0/24,10.1.99.1\n4095,DB,10.1.30.0/24,10.1.30.1\n",
    );
    env.henko().args(["validate", "good"]).assert().code(0);
    let out = env.henko().args(["validate", "bad"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sheets/vlans.csv"), "{text}");
    assert!(text.contains("cell D2"), "{text}");
    assert!(text.contains("10.1.99.1 is outside 10.1.20.0/24"), "{text}");
    assert!(text.contains("cell A3"), "{text}");
    let json = env
        .henko()
        .args(["validate", "bad", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["violations"].as_array().unwrap().len(), 2, "{value}");
}

#[test]
fn sheet_diff_is_per_cell_and_sorting_changes_nothing() {
    let env = TestEnv::new();
    sheet(
        &env,
        "a",
        "120,WEB,10.1.20.0/24,10.1.20.1\n130,DB,10.1.30.0/24,10.1.30.1\n",
    );
    sheet(
        &env,
        "sorted",
        "130,DB,10.1.30.0/24,10.1.30.1\n120,WEB,10.1.20.0/24,10.1.20.1\n",
    );
    sheet(
        &env,
        "b",
        "130,DB,10.1.30.0/24,10.1.30.1\n120,WEB-DMZ,10.1.20.0/24,10.1.20.1\n",
    );
    let same = env
        .henko()
        .args(["diff", "a", "sorted", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(value["devices"].as_array().unwrap().len(), 0, "{value}");
    let out = env
        .henko()
        .args(["diff", "a", "b", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = value["devices"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{value}");
    assert_eq!(changes[0]["op"], "modify");
    assert_eq!(changes[0]["path"][0], "VLAN ID=120");
    assert_eq!(changes[0]["before"], "名前: WEB");
    assert_eq!(changes[0]["after"], "名前: WEB-DMZ");
}

#[test]
fn plan_carries_violations_as_critical_and_scripts_see_the_table() {
    let env = TestEnv::new();
    sheet(&env, "a", "120,WEB,10.1.20.0/24,10.1.20.1\n");
    sheet(
        &env,
        "b",
        "120,WEB,10.1.20.0/24,10.1.20.1\n130,DB,10.1.30.0/24,10.9.9.9\n",
    );
    env.write(
        "rules/table.rhai",
        r#"
fn on_device(ctx) {
    let names = [];
    for row in ctx.table { names.push(row["名前"]); }
    ctx.note(`rows: ${ctx.table.len()} (${names})`);
}
"#,
    );
    let out = env
        .henko()
        .args([
            "plan",
            "a",
            "b",
            "--format",
            "json",
            "--no-default-scripts",
            "--scripts",
            "rules",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sheet.within"), "{text}");
    let note = plan_note(&text);
    assert!(note.starts_with("rows: 2"), "{note}");
    assert!(note.contains("WEB") && note.contains("DB"), "{note}");
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["risk"], "critical", "{plan}");
}

#[test]
fn drift_reports_only_what_vars_do_not_explain() {
    let env = TestEnv::new();
    env.write(
        "snap/inventory.yaml",
        "\
devices:
  - name: w-rt01
    kind: router
    platform: ios
    site: west
    env: prod
    pair: e-rt01
    vars: { site_prefix: '10.1' }
  - name: e-rt01
    kind: router
    platform: ios
    site: east
    env: standby
    vars: { site_prefix: '10.2' }
",
    );
    env.write(
        "snap/configs/w-rt01.cfg",
        "hostname w-rt01\ninterface Gi1\n ip address 10.1.0.1 255.255.255.0\nntp server 10.1.10.1\n",
    );
    env.write(
        "snap/configs/e-rt01.cfg",
        "hostname e-rt01\ninterface Gi1\n ip address 10.2.0.1 255.255.255.0\nntp server 10.2.10.1\nip route 0.0.0.0 0.0.0.0 192.0.2.1\n",
    );
    let out = env.henko().args(["drift", "snap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("w-rt01 ⇄ e-rt01"), "{text}");
    assert!(
        text.contains("ip route 0.0.0.0 0.0.0.0 192.0.2.1"),
        "{text}"
    );
    assert!(!text.contains("hostname"), "{text}");
    assert!(!text.contains("ntp server"), "{text}");
    env.remove("snap/configs/e-rt01.cfg");
    env.write(
        "snap/configs/e-rt01.cfg",
        "hostname e-rt01\ninterface Gi1\n ip address 10.2.0.1 255.255.255.0\nntp server 10.2.10.1\n",
    );
    env.henko().args(["drift", "snap"]).assert().code(0);
    env.henko()
        .args(["drift", "snap", "--pair", "w-rt01=nobody"])
        .assert()
        .code(2);
}

/// Returns the text of the first note in a plan's JSON.
fn plan_note(json: &str) -> String {
    let plan: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut notes = Vec::new();
    for device in plan["devices"].as_array().unwrap() {
        for finding in device["findings"].as_array().unwrap() {
            if finding["type"] == "note" {
                notes.push(finding["text"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    notes.into_iter().next().unwrap_or_default()
}

#[test]
fn validate_compiles_the_snapshots_own_scripts() {
    let env = TestEnv::new();
    sheet(&env, "snap", "120,WEB,10.1.20.0/24,10.1.20.1\n");
    env.write(
        "snap/scripts/ok.rhai",
        "fn on_device(ctx) { ctx.note(\"ok\"); }\n",
    );
    env.henko().args(["validate", "snap"]).assert().code(0);
    env.write(
        "snap/scripts/bad.rhai",
        "fn on_device(ctx) {\n  let x = ;\n}\n",
    );
    let out = env.henko().args(["validate", "snap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scripts/bad.rhai:2"), "{text}");
}

#[test]
fn validate_checks_drift_rules() {
    let env = TestEnv::new();
    sheet(&env, "snap", "120,WEB,10.1.20.0/24,10.1.20.1\n");
    env.write(
        "snap/.henko/drift.yaml",
        "ignore:\n  - '^snmp-server location'\n",
    );
    env.henko().args(["validate", "snap"]).assert().code(0);
    env.write("snap/.henko/drift.yaml", "ignore:\n  - '(unclosed'\n");
    let out = env.henko().args(["validate", "snap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(".henko/drift.yaml"), "{text}");
    assert!(text.contains("(unclosed"), "{text}");
}
