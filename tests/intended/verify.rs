//! `henko verify` on a sheet-driven plan (`plan --intended`): the backup
//! after the window is judged against the rendered intended side, within
//! the features' scope only. The AFTER configs are written by hand: what a
//! switch shows once the sheet's VLAN edit is applied, plus changes made
//! outside every scope in the same window.

use super::{json, snapshot, strings, ADDRESSES_V1, ADDRESSES_V2, WEST_V1, WEST_V2, W_FW1};
use crate::common::TestEnv;

/// w-sw1 with VLAN 20 renamed STAFF, VLAN 30 and its SVI gone, VLAN 120
/// and its SVI added (the plan), and the uplink description and default
/// route changed by other work (outside the `vlans` scope).
const W_SW1_AFTER: &str = "\
hostname w-sw1
!
vlan 10
 name MGMT
!
vlan 20
 name STAFF
!
vlan 120
 name WEB
!
interface GigabitEthernet0/1
 description uplink to core2
 switchport mode trunk
!
interface Vlan20
 description STAFF
 ip address 10.1.20.1 255.255.255.0
!
interface Vlan120
 description WEB
 ip address 10.1.120.1 255.255.255.0
!
ip route 0.0.0.0 0.0.0.0 10.1.10.253
";

#[test]
fn verify_of_an_intended_plan_judges_only_the_templates_scope() {
    let env = TestEnv::new();
    snapshot(&env, "running", WEST_V1, ADDRESSES_V1);
    snapshot(&env, "candidate", WEST_V2, ADDRESSES_V2);
    env.henko()
        .args([
            "plan",
            "running",
            "candidate",
            "--intended",
            "-o",
            "plan.json",
        ])
        .assert()
        .success();
    // AFTER (whose sheets are the candidate's): the switch took the sheet
    // edit; the FortiGate did not get the DB address, only a new hostname
    // (outside the `addresses` scope).
    snapshot(&env, "after", WEST_V2, ADDRESSES_V2);
    env.write("after/configs/w-sw1.cfg", W_SW1_AFTER);
    env.write(
        "after/configs/w-fw1.conf",
        W_FW1.replace("\"w-fw1\"", "\"w-fw1-new\""),
    );
    let out = env
        .henko()
        .args(["verify", "plan.json", "./after", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let device = |name: &str| {
        report["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not verified: {report:#}"))
    };
    let sw1 = device("w-sw1");
    assert_eq!(sw1["outcome"], "landed", "{sw1:#}");
    assert!(strings(&sw1["extra"]).is_empty(), "{sw1:#}");
    assert!(
        sw1["note"]
            .as_str()
            .is_some_and(|n| n.contains("change(s) outside the templates' scope not judged")),
        "{sw1:#}"
    );
    // Within its scope the FortiGate is as it was: the change was not made
    // (or undone), and the DB object is what is missing.
    let fw = device("w-fw1");
    assert_eq!(fw["outcome"], "rolled_back", "{fw:#}");
    let missing = strings(&fw["missing"]);
    assert!(
        missing.iter().any(|l| l.contains("edit \"DB\"")),
        "{missing:?}"
    );
    assert!(
        !strings(&fw["extra"])
            .iter()
            .chain(&missing)
            .any(|l| l.contains("hostname")),
        "{fw:#}"
    );

    // Once the DB object is there too, everything landed: the hostname
    // changed outside the scope does not count against the plan.
    env.write(
        "after/configs/w-fw1.conf",
        "config system global\n    set hostname \"w-fw1-new\"\nend\n\
         config firewall address\n    edit \"WEB\"\n        set subnet 192.0.2.0 255.255.255.0\n    next\n\
         \x20   edit \"DB\"\n        set subnet 198.51.100.0 255.255.255.128\n    next\nend\n",
    );
    let out = env
        .henko()
        .args(["verify", "plan.json", "./after", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let devices = report["devices"].as_array().unwrap();
    assert!(devices.iter().any(|d| d["name"] == "w-fw1"), "{report:#}");
    assert!(
        devices.iter().all(|d| d["outcome"] == "landed"),
        "{report:#}"
    );
}
