//! FortiOS written without `next`/`end`: a real backup with its markers
//! stripped reads as the same tree and plans as no change; hand-written
//! indentation-only and mixed files plan with a warning; a file that cannot
//! be read is refused with exit 2 and its file and line.

use crate::common::{corpus, TestEnv};
use henko::config::{fortios::READ_BY_INDENTATION, parse, Dialect, Node, ParseOptions};
use henko::plan::remediate::{remediate, PlatformRules};

fn spanless(nodes: &[Node]) -> Vec<Node> {
    nodes
        .iter()
        .map(|n| {
            let mut n = n.clone();
            n.clear_spans();
            n
        })
        .collect()
}

/// Returns the text without its `next` / `end` lines (a PEM body line is
/// never one of them).
fn strip_markers(text: &str) -> String {
    text.lines()
        .filter(|l| !matches!(l.trim(), "next" | "end"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn corpus_backups_without_next_end_read_as_the_same_tree() {
    let Some(corpus) = corpus() else { return };
    let mut dir: Vec<_> = std::fs::read_dir(corpus.join("fortinet_fortios"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    dir.sort();
    let rules = PlatformRules::builtin("fortios");
    let mut checked = 0;
    for path in dir {
        let original = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let closed = parse(
            original.as_bytes(),
            Dialect::Fortios,
            &ParseOptions::default(),
        );
        if !closed.warnings.is_empty() {
            // Batfish's recovery tests are broken on purpose.
            eprintln!(
                "notice: {}: original has warnings ({:?}); not stripped",
                path.display(),
                closed.warnings.first()
            );
            continue;
        }
        let stripped_text = strip_markers(&original);
        let stripped = parse(
            stripped_text.as_bytes(),
            Dialect::Fortios,
            &ParseOptions::default(),
        );
        assert_eq!(
            spanless(&stripped.roots),
            spanless(&closed.roots),
            "{}: stripped file reads differently ({:?})",
            path.display(),
            stripped.warnings
        );
        if closed.roots.iter().any(|r| !r.children.is_empty()) {
            assert!(
                stripped
                    .warnings
                    .iter()
                    .any(|w| w.starts_with(READ_BY_INDENTATION)),
                "{}: {:?}",
                path.display(),
                stripped.warnings
            );
        }
        let out = remediate(&closed, &stripped, "fortios", &rules);
        assert!(
            out.verified && out.apply.is_empty(),
            "{}: {out:#?}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} FortiOS backups checked");
}

const RUNNING: &str = "config system global\n    set hostname \"fw1\"\nend\nconfig system interface\n    edit \"port1\"\n        set ip 10.0.0.1 255.255.255.0\n    next\nend\n";

#[test]
fn indentation_only_intended_plans_in_the_right_sections_with_a_warning() {
    let env = TestEnv::new();
    env.write("running/fw.conf", RUNNING);
    // Written by hand, as a template would render it.
    env.write(
        "intended/fw.conf",
        "config system global\n    set hostname \"fw1\"\n    set timezone 04\nconfig system interface\n    edit \"port1\"\n        set ip 10.0.0.1 255.255.255.0\n    edit \"port2\"\n        set ip 10.0.1.1 255.255.255.0\n",
    );
    let out = env
        .henko()
        .args([
            "plan",
            "running/fw.conf",
            "intended/fw.conf",
            "--platform",
            "fortios",
            "--no-default-scripts",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let device = &plan["devices"][0];
    let apply: Vec<&str> = device["steps"]["apply"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        apply,
        [
            "config system global",
            "    set timezone 04",
            "end",
            "config system interface",
            "    edit \"port2\"",
            "        set ip 10.0.1.1 255.255.255.0",
            "    next",
            "end"
        ]
    );
    assert_eq!(device["verified"], true);
    let findings = device["findings"].to_string();
    assert!(
        findings.contains("henko.config-structure") && findings.contains("TO: "),
        "{findings}"
    );
}

#[test]
fn mixed_style_intended_plans_with_a_warning() {
    let env = TestEnv::new();
    env.write("running/fw.conf", RUNNING);
    env.write(
        "intended/fw.conf",
        "config system global\n    set hostname \"fw2\"\nend\nconfig system interface\n    edit \"port1\"\n        set ip 10.0.0.1 255.255.255.0\n    edit \"port2\"\n        set ip 10.0.1.1 255.255.255.0\n    next\nend\n",
    );
    let out = env
        .henko()
        .args([
            "plan",
            "running/fw.conf",
            "intended/fw.conf",
            "--platform",
            "fortios",
            "--no-default-scripts",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("mixes both styles"), "{stdout}");
    assert!(stdout.contains("    edit \\\"port2\\\""), "{stdout}");
    assert!(
        !stdout.contains("        edit \\\"port2\\\""),
        "port2 nested: {stdout}"
    );
}

#[test]
fn unreadable_fortios_is_refused_with_file_and_line() {
    let env = TestEnv::new();
    env.write("running/fw.conf", RUNNING);
    // Neither markers nor indentation: is `config system interface` inside
    // `config system global`?
    env.write(
        "intended/fw.conf",
        "config system global\nset hostname \"fw1\"\nconfig system interface\nedit \"port1\"\nset ip 10.0.0.1 255.255.255.0\n",
    );
    let out = env
        .henko()
        .args([
            "plan",
            "running/fw.conf",
            "intended/fw.conf",
            "--platform",
            "fortios",
            "--no-default-scripts",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("intended/fw.conf:3: cannot tell whether"),
        "{stderr}"
    );
}
