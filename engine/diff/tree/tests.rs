//! Unit tests of the tree diff, on trees built by hand so they do not
//! depend on any one parser.

use super::*;
use crate::config::LineSpan;

/// Builds a tree from indented text (one space per level). Sections whose
/// header starts with `ip access-list` or `config firewall policy` are
/// ordered, as the dialect parsers mark them.
fn tree(dialect: Dialect, text: &str) -> ConfigTree {
    fn build(lines: &[(usize, u32, &str)], depth: usize) -> Vec<Node> {
        let mut nodes = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let (indent, line, text) = lines[i];
            assert_eq!(indent, depth, "bad fixture indentation at {text}");
            let mut end = i + 1;
            while end < lines.len() && lines[end].0 > depth {
                end += 1;
            }
            let children = build(&lines[i + 1..end], depth + 1);
            let ordered =
                text.starts_with("ip access-list") || text.starts_with("config firewall policy");
            nodes.push(Node {
                text: text.to_string(),
                span: LineSpan {
                    start: line,
                    end: lines[end - 1].1,
                },
                children,
                ordered,
            });
            i = end;
        }
        nodes
    }
    let lines: Vec<(usize, u32, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (l.len() - l.trim_start().len(), n as u32 + 1, l.trim()))
        .collect();
    ConfigTree {
        dialect,
        roots: build(&lines, 0),
        ordered: false,
        warnings: Vec::new(),
    }
}

fn diff(dialect: Dialect, a: &str, b: &str) -> Vec<Change> {
    diff_trees(
        &tree(dialect, a),
        &tree(dialect, b),
        &DiffOptions::default(),
    )
}

fn summary(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} [{}] -> [{}]",
                c.op.as_str(),
                c.path.join(" / "),
                c.before.as_deref().unwrap_or(""),
                c.after.as_deref().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn identical_trees_have_no_changes() {
    let text =
        "hostname r1\ninterface Gi0/1\n description up\n ip address 10.0.0.1 255.255.255.0\n";
    assert!(diff(Dialect::Ios, text, text).is_empty());
}

#[test]
fn order_is_not_a_change_in_unordered_sections() {
    let a = "hostname r1\nntp server 1.1.1.1\nntp server 2.2.2.2\ninterface Gi0/1\n shutdown\n mtu 9000\n";
    let b = "interface Gi0/1\n mtu 9000\n shutdown\nntp server 2.2.2.2\nntp server 1.1.1.1\nhostname r1\n";
    assert!(diff(Dialect::Ios, a, b).is_empty());
}

#[test]
fn same_setting_with_a_new_value_is_a_modify() {
    let a = "hostname r1\ninterface Gi0/1\n description old\n ip address 10.0.0.1 255.255.255.0\n switchport access vlan 10\n";
    let b = "hostname r2\ninterface Gi0/1\n description new\n ip address 10.0.0.2 255.255.255.0\n switchport access vlan 20\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(
        summary(&changes),
        [
            "modify hostname r2 [hostname r1] -> [hostname r2]",
            "modify interface Gi0/1 / description new [description old] -> [description new]",
            "modify interface Gi0/1 / ip address 10.0.0.2 255.255.255.0 [ip address 10.0.0.1 255.255.255.0] -> [ip address 10.0.0.2 255.255.255.0]",
            "modify interface Gi0/1 / switchport access vlan 20 [switchport access vlan 10] -> [switchport access vlan 20]",
        ]
    );
    assert_eq!(changes[0].line_before, Some(1));
    assert_eq!(changes[0].line_after, Some(1));
}

#[test]
fn multi_valued_lines_are_remove_and_add() {
    let changes = diff(Dialect::Ios, "ntp server 1.1.1.1\n", "ntp server 3.3.3.3\n");
    assert_eq!(
        summary(&changes),
        [
            "remove ntp server 1.1.1.1 [ntp server 1.1.1.1] -> []",
            "add ntp server 3.3.3.3 [] -> [ntp server 3.3.3.3]",
        ]
    );
}

