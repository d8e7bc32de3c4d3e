//! Planning without the sections equal on both sides
//! ([`check_scope::set_aside_unchanged`]) must give exactly the remediation
//! planning the whole trees gives: the same commands, manual steps and
//! verdict, on configs that mix equal, changed, repeated, list-valued and
//! negated sections with the top-level lines that can reach them.

use super::tests::indented;
use super::*;
use crate::config::Dialect;
use proptest::prelude::*;

/// Section headers, some of which top-level lines below can reach.
const HEADERS: &[&str] = &[
    "interface GigabitEthernet1",
    "interface GigabitEthernet2",
    "interface GigabitEthernet2.10",
    "interface Vlan10",
    "router bgp 65000",
    "ip access-list extended EDGE",
    "line vty 0 4",
    "vlan 10",
    "vlan 10-12",
    "vlan 11",
    "route-map RM permit 10",
    "no service config",
];

/// Lines inside sections.
const CHILDREN: &[&str] = &[
    "description a",
    "description b",
    "shutdown",
    "no shutdown",
    "ip address 10.0.0.1 255.255.255.0",
    "switchport access vlan 10",
    "no ip redirects",
    "neighbor 192.0.2.1 remote-as 65001",
    "neighbor 192.0.2.1 description peer",
    "10 permit ip any any",
    "20 deny ip any any",
    "name USERS",
    "set local-preference 200",
    "transport input ssh",
    "version 2",
];

/// Top-level lines, among them ones that name or remove sections.
const LEAVES: &[&str] = &[
    "hostname r1",
    "hostname r2",
    "no ip domain lookup",
    "access-list 101 permit ip any any",
    "access-list 101 deny ip any any",
    "logging host 10.0.0.1",
    "no logging console",
    "interface GigabitEthernet1",
    "no interface GigabitEthernet2.10",
    "vlan 12",
    "ntp server 192.0.2.123",
    "service config",
];

/// One top-level entry: a section (header, children) or a plain line.
fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0..HEADERS.len(),
            proptest::collection::vec(0..CHILDREN.len(), 0..4)
        )
            .prop_map(|(h, children)| {
                let mut text = format!("{}\n", HEADERS[h]);
                for c in children {
                    text.push_str(&format!(" {}\n", CHILDREN[c]));
                }
                text
            }),
        (0..LEAVES.len()).prop_map(|l| format!("{}\n", LEAVES[l])),
    ]
}

/// A section on both sides under one header, with each side's children
/// (often the same number of lines, differing in one).
fn edited() -> impl Strategy<Value = (String, String)> {
    (
        0..HEADERS.len(),
        proptest::collection::vec(0..CHILDREN.len(), 1..4),
        any::<prop::sample::Index>(),
        0..CHILDREN.len(),
    )
        .prop_map(|(h, children, at, other)| {
            let text = |children: &[usize]| {
                let mut text = format!("{}\n", HEADERS[h]);
                for c in children {
                    text.push_str(&format!(" {}\n", CHILDREN[*c]));
                }
                text
            };
            let mut changed = children.clone();
            changed[at.index(children.len())] = other;
            (text(&children), text(&changed))
        })
}

/// A config: entries shared by both sides, in place, sections edited in
/// place, plus each side's own.
fn pair() -> impl Strategy<Value = (String, String)> {
    (
        proptest::collection::vec(entry(), 0..8),
        proptest::collection::vec((edited(), any::<prop::sample::Index>()), 0..3),
        proptest::collection::vec((entry(), any::<prop::sample::Index>()), 0..4),
        proptest::collection::vec((entry(), any::<prop::sample::Index>()), 0..4),
    )
        .prop_map(|(mut shared, edits, own_from, own_to)| {
            let mut edited_from = shared.clone();
            for ((from, to), at) in edits {
                let at = at.index(shared.len() + 1);
                edited_from.insert(at, from);
                shared.insert(at, to);
            }
            let side = |base: &[String], own: &[(String, prop::sample::Index)]| {
                let mut entries = base.to_vec();
                for (e, at) in own {
                    entries.insert(at.index(entries.len() + 1), e.clone());
                }
                entries.concat()
            };
            (side(&edited_from, &own_from), side(&shared, &own_to))
        })
}

