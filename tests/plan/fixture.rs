//! The plan tests' fixture: two snapshot folders of a small two-site
//! network, rule folders, an approvals store, and helpers to run henko.

use crate::common::TestEnv;
use serde_json::Value;

pub(crate) const INVENTORY: &str = "\
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
pub(crate) const SECRET_OLD: &str = "$1$mERr$OldSecretValue0123";
pub(crate) const SECRET_NEW: &str = "$1$mERr$NewSecretValue4567";

pub(crate) fn core(description: &str, secret: &str, extra: &str) -> String {
    format!(
        "hostname core\n!\nenable secret 5 {secret}\n!\ninterface GigabitEthernet0/1\n description {description}\n ip address 10.0.0.1 255.255.255.0\n!\n{extra}end\n"
    )
}

pub(crate) const FW_V1: &str = "config system global\n    set hostname \"fw1\"\nend\nconfig firewall address\n    edit \"web\"\n        set subnet 10.1.0.10 255.255.255.255\n    next\nend\n";
pub(crate) const FW_V2: &str = "config system global\n    set hostname \"fw1\"\nend\nconfig firewall address\n    edit \"web\"\n        set subnet 10.1.0.20 255.255.255.255\n    next\nend\n";

/// Rules: core1 is risky and needs the network lead; every device gets a
/// precheck and a verification; the VM gets script-made apply/rollback.
pub(crate) const RULES: &str = r#"
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

pub(crate) const RISK_ONLY: &str = r#"
fn on_device(ctx) {
    if ctx.name == "core1" {
        ctx.risk("high", "test.core-change", "core router changes");
    }
}
"#;

pub(crate) const BROKEN: &str = r#"
fn on_device(ctx) {
    let x = 1 / 0;
}
"#;

/// Two snapshot folders, rule folders, and an empty store for approvals.
pub(crate) fn setup() -> TestEnv {
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
pub(crate) fn plan(env: &TestEnv, rules: &str, out: &str, extra: &[&str]) -> Value {
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

/// Runs `henko plan v1 v2 --no-default-scripts` with `args` and returns
/// what it printed; the run must succeed.
pub(crate) fn plan_stdout(env: &TestEnv, args: &[&str]) -> String {
    let out = env
        .henko()
        .args(["plan", "v1", "v2", "--no-default-scripts"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn check(env: &TestEnv, file: &str, extra: &[&str]) -> (i32, String) {
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

pub(crate) fn approve(env: &TestEnv, file: &str, by: &str, role: &str) {
    env.henko()
        .args([
            "--repo", "store", "approve", file, "--by", by, "--role", role,
        ])
        .args(["--comment", "looks right"])
        .assert()
        .success();
}

/// Every step string of every device.
pub(crate) fn steps(plan: &Value) -> Vec<String> {
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