#[test]
fn fortios_set_is_keyed_by_its_name() {
    let a = "config system interface\n edit \"port1\"\n  set ip 10.0.0.1 255.255.255.0\n  set allowaccess ping\n";
    let b = "config system interface\n edit \"port1\"\n  set ip 10.0.0.9 255.255.255.0\n  set allowaccess ping https\n";
    let changes = diff(Dialect::Fortios, a, b);
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c.op == Op::Modify));
    assert_eq!(
        changes[0].path,
        [
            "config system interface",
            "edit \"port1\"",
            "set ip 10.0.0.9 255.255.255.0"
        ]
    );
}

#[test]
fn section_added_or_removed_is_one_change_with_its_body() {
    let a = "interface Gi0/1\n description a\ninterface Gi0/2\n description b\n shutdown\n";
    let b = "interface Gi0/1\n description a\ninterface Gi0/3\n description c\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(
        summary(&changes),
        [
            "remove interface Gi0/2 [interface Gi0/2] -> []",
            "add interface Gi0/3 [] -> [interface Gi0/3]",
        ]
    );
    assert_eq!(changes[0].body_lines(), [" description b", " shutdown"]);
    assert_eq!(changes[1].body_lines(), [" description c"]);
}

#[test]
fn acl_entry_moved_in_an_ordered_section() {
    let a = "ip access-list extended EDGE\n permit tcp any any eq 22\n permit tcp any any eq 443\n deny ip any any\n";
    let b = "ip access-list extended EDGE\n permit tcp any any eq 443\n deny ip any any\n permit tcp any any eq 22\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(
        summary(&changes),
        ["move ip access-list extended EDGE / permit tcp any any eq 22 [permit tcp any any eq 22] -> [permit tcp any any eq 22]"]
    );
    assert_eq!(changes[0].line_before, Some(2));
    assert_eq!(changes[0].line_after, Some(4));
}

#[test]
fn numbered_access_list_lines_keep_their_order_at_the_top_level() {
    let a = "hostname r1\naccess-list 10 permit 10.0.0.0 0.0.0.255\naccess-list 10 permit 10.1.0.0 0.0.0.255\naccess-list 10 deny any\n";
    let b = "access-list 10 permit 10.1.0.0 0.0.0.255\nhostname r1\naccess-list 10 deny any\naccess-list 10 permit 10.0.0.0 0.0.0.255\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(
        summary(&changes),
        ["move access-list 10 permit 10.0.0.0 0.0.0.255 [access-list 10 permit 10.0.0.0 0.0.0.255] -> [access-list 10 permit 10.0.0.0 0.0.0.255]"]
    );
}

#[test]
fn longest_increasing_run_is_kept() {
    assert_eq!(
        longest_increasing(&[0, 2, 1, 3])
            .iter()
            .filter(|k| **k)
            .count(),
        3
    );
    assert_eq!(longest_increasing(&[3, 2, 1]), [false, false, true]);
    assert!(longest_increasing(&[]).is_empty());
}

#[test]
fn acl_insert_is_an_add_not_a_cascade_of_moves() {
    let a = "ip access-list extended EDGE\n permit tcp any any eq 22\n deny ip any any\n";
    let b = "ip access-list extended EDGE\n permit tcp any any eq 22\n permit tcp any any eq 443\n deny ip any any\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(
        summary(&changes),
        ["add ip access-list extended EDGE / permit tcp any any eq 443 [] -> [permit tcp any any eq 443]"]
    );
}

#[test]
fn fortios_policy_moved_and_changed_inside() {
    let a = "config firewall policy\n edit 1\n  set action accept\n edit 2\n  set action deny\n";
    let b = "config firewall policy\n edit 2\n  set action deny\n edit 1\n  set action deny\n";
    let changes = diff(Dialect::Fortios, a, b);
    assert_eq!(
        summary(&changes),
        [
            "move config firewall policy / edit 2 [edit 2] -> [edit 2]",
            "modify config firewall policy / edit 1 / set action deny [set action accept] -> [set action deny]",
        ]
    );
}

