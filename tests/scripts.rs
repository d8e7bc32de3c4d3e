//! Rule scripts end to end: `henko scripts test` on user rules, hostile
//! scripts stopped with file:line, the shipped rules on demo-like changes,
//! and the same findings whatever the thread count.

use crate::common::TestEnv;
use henko::config::Dialect;
use henko::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
use henko::inventory::{Device, DeviceKind, Env, Inventory};
use henko::script::{
    AssessInput, AssessOptions, Assessment, FindingKind, Level, ScriptOptions, ScriptSet,
};
use std::time::{Duration, Instant};

/// A user rule that flags new syslog targets, and its tests.
const SYSLOG_RULE: &str = r#"
fn on_device(ctx) {
    for c in ctx.changes {
        if c.op == "add" && glob_match(c.text, "logging host *") {
            ctx.risk("low", "local.syslog-added", `new syslog target: ${value_of(c.text, "logging host")}`);
        }
    }
}
"#;

const SYSLOG_TESTS: &str = r#"
device: {name: r1, kind: router, platform: ios, site: west, env: prod}
tests:
  - name: fires
    before: "hostname r1\n"
    after: "hostname r1\nlogging host 10.0.0.1\n"
    expect: [{rule: local.syslog-added, level: low}]
  - name: quiet
    before: "hostname r1\n"
    after: "hostname r2\n"
    absent: [local.syslog-added]
"#;

fn user_rules(env: &TestEnv, script: &str, tests: &str) {
    env.write("rules/local.rhai", script);
    env.write("rules/tests/local.yaml", tests);
}

