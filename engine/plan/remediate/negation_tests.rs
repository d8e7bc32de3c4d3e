//! Intended-side negations are statements of state: `no shutdown` on a new
//! SVI or port, `no ip redirects` and the other state negations of the
//! platform tables reach the device, in both directions, and the simulation
//! fails a plan that drops them.

use super::tests::indented;
use super::*;
use crate::config::Dialect;

fn plan(platform: &str, from: &str, to: &str) -> Remediation {
    let dialect = Dialect::for_platform(platform).unwrap();
    remediate(
        &indented(from, dialect),
        &indented(to, dialect),
        platform,
        &PlatformRules::builtin(platform),
    )
}

fn verified(platform: &str, from: &str, to: &str) -> Remediation {
    let out = plan(platform, from, to);
    assert!(
        out.verified,
        "{platform}: {:?}\n{out:#?}",
        out.simulation_errors
    );
    out
}

/// Simulates `commands` on `from` and says whether the result is `to`.
fn reaches(platform: &str, from: &str, to: &str, commands: &[String]) -> Option<String> {
    let rules = PlatformRules::builtin(platform);
    let dialect = Dialect::for_platform(platform).unwrap();
    let start = normalize::normalize(&indented(from, dialect), &rules);
    let goal = normalize::normalize(&indented(to, dialect), &rules);
    check("apply", &start, &goal, commands, &rules)
}

/// A new logical interface of each ios-family platform (hand-written from
/// the vendors' interface names: SVIs, ACOS virtual ethernets, an ASA
/// subinterface), written with an explicit `no shutdown`.
const NEW_SECTIONS: &[(&str, &str)] = &[
    ("ios", "interface Vlan10"),
    ("iosxe", "interface Vlan10"),
    ("nxos", "interface Vlan10"),
    ("eos", "interface Vlan10"),
    ("asa", "interface GigabitEthernet0/1.10"),
    ("acos", "interface ve 10"),
];

#[test]
fn new_svi_no_shutdown_is_applied_on_every_ios_platform() {
    for (platform, header) in NEW_SECTIONS {
        let to = format!("hostname r1\n{header}\n description users\n no shutdown\n");
        let out = verified(platform, "hostname r1\n", &to);
        assert_eq!(
            out.apply,
            [
                header.to_string(),
                " description users".into(),
                " no shutdown".into()
            ],
            "{platform}"
        );
        assert_eq!(out.rollback, [format!("no {header}")], "{platform}");
    }
}

#[test]
fn new_physical_port_no_shutdown_is_applied_on_every_ios_platform() {
    // A port the running config does not list (a new module or breakout).
    for (platform, header) in [
        ("ios", "interface GigabitEthernet1/0/5"),
        ("iosxe", "interface GigabitEthernet1/0/5"),
        ("nxos", "interface Ethernet1/5"),
        ("eos", "interface Ethernet5"),
        ("asa", "interface GigabitEthernet0/5"),
        ("acos", "interface ethernet 5"),
    ] {
        let to = format!("hostname r1\n{header}\n description uplink\n no shutdown\n");
        let out = verified(platform, "hostname r1\n", &to);
        assert!(
            out.apply.contains(&" no shutdown".to_string()),
            "{platform}: {:?}",
            out.apply
        );
    }
}

#[test]
fn plan_without_the_no_shutdown_of_a_new_svi_fails_simulation() {
    for (platform, header) in NEW_SECTIONS {
        let to = format!("{header}\n description users\n no shutdown\n");
        let out = verified(platform, "", &to);
        let dropped: Vec<String> = out
            .apply
            .iter()
            .filter(|c| c.trim() != "no shutdown")
            .cloned()
            .collect();
        assert_eq!(dropped.len() + 1, out.apply.len(), "{platform}");
        let error = reaches(platform, "", &to, &dropped)
            .unwrap_or_else(|| panic!("{platform}: a plan without `no shutdown` passed"));
        assert!(error.contains("no shutdown"), "{platform}: {error}");
    }
}

#[test]
fn shutdown_port_enabled_by_intended_no_shutdown() {
    for platform in ["ios", "nxos", "eos"] {
        let from = "interface Vlan20\n description users\n shutdown\n";
        let to = "interface Vlan20\n description users\n no shutdown\n";
        let out = verified(platform, from, to);
        assert_eq!(
            out.apply,
            ["interface Vlan20", " no shutdown"],
            "{platform}"
        );
        assert_eq!(
            out.rollback,
            ["interface Vlan20", " shutdown"],
            "{platform}"
        );
    }
}

#[test]
fn ios_existing_interface_no_shutdown_restates_what_it_shows() {
    // IOS shows `shutdown` when an interface is down: one without it is up,
    // so an intended `no shutdown` there changes nothing.
    let from = "interface Vlan20\n description users\n";
    let to = "interface Vlan20\n description staff\n no shutdown\n";
    let out = verified("ios", from, to);
    assert_eq!(out.apply, ["interface Vlan20", " description staff"]);
}

