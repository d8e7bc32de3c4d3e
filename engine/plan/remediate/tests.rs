//! End-to-end unit tests of [`super::remediate`] per platform: the exact
//! commands emitted and both simulations.

use super::*;
use crate::config::{Dialect, LineSpan, Node};

/// Builds a tree from indented text (any indentation width, any depth).
pub(crate) fn indented(text: &str, dialect: Dialect) -> ConfigTree {
    let mut stack: Vec<(usize, Node)> = vec![(0, Node::default())];
    for (n, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let depth = raw.len() - raw.trim_start().len() + 1;
        while stack.len() > 1 && stack.last().unwrap().0 >= depth {
            let (_, done) = stack.pop().unwrap();
            stack.last_mut().unwrap().1.children.push(done);
        }
        let node = Node {
            text: raw.trim().to_string(),
            span: LineSpan {
                start: n as u32 + 1,
                end: n as u32 + 1,
            },
            children: Vec::new(),
            ordered: false,
        };
        stack.push((depth, node));
    }
    while stack.len() > 1 {
        let (_, done) = stack.pop().unwrap();
        stack.last_mut().unwrap().1.children.push(done);
    }
    ConfigTree {
        dialect,
        roots: stack.pop().unwrap().1.children,
        ..ConfigTree::default()
    }
}

fn ios(from: &str, to: &str) -> Remediation {
    run("ios", from, to)
}

fn run(platform: &str, from: &str, to: &str) -> Remediation {
    let dialect = Dialect::for_platform(platform).unwrap();
    let rules = PlatformRules::builtin(platform);
    let out = remediate(
        &indented(from, dialect),
        &indented(to, dialect),
        platform,
        &rules,
    );
    assert!(
        out.verified,
        "{platform}: {:?}\n{out:#?}",
        out.simulation_errors
    );
    out
}

#[test]
fn interface_address_change_is_one_overwrite_line() {
    let from =
        "interface GigabitEthernet0/1\n description uplink\n ip address 10.0.0.1 255.255.255.0\n";
    let to =
        "interface GigabitEthernet0/1\n description uplink\n ip address 10.0.0.2 255.255.255.0\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "interface GigabitEthernet0/1",
            " ip address 10.0.0.2 255.255.255.0"
        ]
    );
    assert_eq!(
        out.rollback,
        [
            "interface GigabitEthernet0/1",
            " ip address 10.0.0.1 255.255.255.0"
        ]
    );
}

#[test]
fn removed_logical_interface_is_negated_once() {
    let from = "hostname r1\ninterface Loopback9\n description test\n ip address 10.9.9.9 255.255.255.255\n";
    let out = ios(from, "hostname r1\n");
    assert_eq!(out.apply, ["no interface Loopback9"]);
    assert_eq!(
        out.rollback,
        [
            "interface Loopback9",
            " description test",
            " ip address 10.9.9.9 255.255.255.255"
        ]
    );
}

#[test]
fn removed_physical_interface_is_reset_not_negated() {
    let from = "interface GigabitEthernet0/2\n description spare\n switchport access vlan 10\n";
    let out = ios(from, "");
    assert_eq!(out.apply, ["default interface GigabitEthernet0/2"]);
}

#[test]
fn negations_come_first_then_intended_order() {
    let from = "hostname r1\nip domain-lookup\nntp server 10.0.0.1\nsnmp-server location west\n";
    let to = "hostname r2\nno ip domain-lookup\nntp server 10.0.0.2\nsnmp-server location east\n";
    let out = ios(from, to);
    // `ip domain-lookup` restates the default: the intended negation is
    // the one command that turns the lookup off (it was sent twice).
    assert_eq!(
        out.apply,
        [
            "no ntp server 10.0.0.1",
            "hostname r2",
            "no ip domain-lookup",
            "ntp server 10.0.0.2",
            "snmp-server location east"
        ]
    );
}

#[test]
fn toggles_and_descriptions_use_their_table_negation() {
    let from = "interface Vlan10\n description users\n shutdown\n";
    let to = "interface Vlan10\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        ["interface Vlan10", " no description", " no shutdown"]
    );
    assert_eq!(
        out.rollback,
        ["interface Vlan10", " description users", " shutdown"]
    );
}

