//! Intended configuration end to end: `render`, `compliance`, and
//! `plan/diff --intended` on sheets, templates and backups built here
//! (ios, nxos, fortios). Expected commands are written by hand from the
//! vendors' configuration syntax.

use crate::common::TestEnv;
use serde_json::Value;

mod verify;

const INVENTORY: &str = "\
devices:
  - name: w-sw1
    kind: switch
    platform: ios
    site: west
    config: configs/w-sw1.cfg
  - name: e-sw1
    kind: switch
    platform: nxos
    site: east
    config: configs/e-sw1.cfg
  - name: w-fw1
    kind: firewall
    platform: fortios
    site: west
    config: configs/w-fw1.conf
  - name: vlans
    kind: service
    platform: xlsx
    config: sheets/vlans.xlsx
    key: VLAN ID
";

const FEATURES: &str = "\
templates:
  - name: vlans
    file: vlans.j2
    kind: switch
    scope: [\"vlan *\", \"interface Vlan*\"]
  - name: addresses
    file: addresses.j2
    platform: fortios
    scope: [\"config firewall address\"]
";

/// VLANs and SVIs of the device's own site's worksheet.
const VLANS_J2: &str = "\
{% set sheet = '西センター' if device.site == 'west' else '東センター' %}
{% for r in sheets.vlans[sheet] | sort(attribute='VLAN ID') %}
vlan {{ r['VLAN ID'] }}
 name {{ r['名前'] }}
{% endfor %}
{% for r in sheets.vlans[sheet] if r['ゲートウェイ'] %}
interface Vlan{{ r['VLAN ID'] }}
 description {{ r['名前'] }}
 ip address {{ r['ゲートウェイ'] }} {{ r['サブネット'] | netmask }}
{% endfor %}
";

const ADDRESSES_J2: &str = "\
config firewall address
{% for r in sheets.addresses %}
    edit \"{{ r['名前'] }}\"
        set subnet {{ r['サブネット'] | network }} {{ r['サブネット'] | netmask }}
    next
{% endfor %}
end
";

/// One worksheet: (name, rows of VLAN ID, 名前, サブネット, ゲートウェイ).
type Sheet<'a> = (&'a str, &'a [(u32, &'a str, &'a str, &'a str)]);

