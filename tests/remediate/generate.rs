//! Generators for the property tests: ios-, ASA-, FortiOS- and Junos-like
//! trees drawn from small vocabularies where each setting appears at most
//! once, as on a real device, so two draws overlap and differ the way a
//! running and an intended configuration do.

use henko::config::{ConfigTree, Dialect, LineSpan, Node};
use proptest::prelude::*;

fn node(text: String, children: Vec<Node>) -> Node {
    Node {
        text,
        span: LineSpan::default(),
        children,
        ordered: false,
    }
}

fn tree(dialect: Dialect, roots: Vec<Node>) -> ConfigTree {
    ConfigTree {
        dialect,
        roots,
        ..ConfigTree::default()
    }
}

/// An optional line chosen from variants: one setting, present or not.
fn slot(variants: Vec<String>) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::sample::select(variants))
}

fn subset(items: Vec<String>) -> impl Strategy<Value = Vec<String>> {
    let n = items.len();
    proptest::sample::subsequence(items, 0..=n)
}

fn ios_interface() -> impl Strategy<Value = Node> {
    (
        proptest::sample::select(vec![
            "Loopback1",
            "Loopback2",
            "GigabitEthernet0/1",
            "GigabitEthernet0/2",
            "Vlan10",
        ]),
        slot(vec!["description core".into(), "description edge".into()]),
        slot(vec![
            "ip address 10.0.0.1 255.255.255.0".into(),
            "ip address 10.0.1.1 255.255.255.0".into(),
        ]),
        slot(vec!["shutdown".into()]),
        slot(vec!["mtu 1500".into(), "mtu 9000".into()]),
        proptest::option::of(proptest::collection::btree_set(1u32..12, 1..6)),
        subset(vec![
            "ip helper-address 10.9.0.1".into(),
            "ip helper-address 10.9.0.2".into(),
        ]),
    )
        .prop_map(|(name, desc, addr, shut, mtu, trunk, helpers)| {
            let mut children: Vec<Node> = [desc, addr, shut, mtu]
                .into_iter()
                .flatten()
                .map(|t| node(t, vec![]))
                .collect();
            if let Some(vlans) = trunk {
                let list: Vec<String> = vlans.iter().map(u32::to_string).collect();
                children.push(node(
                    format!("switchport trunk allowed vlan {}", list.join(",")),
                    vec![],
                ));
            }
            children.extend(helpers.into_iter().map(|t| node(t, vec![])));
            node(format!("interface {name}"), children)
        })
}

