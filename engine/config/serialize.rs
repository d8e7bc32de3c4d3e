//! Tree → text in the dialect's own syntax, such that parsing the output
//! gives the same tree back (line spans aside). Used by the round-trip
//! tests and by the remediation simulator.
//!
//! - ios: one space of indentation per level; multi-line nodes (banners)
//!   are written verbatim after the first line's indentation.
//! - fortios: four spaces per level; `config` sections close with `end`,
//!   `edit` sections with `next`.
//! - junos: braces, see [`junos::serialize`](super::junos).
//! - panos-xml, yaml, json, ini, csv: see their modules.
//! - lines: one line per node.

use super::tree::{ConfigTree, Node};
use super::Dialect;

/// Returns `tree` as text in its dialect's syntax.
pub fn serialize(tree: &ConfigTree) -> String {
    let mut out = String::new();
    match tree.dialect {
        Dialect::Ios => indented(&tree.roots, 0, 1, &mut out),
        Dialect::Fortios => fortios(&tree.roots, 0, &mut out),
        Dialect::Junos => super::junos::serialize(&tree.roots, &mut out),
        Dialect::PanosXml => super::panos_xml::serialize(&tree.roots, &mut out),
        Dialect::Yaml | Dialect::Json => super::structured::serialize(tree, &mut out),
        Dialect::Ini => super::ini::serialize(&tree.roots, &mut out),
        Dialect::Csv | Dialect::Xlsx => super::csv::serialize(&tree.roots, &mut out),
        Dialect::Lines => indented(&tree.roots, 0, 0, &mut out),
    }
    out
}

/// Writes `nodes` with `width` spaces per level, starting at `depth`.
pub(crate) fn indented(nodes: &[Node], depth: usize, width: usize, out: &mut String) {
    for node in nodes {
        push_line(out, depth * width, &node.text);
        indented(&node.children, depth + 1, width, out);
    }
}

/// Writes one (possibly multi-line) node text at `indent` spaces.
pub(crate) fn push_line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}

fn fortios(nodes: &[Node], depth: usize, out: &mut String) {
    for node in nodes {
        push_line(out, depth * 4, &node.text);
        let closer = match node.text.split_whitespace().next() {
            Some("config") => Some("end"),
            Some("edit") => Some("next"),
            _ => None,
        };
        fortios(&node.children, depth + 1, out);
        if let Some(closer) = closer {
            push_line(out, depth * 4, closer);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::{parse, ParseOptions};
    use super::*;

    fn round_trip(dialect: Dialect, text: &str) -> String {
        let tree = parse(text.as_bytes(), dialect, &ParseOptions::default());
        let out = serialize(&tree);
        let again = parse(out.as_bytes(), dialect, &ParseOptions::default());
        assert_eq!(strip(tree.roots.clone()), strip(again.roots), "{out}");
        out
    }

    /// Clears line spans, which serialisation does not preserve.
    pub(crate) fn strip(mut nodes: Vec<Node>) -> Vec<Node> {
        nodes.iter_mut().for_each(Node::clear_spans);
        nodes
    }

    #[test]
    fn ios_round_trips_with_banners() {
        let out = round_trip(
            Dialect::Ios,
            "hostname r\nbanner motd ^C\n  hello\n^C\ninterface X\n  ip address 1.1.1.1 255.0.0.0\n",
        );
        assert_eq!(
            out,
            "hostname r\nbanner motd ^C\n  hello\n^C\ninterface X\n ip address 1.1.1.1 255.0.0.0\n"
        );
    }

    #[test]
    fn fortios_writes_next_and_end() {
        let out = round_trip(
            Dialect::Fortios,
            "config firewall policy\nedit 1\nset name \"a\"\nnext\nend\nconfig system replacemsg mail \"partial\"\nend\n",
        );
        assert_eq!(
            out,
            "config firewall policy\n    edit 1\n        set name \"a\"\n    next\nend\nconfig system replacemsg mail \"partial\"\nend\n"
        );
    }
}
