//! Unit tests of the verdicts, on folder snapshots of IOS routers.

use super::*;
use crate::plan::pipeline::{make_plan, PlanOptions};
use std::path::PathBuf;

const INVENTORY: &str = "devices:
  - { name: r1, kind: router, platform: ios, site: west, env: prod }
  - { name: r2, kind: router, platform: ios, site: west, env: prod }
  - { name: r3, kind: router, platform: ios, site: east, env: standby }
  - { name: r4, kind: router, platform: ios, site: east, env: standby }
  - { name: r5, kind: router, platform: ios, site: east, env: standby }
";

fn config(name: &str, extra: &str) -> String {
    format!(
        "hostname {name}\n!\ninterface Gi0/1\n description uplink\n ip address 10.0.0.1 255.255.255.0\n{extra}!\nntp server 10.9.9.9\n"
    )
}

fn write_side(root: &Path, configs: &[(&str, String)]) -> PathBuf {
    std::fs::create_dir_all(root.join("configs")).unwrap();
    let inventory: String = INVENTORY
        .lines()
        .filter(|l| {
            !l.contains("name:")
                || configs
                    .iter()
                    .any(|(n, _)| l.contains(&format!("name: {n},")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("inventory.yaml"), inventory).unwrap();
    for (name, text) in configs {
        std::fs::write(root.join(format!("configs/{name}.cfg")), text).unwrap();
    }
    root.to_path_buf()
}

fn options() -> PlanOptions {
    PlanOptions {
        default_scripts: false,
        ..PlanOptions::default()
    }
}

#[test]
fn every_outcome_from_one_window() {
    let dir = tempfile::tempdir().unwrap();
    let planned = " shutdown\n ip ospf cost 20\n";
    let base: Vec<(&str, String)> = ["r1", "r2", "r3", "r4", "r5"]
        .iter()
        .map(|n| (*n, config(n, "")))
        .collect();
    let from = write_side(&dir.path().join("from"), &base);
    let mut intended = base.clone();
    for (name, text) in intended.iter_mut().take(4) {
        *text = config(name, planned);
    }
    let to = write_side(&dir.path().join("to"), &intended);
    let mut after = intended.clone();
    // r1 landed, with a noise line and nothing else; r2 got one line of two;
    // r3 is back at FROM; r4 got something else instead; r5 (unplanned)
    // changed its NTP server.
    after[0].1 = format!(
        "! Last configuration change at 10:00:00 JST\n{}",
        after[0].1
    );
    after[1].1 = config("r2", " shutdown\n");
    after[2].1 = config("r3", "");
    after[3].1 = config("r4", " description changed by hand\n");
    after[4].1 = config("r5", "").replace("10.9.9.9", "10.9.9.8");
    let after = write_side(&dir.path().join("after"), &after);

    let plan = make_plan(
        from.to_str().unwrap(),
        to.to_str().unwrap(),
        None,
        &options(),
    )
    .unwrap();
    assert_eq!(plan.devices.len(), 4);
    let result = verify(&plan, after.to_str().unwrap(), None).unwrap();
    let outcomes: Vec<(&str, Outcome)> = result
        .devices
        .iter()
        .map(|d| (d.name.as_str(), d.outcome))
        .collect();
    let mut sorted = outcomes.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            ("r1", Outcome::Landed),
            ("r2", Outcome::Partial),
            ("r3", Outcome::RolledBack),
            ("r4", Outcome::NotApplied),
            ("r5", Outcome::Unplanned),
        ]
    );
    assert_eq!(
        outcomes.last().unwrap().0,
        "r5",
        "unplanned devices come last"
    );
    assert!(!result.passed());
    let r2 = &result.devices.iter().find(|d| d.name == "r2").unwrap();
    assert_eq!(r2.missing, ["interface Gi0/1 > ip ospf cost 20"]);
    assert!(r2.extra.is_empty());
    assert_eq!((r2.planned_changes, r2.landed_changes), (2, 1));
    let r4 = &result.devices.iter().find(|d| d.name == "r4").unwrap();
    assert_eq!(
        r4.extra,
        ["interface Gi0/1 > description changed by hand"],
        "{r4:?}"
    );
    let r5 = &result.devices.iter().find(|d| d.name == "r5").unwrap();
    assert_eq!(r5.missing, ["ntp server 10.9.9.9"]);
    assert_eq!(r5.extra, ["ntp server 10.9.9.8"]);
    assert_eq!(r5.site, "east");
    assert_eq!(r5.wave, None);

    // The intended side itself is a clean landing everywhere.
    let clean = verify(&plan, to.to_str().unwrap(), None).unwrap();
    assert!(clean.passed(), "{:?}", clean.devices);
    assert_eq!(clean.devices.len(), 4);
}

#[test]
fn a_folder_side_that_changed_since_the_plan_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let from = write_side(&dir.path().join("from"), &[("r1", config("r1", ""))]);
    let to = write_side(
        &dir.path().join("to"),
        &[("r1", config("r1", " shutdown\n"))],
    );
    let plan = make_plan(
        from.to_str().unwrap(),
        to.to_str().unwrap(),
        None,
        &options(),
    )
    .unwrap();
    std::fs::write(to.join("configs/r1.cfg"), config("r1", " no shutdown\n")).unwrap();
    let err = verify(&plan, to.to_str().unwrap(), None).unwrap_err();
    assert!(
        matches!(err, VerifyError::SideChanged { side: "TO", .. }),
        "{err}"
    );
}

#[test]
fn a_device_missing_from_after_is_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let from = write_side(&dir.path().join("from"), &[("r1", config("r1", ""))]);
    let to = write_side(
        &dir.path().join("to"),
        &[("r1", config("r1", " shutdown\n"))],
    );
    let after = dir.path().join("after");
    std::fs::create_dir_all(after.join("configs")).unwrap();
    std::fs::write(after.join("inventory.yaml"), "devices: []\n").unwrap();
    let plan = make_plan(
        from.to_str().unwrap(),
        to.to_str().unwrap(),
        None,
        &options(),
    )
    .unwrap();
    let result = verify(&plan, after.to_str().unwrap(), None).unwrap();
    assert_eq!(result.devices.len(), 1);
    assert_eq!(result.devices[0].outcome, Outcome::NotApplied);
    assert_eq!(result.devices[0].missing, ["interface Gi0/1 > shutdown"]);
    assert!(result.devices[0].note.is_some());
}
