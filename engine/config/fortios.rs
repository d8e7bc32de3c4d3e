//! The fortios dialect: FortiGate `config` / `edit` / `set` / `next` / `end`.
//!
//! Conventions:
//! - `config X` and `edit Y` open sections whose text is the line as
//!   written (`config firewall policy`, `edit 10`, `edit "wan1"`); `next`
//!   closes an `edit`, `end` closes a `config` (and a forgotten `next`
//!   before it). The markers themselves are not nodes: the serializer writes
//!   them back from the structure.
//! - Every other line (`set k v`, `unset k`, `append k v`, `select`, `move`,
//!   stray text) is a leaf of the innermost open section, quotes kept as
//!   written (`set srcaddr "all"`).
//! - A value whose double quote does not close on its line (PEM keys and
//!   certificates in `set privatekey "-----BEGIN…`) continues on the next
//!   lines: the node text holds them all, joined with `\n`, continuation
//!   lines verbatim. A quote that never closes is kept as a single line with
//!   a warning.
//! - Lines starting with `#` are comments, which covers the volatile
//!   `#config-version=`, `#conf_file_ver=`, `#buildno=` headers.
//! - Ordered sections: `config firewall …policy…` (policy, policy6,
//!   proxy-policy, security-policy, DoS-policy, shaping-policy …),
//!   `config firewall central-snat-map`, and `config rule` (route-map,
//!   access-list and prefix-list rules).
//! - The tree is the effective configuration: re-entered sections, repeated
//!   settings, `append`, and the table commands `rename`, `delete`, `move`,
//!   `clone`, `purge` are applied as FortiOS applies them (see the
//!   `fortios_fold` module).
//! - An `end` or `next` with nothing open is dropped with a warning; open
//!   sections at the end of the file are closed with a warning.

use super::builder::Builder;
use super::input;
use super::tree::Node;

/// What kind of section is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Config,
    Edit,
}

/// Parses fortios text into roots; returns them with the warnings.
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    let lines: Vec<(u32, &str)> = input::lines(text).collect();
    let mut builder = Builder::default();
    let mut kinds: Vec<Kind> = Vec::new();
    let mut no_close_from: Option<usize> = None;
    let mut index = 0;
    while index < lines.len() {
        let (number, raw) = lines[index];
        index += 1;
        let start = raw.trim_start();
        if start.is_empty() || start.starts_with('#') {
            continue;
        }
        let mut text = start.to_string();
        let mut end_line = number;
        if odd_quotes(&text) {
            let close = match no_close_from {
                Some(from) if from <= index => None,
                _ => lines[index..]
                    .iter()
                    .position(|(_, line)| odd_quotes(line))
                    .map(|offset| index + offset),
            };
            match close {
                Some(close) => {
                    for (_, line) in &lines[index..=close] {
                        text.push('\n');
                        text.push_str(line);
                    }
                    end_line = lines[close].0;
                    index = close + 1;
                }
                None => {
                    no_close_from = Some(index);
                    builder.warnings.push(format!(
                        "line {number}: quoted value never closes; kept as a single line"
                    ));
                }
            }
        }
        let trimmed_len = text.trim_end().len();
        if !text.contains('\n') {
            text.truncate(trimmed_len);
        }
        let keyword = text.split_whitespace().next().unwrap_or("");
        match keyword {
            "config" | "edit" => {
                let kind = if keyword == "config" {
                    Kind::Config
                } else {
                    Kind::Edit
                };
                let mut node = Node::leaf(text, number);
                node.span.end = end_line;
                node.ordered = kind == Kind::Config && is_ordered(&node.text);
                if builder.depth() == super::MAX_DEPTH {
                    // At the cap, close the innermost section first so the
                    // kinds stack matches the builder's.
                    kinds.pop();
                }
                builder.open(0, node);
                kinds.push(kind);
            }
            "next" if text == "next" => {
                if kinds.last() == Some(&Kind::Edit) {
                    kinds.pop();
                    builder.close_at(number);
                } else {
                    builder
                        .warnings
                        .push(format!("line {number}: `next` outside an `edit`; ignored"));
                }
            }
            "end" if text == "end" => {
                if kinds.last() == Some(&Kind::Edit) {
                    kinds.pop();
                    builder.close_at(number);
                }
                if kinds.last() == Some(&Kind::Config) {
                    kinds.pop();
                    builder.close_at(number);
                } else {
                    builder
                        .warnings
                        .push(format!("line {number}: `end` outside a `config`; ignored"));
                }
            }
            _ => {
                let mut node = Node::leaf(text, number);
                node.span.end = end_line;
                builder.leaf(node);
            }
        }
    }
    if !kinds.is_empty() {
        builder.warnings.push(format!(
            "{} section(s) still open at the end of the file; closed",
            kinds.len()
        ));
    }
    let (mut roots, mut warnings) = builder.finish();
    super::fortios_fold::fold(&mut roots, &mut warnings);
    (roots, warnings)
}

