//! Remediation and rollback on real and generated configurations: every CLI
//! pair of the public corpus, corpus files against a mutated copy, and
//! property tests on generated ios-, fortios- and junos-like trees. Each
//! asserts that both simulations match (`verified`).

use std::path::{Path, PathBuf};

use henko::config::{parse, ConfigTree, Dialect, Node, ParseOptions};
use henko::plan::remediate::{remediate, simulate, PlatformRules, Remediation};
use proptest::prelude::*;

fn corpus() -> Option<PathBuf> {
    crate::common::corpus()
}

/// Corpus cases whose remediation is known not to verify, with the reason.
/// Every other unverified case fails its test; a case listed here that
/// verifies again should be taken off the list.
const KNOWN_UNVERIFIED: &[(&str, &str)] = &[
    (
        "batfish__testconfigs_juniper-ps-then-conflicts",
        "a parser test of conflicting `then local-preference` actions in one term; a device \
         keeps one value, so no pasted sequence reaches the file's own tree",
    ),
    (
        "batfish__testconfigs_juniper-policy-statement-term",
        "the file sets `from local-preference` and `from metric` twice in one term (a parser \
         test); a device keeps one value, so no pasted sequence reaches the file's own tree",
    ),
    (
        "batfish__testconfigs_ios_interface_show_run_all",
        "the file sets `description` twice under `interface Port-channel1`; a device keeps \
     one value, so no pasted sequence reaches the file's own tree",
    ),
];

fn load(path: &Path, platform: &str) -> ConfigTree {
    let bytes = std::fs::read(path).unwrap();
    let dialect = Dialect::for_platform(platform).unwrap();
    parse(&bytes, dialect, &ParseOptions::default())
}

fn check(label: &str, from: &ConfigTree, to: &ConfigTree, platform: &str) -> Remediation {
    let rules = PlatformRules::builtin(platform);
    let out = remediate(from, to, platform, &rules);
    if !out.verified && KNOWN_UNVERIFIED.iter().any(|(known, _)| *known == label) {
        eprintln!(
            "notice: {label}: known unverified case: {:?}",
            out.simulation_errors
        );
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

// Property tests on generated trees.

mod fortios_indentation;
mod generate;
use generate::{asa_tree, fortios_tree, ios_tree, junos_tree};

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
