//! Remediation and rollback on real and generated configurations: every CLI
//! pair of the public corpus, corpus files against a mutated copy, and
//! property tests on generated ios-, fortios- and junos-like trees. Each
//! asserts that both simulations match (`verified`).

use std::path::{Path, PathBuf};

use henko::config::{parse, ConfigTree, Dialect, LineSpan, Node, ParseOptions};
use henko::plan::remediate::{remediate, simulate, PlatformRules, Remediation};
use proptest::prelude::*;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("HENKO_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: corpus not found at {}; skipping", dir.display());
        None
    }
}

fn load(path: &Path, platform: &str) -> ConfigTree {
    let bytes = std::fs::read(path).unwrap();
    let dialect = Dialect::for_platform(platform).unwrap();
    parse(&bytes, dialect, &ParseOptions::default())
}

fn check(label: &str, from: &ConfigTree, to: &ConfigTree, platform: &str) -> Remediation {
    let rules = PlatformRules::builtin(platform);
    let out = remediate(from, to, platform, &rules);
    if let Some(note) = out
        .simulation_errors
        .iter()
        .find(|e| e.starts_with("single-valued setting"))
    {
        // Only a parser that flattens nested sections produces such a tree.
        eprintln!("notice: {label}: {note}; not counted");
        return out;
    }
    assert!(
        out.verified,
        "{label} ({platform}) not verified: {:?}\napply: {:#?}\nrollback: {:#?}",
        out.simulation_errors, out.apply, out.rollback
    );
    out
}

/// Returns a line that sits next to its own negation (`X` and `no X` at
/// one level): no sequence of pasted commands reaches such a level, and only
/// a parser that flattens nested sections produces one.
fn self_contradiction(nodes: &[Node]) -> Option<String> {
    let texts: std::collections::HashSet<&str> = nodes.iter().map(|n| n.text.as_str()).collect();
    nodes
        .iter()
        .find(|n| {
            n.text
                .strip_prefix("no ")
                .is_some_and(|rest| texts.contains(rest))
        })
        .map(|n| n.text.clone())
        .or_else(|| nodes.iter().find_map(|n| self_contradiction(&n.children)))
}

