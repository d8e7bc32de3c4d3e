//! Hostile input (issue 6): every parser returns a tree, with warnings, for
//! empty files, NUL bytes, invalid UTF-8, 10,000-deep nesting, a 100 MB
//! single line and a million lines, in linear time and without unbounded
//! recursion. Time limits are loose on purpose (debug build, shared
//! machine): they catch quadratic blow-ups, not small regressions.

use std::time::{Duration, Instant};

use super::{mask_tree, parse, serialize, ConfigTree, Dialect, Node, ParseOptions, MAX_DEPTH};

fn depth(nodes: &[Node]) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Node, usize)> = nodes.iter().map(|n| (n, 1)).collect();
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        stack.extend(node.children.iter().map(|c| (c, level + 1)));
    }
    deepest
}

fn parse_all(dialect: Dialect, bytes: &[u8]) -> ConfigTree {
    let tree = parse(bytes, dialect, &ParseOptions::default());
    assert!(
        depth(&tree.roots) <= MAX_DEPTH,
        "{dialect}: depth {}",
        depth(&tree.roots)
    );
    // Serialising and masking walk the tree; they must cope as well.
    let _ = serialize(&tree);
    let _ = mask_tree(&tree, None);
    tree
}

#[test]
fn empty_input_gives_an_empty_tree() {
    for dialect in Dialect::ALL {
        let tree = parse_all(dialect, b"");
        assert!(tree.roots.is_empty(), "{dialect}");
        if dialect != Dialect::Xlsx {
            assert!(tree.warnings.is_empty(), "{dialect}: {:?}", tree.warnings);
        }
    }
}

#[test]
fn nul_bytes_and_invalid_utf8_are_repaired_with_warnings() {
    for dialect in Dialect::ALL {
        let tree = parse_all(dialect, b"hostname r\0one\nbad \xFF\xFE byte: 1\n");
        // A workbook is binary and never decoded as text: one warning that
        // it is not a workbook.
        let expected = if dialect == Dialect::Xlsx { 1 } else { 2 };
        assert!(
            tree.warnings.len() >= expected,
            "{dialect}: {:?}",
            tree.warnings
        );
    }
    let tree = parse(b"hostname a\xFFb\n", Dialect::Ios, &ParseOptions::default());
    assert_eq!(tree.roots[0].text, "hostname a\u{FFFD}b");
}

#[test]
fn ten_thousand_deep_nesting_is_capped() {
    let n = 10_000;
    let mut ios = String::new();
    for level in 0..n {
        ios.push_str(&" ".repeat(level));
        ios.push_str("level\n");
    }
    let fortios = format!("{}{}", "config a\n".repeat(n), "end\n".repeat(n));
    let junos = format!("{}{}", "a {\n".repeat(n), "}\n".repeat(n));
    let set = format!("set {}\n", vec!["a"; n].join(" "));
    let xml = format!("{}x{}", "<a>".repeat(n), "</a>".repeat(n));
    let json = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let yaml = format!("{}x\n", "- ".repeat(n));
    for (dialect, text) in [
        (Dialect::Ios, ios.as_str()),
        (Dialect::Ini, ios.as_str()),
        (Dialect::Fortios, fortios.as_str()),
        (Dialect::Junos, junos.as_str()),
        (Dialect::Junos, set.as_str()),
        (Dialect::PanosXml, xml.as_str()),
        (Dialect::Json, json.as_str()),
        (Dialect::Yaml, yaml.as_str()),
    ] {
        let tree = parse_all(dialect, text.as_bytes());
        assert!(!tree.roots.is_empty(), "{dialect}");
        // ini nests one level only, so deep indentation is not even deep.
        if dialect != Dialect::Ini {
            assert!(!tree.warnings.is_empty(), "{dialect}: deep input must warn");
        }
    }
}

#[test]
fn hundred_megabyte_single_line() {
    let mut line = String::from("description ");
    line.push_str(&"x".repeat(100 * 1024 * 1024));
    for dialect in [Dialect::Ios, Dialect::Lines] {
        let started = Instant::now();
        let tree = parse(line.as_bytes(), dialect, &ParseOptions::default());
        assert_eq!(tree.roots.len(), 1);
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{dialect}: {:?}",
            started.elapsed()
        );
    }
    line.truncate(10 * 1024 * 1024);
    for dialect in Dialect::ALL {
        let tree = parse_all(dialect, line.as_bytes());
        assert!(tree.len() <= 2, "{dialect}");
    }
}

#[test]
fn a_million_lines_parse_in_linear_time() {
    let block = "interface Gi0/1\n description uplink\n ip address 10.0.0.1 255.255.255.0\n!\n";
    // The fastest of three runs, to damp the noise of a shared machine.
    let time = |lines: usize, dialect: Dialect, unit: &str| {
        let text = unit.repeat(lines / unit.lines().count());
        let mut best = Duration::MAX;
        let mut nodes = 0;
        for _ in 0..3 {
            let started = Instant::now();
            let tree = parse(text.as_bytes(), dialect, &ParseOptions::default());
            best = best.min(started.elapsed());
            nodes = tree.len();
        }
        (best, nodes)
    };
    let (million, nodes) = time(1_000_000, Dialect::Ios, block);
    assert!(nodes >= 3, "re-entered sections merge into one");
    assert!(
        million < Duration::from_secs(90),
        "1M ios lines took {million:?}"
    );
    for (dialect, unit) in [
        (Dialect::Ios, block),
        (
            Dialect::Fortios,
            "config firewall policy\n    edit 1\n        set action accept\n    next\nend\n",
        ),
        (
            Dialect::Junos,
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n",
        ),
        (Dialect::Lines, "a line of text\n"),
        (Dialect::Ini, "Key value\n"),
    ] {
        let (small, _) = time(40_000, dialect, unit);
        let (large, _) = time(320_000, dialect, unit);
        // 8x the input must not take much more than 8x the time (allowing
        // for noise on a shared machine).
        assert!(
            large < small * 30 + Duration::from_millis(200),
            "{dialect}: {small:?} vs {large:?}"
        );
    }
}

#[test]
fn distinct_wide_sections_stay_linear() {
    let mut text = String::new();
    for at in 0..100_000 {
        text.push_str(&format!("set a b{at} c\n"));
    }
    let started = Instant::now();
    let tree = parse(text.as_bytes(), Dialect::Junos, &ParseOptions::default());
    assert_eq!(tree.roots[0].children.len(), 100_000);
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "{:?}",
        started.elapsed()
    );
}
