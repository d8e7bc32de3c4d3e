//! Regression tests for bugs found by fuzzing and the hostile-input suite,
//! each named after what broke.

use crate::common::TestEnv;
use std::time::{Duration, Instant};

/// serde_yaml's scanner is quadratic in flow nesting: 100,000 `[` took
/// minutes before the loaders refused runaway nesting up front.
#[test]
fn deep_yaml_flow_nesting_is_refused_in_linear_time() {
    let env = TestEnv::new();
    let depth = 200_000;
    let nested = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    env.write("bad/inventory.yaml", format!("devices: {nested}"));
    env.write("bad/configs/r1.cfg", "hostname r1\n");
    env.write("a/vms/vm1.yaml", "name: vm1\ncpu: 2\n");
    env.write("b/vms/vm1.yaml", format!("name: vm1\ncpu: {nested}"));
    let started = Instant::now();
    let out = env.henko().args(["validate", "bad"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(
        all.contains("inventory.yaml") && all.contains("nest deeper"),
        "{all}"
    );
    // A YAML config that deep is read as plain lines, with a warning.
    let out = env
        .henko()
        .args(["diff", "a", "b", "--stat"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A hang guard, not a performance target.
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "{:?}",
        started.elapsed()
    );
}

/// Two `henko approve` runs by the same person in the same role at the same
/// moment both picked record number 1, and the later commit replaced the
/// earlier record in the approvals tree.
#[test]
fn simultaneous_approvals_by_one_person_keep_both_records() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    env.write("v1/configs/r1.cfg", "hostname r1\n");
    env.write("v2/configs/r1.cfg", "hostname r2\n");
    env.henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "-o",
            "plan.json",
        ])
        .assert()
        .success();
    let children: Vec<_> = (0..6)
        .map(|_| {
            env.henko_process()
                .args(["--repo", "store", "approve", "plan.json", "--by", "alice"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut approved = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            approved += 1;
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("concurrent"), "{err}");
        }
    }
    let tree = env.git(&[
        "-C",
        "store",
        "ls-tree",
        "-r",
        "--name-only",
        "refs/henko/approvals",
    ]);
    let records = String::from_utf8_lossy(&tree.stdout).lines().count();
    assert!(approved >= 5, "{approved} of 6 approvals went through");
    assert_eq!(records, approved, "every approval keeps its own record");
}

/// Remediation commands printed the new and old SNMP community of a
/// FortiGate (`set name` under `config system snmp community`) in clear.
#[test]
fn a_fortios_snmp_community_never_shows_in_a_plan() {
    let env = TestEnv::new();
    let community = |name: &str| {
        format!("config system snmp community\n    edit 1\n        set name \"{name}\"\n    next\nend\n")
    };
    env.write("a.conf", community("oldcommunity1"));
    env.write("b.conf", community("newcommunity2"));
    let out = env
        .henko()
        .args([
            "plan",
            "a.conf",
            "b.conf",
            "--platform",
            "fortios",
            "--format",
            "json",
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
    assert!(text.contains("set name \\\"<secret:"), "{text}");
    assert!(
        !text.contains("oldcommunity1") && !text.contains("newcommunity2"),
        "{text}"
    );
}

/// Remediation masked `sha512`, the hash type word, instead of the hash
/// after it (`username … secret sha512 $6$…`).
#[test]
fn a_sha512_user_hash_never_shows_in_a_plan() {
    let env = TestEnv::new();
    let hash = "$6$Enl0WfE32FthwyiJ$yTyGaEJ2uPKLU.F7314YtB7J1jrzrMi7ogXIRTEHQfLdLg";
    env.write("a.cfg", "hostname s1\nusername arista secret arista0\n");
    env.write(
        "b.cfg",
        format!("hostname s1\nusername arista privilege 15 secret sha512 {hash}\n"),
    );
    let out = env
        .henko()
        .args(["plan", "a.cfg", "b.cfg", "--platform", "eos"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<secret:"), "{text}");
    assert!(!text.contains(hash) && !text.contains("arista0"), "{text}");
}

/// `--lines` diffs of PAN-OS XML showed `<phash>` values: the element is one
/// whitespace-free word, which the keyword scan never split.
#[test]
fn a_panos_phash_never_shows_in_a_line_diff() {
    let env = TestEnv::new();
    let xml = |hash: &str| {
        format!("<config>\n  <mgt-config>\n    <users>\n      <entry name=\"admin\">\n        <phash>{hash}</phash>\n      </entry>\n    </users>\n  </mgt-config>\n</config>\n")
    };
    env.write(
        "a/configs/fw.xml",
        xml("$1$GeUGlmLR$qv4fGjoJMcRKEhFYSrBRR."),
    );
    env.write(
        "b/configs/fw.xml",
        xml("$1$NewHashX$abcdefghijklmnopqrstuv"),
    );
    let out = env
        .henko()
        .args(["diff", "a", "b", "--lines"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("phash"), "{text}");
    assert!(
        !text.contains("GeUGlmLR") && !text.contains("NewHashX"),
        "{text}"
    );
}