/// Returns true when `text` has an odd number of unescaped double quotes,
/// i.e. a quoted value opens (or closes) on this line and spans lines.
fn odd_quotes(text: &str) -> bool {
    let mut odd = false;
    let mut escaped = false;
    for byte in text.bytes() {
        match byte {
            b'\\' if !escaped => escaped = true,
            b'"' if !escaped => odd = !odd,
            _ => escaped = false,
        }
    }
    odd
}

/// Returns true when the entries of `config X` are order-sensitive.
fn is_ordered(header: &str) -> bool {
    let path = header.trim_start_matches("config").trim();
    path == "rule"
        || path == "firewall central-snat-map"
        || (path.starts_with("firewall ") && path.to_ascii_lowercase().contains("policy"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn parses_nested_config_edit_set() {
        let text = "#config-version=FGT60F-7.2.5:opmode=0\n#conf_file_ver=1234\nconfig system global\n    set hostname \"fw1\"\nend\nconfig system admin\n    edit \"admin\"\n        config gui-dashboard\n            edit 1\n                set name \"Main\"\n            next\n        end\n        set accprofile \"super_admin\"\n    next\nend\n";
        let (roots, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            texts(&roots),
            vec!["config system global", "config system admin"]
        );
        assert_eq!(texts(&roots[0].children), vec!["set hostname \"fw1\""]);
        let admin = &roots[1].children[0];
        assert_eq!(admin.text, "edit \"admin\"");
        assert_eq!(
            texts(&admin.children),
            vec!["config gui-dashboard", "set accprofile \"super_admin\""]
        );
        assert_eq!(
            admin.children[0].children[0].children[0].text,
            "set name \"Main\""
        );
        assert_eq!(roots[1].span.end, 15);
    }

    #[test]
    fn marks_policies_ordered() {
        let (roots, _) = parse(
            "config firewall policy\n    edit 2\n        set action accept\n    next\n    edit 1\n    next\nend\nconfig firewall address\nend\nconfig router route-map\n    edit rm\n        config rule\n            edit 1\n            next\n        end\n    next\nend\n",
        );
        assert!(roots[0].ordered);
        assert_eq!(texts(&roots[0].children), vec!["edit 2", "edit 1"]);
        assert!(!roots[1].ordered);
        assert!(roots[2].children[0].children[0].ordered);
    }

    #[test]
    fn joins_multiline_quoted_values() {
        let text = "config vpn certificate local\n    edit \"k\"\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\"\n        set range global\n    next\nend\n";
        let (roots, warnings) = parse(text);
        assert!(warnings.is_empty());
        let edit = &roots[0].children[0];
        assert_eq!(
            edit.children[0].text,
            "set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\""
        );
        assert_eq!(edit.children[0].span.end, 5);
        assert_eq!(edit.children[1].text, "set range global");
    }

    #[test]
    fn recovers_from_broken_structure() {
        let (roots, warnings) =
            parse("end\nconfig a\n    edit 1\n        set x \"unclosed\n    next\nend\nconfig b\n");
        assert_eq!(texts(&roots), vec!["config a", "config b"]);
        assert_eq!(roots[0].children[0].children[0].text, "set x \"unclosed");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }
}
