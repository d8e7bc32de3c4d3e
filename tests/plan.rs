//! `henko plan`, `plan merge`, `approve` and `check` end to end: the plan
//! JSON contract, the reports, shard+merge hash equality, and the CI gate
//! (fresh, approved, under the threshold).

use crate::common::TestEnv;
use serde_json::Value;

const INVENTORY: &str = "\
devices:
  - name: core1
    kind: router
    platform: ios
    site: west
    env: prod
    config: configs/core1.cfg
  - name: core2
    kind: router
    platform: ios
    site: east
    env: standby
    pair: core1
    config: configs/core2.cfg
  - name: fw1
    kind: firewall
    platform: fortios
    site: west
    env: prod
    depends_on: [core1]
    config: configs/fw1.conf
  - name: app1
    kind: vm
    platform: vmware
    site: west
    env: prod
    depends_on: [fw1]
    config: vms/app1.yaml
  - name: web1
    kind: server
    platform: linux
    site: west
    env: prod
    depends_on: [app1]
    config: servers/web1.conf
";

/// The secret value that must never appear in any output.
const SECRET_OLD: &str = "$1$mERr$OldSecretValue0123";
const SECRET_NEW: &str = "$1$mERr$NewSecretValue4567";

fn core(description: &str, secret: &str, extra: &str) -> String {
    format!(
        "hostname core\n!\nenable secret 5 {secret}\n!\ninterface GigabitEthernet0/1\n description {description}\n ip address 10.0.0.1 255.255.255.0\n!\n{extra}end\n"
    )
}

const FW_V1: &str = "config system global\n    set hostname \"fw1\"\nend\nconfig firewall address\n    edit \"web\"\n        set subnet 10.1.0.10 255.255.255.255\n    next\nend\n";
const FW_V2: &str = "config system global\n    set hostname \"fw1\"\nend\nconfig firewall address\n    edit \"web\"\n        set subnet 10.1.0.20 255.255.255.255\n    next\nend\n";

/// Rules: core1 is risky and needs the network lead; every device gets a
/// precheck and a verification; the VM gets script-made apply/rollback.
const RULES: &str = r#"
fn on_device(ctx) {
    ctx.precheck("show running-config | include " + ctx.name);
    ctx.verify("show logging | last 20");
    if ctx.name == "core1" {
        ctx.risk("high", "test.core-change", "core router of the West centre changes");
        ctx.require_approval("network-lead", "core routing");
    }
    if ctx.name == "app1" {
        ctx.apply("govc vm.change -vm app1 -c 4");
        ctx.rollback("govc vm.change -vm app1 -c 2");
    }
}
fn on_plan(ctx) {
    ctx.note("change window 22:00-23:00");
}
"#;

const RISK_ONLY: &str = r#"
fn on_device(ctx) {
    if ctx.name == "core1" {
        ctx.risk("high", "test.core-change", "core router changes");
    }
}
"#;

const BROKEN: &str = r#"
fn on_device(ctx) {
    let x = 1 / 0;
}
"#;

/// Two snapshot folders, rule folders, and an empty store for approvals.
fn setup() -> TestEnv {
    let env = TestEnv::new();
    for (side, description, secret, extra, fw, cpu) in [
        ("v1", "uplink-old", SECRET_OLD, "", FW_V1, 2),
        (
            "v2",
            "uplink-new",
            SECRET_NEW,
            "ip route 0.0.0.0 0.0.0.0 10.0.0.254\n!\n",
            FW_V2,
            4,
        ),
    ] {
        env.write(format!("{side}/inventory.yaml"), INVENTORY);
        env.write(
            format!("{side}/configs/core1.cfg"),
            core(description, secret, extra),
        );
        env.write(
            format!("{side}/configs/core2.cfg"),
            core(description, secret, extra),
        );
        env.write(format!("{side}/configs/fw1.conf"), fw);
        env.write(
            format!("{side}/vms/app1.yaml"),
            format!("name: app1\ncpu: {cpu}\nmemory_gb: 8\n"),
        );
        env.write(format!("{side}/servers/web1.conf"), "PermitRootLogin no\n");
    }
    env.write("rules/test.rhai", RULES);
    env.write("risk/risk.rhai", RISK_ONLY);
    env.write("broken/broken.rhai", BROKEN);
    env.henko().args(["init", "store"]).assert().success();
    env
}

