//! Landed, partial, rolled back, not applied and unplanned, on every
//! dialect of the fixture, with the exit codes of the contract.

use super::fixture::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_intended_side_with_noise_and_secret_churn_has_landed() {
    let env = setup();
    let mut configs = to_configs();
    // Noise (IOS timestamp) and a re-encrypted FortiOS password are not changes.
    configs[0].1 = format!(
        "! Last configuration change at 10:00:00 JST Fri Jun 30 2023\n{}",
        configs[0].1
    );
    configs[2].1 = configs[2].1.replace("AAAAone", "AAAAtwo");
    let after = after(&env, &configs);
    let (code, verification) = verify_json(&env, &after);
    assert_eq!(code, 0, "{verification}");
    assert_eq!(
        outcomes(&verification),
        pairs(&[
            ("fw1", "landed"),
            ("j1", "landed"),
            ("r1", "landed"),
            ("r2", "landed"),
            ("vm1", "landed")
        ])
    );
    assert_eq!(verification["schema"], "henko.verify/v1");
    assert_eq!(verification["after"]["commit"], after);
}

#[test]
fn one_line_short_on_every_dialect_is_partial_with_the_missing_line() {
    let env = setup();
    let configs = vec![
        ("r1.cfg", ios("r1", " ip ospf cost 20\n")),
        ("r2.cfg", ios("r2", " ip ospf cost 20\n shutdown\n")),
        ("fw1.conf", fortios("    set timezone 04\n", "AAAAone")),
        ("j1.conf", junos("        mtu 9000;\n", "")),
        ("vm1.yaml", vm(4, 8)),
        ("r9.cfg", ios("r9", "")),
    ];
    let after = after(&env, &configs);
    let (code, verification) = verify_json(&env, &after);
    assert_eq!(code, 1);
    assert_eq!(
        outcomes(&verification),
        pairs(&[
            ("fw1", "partial"),
            ("j1", "partial"),
            ("r1", "partial"),
            ("r2", "landed"),
            ("vm1", "partial")
        ])
    );
    assert_eq!(
        device(&verification, "r1")["missing"],
        serde_json::json!(["interface Gi0/1 > shutdown"])
    );
    assert_eq!(
        device(&verification, "fw1")["missing"],
        serde_json::json!(["config system global > set admintimeout 30"])
    );
    let j1 = device(&verification, "j1")["missing"].to_string();
    assert!(j1.contains("ntp") && j1.contains("server 10.0.0.1"), "{j1}");
    let vm1 = &device(&verification, "vm1");
    assert_eq!(vm1["missing"].as_array().unwrap().len(), 1, "{vm1}");
    assert!(vm1["missing"][0].as_str().unwrap().contains("16"), "{vm1}");
    assert!(vm1["extra"][0].as_str().unwrap().contains('8'), "{vm1}");
    assert_eq!(
        (
            vm1["planned_changes"].as_u64(),
            vm1["landed_changes"].as_u64()
        ),
        (Some(2), Some(1))
    );
}

#[test]
fn back_at_from_is_rolled_back_and_something_else_is_not_applied() {
    let env = setup();
    let mut configs = from_configs();
    // j1 got a different line than planned: not applied (and it shows).
    configs[3].1 = junos("        mtu 1500;\n", "");
    let after = after(&env, &configs);
    let (code, verification) = verify_json(&env, &after);
    assert_eq!(code, 1);
    assert_eq!(
        outcomes(&verification),
        pairs(&[
            ("fw1", "rolled_back"),
            ("j1", "not_applied"),
            ("r1", "rolled_back"),
            ("r2", "rolled_back"),
            ("vm1", "rolled_back")
        ])
    );
    let j1 = device(&verification, "j1");
    assert!(j1["extra"].to_string().contains("mtu 1500"), "{j1}");
    assert_eq!(j1["landed_changes"], 0);
}

#[test]
fn a_change_outside_the_plan_is_unplanned_with_its_diff() {
    let env = setup();
    let mut configs = to_configs();
    configs[5].1 = ios("r9", " shutdown\n");
    let after = after(&env, &configs);
    let (code, verification) = verify_json(&env, &after);
    assert_eq!(code, 1, "landed everywhere, but r9 changed");
    let r9 = device(&verification, "r9");
    assert_eq!(r9["outcome"], "unplanned");
    assert_eq!(
        r9["extra"],
        serde_json::json!(["interface Gi0/1 > shutdown"])
    );
    assert_eq!(r9["changes"][0]["op"], "add");
    assert_eq!(r9["site"], "east");
    assert!(r9["wave"].is_null());
    // The text report names it, with its line.
    let out = env
        .henko()
        .args(["--repo", "store", "verify", "plan.json", &after])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("r9")
            && text.contains("unplanned change")
            && text.contains("+ interface Gi0/1 > shutdown"),
        "{text}"
    );
    // A folder works as AFTER too, and Markdown renders a table row.
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "verify",
            "plan.json",
            "./after",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("| r9 |  | unplanned change |"), "{md}");
}

#[test]
fn an_edited_plan_or_a_bad_after_is_an_error() {
    let env = setup();
    let text = std::fs::read_to_string(env.join("plan.json")).unwrap();
    env.write("edited.json", text.replace("\"west\"", "\"north\""));
    let out = env
        .henko()
        .args(["--repo", "store", "verify", "edited.json", "v2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("edited"));
    let out = env
        .henko()
        .args(["--repo", "store", "verify", "plan.json", "no-such-rev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