#[test]
fn reordered_acl_is_rewritten_whole() {
    let from = "ip access-list extended EDGE\n permit tcp any any eq 22\n deny ip any any\n";
    let to = "ip access-list extended EDGE\n deny ip any any\n permit tcp any any eq 22\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "no ip access-list extended EDGE",
            "ip access-list extended EDGE",
            " deny ip any any",
            " permit tcp any any eq 22"
        ]
    );
}

#[test]
fn acl_append_and_removal_stay_in_place() {
    let from = "ip access-list extended EDGE\n permit tcp any any eq 22\n permit tcp any any eq 23\n deny ip any any log\n";
    let to = "ip access-list extended EDGE\n permit tcp any any eq 22\n deny ip any any log\n deny udp any any\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "ip access-list extended EDGE",
            " no permit tcp any any eq 23",
            " deny udp any any"
        ]
    );
}

#[test]
fn sequenced_acl_entries_change_by_number() {
    let from = "ip access-list extended EDGE\n 10 permit tcp any any eq 22\n 20 permit tcp any any eq 23\n 30 deny ip any any\n";
    let to = "ip access-list extended EDGE\n 10 permit tcp any any eq 22\n 15 permit tcp any any eq 443\n 20 permit tcp any any eq 8443\n 30 deny ip any any\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "ip access-list extended EDGE",
            " no 20",
            " 15 permit tcp any any eq 443",
            " 20 permit tcp any any eq 8443"
        ]
    );
}

#[test]
fn numbered_acl_change_rewrites_the_list() {
    let from = "access-list 101 permit ip host 10.0.0.1 any\naccess-list 101 deny ip any any\n";
    let to = "access-list 101 permit ip host 10.0.0.2 any\naccess-list 101 deny ip any any\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "no access-list 101",
            "access-list 101 permit ip host 10.0.0.2 any",
            "access-list 101 deny ip any any"
        ]
    );
}

#[test]
fn asa_access_list_lines_are_negated_one_by_one() {
    let from = "access-list OUT extended permit tcp any any eq 443\naccess-list OUT extended permit tcp any any eq 80\n";
    let to = "access-list OUT extended permit tcp any any eq 443\n";
    let out = run("asa", from, to);
    assert_eq!(
        out.apply,
        ["no access-list OUT extended permit tcp any any eq 80"]
    );
    let reordered = "access-list OUT extended permit tcp any any eq 80\naccess-list OUT extended permit tcp any any eq 443\n";
    let out = run("asa", from, reordered);
    assert_eq!(
        out.apply,
        [
            "no access-list OUT extended permit tcp any any eq 443",
            "access-list OUT line 2 extended permit tcp any any eq 443"
        ]
    );
    let inserted = "access-list OUT extended permit tcp any any eq 443\naccess-list OUT extended permit tcp any any eq 22\naccess-list OUT extended permit tcp any any eq 80\n";
    let out = run("asa", from, inserted);
    assert_eq!(
        out.apply,
        ["access-list OUT line 2 extended permit tcp any any eq 22"]
    );
}

#[test]
fn vlan_lists_expand_and_trunks_use_add_remove() {
    let from =
        "vlan 10,20-21\ninterface GigabitEthernet0/3\n switchport trunk allowed vlan 10,20-21\n";
    let to =
        "vlan 10,20,30\ninterface GigabitEthernet0/3\n switchport trunk allowed vlan 10,20,30\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        // VLANs are removed last (table `order`).
        [
            "vlan 30",
            "interface GigabitEthernet0/3",
            " switchport trunk allowed vlan add 30",
            " switchport trunk allowed vlan remove 21",
            "no vlan 21"
        ]
    );
}

#[test]
fn nested_bgp_changes_enter_each_level() {
    let from = "router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.1 activate\n  network 10.1.0.0 mask 255.255.0.0\n";
    let to = "router bgp 65000\n neighbor 10.0.0.1 remote-as 65002\n address-family ipv4\n  neighbor 10.0.0.1 activate\n  network 10.2.0.0 mask 255.255.0.0\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "router bgp 65000",
            " neighbor 10.0.0.1 remote-as 65002",
            " address-family ipv4",
            "  no network 10.1.0.0 mask 255.255.0.0",
            "  network 10.2.0.0 mask 255.255.0.0",
            " exit-address-family"
        ]
    );
}