#[test]
fn user_rule_tests_pass_like_a_test_runner() {
    let env = TestEnv::new();
    user_rules(&env, SYSLOG_RULE, SYSLOG_TESTS);
    let out = env
        .henko()
        .args(["scripts", "test", "rules/tests"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("test local/fires ... ok"), "{stdout}");
    assert!(stdout.contains("test local/quiet ... ok"), "{stdout}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}

#[test]
fn a_failed_expectation_exits_1_and_says_what_fired() {
    let env = TestEnv::new();
    user_rules(
        &env,
        SYSLOG_RULE,
        &SYSLOG_TESTS.replace("level: low", "level: high"),
    );
    let out = env
        .henko()
        .args(["scripts", "test", "rules/tests"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("test local/fires ... FAILED"), "{stdout}");
    assert!(stdout.contains("local.syslog-added (low)"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}

#[test]
fn a_broken_test_file_exits_2_with_its_location() {
    let env = TestEnv::new();
    user_rules(
        &env,
        SYSLOG_RULE,
        "device: {name: r1}\ntests:\n  - name: x\n    expect: [{rule: a, levle: high}]\n",
    );
    let out = env
        .henko()
        .args(["scripts", "test", "rules/tests"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("local.yaml"), "{stderr}");
    assert!(stderr.contains("levle"), "{stderr}");
}

/// Runs `henko scripts test` with `script` as a rule over a one-line
/// change; returns (exit code, stdout + stderr) and checks it is quick.
fn run_hostile(script: &str) -> (Option<i32>, String) {
    let env = TestEnv::new();
    user_rules(&env, script, SYSLOG_TESTS);
    let started = Instant::now();
    let out = env
        .henko()
        .args(["scripts", "test", "rules/tests", "--no-default-scripts"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    // A hang guard, not a performance target.
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "took {:?}",
        started.elapsed()
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn hostile_runtime_scripts_are_stopped_with_file_and_line() {
    let cases = [
        ("fn on_device(ctx) {\n    loop { }\n}\n", "operations"),
        (
            "fn down(n) { down(n + 1) }\nfn on_device(ctx) {\n    down(0);\n}\n",
            "nested deeper",
        ),
        (
            "fn on_device(ctx) {\n    let s = \"ab\";\n    loop { s += s; }\n}\n",
            "string grew past",
        ),
        (
            "fn on_device(ctx) {\n    let n = 1;\n    n.push(\"x\");\n}\n",
            "local.rhai:3:",
        ),
        (
            "fn on_device(ctx) {\n    open(\"/etc/passwd\");\n}\n",
            "open",
        ),
    ];
    for (script, wanted) in cases {
        let (code, text) = run_hostile(script);
        assert_eq!(code, Some(1), "{script}\n{text}");
        assert!(text.contains("local.rhai:"), "names the file: {text}");
        assert!(text.contains("on device r1"), "names the device: {text}");
        assert!(text.contains(wanted), "{wanted}: {text}");
    }
}

#[test]
fn scripts_that_do_not_compile_exit_2_with_file_and_line() {
    let cases = [
        ("fn on_device(ctx) {\n    let x = ;\n}\n", "local.rhai:2:"),
        (
            "fn on_device(ctx) {\n    eval(\"1 + 1\");\n}\n",
            "local.rhai:2:",
        ),
        (
            "import \"../secrets\" as s;\nfn on_device(ctx) {}\n",
            "local.rhai:1:",
        ),
        (
            "import \"/etc/passwd\" as s;\nfn on_device(ctx) {}\n",
            "absolute",
        ),
        (
            "fn on_device(ctx) {\n    undefined_variable + 1;\n}\n",
            "local.rhai:2:",
        ),
    ];
    for (script, wanted) in cases {
        let (code, text) = run_hostile(script);
        assert_eq!(code, Some(2), "{script}\n{text}");
        assert!(text.contains(wanted), "{wanted}: {text}");
    }
}

fn change(op: Op, path: &[&str], before: Option<&str>, after: Option<&str>) -> Change {
    Change::new(
        op,
        path.iter().map(|s| s.to_string()).collect(),
        before.map(str::to_string),
        after.map(str::to_string),
        ChangeCategory::Config,
    )
}

fn device_diff(name: &str, platform: &str, changes: Vec<Change>) -> DeviceDiff {
    DeviceDiff {
        name: name.into(),
        platform: platform.into(),
        dialect: Dialect::for_platform(platform).unwrap_or_default(),
        status: DeviceStatus::Modified,
        config: format!("configs/{name}"),
        changes,
        lines: None,
        warnings: Vec::new(),
    }
}

fn device(name: &str, kind: DeviceKind, platform: &str, site: &str, env: Env) -> Device {
    Device {
        name: name.into(),
        kind,
        platform: platform.into(),
        site: site.into(),
        env,
        ..Device::default()
    }
}

/// A two-site slice of the demo: a BGP neighbour removed, a policy opened,
/// a VM resized, a secret rotated, plus enough devices to make a plan.
fn demo_like() -> (Vec<DeviceDiff>, Inventory) {
    let mut esx = device(
        "esx-west-01",
        DeviceKind::Hypervisor,
        "esxi",
        "west",
        Env::Prod,
    );
    esx.depends_on = vec!["rt-west-01".into()];
    let mut vm = device("vm-web-01", DeviceKind::Vm, "vmware", "west", Env::Prod);
    vm.depends_on = vec!["esx-west-01".into()];
    let mut fw = device(
        "fw-west-01",
        DeviceKind::Firewall,
        "fortios",
        "west",
        Env::Prod,
    );
    fw.pair = Some("fw-east-01".into());
    let inventory = Inventory::new(vec![
        device("rt-west-01", DeviceKind::Router, "ios", "west", Env::Prod),
        device(
            "fw-east-01",
            DeviceKind::Firewall,
            "fortios",
            "east",
            Env::Standby,
        ),
        fw,
        esx,
        vm,
        device(
            "sw-east-01",
            DeviceKind::Switch,
            "eos",
            "east",
            Env::Standby,
        ),
    ]);
    let mut secret = change(
        Op::Modify,
        &["username admin secret 9 <fp:1a2b>"],
        Some("username admin secret 9 <fp:0f0f>"),
        Some("username admin secret 9 <fp:1a2b>"),
    );
    secret.category = ChangeCategory::Secret;
    let mut diffs = vec![
        device_diff(
            "rt-west-01",
            "ios",
            vec![change(
                Op::Remove,
                &["router bgp 65001", "neighbor 10.255.0.2 remote-as 65002"],
                Some("neighbor 10.255.0.2 remote-as 65002"),
                None,
            )],
        ),
        device_diff(
            "fw-west-01",
            "fortios",
            vec![change(
                Op::Modify,
                &["config firewall policy", "edit 12", "set srcaddr \"all\""],
                Some("set srcaddr \"partner-net\""),
                Some("set srcaddr \"all\""),
            )],
        ),
        device_diff(
            "vm-web-01",
            "vmware",
            vec![
                change(
                    Op::Modify,
                    &["num_cpus: 8"],
                    Some("num_cpus: 4"),
                    Some("num_cpus: 8"),
                ),
                change(
                    Op::Modify,
                    &["memory_mb: 16384"],
                    Some("memory_mb: 8192"),
                    Some("memory_mb: 16384"),
                ),
            ],
        ),
        device_diff("sw-east-01", "eos", vec![secret]),
    ];
    // Lots of ordinary devices, so thread timing has something to disturb.
    for i in 0..40 {
        diffs.push(device_diff(
            &format!("leaf-{i:02}"),
            "eos",
            vec![change(Op::Add, &["vlan 150"], None, Some("vlan 150"))],
        ));
    }
    (diffs, inventory)
}

fn shipped() -> ScriptSet {
    ScriptSet::load(&ScriptOptions {
        builtin: true,
        ..ScriptOptions::default()
    })
    .expect("shipped rules compile")
}

fn assess(set: &ScriptSet, diffs: &[DeviceDiff], inventory: &Inventory) -> Assessment {
    let input = AssessInput {
        tables: &Default::default(),
        devices: diffs,
        inventory,
        inventory_from: inventory,
    };
    set.assess(&input, &AssessOptions::default())
}

fn risk_of(assessment: &Assessment, device: &str, rule: &str) -> Option<Level> {
    assessment.findings.iter().find_map(|f| match &f.kind {
        FindingKind::Risk { level, rule: r, .. }
            if r == rule && f.device.as_deref() == Some(device) =>
        {
            Some(*level)
        }
        _ => None,
    })
}

#[test]
fn the_shipped_rules_fire_on_demo_like_changes_and_nothing_absurd() {
    let (diffs, inventory) = demo_like();
    let assessment = assess(&shipped(), &diffs, &inventory);
    assert!(assessment.failures.is_empty(), "{:?}", assessment.failures);
    assert_eq!(
        risk_of(&assessment, "rt-west-01", "routing.bgp-neighbor-removed"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "fw-west-01", "firewall.policy-allows-any"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "vm-web-01", "vm.resized"),
        Some(Level::Info)
    );
    assert_eq!(
        risk_of(&assessment, "sw-east-01", "secrets.rotated"),
        Some(Level::Info)
    );
    assert_eq!(
        risk_of(&assessment, "fw-west-01", "ha.pair-drift"),
        Some(Level::Medium)
    );
    // The BGP router's blast radius reaches the VM, with the chain.
    let impact = assessment.findings.iter().find_map(|f| match &f.kind {
        FindingKind::Impact { target, path, .. } if target == "vm-web-01" => Some(path.clone()),
        _ => None,
    });
    assert_eq!(
        impact,
        Some(vec![
            "rt-west-01".into(),
            "esx-west-01".into(),
            "vm-web-01".into()
        ])
    );
    // A VLAN added on leaves is not a risk of any kind beyond the plan-wide ones.
    let leaf_risks: Vec<_> = assessment
        .findings
        .iter()
        .filter(|f| f.device.as_deref() == Some("leaf-00") && f.level().is_some())
        .collect();
    assert!(leaf_risks.is_empty(), "{leaf_risks:?}");
    assert!(
        assessment
            .findings
            .iter()
            .all(|f| f.level() != Some(Level::Critical)),
        "nothing here is critical"
    );
    // Every finding traces back to a script line.
    assert!(assessment
        .findings
        .iter()
        .all(|f| f.origin.script.starts_with("builtin:") && f.origin.line.is_some()));
}

#[test]
fn findings_are_identical_whatever_the_thread_count() {
    let (diffs, inventory) = demo_like();
    let set = shipped();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| serde_json::to_string(&assess(&set, &diffs, &inventory)).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(4));
    assert_eq!(one, run(3));
}

/// Returns the first fenced block of `lang` in `text` after `marker`.
fn fenced(text: &str, marker: &str, lang: &str) -> String {
    let start = text.find(marker).expect("marker in README");
    let open = format!("```{lang}\n");
    let from = start + text[start..].find(&open).expect("code block") + open.len();
    let len = text[from..].find("```").expect("closing fence");
    text[from..from + len].to_string()
}

#[test]
fn the_readme_tutorial_works_as_written() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/README.md"),
    )
    .unwrap();
    let env = TestEnv::new();
    env.write(
        "myrules/syslog.rhai",
        fenced(&readme, "**1. Make a folder", "rhai"),
    );
    env.write(
        "myrules/tests/syslog.yaml",
        fenced(&readme, "**2. Write its tests", "yaml"),
    );
    let out = env
        .henko()
        .args(["scripts", "test", "myrules/tests"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = fenced(&readme, "**3. Run them:**", "console");
    for line in shown.lines().filter(|l| l.starts_with("test ")) {
        assert!(
            stdout.contains(line),
            "README shows `{line}`, the command printed:\n{stdout}"
        );
    }
}

/// Runs the shipped rules over one window of the embedded demo and returns
/// one line per risk: `device  level  rule`, plus the assessment.
fn demo_window(from: &str, to: &str) -> (Vec<String>, Assessment) {
    use henko::source::Snapshot;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo");
    let from = Snapshot::resolve(root.join(from).to_str().unwrap(), None).unwrap();
    let to = Snapshot::resolve(root.join(to).to_str().unwrap(), None).unwrap();
    let diff =
        henko::diff::diff_snapshots(&from, &to, &henko::diff::DiffOptions::default()).unwrap();
    let assessment = assess(&shipped(), &diff.devices, &diff.inventory);
    assert!(assessment.failures.is_empty(), "{:?}", assessment.failures);
    let mut lines: Vec<String> = assessment
        .findings
        .iter()
        .filter_map(|f| match &f.kind {
            FindingKind::Risk { level, rule, .. } => Some(format!(
                "{:<16} {:<8} {rule}",
                f.device.as_deref().unwrap_or("(plan)"),
                level.as_str()
            )),
            _ => None,
        })
        .collect();
    lines.dedup();
    (lines, assessment)
}

#[test]
fn demo_first_window_risks() {
    let (lines, assessment) = demo_window("2023-04-01", "2023-05-15");
    // What issue 4 promises of the demo.
    assert_eq!(
        risk_of(&assessment, "w-core-rt01", "routing.bgp-neighbor-removed"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "w-app01", "vm.resized"),
        Some(Level::Info)
    );
    assert_eq!(
        risk_of(&assessment, "w-fw01", "secrets.rotated"),
        Some(Level::Info)
    );
    assert_eq!(
        risk_of(&assessment, "w-fw01", "firewall.policy-allows-any"),
        Some(Level::High)
    );
    assert!(assessment.findings.iter().any(|f| matches!(&f.kind,
        FindingKind::Apply { command } if command == "govc vm.change -vm w-app01 -c 8 -m 32768")));
    assert!(assessment
        .findings
        .iter()
        .all(|f| f.level() != Some(Level::Critical)));
    insta::assert_snapshot!("demo_2023-04-01_2023-05-15_risks", lines.join("\n"));
}

#[test]
fn demo_second_window_risks() {
    let (lines, assessment) = demo_window("2023-05-15", "2023-06-30");
    assert_eq!(
        risk_of(&assessment, "w-slb01", "loadbalancer.member-removed"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "w-db01-sshd", "sshd.root-login-loosened"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "w-pure01", "storage.host-connection-removed"),
        Some(Level::High)
    );
    assert_eq!(
        risk_of(&assessment, "w-core-rt01", "firewall.policy-moved"),
        Some(Level::Medium)
    );
    insta::assert_snapshot!("demo_2023-05-15_2023-06-30_risks", lines.join("\n"));
}

#[test]
fn a_symlink_out_of_the_scripts_folder_is_refused() {
    let env = TestEnv::new();
    env.write("outside/evil.rhai", "fn leak() { \"secret\" }\n");
    user_rules(
        &env,
        "import \"lib/evil\" as evil;\nfn on_device(ctx) { ctx.note(evil::leak()); }\n",
        SYSLOG_TESTS,
    );
    env.mkdir("rules/lib");
    std::os::unix::fs::symlink(
        env.join("outside/evil.rhai"),
        env.join("rules/lib/evil.rhai"),
    )
    .unwrap();
    let out = env
        .henko()
        .args(["scripts", "test", "rules/tests", "--no-default-scripts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("leads outside the scripts folder"),
        "{stderr}"
    );
    assert!(stderr.contains("local.rhai:1:"), "{stderr}");
}

#[test]
fn network_and_process_calls_do_not_exist() {
    for call in [
        "http_get(\"http://example.com\")",
        "system(\"id\")",
        "read_file(\"/etc/hosts\")",
    ] {
        let script = format!("fn on_device(ctx) {{\n    {call};\n}}\n");
        let (code, text) = run_hostile(&script);
        assert_eq!(code, Some(1), "{call}: {text}");
        assert!(text.contains("local.rhai:2:"), "{call}: {text}");
        assert!(text.contains("not found"), "{call}: {text}");
    }
}

#[test]
fn rule_tests_in_the_store_run_with_the_shipped_ones() {
    let env = TestEnv::new();
    env.write("backup/inventory.yaml", "devices: []\n");
    env.write("backup/scripts/local.rhai", SYSLOG_RULE);
    env.write("backup/scripts/tests/local.yaml", SYSLOG_TESTS);
    env.henko().args(["init", "store"]).assert().success();
    let snap = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert!(
        snap.status.success(),
        "{}",
        String::from_utf8_lossy(&snap.stderr)
    );
    let out = env
        .henko()
        .args(["--repo", "store", "scripts", "test"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("test routing/bgp-neighbor-removed ... ok"),
        "{stdout}"
    );
    assert!(stdout.contains("test local/fires ... ok"), "{stdout}");
}

#[test]
fn the_shipped_rules_never_fail_on_the_corpus_pairs() {
    use henko::source::Snapshot;
    let Some(corpus) = crate::common::corpus() else {
        return;
    };
    let set = shipped();
    let mut pairs: Vec<_> = std::fs::read_dir(corpus.join("pairs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pairs.sort();
    let mut assessed = 0;
    for pair in pairs {
        let side = |name: &str| Snapshot::resolve(pair.join(name).to_str().unwrap(), None).unwrap();
        let diff =
            henko::diff::diff_snapshots(&side("before"), &side("after"), &Default::default())
                .unwrap_or_else(|e| panic!("{}: {e}", pair.display()));
        let started = Instant::now();
        let assessment = assess(&set, &diff.devices, &diff.inventory);
        assert!(
            assessment.failures.is_empty(),
            "{}: {:?}",
            pair.display(),
            assessment.failures
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            pair.display()
        );
        assessed += diff.devices.len();
    }
    assert!(assessed > 0);
}