#[test]
fn keyed_yaml_list_insert_shifts_nothing() {
    let a = "vms:\n name=web01\n  cpu: 2\n name=web02\n  cpu: 2\n";
    let b = "vms:\n name=web00\n  cpu: 4\n name=web01\n  cpu: 2\n name=web02\n  cpu: 8\n";
    let changes = diff(Dialect::Yaml, a, b);
    assert_eq!(
        summary(&changes),
        [
            "add vms: / name=web00 [] -> [name=web00]",
            "modify vms: / name=web02 / cpu: 8 [cpu: 2] -> [cpu: 8]",
        ]
    );
}

#[test]
fn duplicate_lines_pair_up_in_order() {
    let a = "exit\nexit\nexit\n";
    let b = "exit\nexit\n";
    let changes = diff(Dialect::Lines, a, b);
    assert_eq!(summary(&changes), ["remove exit [exit] -> []"]);
    assert_eq!(changes[0].line_before, Some(3));
}

#[test]
fn secrets_are_masked_and_categorised() {
    let a = "username admin privilege 15 secret 9 $9$OLDOLDOLD\nhostname r1\n";
    let b = "username admin privilege 15 secret 9 $9$NEWNEWNEW\nhostname r1\n";
    let changes = diff(Dialect::Ios, a, b);
    assert_eq!(changes.len(), 1);
    let change = &changes[0];
    assert_eq!(change.op, Op::Modify);
    assert_eq!(change.category, ChangeCategory::Secret);
    let shown = format!("{change:?}");
    assert!(
        !shown.contains("OLDOLDOLD") && !shown.contains("NEWNEWNEW"),
        "{shown}"
    );
    assert_ne!(change.before, change.after, "fingerprints differ");

    let opts = DiffOptions {
        show_secrets: true,
        ..DiffOptions::default()
    };
    let shown = diff_trees(&tree(Dialect::Ios, a), &tree(Dialect::Ios, b), &opts);
    assert!(shown[0].after.as_deref().unwrap().contains("NEWNEWNEW"));
}

#[test]
fn secrets_inside_an_added_section_body_are_masked() {
    let b = "config user local\n edit \"ops\"\n  set passwd ENC SuperSecretCipher\n";
    let changes = diff(Dialect::Fortios, "", b);
    assert_eq!(changes.len(), 1);
    let body = changes[0].body_lines().join("\n");
    assert!(!body.contains("SuperSecretCipher"), "{body}");
    assert!(body.contains("set passwd"));
}

#[test]
fn secret_churn_can_be_ignored() {
    let a = "config system admin\n edit \"admin\"\n  set password ENC AAAAone\n  set accprofile super_admin\n";
    let b = "config system admin\n edit \"admin\"\n  set password ENC AAAAtwo\n  set accprofile prof_admin\n";
    let opts = DiffOptions {
        ignore_secret_churn: true,
        ..DiffOptions::default()
    };
    let changes = diff_trees(
        &tree(Dialect::Fortios, a),
        &tree(Dialect::Fortios, b),
        &opts,
    );
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].after.as_deref(),
        Some("set accprofile prof_admin")
    );
    assert_eq!(diff(Dialect::Fortios, a, b).len(), 2);
}