/// Runs `henko plan v1 v2` with the test rules and returns the plan JSON.
fn plan(env: &TestEnv, rules: &str, out: &str, extra: &[&str]) -> Value {
    env.henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            rules,
            "-o",
            out,
        ])
        .args(extra)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(env.join(out)).unwrap()).unwrap()
}

fn check(env: &TestEnv, file: &str, extra: &[&str]) -> (i32, String) {
    let output = env
        .henko()
        .args(["--repo", "store", "check", file])
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

fn approve(env: &TestEnv, file: &str, by: &str, role: &str) {
    env.henko()
        .args([
            "--repo", "store", "approve", file, "--by", by, "--role", role,
        ])
        .args(["--comment", "looks right"])
        .assert()
        .success();
}

/// Every step string of every device.
fn steps(plan: &Value) -> Vec<String> {
    let mut all = Vec::new();
    for device in plan["devices"].as_array().unwrap() {
        for kind in ["precheck", "apply", "verify", "rollback"] {
            for step in device["steps"][kind].as_array().unwrap() {
                all.push(step.as_str().unwrap().to_string());
            }
        }
    }
    all
}

#[test]
fn plan_json_has_the_contract_keys() {
    let env = setup();
    let plan = plan(&env, "rules", "plan.json", &[]);
    for key in [
        "schema",
        "from",
        "to",
        "hash",
        "risk",
        "devices",
        "impact",
        "approvals_required",
        "waves",
        "findings",
        "manual",
        "script_failures",
    ] {
        assert!(plan.get(key).is_some(), "plan lacks {key}");
    }
    assert_eq!(plan["schema"], "henko.plan/v1");
    assert_eq!(plan["risk"], "high");
    assert_eq!(plan["from"]["rev"], "v1");
    assert!(plan["to"]["commit"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(plan["hash"].as_str().unwrap().len(), 64);
    let names: Vec<&str> = plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    // standby (East) before production (West); core1 before what depends on it.
    assert_eq!(names.first(), Some(&"core2"));
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("core1") < pos("fw1") && pos("fw1") < pos("app1"));
    for device in plan["devices"].as_array().unwrap() {
        for key in [
            "name", "platform", "site", "env", "wave", "changes", "findings", "steps",
        ] {
            assert!(device.get(key).is_some(), "device lacks {key}");
        }
        for kind in ["precheck", "apply", "verify", "rollback"] {
            assert!(device["steps"][kind].is_array());
        }
    }
    let app = plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "app1")
        .unwrap();
    assert_eq!(app["steps"]["apply"][0], "govc vm.change -vm app1 -c 4");
    assert_eq!(app["steps"]["rollback"][0], "govc vm.change -vm app1 -c 2");
    let impact: Vec<&str> = plan["impact"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["device"].as_str().unwrap())
        .collect();
    assert!(impact.contains(&"web1"), "{impact:?}");
    assert_eq!(plan["approvals_required"][0]["role"], "network-lead");
}

#[test]
fn approve_then_check_passes() {
    let env = setup();
    plan(&env, "rules", "plan.json", &[]);
    let (code, text) = check(&env, "plan.json", &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("missing approval by network-lead"), "{text}");
    approve(&env, "plan.json", "Taro Yamada", "network-lead");
    let (code, text) = check(
        &env,
        "plan.json",
        &["--junit", "junit.xml", "--sarif", "out.sarif"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("check passed"), "{text}");
    assert!(std::fs::read_to_string(env.join("junit.xml"))
        .unwrap()
        .contains("<testsuites"));
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(env.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // The approval is a commit on the approvals ref.
    let log = env.git(&["-C", "store", "log", "--format=%s", "refs/henko/approvals"]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("as network-lead by Taro Yamada"), "{log}");
}

#[test]
fn editing_one_byte_makes_the_plan_stale() {
    let env = setup();
    plan(&env, "rules", "plan.json", &[]);
    approve(&env, "plan.json", "Taro Yamada", "network-lead");
    let text = std::fs::read_to_string(env.join("plan.json")).unwrap();
    let edited = text.replacen("uplink-new", "uplink-neW", 1);
    assert_ne!(text, edited);
    env.write("edited.json", edited);
    let (code, out) = check(&env, "edited.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale"), "{out}");
}

#[test]
fn a_changed_snapshot_makes_the_plan_stale() {
    let env = setup();
    plan(&env, "rules", "plan.json", &[]);
    approve(&env, "plan.json", "Taro Yamada", "network-lead");
    env.write("v2/servers/web1.conf", "PermitRootLogin yes\n");
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale: FROM/TO now give plan"), "{out}");
}

#[test]
fn approval_in_the_wrong_role_fails() {
    let env = setup();
    plan(&env, "rules", "plan.json", &[]);
    approve(&env, "plan.json", "Hanako Sato", "security");
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing approval by network-lead"), "{out}");
}

#[test]
fn risk_over_fail_on_needs_an_approval() {
    let env = setup();
    plan(&env, "risk", "plan.json", &[]);
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("unapproved high risk on core1"), "{out}");
    let (code, out) = check(&env, "plan.json", &["--fail-on", "critical"]);
    assert_eq!(code, 0, "{out}");
    approve(&env, "plan.json", "Taro Yamada", "reviewer");
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn check_rejects_bad_input_with_exit_2() {
    let env = setup();
    env.write("junk.json", "{not json");
    let (code, _) = check(&env, "junk.json", &[]);
    assert_eq!(code, 2);
    plan(&env, "rules", "plan.json", &[]);
    let (code, _) = check(&env, "plan.json", &["--fail-on", "severe"]);
    assert_eq!(code, 2);
}

#[test]
fn merged_shards_hash_like_the_unsharded_plan() {
    let env = setup();
    let whole = plan(&env, "rules", "plan.json", &[]);
    let mut parts = Vec::new();
    for i in 1..=3 {
        let file = format!("part{i}.json");
        let part = plan(&env, "rules", &file, &["--shard", &format!("{i}/3")]);
        assert_eq!(part["meta"]["shard"], format!("{i}/3"));
        parts.push(file);
    }
    env.henko()
        .args(["plan", "merge"])
        .args(&parts)
        .args([
            "--no-default-scripts",
            "--scripts",
            "rules",
            "-o",
            "merged.json",
        ])
        .assert()
        .success();
    let merged: Value =
        serde_json::from_slice(&std::fs::read(env.join("merged.json")).unwrap()).unwrap();
    assert_eq!(merged["hash"], whole["hash"]);
    assert_eq!(merged["devices"], whole["devices"]);
    // A merged plan checks like the unsharded one.
    approve(&env, "merged.json", "Taro Yamada", "network-lead");
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 0, "{out}");
    // A missing part is refused.
    env.henko()
        .args([
            "plan",
            "merge",
            "part1.json",
            "part2.json",
            "--no-default-scripts",
        ])
        .assert()
        .code(2);
}

#[test]
fn a_failing_script_exits_2_unless_keep_going() {
    let env = setup();
    env.henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            "broken",
        ])
        .assert()
        .code(2);
    let plan = plan(&env, "broken", "plan.json", &["--keep-going"]);
    assert!(!plan["script_failures"].as_array().unwrap().is_empty());
    let (code, out) = check(&env, "plan.json", &["--fail-on", "none"]);
    assert_eq!(code, 1, "{out}");
}

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
