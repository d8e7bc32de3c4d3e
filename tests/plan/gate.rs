//! `henko approve` and `henko check`: fresh, approved, under the threshold.

use super::fixture::*;
use serde_json::Value;

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
    // An edited plan cannot be approved either.
    env.henko()
        .args([
            "--repo",
            "store",
            "approve",
            "edited.json",
            "--by",
            "Mallory",
        ])
        .assert()
        .code(2);
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
fn a_moved_branch_makes_the_plan_stale() {
    let env = setup();
    for side in ["v1", "v2"] {
        env.henko()
            .args(["--repo", "store", "snapshot", side])
            .assert()
            .success();
    }
    env.henko()
        .args([
            "--repo",
            "store",
            "plan",
            "HEAD~1",
            "HEAD",
            "--no-default-scripts",
        ])
        .args(["--scripts", "rules", "-o", "plan.json"])
        .assert()
        .success();
    let plan: Value =
        serde_json::from_slice(&std::fs::read(env.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["to"]["rev"], "HEAD");
    assert_eq!(plan["to"]["commit"].as_str().unwrap().len(), 40);
    approve(&env, "plan.json", "Taro Yamada", "network-lead");
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 0, "{out}");
    // A new snapshot moves HEAD: the approved plan no longer describes it.
    env.write(
        "v2/servers/web1.conf",
        "PermitRootLogin prohibit-password\n",
    );
    env.henko()
        .args(["--repo", "store", "snapshot", "v2"])
        .assert()
        .success();
    let (code, out) = check(&env, "plan.json", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale: FROM/TO now give plan"), "{out}");
}

#[test]
fn the_demo_plan_with_the_shipped_rules_is_approved_and_passes() {
    let env = crate::common::TestEnv::new();
    env.henko()
        .args(["demo", "--out", "demo"])
        .assert()
        .success();
    let repo = ["--repo", "demo/store"];
    env.henko()
        .args(repo)
        .args([
            "plan",
            "demo-2023-04-01",
            "demo-2023-06-30",
            "-o",
            "plan.json",
        ])
        .args(["--html", "plan.html", "--xlsx", "plan.xlsx", "--lang", "ja"])
        .assert()
        .success();
    let plan: Value =
        serde_json::from_slice(&std::fs::read(env.join("plan.json")).unwrap()).unwrap();
    assert!(plan["devices"].as_array().unwrap().len() > 10);
    let mut roles: Vec<&str> = plan["approvals_required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    roles.sort();
    roles.dedup();
    assert!(!roles.is_empty());
    let gate = |env: &crate::common::TestEnv| {
        let out = env
            .henko()
            .args(repo)
            .args(["check", "plan.json", "--junit", "junit.xml"])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = gate(&env);
    assert_eq!(code, Some(1), "{out}");
    for role in &roles {
        env.henko()
            .args(repo)
            .args(["approve", "plan.json", "--by", "Reviewer", "--role", role])
            .assert()
            .success();
    }
    let (code, out) = gate(&env);
    assert_eq!(code, Some(0), "{out}");
}