#[test]
fn negation_pairs_with_the_setting() {
    let changes = diff(
        Dialect::Ios,
        "interface Gi0/1\n shutdown\n",
        "interface Gi0/1\n no shutdown\n",
    );
    assert_eq!(
        summary(&changes),
        ["modify interface Gi0/1 / no shutdown [shutdown] -> [no shutdown]"]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Random trees of up to three levels over a small vocabulary, so that
    /// duplicates, shared keys and repeated sections all occur.
    fn nodes(depth: u32) -> BoxedStrategy<Vec<Node>> {
        let word = prop::sample::select(vec![
            "hostname r1",
            "hostname r2",
            "description a",
            "description b",
            "ip address 10.0.0.1 255.255.255.0",
            "ntp server 1.1.1.1",
            "shutdown",
            "no shutdown",
            "set ip 10.0.0.1/24",
            "permit ip any any",
            "interface Gi0/1",
            "router bgp 65000",
        ]);
        let leaf = (word, any::<bool>()).prop_map(|(text, ordered)| Node {
            text: text.to_string(),
            span: LineSpan { start: 1, end: 1 },
            children: Vec::new(),
            ordered,
        });
        if depth == 0 {
            return prop::collection::vec(leaf, 0..6).boxed();
        }
        let inner = (leaf, nodes(depth - 1)).prop_map(|(mut node, children)| {
            node.children = children;
            node
        });
        prop::collection::vec(inner, 0..6).boxed()
    }

    fn tree_of(roots: Vec<Node>) -> ConfigTree {
        ConfigTree {
            dialect: Dialect::Ios,
            roots,
            ordered: false,
            warnings: Vec::new(),
        }
    }

    /// Reverses every unordered child list (order is not a change there).
    fn reorder(nodes: &mut Vec<Node>, ordered: bool) {
        if !ordered {
            nodes.reverse();
        }
        for node in nodes {
            let ordered = node.ordered;
            reorder(&mut node.children, ordered);
        }
    }

    proptest! {
        #[test]
        fn a_tree_has_no_changes_against_itself(roots in nodes(2)) {
            let tree = tree_of(roots);
            prop_assert!(diff_trees(&tree, &tree, &DiffOptions::default()).is_empty());
        }

        #[test]
        fn reordering_unordered_sections_is_no_change(roots in nodes(2)) {
            let tree = tree_of(roots);
            let mut shuffled = tree.clone();
            reorder(&mut shuffled.roots, false);
            let changes = diff_trees(&tree, &shuffled, &DiffOptions::default());
            prop_assert!(changes.is_empty(), "{:?}", changes);
        }

        #[test]
        fn different_trees_have_changes_and_every_change_has_a_path(a in nodes(2), b in nodes(2)) {
            let (a, b) = (tree_of(a), tree_of(b));
            let changes = diff_trees(&a, &b, &DiffOptions::default());
            prop_assert!(changes.iter().all(|c| !c.path.is_empty()));
            if changes.is_empty() {
                // No change means the same multiset of subtrees at the top.
                prop_assert_eq!(a.roots.len(), b.roots.len());
            }
        }
    }
}

#[test]
fn a_folded_junos_setting_against_its_section_diffs_the_values() {
    let one = "system\n ntp\n  server 10.0.0.40\n";
    let two = "system\n ntp\n  server\n   10.0.0.40\n   10.0.0.41\n";
    assert_eq!(
        summary(&diff(Dialect::Junos, one, two)),
        ["add system / ntp / server / 10.0.0.41 [] -> [10.0.0.41]"]
    );
    assert_eq!(
        summary(&diff(Dialect::Junos, two, one)),
        ["remove system / ntp / server / 10.0.0.41 [10.0.0.41] -> []"]
    );
    // A new single value replaces both: every old value goes, the new one comes.
    let other = "system\n ntp\n  server 10.0.0.50\n";
    assert_eq!(
        summary(&diff(Dialect::Junos, two, other)),
        [
            "remove system / ntp / server / 10.0.0.40 [10.0.0.40] -> []",
            "remove system / ntp / server / 10.0.0.41 [10.0.0.41] -> []",
            "add system / ntp / server / 10.0.0.50 [] -> [10.0.0.50]",
        ]
    );
    // Other dialects keep lines as they are.
    assert_eq!(diff(Dialect::Ios, one, two).len(), 2);
}