#[test]
fn removed_bgp_neighbor_goes_after_what_refers_to_it() {
    let from = "router bgp 65000\n neighbor 10.0.0.9 remote-as 65009\n neighbor 10.0.0.9 description old\n address-family ipv4\n  neighbor 10.0.0.9 activate\n";
    let to = "router bgp 65000\n address-family ipv4\n";
    let out = ios(from, to);
    assert_eq!(
        out.apply,
        [
            "router bgp 65000",
            " no neighbor 10.0.0.9 description",
            " address-family ipv4",
            "  no neighbor 10.0.0.9 activate",
            " exit-address-family",
            " no neighbor 10.0.0.9"
        ]
    );
}

#[test]
fn certificate_chain_is_a_manual_step() {
    let from = "crypto pki certificate chain TP\n certificate 01\n  AABBCC\n";
    let to = "crypto pki certificate chain TP\n certificate 02\n  DDEEFF\n";
    let out = ios(from, to);
    assert!(out.apply.is_empty());
    assert_eq!(out.manual.len(), 2, "{:?}", out.manual);
    assert!(out.manual[0].contains("crypto pki certificate chain TP"));
}

#[test]
fn secrets_are_masked_unless_asked() {
    let from = "username admin privilege 15 secret 5 $1$old\n";
    let to = "username admin privilege 15 secret 5 $1$new\n";
    let out = ios(from, to);
    assert_eq!(out.apply.len(), 1);
    assert!(out.apply[0].starts_with("username admin privilege 15 secret 5 <secret:"));
    assert!(!out.apply[0].contains("$1$new"));
    let rules = PlatformRules::builtin("ios");
    let shown = remediate_with(
        &indented(from, Dialect::Ios),
        &indented(to, Dialect::Ios),
        "ios",
        &rules,
        &RemediateOptions {
            show_secrets: true,
            ..RemediateOptions::default()
        },
    );
    assert_eq!(shown.apply, ["username admin privilege 15 secret 5 $1$new"]);
}

#[test]
fn rule_override_changes_the_emitted_negation() {
    let rules = PlatformRules::builtin("ios")
        .with_overrides(
            "negate:\n  - match: '^(logging host) (\\S+)$'\n    with: 'no logging $2'\n",
            ".henko/platforms/ios.yaml",
        )
        .unwrap();
    let out = remediate(
        &indented("logging host 10.0.0.9\n", Dialect::Ios),
        &indented("", Dialect::Ios),
        "ios",
        &rules,
    );
    assert!(out.verified, "{:?}", out.simulation_errors);
    assert_eq!(out.apply, ["no logging 10.0.0.9"]);
}

#[test]
fn identical_configs_need_nothing() {
    let text = "hostname r1\ninterface Loopback0\n ip address 10.0.0.1 255.255.255.255\n";
    let out = ios(text, text);
    assert!(out.is_empty());
}

#[test]
fn structured_platforms_defer_to_scripts() {
    let rules = PlatformRules::builtin("vmware");
    let a = indented("cpu: 2\n", Dialect::Yaml);
    let b = indented("cpu: 4\n", Dialect::Yaml);
    let out = remediate(&a, &b, "vmware", &rules);
    assert!(out.apply.is_empty() && !out.verified);
    assert_eq!(out.manual.len(), 1);
    assert!(simulate(&a, &[], "vmware", &rules).is_err());
}

/// Builds a FortiOS tree from `config`/`edit`/`next`/`end` text.
pub(crate) fn forti(text: &str) -> ConfigTree {
    let mut stack: Vec<Node> = vec![Node::default()];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == "next" || line == "end" {
            let done = stack.pop().unwrap();
            stack.last_mut().unwrap().children.push(done);
        } else if line.starts_with("config ") || line.starts_with("edit ") {
            stack.push(Node::leaf(line, 0));
        } else {
            stack.last_mut().unwrap().children.push(Node::leaf(line, 0));
        }
    }
    ConfigTree {
        dialect: Dialect::Fortios,
        roots: stack.pop().unwrap().children,
        ..ConfigTree::default()
    }
}