fn workbook(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (c, h) in ["VLAN ID", "名前", "サブネット", "ゲートウェイ"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, (id, name, subnet, gw)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_number(r, 0, f64::from(*id)).unwrap();
            ws.write_string(r, 1, *name).unwrap();
            ws.write_string(r, 2, *subnet).unwrap();
            if !gw.is_empty() {
                ws.write_string(r, 3, *gw).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const WEST_V1: &[(u32, &str, &str, &str)] = &[
    (10, "MGMT", "10.1.10.0/24", ""),
    (20, "USERS", "10.1.20.0/24", "10.1.20.1"),
    (30, "OLD", "10.1.30.0/24", "10.1.30.1"),
];
// 30 deleted, 20 renamed, 120 added.
const WEST_V2: &[(u32, &str, &str, &str)] = &[
    (10, "MGMT", "10.1.10.0/24", ""),
    (20, "STAFF", "10.1.20.0/24", "10.1.20.1"),
    (120, "WEB", "10.1.120.0/24", "10.1.120.1"),
];
const EAST: &[(u32, &str, &str, &str)] = &[(10, "MGMT", "10.2.10.0/24", "")];

const W_SW1: &str = "\
hostname w-sw1
!
vlan 10
 name MGMT
!
vlan 20
 name USERS
!
vlan 30
 name OLD
!
interface GigabitEthernet0/1
 description uplink
 switchport mode trunk
!
interface Vlan20
 description USERS
 ip address 10.1.20.1 255.255.255.0
!
interface Vlan30
 description OLD
 ip address 10.1.30.1 255.255.255.0
!
ip route 0.0.0.0 0.0.0.0 10.1.10.254
";

const E_SW1: &str = "\
hostname e-sw1
vlan 10
  name MGMT
interface Ethernet1/1
  description uplink
";

const W_FW1: &str = "\
config system global
    set hostname \"w-fw1\"
end
config firewall address
    edit \"WEB\"
        set subnet 192.0.2.0 255.255.255.0
    next
end
";

/// Writes one snapshot folder: backups, templates, sheets.
fn snapshot(env: &TestEnv, folder: &str, west: &[(u32, &str, &str, &str)], addresses: &str) {
    env.write(format!("{folder}/inventory.yaml"), INVENTORY);
    env.write(format!("{folder}/templates/templates.yaml"), FEATURES);
    env.write(format!("{folder}/templates/vlans.j2"), VLANS_J2);
    env.write(format!("{folder}/templates/addresses.j2"), ADDRESSES_J2);
    env.write(
        format!("{folder}/sheets/vlans.xlsx"),
        workbook(&[("西センター", west), ("東センター", EAST)]),
    );
    env.write(format!("{folder}/sheets/addresses.csv"), addresses);
    env.write(format!("{folder}/configs/w-sw1.cfg"), W_SW1);
    env.write(format!("{folder}/configs/e-sw1.cfg"), E_SW1);
    env.write(format!("{folder}/configs/w-fw1.conf"), W_FW1);
}

const ADDRESSES_V1: &str = "名前,サブネット\nWEB,192.0.2.0/24\n";
const ADDRESSES_V2: &str = "名前,サブネット\nWEB,192.0.2.0/24\nDB,198.51.100.0/25\n";

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn render_writes_the_intended_part_of_each_templated_device() {
    let env = TestEnv::new();
    snapshot(&env, "snap", WEST_V2, ADDRESSES_V2);
    let out = env
        .henko()
        .args(["render", "snap", "-o", "out"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("3 templated device(s)"), "{summary}");
    let sw1 = std::fs::read_to_string(env.join("out/configs/w-sw1.cfg")).unwrap();
    assert_eq!(
        sw1,
        "vlan 10\n name MGMT\nvlan 20\n name STAFF\nvlan 120\n name WEB\n\
         interface Vlan20\n description STAFF\n ip address 10.1.20.1 255.255.255.0\n\
         interface Vlan120\n description WEB\n ip address 10.1.120.1 255.255.255.0\n"
    );
    // East reads its own worksheet.
    let east = std::fs::read_to_string(env.join("out/configs/e-sw1.cfg")).unwrap();
    assert_eq!(east, "vlan 10\n name MGMT\n");
    let fw = std::fs::read_to_string(env.join("out/configs/w-fw1.conf")).unwrap();
    assert!(
        fw.contains("    edit \"DB\"\n        set subnet 198.51.100.0 255.255.255.128\n"),
        "{fw}"
    );
    let listed = env
        .henko()
        .args(["render", "snap", "--device", "w-*", "--format", "json"])
        .output()
        .unwrap();
    let names: Vec<String> = json(&listed)["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["w-fw1", "w-sw1"]);
}

#[test]
fn plan_intended_turns_added_renamed_and_deleted_rows_into_commands() {
    let env = TestEnv::new();
    snapshot(&env, "running", WEST_V1, ADDRESSES_V1);
    snapshot(&env, "candidate", WEST_V2, ADDRESSES_V2);
    let out = env
        .henko()
        .args([
            "plan",
            "running",
            "candidate",
            "--intended",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = json(&out);
    assert_eq!(plan["meta"]["intended"], true);
    let device = |name: &str| {
        plan["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in the plan: {plan}"))
    };
    let sw1 = device("w-sw1");
    assert_eq!(sw1["verified"], true, "{sw1}");
    let apply = strings(&sw1["steps"]["apply"]);
    for line in [
        "no vlan 30",
        "no interface Vlan30",
        "vlan 20",
        " name STAFF",
        "vlan 120",
        " name WEB",
        "interface Vlan120",
        " ip address 10.1.120.1 255.255.255.0",
        "interface Vlan20",
        " description STAFF",
    ] {
        assert!(
            apply.iter().any(|l| l == line),
            "missing `{line}` in {apply:#?}"
        );
    }
    // Outside the scope nothing is touched.
    for line in &apply {
        let top = line.trim_start_matches("no ");
        assert!(
            line.starts_with(' ') || top.starts_with("vlan ") || top.starts_with("interface Vlan"),
            "`{line}` is outside the scope: {apply:#?}"
        );
    }
    let causes = sw1["cause"].as_array().expect("cause on w-sw1");
    let described: Vec<(String, String, u64, String)> = causes
        .iter()
        .map(|c| {
            (
                c["worksheet"].as_str().unwrap().to_string(),
                c["key"].as_str().unwrap().to_string(),
                c["row"].as_u64().unwrap(),
                c["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        described.contains(&("西センター".into(), "30".into(), 4, "removed".into())),
        "{causes:?}"
    );
    assert!(
        described.contains(&("西センター".into(), "20".into(), 3, "modified".into())),
        "{causes:?}"
    );
    assert!(
        described.contains(&("西センター".into(), "120".into(), 4, "added".into())),
        "{causes:?}"
    );
    let renamed = causes.iter().find(|c| c["key"] == "20").unwrap();
    assert_eq!(strings(&renamed["cells"]), ["B3"]);
    assert_eq!(renamed["sheet"], "sheets/vlans.xlsx");
    // The FortiGate gets the new address object inside its section.
    let fw = device("w-fw1");
    let apply = strings(&fw["steps"]["apply"]);
    assert!(
        apply.iter().any(|l| l == "config firewall address"),
        "{apply:#?}"
    );
    assert!(apply.iter().any(|l| l == "    edit \"DB\""), "{apply:#?}");
    assert!(
        !apply.iter().any(|l| l.contains("system global")),
        "{apply:#?}"
    );
    assert_eq!(fw["verified"], true);
    // East is already as its sheet says: not in the plan.
    assert!(plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["name"] != "e-sw1"));
    // Text and Markdown show the cause.
    let text = env
        .henko()
        .args(["plan", "running", "candidate", "--intended"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Cause (parameter sheet):"), "{text}");
    assert!(text.contains("sheets/vlans.xlsx 西センター!B3"), "{text}");
}

#[test]
fn diff_intended_shows_the_rendered_side() {
    let env = TestEnv::new();
    snapshot(&env, "running", WEST_V1, ADDRESSES_V1);
    snapshot(&env, "candidate", WEST_V2, ADDRESSES_V1);
    let out = env
        .henko()
        .args([
            "diff",
            "running",
            "candidate",
            "--intended",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = json(&out);
    let names: Vec<&str> = diff["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"w-sw1"), "{diff}");
    assert!(!names.contains(&"w-fw1"), "{diff}");
}

#[test]
fn compliance_exits_0_when_backups_match_and_1_with_the_missing_lines() {
    let env = TestEnv::new();
    snapshot(&env, "drifted", WEST_V1, ADDRESSES_V2);
    let out = env
        .henko()
        .args([
            "compliance",
            "drifted",
            "--format",
            "json",
            "--html",
            "c.html",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let fw = report["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "w-fw1")
        .unwrap()
        .clone();
    assert_eq!(fw["compliant"], false);
    let missing = strings(&fw["features"][0]["missing"]);
    assert!(
        missing.iter().any(|l| l.contains("edit \"DB\"")),
        "{missing:?}"
    );
    let sites = report["sites"].as_array().unwrap();
    let east = sites.iter().find(|s| s["name"] == "east").unwrap();
    assert_eq!(east["percent"], 100.0);
    let vlans = report["features"].as_array().unwrap();
    assert_eq!(vlans[0]["name"], "vlans");
    assert!(std::fs::read_to_string(env.join("c.html"))
        .unwrap()
        .contains("w-fw1"));

    // A snapshot whose backups already are their rendering complies.
    let clean = TestEnv::new();
    snapshot(&clean, "snap", WEST_V1, ADDRESSES_V1);
    clean.write(
        "snap/configs/w-sw1.cfg",
        "hostname w-sw1\nvlan 10\n name MGMT\nvlan 20\n name USERS\nvlan 30\n name OLD\n\
         interface Vlan20\n description USERS\n ip address 10.1.20.1 255.255.255.0\n\
         interface Vlan30\n description OLD\n ip address 10.1.30.1 255.255.255.0\n",
    );
    clean.write(
        "snap/configs/e-sw1.cfg",
        "hostname e-sw1\nvlan 10\n  name MGMT\n",
    );
    let out = clean.henko().args(["compliance", "snap"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("3 of 3 templated device(s) compliant"),
        "{text}"
    );
}

#[test]
fn a_template_error_exits_2_naming_the_template_line() {
    let env = TestEnv::new();
    snapshot(&env, "snap", WEST_V1, ADDRESSES_V1);
    env.write(
        "snap/templates/vlans.j2",
        "{% for r in sheets.vlans %}\nvlan {{ r['VLAN ID'] }\n{% endfor %}\n",
    );
    for args in [
        vec!["render", "snap"],
        vec!["compliance", "snap"],
        vec!["plan", "snap", "snap", "--intended"],
    ] {
        let out = env.henko().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("templates/vlans.j2:2:"), "{args:?}: {err}");
        assert!(err.contains("syntax error"), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_column_exits_2_naming_the_template_line_and_the_sheet_cell() {
    let env = TestEnv::new();
    snapshot(&env, "snap", WEST_V1, ADDRESSES_V1);
    env.write(
        "snap/templates/vlans.j2",
        "{% for r in sheets.vlans['西センター'] %}\nvlan {{ r['VLAN ID'] }}\n name {{ r['名称'] }}\n{% endfor %}\n",
    );
    let out = env.henko().args(["render", "snap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("templates/vlans.j2:3:10"), "{err}");
    // Row 2 of 西センター, the column after the last header cell (D).
    assert!(err.contains("sheets/vlans.xlsx 西センター!E2"), "{err}");
    assert!(err.contains("no column `名称`"), "{err}");
}

#[test]
fn an_empty_required_cell_exits_2_naming_the_cell() {
    let env = TestEnv::new();
    snapshot(&env, "snap", WEST_V1, ADDRESSES_V1);
    env.write(
        "snap/templates/vlans.j2",
        "{% for r in sheets.vlans['西センター'] %}\ninterface Vlan{{ r['VLAN ID'] }}\n ip address {{ r['ゲートウェイ'] }}\n{% endfor %}\n",
    );
    let out = env.henko().args(["render", "snap"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // VLAN 10 (row 2) has no gateway (column D).
    assert!(err.contains("templates/vlans.j2:3:16"), "{err}");
    assert!(err.contains("sheets/vlans.xlsx 西センター!D2"), "{err}");
}

#[test]
fn compliance_remediates_with_the_stores_operator_rules() {
    // The plans' rule tables: the built-in ones with the snapshot's
    // `.henko/platforms/<platform>.yaml` on top, checked like plans check them.
    let env = TestEnv::new();
    snapshot(&env, "drifted", WEST_V1, ADDRESSES_V2);
    env.write("drifted/.henko/platforms/fortios.yaml", "negate: [\n");
    let out = env
        .henko()
        .args(["compliance", "drifted"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".henko/platforms/fortios.yaml"), "{stderr}");
}

#[test]
fn compliance_reports_never_print_a_secret_the_templates_own() {
    let env = TestEnv::new();
    env.write(
        "s/inventory.yaml",
        "devices:\n  - name: r1\n    platform: ios\n    site: west\n    config: configs/r1.cfg\n",
    );
    env.write(
        "s/templates/templates.yaml",
        "templates:\n  - name: snmp\n    file: snmp.j2\n    platform: ios\n    scope: [\"snmp-server community *\"]\n",
    );
    env.write(
        "s/templates/snmp.j2",
        "{% for r in sheets.snmp %}\nsnmp-server community {{ r['community'] }} RO\n{% endfor %}\n",
    );
    env.write("s/sheets/snmp.csv", "community\nN3wS3cretValue\n");
    env.write(
        "s/configs/r1.cfg",
        "hostname r1\nsnmp-server community 0ldS3cretValue RO\n",
    );
    for format in ["text", "json", "markdown"] {
        let out = env
            .henko()
            .args(["compliance", "s", "--format", format, "--html", "c.html"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = std::fs::read_to_string(env.join("c.html")).unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for shown in [text.as_ref(), html.as_str()] {
            assert!(shown.contains("r1"), "{shown}");
            assert!(shown.contains("secret:"), "{format}: {shown}");
            assert!(!shown.contains("N3wS3cretValue"), "{format}: {shown}");
            assert!(!shown.contains("0ldS3cretValue"), "{format}: {shown}");
        }
    }
}