proptest! {
    #[test]
    fn setting_equal_sections_aside_changes_no_remediation(
        (from, to) in pair(),
        platform in prop::sample::select(vec!["ios", "iosxe", "nxos", "eos", "asa"]),
    ) {
        let rules = PlatformRules::builtin(platform);
        let (f, t) = (indented(&from, Dialect::Ios), indented(&to, Dialect::Ios));
        let options = RemediateOptions::default();
        let scoped = remediate_scoped(&f, &t, platform, &rules, &options, true);
        let whole = remediate_scoped(&f, &t, platform, &rules, &options, false);
        prop_assert_eq!(scoped, whole, "FROM:\n{}\nTO:\n{}", from, to);
    }
}

/// Returns the ios remediation of `from` → `to` planned with sections set
/// aside, after asserting that it is the one planning the whole trees gives.
fn scoped_as_whole(from: &str, to: &str, rules: &PlatformRules) -> Remediation {
    let (f, t) = (indented(from, Dialect::Ios), indented(to, Dialect::Ios));
    let options = RemediateOptions::default();
    let scoped = remediate_scoped(&f, &t, "ios", rules, &options, true);
    let whole = remediate_scoped(&f, &t, "ios", rules, &options, false);
    assert_eq!(scoped, whole, "FROM:\n{from}\nTO:\n{to}");
    scoped
}

#[test]
fn a_section_sharing_a_removed_lines_negation_is_not_set_aside() {
    // With an operator's `no int $1`, the removed `interface Vlan10
    // point-to-point` negates like the kept `interface Vlan10`: planned on
    // the whole trees it is removed by its full line, and without the
    // kept section the planner would write the short `no int Vlan10`,
    // which removes both.
    let rules = PlatformRules::builtin("ios")
        .with_overrides(
            "negate:\n  - match: '^interface (\\S+)'\n    with: 'no int $1'\n",
            "override.yaml",
        )
        .unwrap();
    let from = "interface Vlan10 point-to-point\n description old\ninterface Vlan10\n description keep\nhostname r1\n";
    let to = "interface Vlan10\n description keep\nhostname r1\n";
    let scoped = scoped_as_whole(from, to, &rules);
    assert_eq!(scoped.apply, ["no interface Vlan10 point-to-point"]);
    assert!(scoped.verified, "{:?}", scoped.simulation_errors);
}

#[test]
fn a_section_equal_as_read_that_a_kept_list_line_also_names_is_planned_whole() {
    // `vlan 11` is the same on both sides as read, but FROM's `vlan 10-12`
    // normalises to `vlan 10`, `vlan 11` and `vlan 12`, and that `vlan 11`
    // merges with it. Planning must see the merged section (the removal
    // of the range reaches `vlan 11` too).
    let rules = PlatformRules::builtin("ios");
    let from = "vlan 11\n name A\nvlan 10-12\n state active\nhostname r1\n";
    let to = "vlan 11\n name A\nhostname r1\n";
    let scoped = scoped_as_whole(from, to, &rules);
    assert!(
        scoped
            .apply
            .iter()
            .any(|c| c.trim() == "no vlan 10" || c.trim() == "no vlan 12"),
        "{:?}",
        scoped.apply
    );
    assert!(scoped.verified, "{:?}", scoped.simulation_errors);
}

#[test]
fn a_section_whose_every_line_is_noise_is_planned_as_the_plain_line_it_becomes() {
    // `version 2` is noise at any depth, so `no service config` normalises
    // to a plain line, which planning and the simulation must see: the
    // added `service config` undoes it, and the simulation says so.
    let rules = PlatformRules::builtin("ios");
    let from = "hostname r1\nno service config\n version 2\n";
    let to = "hostname r1\nno service config\n version 2\nservice config\n";
    let scoped = scoped_as_whole(from, to, &rules);
    assert!(!scoped.verified, "{scoped:?}");
}