/// Returns the platform a corpus pair is written for, or `None` when it is
/// not a CLI dialect with remediation.
fn pair_platform(name: &str) -> Option<&'static str> {
    if name.starts_with("batfish_example_") {
        Some("ios")
    } else if name.starts_with("eos_") {
        Some("eos")
    } else if name == "batfish_preprocess-flat-pa" || name.ends_with("_set") {
        Some("panos-set")
    } else if name.starts_with("batfish_preprocess-") {
        Some("junos")
    } else {
        None
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_cli_corpus_pair_is_verified_both_ways() {
    let Some(corpus) = corpus() else { return };
    let mut checked = 0;
    let mut dirs = files(&corpus.join("pairs"));
    dirs = std::fs::read_dir(corpus.join("pairs"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .chain(dirs)
        .collect();
    dirs.sort();
    for pair in dirs {
        let name = pair.file_name().unwrap().to_string_lossy().to_string();
        let Some(platform) = pair_platform(&name) else {
            continue;
        };
        for before in files(&pair.join("before")) {
            let after = pair.join("after").join(before.file_name().unwrap());
            if !after.is_file() {
                continue;
            }
            let label = format!("{name}/{}", before.file_name().unwrap().to_string_lossy());
            let (from, to) = (load(&before, platform), load(&after, platform));
            if let Some(line) =
                self_contradiction(&from.roots).or_else(|| self_contradiction(&to.roots))
            {
                eprintln!(
                    "notice: {label}: `{line}` sits next to its negation after parsing; skipping"
                );
                continue;
            }
            let out = check(&label, &from, &to, platform);
            if from == to {
                assert!(
                    out.apply.is_empty(),
                    "{label}: identical files need no commands"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} corpus pairs checked");
}

/// Changes a copy of the tree the way an engineer's edit would: drops some
/// lines and sections, changes values, adds lines.
fn mutate(tree: &ConfigTree, platform: &str) -> ConfigTree {
    fn walk(nodes: &[Node], counter: &mut usize, depth: usize, platform: &str) -> Vec<Node> {
        let mut out = Vec::new();
        for node in nodes {
            *counter += 1;
            let n = *counter;
            if n % 11 == 0 && depth > 0 {
                continue;
            }
            if n % 29 == 0 && depth == 0 && platform != "fortios" {
                continue;
            }
            let mut copy = node.clone();
            copy.children = walk(&node.children, counter, depth + 1, platform);
            if copy.children.is_empty() && n % 7 == 3 && !copy.text.contains('\n') {
                let words: Vec<&str> = copy.text.split_whitespace().collect();
                if words.len() >= 2 {
                    let value = if platform == "fortios" {
                        "\"henko\""
                    } else {
                        "henko-7"
                    };
                    copy.text = format!("{} {value}", words[..words.len() - 1].join(" "));
                }
            }
            if !node.children.is_empty() && n % 5 == 1 {
                let has_description = copy
                    .children
                    .iter()
                    .any(|c| c.text.starts_with("description"));
                let added = match platform {
                    "fortios" if copy.text.starts_with("edit ") => Some("set comments \"henko\""),
                    "fortios" => None,
                    _ if has_description => None,
                    "junos" => Some("description \"henko\";"),
                    _ => Some("description henko-added"),
                };
                if let Some(text) = added {
                    copy.children.push(Node::leaf(text, 0));
                }
            }
            out.push(copy);
        }
        out
    }
    let mut counter = 0;
    let mut out = tree.clone();
    out.roots = walk(&tree.roots, &mut counter, 0, platform);
    if platform != "fortios" && platform != "junos" {
        out.roots.push(Node::leaf("logging host 192.0.2.77", 0));
    }
    out
}

/// Returns true when the parser produced FortiOS nesting (`config` → `edit`
/// → `set`), which the placeholder indentation parser does not.
fn fortios_nested(tree: &ConfigTree) -> bool {
    tree.roots
        .iter()
        .flat_map(|c| &c.children)
        .any(|e| e.text.starts_with("edit ") && !e.children.is_empty())
}

#[test]
fn corpus_files_against_a_mutated_copy_are_verified() {
    let Some(corpus) = corpus() else { return };
    let families = [
        ("cisco_ios", "ios"),
        ("cisco_nxos", "nxos"),
        ("cisco_asa", "asa"),
        ("arista_eos", "eos"),
        ("a10_acos", "acos"),
        ("fortinet_fortios", "fortios"),
        ("juniper_junos", "junos"),
    ];
    let mut checked = 0;
    for (folder, platform) in families {
        let paths = files(&corpus.join(folder));
        for path in paths {
            let from = load(&path, platform);
            if platform == "fortios" && !fortios_nested(&from) {
                eprintln!(
                    "notice: {} is not parsed into FortiOS sections yet; skipping",
                    path.display()
                );
                continue;
            }
            let label = path.file_name().unwrap().to_string_lossy().to_string();
            if let Some(line) = self_contradiction(&from.roots) {
                eprintln!("notice: {label}: `{line}` sits next to its negation; skipping");
                continue;
            }
            let to = mutate(&from, platform);
            if let Some(line) = self_contradiction(&to.roots) {
                eprintln!(
                    "notice: {label}: the mutation put `{line}` next to its negation; skipping"
                );
                continue;
            }
            let out = check(&label, &from, &to, platform);
            if from.roots != to.roots {
                assert!(
                    !out.apply.is_empty() || !out.manual.is_empty(),
                    "{label}: a change needs commands"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} corpus files checked");
}

#[test]
fn simulate_rejects_commands_it_does_not_understand() {
    let rules = PlatformRules::builtin("fortios");
    let err = simulate(
        &ConfigTree::default(),
        &["set hostname x".into()],
        "fortios",
        &rules,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("outside a `config` block"),
        "{err}"
    );
    let rules = PlatformRules::builtin("junos");
    let err = simulate(
        &ConfigTree::default(),
        &["delete system".into()],
        "junos",
        &rules,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

// ---------------------------------------------------------------------------
// Property tests on generated trees.

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

fn ios_tree() -> impl Strategy<Value = ConfigTree> {
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

fn asa_tree() -> impl Strategy<Value = ConfigTree> {
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

fn fortios_tree() -> impl Strategy<Value = ConfigTree> {
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

fn junos_tree() -> impl Strategy<Value = ConfigTree> {
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

fn assert_round_trip(
    from: &ConfigTree,
    to: &ConfigTree,
    platform: &str,
) -> Result<(), TestCaseError> {
    let rules = PlatformRules::builtin(platform);
    let out = remediate(from, to, platform, &rules);
    prop_assert!(
        out.verified,
        "{:?}\napply {:#?}\nrollback {:#?}",
        out.simulation_errors,
        out.apply,
        out.rollback
    );
    // The public simulator agrees with the verification.
    let applied = simulate(from, &out.apply, platform, &rules)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = remediate(&applied, to, platform, &rules);
    prop_assert!(
        again.apply.is_empty(),
        "applying twice changes more: {:?}",
        again.apply
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn ios_remediation_and_rollback_simulate_exactly(from in ios_tree(), to in ios_tree()) {
        assert_round_trip(&from, &to, "ios")?;
    }

    #[test]
    fn asa_access_lists_reorder_by_line_number(from in asa_tree(), to in asa_tree()) {
        assert_round_trip(&from, &to, "asa")?;
    }

    #[test]
    fn fortios_remediation_and_rollback_simulate_exactly(from in fortios_tree(), to in fortios_tree()) {
        assert_round_trip(&from, &to, "fortios")?;
    }

    #[test]
    fn junos_remediation_and_rollback_simulate_exactly(from in junos_tree(), to in junos_tree()) {
        assert_round_trip(&from, &to, "junos")?;
    }
}