pub(super) fn ios_tree() -> impl Strategy<Value = ConfigTree> {
    let acl_entries: Vec<String> = [
        "permit tcp any any eq 22",
        "permit tcp any any eq 443",
        "deny udp any any",
        "deny ip any any log",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    (
        slot(vec!["hostname r1".into(), "hostname r2".into()]),
        slot(vec![
            "ip domain-lookup".into(),
            "no ip domain-lookup".into(),
        ]),
        subset(vec![
            "ntp server 10.0.0.1".into(),
            "ntp server 10.0.0.2".into(),
            "ntp server 10.0.0.3".into(),
        ]),
        slot(vec![
            "snmp-server location west".into(),
            "snmp-server location east".into(),
        ]),
        proptest::collection::vec(ios_interface(), 0..4),
        proptest::option::of(subset(acl_entries.clone()).prop_shuffle()),
        subset(vec![
            "access-list 10 permit 10.0.0.0 0.0.0.255".into(),
            "access-list 10 permit 10.1.0.0 0.0.0.255".into(),
            "access-list 10 deny any".into(),
        ])
        .prop_shuffle(),
        proptest::option::of((
            slot(vec![
                "neighbor 10.0.0.2 remote-as 65001".into(),
                "neighbor 10.0.0.2 remote-as 65002".into(),
            ]),
            subset(vec![
                "network 10.1.0.0 mask 255.255.0.0".into(),
                "network 10.2.0.0 mask 255.255.0.0".into(),
            ]),
        )),
        proptest::collection::btree_set(1u32..8, 0..4),
        proptest::option::of(proptest::collection::btree_map(
            1u32..6,
            proptest::bool::ANY,
            0..5,
        )),
    )
        .prop_map(
            |(host, lookup, ntp, location, interfaces, acl, numbered, bgp, vlans, sequenced)| {
                let mut roots: Vec<Node> = [host, lookup, location]
                    .into_iter()
                    .flatten()
                    .chain(ntp)
                    .map(|t| node(t, vec![]))
                    .collect();
                roots.extend(vlans.iter().map(|v| {
                    node(
                        format!("vlan {v}"),
                        vec![node(format!("name v{v}"), vec![])],
                    )
                }));
                let mut seen = std::collections::HashSet::new();
                roots.extend(
                    interfaces
                        .into_iter()
                        .filter(|i| seen.insert(i.text.clone())),
                );
                if let Some(entries) = acl {
                    roots.push(node(
                        "ip access-list extended EDGE".into(),
                        entries.into_iter().map(|e| node(e, vec![])).collect(),
                    ));
                }
                roots.extend(numbered.into_iter().map(|t| node(t, vec![])));
                if let Some(entries) = sequenced {
                    let children = entries
                        .into_iter()
                        .map(|(n, permit)| {
                            node(
                                format!(
                                    "{} {} ip host 10.0.0.{n} any",
                                    n * 10,
                                    if permit { "permit" } else { "deny" }
                                ),
                                vec![],
                            )
                        })
                        .collect();
                    roots.push(node("ip access-list extended SEQ".into(), children));
                }
                if let Some((neighbor, networks)) = bgp {
                    let mut children: Vec<Node> =
                        neighbor.into_iter().map(|t| node(t, vec![])).collect();
                    children.push(node(
                        "address-family ipv4".into(),
                        networks.into_iter().map(|t| node(t, vec![])).collect(),
                    ));
                    roots.push(node("router bgp 65000".into(), children));
                }
                tree(Dialect::Ios, roots)
            },
        )
}

pub(super) fn asa_tree() -> impl Strategy<Value = ConfigTree> {
    let entries: Vec<String> = [22u32, 80, 443, 8080, 3389]
        .iter()
        .map(|p| format!("access-list OUT extended permit tcp any any eq {p}"))
        .collect();
    (
        subset(entries).prop_shuffle(),
        slot(vec!["hostname fw1".into(), "hostname fw2".into()]),
    )
        .prop_map(|(acl, host)| {
            let roots = host
                .into_iter()
                .chain(acl)
                .map(|t| node(t, vec![]))
                .collect();
            tree(Dialect::Ios, roots)
        })
}

fn forti_entry(name: String, sets: Vec<String>, nested: Option<Vec<String>>) -> Node {
    let mut children: Vec<Node> = sets.into_iter().map(|t| node(t, vec![])).collect();
    if let Some(widgets) = nested {
        children.push(node(
            "config widget".into(),
            widgets
                .into_iter()
                .map(|w| {
                    node(
                        format!("edit {w}"),
                        vec![node("set type sysinfo".into(), vec![])],
                    )
                })
                .collect(),
        ));
    }
    node(format!("edit {name}"), children)
}

pub(super) fn fortios_tree() -> impl Strategy<Value = ConfigTree> {
    let policy = |id: u32| {
        (
            slot(vec!["set action accept".into(), "set action deny".into()]),
            slot(vec![
                "set srcintf \"port1\"".into(),
                "set srcintf \"port2\"".into(),
            ]),
            slot(vec!["set logtraffic all".into()]),
        )
            .prop_map(move |(a, b, c)| {
                forti_entry(
                    id.to_string(),
                    [a, b, c].into_iter().flatten().collect(),
                    None,
                )
            })
    };
    (
        (
            slot(vec![
                "set hostname \"fw1\"".into(),
                "set hostname \"fw2\"".into(),
            ]),
            slot(vec!["set timezone 04".into(), "set timezone 60".into()]),
        ),
        proptest::collection::vec((1u32..6).prop_flat_map(policy), 0..5),
        subset(vec!["\"web\"".into(), "\"db\"".into(), "\"mail\"".into()]),
        proptest::option::of(subset(vec!["1".into(), "2".into(), "3".into()])),
    )
        .prop_map(|((host, tz), policies, addresses, widgets)| {
            let mut roots = Vec::new();
            let global: Vec<Node> = [host, tz]
                .into_iter()
                .flatten()
                .map(|t| node(t, vec![]))
                .collect();
            if !global.is_empty() {
                roots.push(node("config system global".into(), global));
            }
            if !addresses.is_empty() {
                roots.push(node(
                    "config firewall address".into(),
                    addresses
                        .into_iter()
                        .map(|a| {
                            forti_entry(a, vec!["set subnet 10.0.0.0 255.255.255.0".into()], None)
                        })
                        .collect(),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            let policies: Vec<Node> = policies
                .into_iter()
                .filter(|p| seen.insert(p.text.clone()))
                .collect();
            if !policies.is_empty() {
                let mut section = node("config firewall policy".into(), policies);
                section.ordered = true;
                roots.push(section);
            }
            if let Some(w) = widgets {
                let admin = forti_entry(
                    "\"admin\"".into(),
                    vec!["set accprofile \"super_admin\"".into()],
                    Some(w),
                );
                roots.push(node("config system admin".into(), vec![admin]));
            }
            tree(Dialect::Fortios, roots)
        })
}

pub(super) fn junos_tree() -> impl Strategy<Value = ConfigTree> {
    (
        slot(vec!["host-name r1;".into(), "host-name r2;".into()]),
        subset(vec!["ssh;".into(), "netconf;".into(), "telnet;".into()]),
        proptest::collection::btree_map(
            0u32..4,
            (
                slot(vec![
                    "description \"a\";".into(),
                    "description \"b\";".into(),
                ]),
                subset(vec![
                    "address 10.0.0.1/24;".into(),
                    "address 10.0.1.1/24;".into(),
                ]),
            ),
            0..3,
        ),
        subset(vec!["t1".into(), "t2".into(), "t3".into(), "t4".into()]).prop_shuffle(),
    )
        .prop_map(|(host, services, interfaces, terms)| {
            let mut system: Vec<Node> = host.into_iter().map(|t| node(t, vec![])).collect();
            if !services.is_empty() {
                system.push(node(
                    "services {".into(),
                    services.into_iter().map(|t| node(t, vec![])).collect(),
                ));
            }
            let mut roots = Vec::new();
            if !system.is_empty() {
                roots.push(node("system {".into(), system));
            }
            let ifaces: Vec<Node> = interfaces
                .into_iter()
                .map(|(n, (desc, addrs))| {
                    let mut children: Vec<Node> =
                        desc.into_iter().map(|t| node(t, vec![])).collect();
                    if !addrs.is_empty() {
                        let family = node(
                            "family inet {".into(),
                            addrs.into_iter().map(|t| node(t, vec![])).collect(),
                        );
                        children.push(node("unit 0 {".into(), vec![family]));
                    }
                    node(format!("ge-0/0/{n} {{"), children)
                })
                .collect();
            if !ifaces.is_empty() {
                roots.push(node("interfaces {".into(), ifaces));
            }
            if !terms.is_empty() {
                let terms = terms
                    .into_iter()
                    .map(|t| {
                        node(
                            format!("term {t} {{"),
                            vec![node("then accept;".into(), vec![])],
                        )
                    })
                    .collect();
                let filter = node("filter EDGE {".into(), terms);
                let family = node("family inet {".into(), vec![filter]);
                roots.push(node("firewall {".into(), vec![family]));
            }
            tree(Dialect::Junos, roots)
        })
}