#[test]
fn nxos_existing_interface_without_no_shutdown_is_down() {
    // NX-OS shows `no shutdown` on an enabled interface; one without it is
    // down, so the intended `no shutdown` must be sent.
    let from = "interface Vlan20\n  description users\n";
    let to = "interface Vlan20\n  description users\n  no shutdown\n";
    let out = verified("nxos", from, to);
    assert_eq!(out.apply, ["interface Vlan20", " no shutdown"]);
    assert_eq!(out.rollback, ["interface Vlan20", " shutdown"]);
}

#[test]
fn intended_state_negations_reach_the_device() {
    let from = "interface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.255.0\n";
    let to = "interface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.255.0\n no ip redirects\n no ip proxy-arp\n no cdp enable\n no lldp transmit\n no ip unreachables\n no mop enabled\n no negotiation auto\n";
    let out = verified("ios", from, to);
    assert_eq!(
        out.apply,
        [
            "interface GigabitEthernet0/1",
            " no ip redirects",
            " no ip proxy-arp",
            " no cdp enable",
            " no lldp transmit",
            " no ip unreachables",
            " no mop enabled",
            " no negotiation auto"
        ]
    );
    assert_eq!(
        out.rollback,
        [
            "interface GigabitEthernet0/1",
            " ip redirects",
            " ip proxy-arp",
            " cdp enable",
            " lldp transmit",
            " ip unreachables",
            " mop enabled",
            " negotiation auto"
        ]
    );
}

#[test]
fn explicit_positive_becomes_negation_once() {
    // Running lists `ip redirects` (as `show running-config all` does);
    // the intended `no ip redirects` is one command, not two.
    let from = "interface Vlan10\n ip redirects\n";
    let to = "interface Vlan10\n no ip redirects\n";
    let out = verified("ios", from, to);
    assert_eq!(out.apply, ["interface Vlan10", " no ip redirects"]);
    assert_eq!(out.rollback, ["interface Vlan10", " ip redirects"]);
    // On a physical port the running side says nothing but defaults, so
    // the rollback resets the port.
    let out = verified(
        "ios",
        "interface GigabitEthernet0/1\n ip redirects\n",
        "interface GigabitEthernet0/1\n no ip redirects\n",
    );
    assert_eq!(out.rollback, ["default interface GigabitEthernet0/1"]);
}

#[test]
fn explicit_default_positive_needs_no_command() {
    // `ip redirects` and `ip domain-lookup` are the defaults: a running
    // config that lists them and an intended one that does not agree.
    let from = "ip domain-lookup\ninterface GigabitEthernet0/1\n ip redirects\n description a\n";
    let to = "interface GigabitEthernet0/1\n description b\n";
    let out = verified("ios", from, to);
    assert_eq!(
        out.apply,
        ["interface GigabitEthernet0/1", " description b"]
    );
}

#[test]
fn running_negation_and_intended_positive_restores_the_feature() {
    let from = "no ip domain-lookup\ninterface Tunnel1\n no cdp enable\n";
    let to = "ip domain-lookup\ninterface Tunnel1\n cdp enable\n";
    let out = verified("ios", from, to);
    assert_eq!(
        out.apply,
        ["ip domain-lookup", "interface Tunnel1", " cdp enable"]
    );
    assert_eq!(
        out.rollback,
        ["no ip domain-lookup", "interface Tunnel1", " no cdp enable"]
    );
}

#[test]
fn new_routed_port_no_switchport_is_sent() {
    for platform in ["ios", "iosxe", "nxos", "eos"] {
        let from = "interface Ethernet9\n description spare\n";
        let to = "interface Ethernet9\n description p2p\n no switchport\n ip address 10.1.1.1/31\n";
        let out = verified(platform, from, to);
        assert!(
            out.apply.contains(&" no switchport".to_string()),
            "{platform}: {:?}",
            out.apply
        );
        assert!(
            out.rollback.contains(&" switchport".to_string()),
            "{platform}: {:?}",
            out.rollback
        );
    }
}

#[test]
fn port_that_only_says_no_shutdown_is_not_a_change() {
    // IOS lists every physical port; one without `shutdown` is up.
    let from = "interface GigabitEthernet0/2\n";
    let to = "interface GigabitEthernet0/2\n no shutdown\n";
    let out = verified("ios", from, to);
    assert!(out.is_empty(), "{out:#?}");
}

#[test]
fn removed_subinterface_is_negated_not_reset() {
    // `default interface Gi0/1.10` leaves the subinterface in place; the
    // reset rules matched any name ending in a digit.
    for (platform, name) in [
        ("ios", "GigabitEthernet0/1.10"),
        ("asa", "GigabitEthernet0/1.10"),
    ] {
        let from = format!("interface {name}\n encapsulation dot1Q 10\n");
        let out = verified(platform, &from, "");
        assert_eq!(out.apply, [format!("no interface {name}")], "{platform}");
    }
}