fn fortios(from: &str, to: &str) -> Remediation {
    let rules = PlatformRules::builtin("fortios");
    let out = remediate(&forti(from), &forti(to), "fortios", &rules);
    assert!(out.verified, "{:?}\n{out:#?}", out.simulation_errors);
    out
}

const POLICIES: &str = "config firewall policy\nedit 1\nset name \"web\"\nset action accept\nset srcintf \"port1\"\nnext\nedit 2\nset name \"deny\"\nset action deny\nnext\nend\n";

#[test]
fn fortios_modify_is_set_inside_edit() {
    let to = POLICIES.replace("set action accept", "set action deny");
    let out = fortios(POLICIES, &to);
    assert_eq!(
        out.apply,
        [
            "config firewall policy",
            "    edit 1",
            "        set action deny",
            "    next",
            "end"
        ]
    );
}

#[test]
fn fortios_removed_key_is_unset_and_removed_entry_deleted() {
    let to = "config firewall policy\nedit 1\nset name \"web\"\nset action accept\nnext\nend\n";
    let out = fortios(POLICIES, to);
    assert_eq!(
        out.apply,
        [
            "config firewall policy",
            "    delete 2",
            "    edit 1",
            "        unset srcintf",
            "    next",
            "end"
        ]
    );
    assert_eq!(
        out.rollback,
        [
            "config firewall policy",
            "    edit 1",
            "        set srcintf \"port1\"",
            "    next",
            "    edit 2",
            "        set name \"deny\"",
            "        set action deny",
            "    next",
            "end"
        ]
    );
}

#[test]
fn fortios_new_policy_is_placed_with_move() {
    let to = "config firewall policy\nedit 3\nset name \"new\"\nset action accept\nnext\nedit 1\nset name \"web\"\nset action accept\nset srcintf \"port1\"\nnext\nedit 2\nset name \"deny\"\nset action deny\nnext\nend\n";
    let out = fortios(POLICIES, to);
    assert_eq!(
        out.apply,
        [
            "config firewall policy",
            "    edit 3",
            "        set name \"new\"",
            "        set action accept",
            "    next",
            "    move 3 before 1",
            "end"
        ]
    );
}

#[test]
fn fortios_nested_blocks_and_removed_tables() {
    let from = "config system admin\nedit \"admin\"\nconfig gui-dashboard\nedit 1\nset name \"Main\"\nnext\nend\nnext\nend\nconfig system dns\nset primary 8.8.8.8\nend\n";
    let to = "config system admin\nedit \"admin\"\nnext\nend\n";
    let out = fortios(from, to);
    assert_eq!(
        out.apply,
        [
            "config system dns",
            "    unset primary",
            "end",
            "config system admin",
            "    edit \"admin\"",
            "        config gui-dashboard",
            "            delete 1",
            "        end",
            "    next",
            "end"
        ]
    );
}

#[test]
fn fortios_password_is_masked() {
    let from = "config system admin\nedit \"admin\"\nset password ENC SH2old\nnext\nend\n";
    let to = "config system admin\nedit \"admin\"\nset password ENC SH2new\nnext\nend\n";
    let out = fortios(from, to);
    assert!(
        out.apply[2].starts_with("        set password ENC <secret:"),
        "{:?}",
        out.apply
    );
}

#[test]
fn junos_set_and_delete_through_the_api() {
    let rules = PlatformRules::builtin("junos");
    let from = indented("set system host-name r1\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\nset interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24\n", Dialect::Junos);
    let to = indented("system {\n    host-name r2;\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                address 10.0.0.1/24;\n            }\n        }\n    }\n}\n", Dialect::Junos);
    let out = remediate(&from, &to, "junos", &rules);
    assert!(out.verified, "{:?}", out.simulation_errors);
    assert_eq!(
        out.apply,
        ["delete interfaces ge-0/0/1", "set system host-name r2"]
    );
    assert_eq!(
        out.rollback,
        [
            "set system host-name r1",
            "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24"
        ]
    );
    let sim = simulate(&from, &out.apply, "junos", &rules).unwrap();
    assert_eq!(sim.roots.len(), 2);
}
