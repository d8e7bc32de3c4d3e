//! Remediations another tool's suite expects (netdevops/hier_config,
//! `tests/integration/test_cisco_ios.py` and `tests/future/fixtures/ios_*`),
//! where henko was wrong on a real device. Each test is named after what
//! broke; the expected commands are the ones hier_config's suite gives,
//! except where henko differs on purpose (said in the test).

use super::tests::indented;
use super::*;
use crate::config::Dialect;

fn verified(platform: &str, from: &str, to: &str) -> Remediation {
    let dialect = Dialect::for_platform(platform).unwrap();
    let out = remediate(
        &indented(from, dialect),
        &indented(to, dialect),
        platform,
        &PlatformRules::builtin(platform),
    );
    assert!(
        out.verified,
        "{platform}: {:?}\n{out:#?}",
        out.simulation_errors
    );
    out
}

#[test]
fn logging_console_level_overwrites_its_negation() {
    // hier_config test_logging_console_emergencies_scenario_1: henko sent
    // `logging console` and then the level, and rolled back with two lines.
    let out = verified(
        "ios",
        "no logging console\n",
        "logging console emergencies\n",
    );
    assert_eq!(out.apply, ["logging console emergencies"]);
    assert_eq!(out.rollback, ["no logging console"]);
}

#[test]
fn logging_console_level_change_is_one_line() {
    // Scenario 2: henko turned console logging off before setting the level.
    let out = verified("ios", "logging console\n", "logging console emergencies\n");
    assert_eq!(out.apply, ["logging console emergencies"]);
    // hier_config rolls back with `logging console`; the default level is
    // the same state, spelled out.
    assert_eq!(out.rollback, ["logging console debugging"]);
}

#[test]
fn removing_a_console_logging_level_restores_the_default_not_off() {
    // Scenario 3: the rollback was `no logging console emergencies`, which
    // turns console logging off; the running side had it on by default.
    let out = verified("ios", "", "logging console emergencies\n");
    assert_eq!(out.apply, ["logging console emergencies"]);
    assert_eq!(out.rollback, ["logging console debugging"]);
}

#[test]
fn new_acl_is_defined_before_the_interface_that_applies_it() {
    // tests/future/fixtures/ios_{running,generated}.conf: the access-group
    // came first, so the interface filtered with a partial list while the
    // entries were pasted. hier_config has the same order; henko defines
    // lists and maps first on purpose.
    let from = "interface GigabitEthernet0/1\n description LAN\n ip address 10.0.1.1 255.255.255.0\nroute-map RM permit 10\n match ip address prefix-list OLD\n";
    let to = "interface GigabitEthernet0/1\n description LAN\n ip address 10.0.1.1 255.255.255.0\n ip access-group LAN-IN in\nrouter bgp 65001\n neighbor 192.0.2.1 remote-as 65002\n neighbor 192.0.2.1 route-map RM in\nroute-map RM permit 10\n match ip address prefix-list PL\nip access-list extended LAN-IN\n permit ip 10.0.0.0 0.0.255.255 any\n deny ip any any\nip prefix-list PL seq 5 permit 10.0.0.0/8\n";
    let out = verified("ios", from, to);
    let at = |line: &str| {
        out.apply
            .iter()
            .position(|c| c == line)
            .unwrap_or_else(|| panic!("`{line}` missing: {:?}", out.apply))
    };
    assert!(at("ip access-list extended LAN-IN") < at("interface GigabitEthernet0/1"));
    assert!(at("ip prefix-list PL seq 5 permit 10.0.0.0/8") < at("route-map RM permit 10"));
    assert!(at("route-map RM permit 10") < at("router bgp 65001"));
    // Going back, references go before what they refer to.
    let back = |line: &str| out.rollback.iter().position(|c| c == line).unwrap();
    assert!(back(" no ip access-group LAN-IN in") < back("no ip access-list extended LAN-IN"));
}

#[test]
fn interface_without_an_address_gets_one_in_place() {
    // IOS shows `no ip address` on an interface without one: henko sent
    // its negation `ip address`, which is not a command. The address
    // replaces it, and the rollback puts `no ip address` back.
    let out = verified(
        "ios",
        "interface Vlan5\n no ip address\n",
        "interface Vlan5\n ip address 10.5.0.1 255.255.255.0\n",
    );
    assert_eq!(
        out.apply,
        ["interface Vlan5", " ip address 10.5.0.1 255.255.255.0"]
    );
    assert_eq!(out.rollback, ["interface Vlan5", " no ip address"]);
}

#[test]
fn maximum_paths_flavours_are_separate_settings() {
    // Corpus pair batfish_example_2017_vs_head: `maximum-paths 5` became
    // `maximum-paths eibgp 5`. henko overwrote one with the other, which IOS
    // refuses while the ebgp setting is in place; hier_config removes it
    // first, as henko now does.
    let from = "router bgp 1\n address-family ipv4\n  maximum-paths 5\n exit-address-family\n";
    let to = "router bgp 1\n address-family ipv4\n  maximum-paths eibgp 5\n exit-address-family\n";
    let out = verified("ios", from, to);
    assert_eq!(
        out.apply,
        [
            "router bgp 1",
            " address-family ipv4",
            "  no maximum-paths",
            "  maximum-paths eibgp 5",
            " exit-address-family"
        ]
    );
    assert_eq!(
        out.rollback,
        [
            "router bgp 1",
            " address-family ipv4",
            "  no maximum-paths eibgp",
            "  maximum-paths 5",
            " exit-address-family"
        ]
    );
}

#[test]
fn nxos_tcam_region_size_changes_in_place() {
    // hier_config test_startswith_rules_do_not_cross_contaminate: the old
    // size was removed first, leaving the region uncarved in between.
    let from =
        "hardware access-list tcam region arp-ether 0\nhardware profile tcam region racl 0\n";
    let to =
        "hardware access-list tcam region arp-ether 256\nhardware profile tcam region racl 512\n";
    let out = verified("nxos", from, to);
    assert_eq!(
        out.apply,
        [
            "hardware access-list tcam region arp-ether 256",
            "hardware profile tcam region racl 512"
        ]
    );
}
