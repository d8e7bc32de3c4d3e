//! `henko plan` and `plan merge` end to end: the plan JSON contract,
//! ordering, shard+merge hash equality, determinism, operator rules; the
//! gate and the reports in their own modules.

mod fixture;
mod gate;
mod reports;

use fixture::*;
use serde_json::Value;

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
fn the_plan_is_byte_identical_whatever_the_thread_count() {
    let env = setup();
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let file = format!("plan-{threads}.json");
        env.henko()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "plan",
                "v1",
                "v2",
                "--no-default-scripts",
                "--scripts",
                "rules",
                "-o",
                &file,
            ])
            .assert()
            .success();
        outputs.push(std::fs::read(env.join(&file)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn operator_rules_in_the_store_are_used_and_checked() {
    let env = setup();
    env.write("v2/.henko/platforms/ios.yaml", "negate: [\n");
    let output = env
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
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".henko/platforms/ios.yaml"), "{stderr}");
    env.write(
        "v2/.henko/platforms/ios.yaml",
        "idempotent:\n  - '^(ip route 0\\.0\\.0\\.0 0\\.0\\.0\\.0) '\n",
    );
    let plan = plan(&env, "rules", "plan.json", &[]);
    let core = plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "core1")
        .unwrap();
    assert_eq!(core["verified"], true);
}

/// A large device (both files together over 256 KiB) is remediated beside
/// the rule scripts when they run, and while its trees are compared when
/// they do not: the steps are the same either way.
#[test]
fn a_large_device_gets_the_same_steps_with_and_without_scripts() {
    let env = crate::common::TestEnv::new();
    let side = |moved: bool| {
        let mut text = String::from("hostname big\n!\n");
        for port in 0..3000 {
            let vlan = if moved && port % 500 == 0 { 20 } else { 10 };
            text += &format!(
                "interface GigabitEthernet1/0/{port}\n description access port {port}\n switchport access vlan {vlan}\n!\n"
            );
        }
        text
    };
    env.write("running.cfg", side(false));
    env.write("intended.cfg", side(true));
    let plan = |extra: &[&str]| -> Value {
        let out = env
            .henko()
            .args(["plan", "running.cfg", "intended.cfg", "--platform", "ios"])
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (with, without) = (plan(&[]), plan(&["--no-default-scripts"]));
    let steps = |p: &Value, kind: &str| p["devices"][0]["steps"][kind].clone();
    for kind in ["apply", "rollback"] {
        assert_eq!(steps(&with, kind), steps(&without, kind), "{kind}");
    }
    let apply = steps(&with, "apply");
    assert_eq!(
        apply.as_array().map(Vec::len),
        Some(12),
        "six ports moved: {apply}"
    );
    assert!(
        apply.to_string().contains("switchport access vlan 20"),
        "{apply}"
    );
    assert_eq!(with["devices"][0]["verified"], true, "{with}");
    assert!(
        with["devices"][0]["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty()),
        "the scripts assessed the device: {with}"
    );
}
