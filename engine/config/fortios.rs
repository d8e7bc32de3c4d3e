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
//! - FortiOS reads the markers, not the indentation, so a file whose
//!   markers close every section is read by them alone. A file that lacks
//!   some (written by indentation only, or mixing both styles; an `edit`
//!   directly inside an `edit` is a missing `next`) is read by indentation
//!   with a warning, and one whose indentation and markers disagree, or
//!   that has neither, is marked unreadable (see `fortios_indent`;
//!   [`crate::config::parse_checked`] refuses it).

use super::builder::Builder;
use super::input;
use super::tree::Node;

/// How the warning begins that says a file's sections were closed by
/// indentation rather than by `next` / `end` (the plan carries it).
pub const READ_BY_INDENTATION: &str = "sections closed by indentation, not `next`/`end`: ";

/// What kind of section is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Config,
    Edit,
}

/// One logical line: a quoted value that spans lines is joined into it.
pub(super) struct Logical {
    /// 1-based line the text starts on.
    pub(super) number: u32,
    /// 1-based line it ends on.
    pub(super) end_line: u32,
    /// Width of the leading whitespace.
    pub(super) column: usize,
    /// The text without its indentation.
    pub(super) text: String,
}

impl Logical {
    /// Returns the kind of section the line opens, if it opens one.
    pub(super) fn opens(&self) -> Option<Kind> {
        match self.text.split_whitespace().next() {
            Some("config") => Some(Kind::Config),
            Some("edit") => Some(Kind::Edit),
            _ => None,
        }
    }

    /// Returns the kind of section the line closes (`next`, `end`).
    pub(super) fn closes(&self) -> Option<Kind> {
        match self.text.as_str() {
            "next" => Some(Kind::Edit),
            "end" => Some(Kind::Config),
            _ => None,
        }
    }

    /// Returns the line as a node.
    pub(super) fn node(&self) -> Node {
        let mut node = Node::leaf(self.text.clone(), self.number);
        node.span.end = self.end_line;
        if self.opens() == Some(Kind::Config) {
            node.ordered = is_ordered(&node.text);
        }
        node
    }
}

/// How a FortiOS file closes its sections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Structure {
    /// Every section is closed by `next` / `end`, as FortiOS writes it.
    Closed,
    /// Some or all sections are closed by indentation only; the tree was
    /// read by indentation (the reason says what was found).
    Indented(String),
}

/// A FortiOS file whose sections cannot be told apart: it is refused rather
/// than planned from a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// 1-based line where the structure stops making sense.
    pub line: u32,
    /// What is wrong there.
    pub message: String,
}

/// A parsed FortiOS file: the roots, the warnings, and how it was read.
pub(crate) struct Reading {
    pub(crate) roots: Vec<Node>,
    pub(crate) warnings: Vec<String>,
    /// `Err` when the structure cannot be read unambiguously (the roots are
    /// then the closers-only reading, for display).
    pub(crate) structure: Result<Structure, Unreadable>,
}

/// Parses fortios text into roots; returns them with the warnings (a file
/// whose structure cannot be read has that as its first warning).
#[cfg(test)]
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    with_refusal(read(text))
}

/// Returns a reading's roots and warnings, a refusal first among them.
pub(crate) fn with_refusal(mut reading: Reading) -> (Vec<Node>, Vec<String>) {
    if let Err(e) = &reading.structure {
        reading
            .warnings
            .insert(0, format!("line {}: {}", e.line, e.message));
    }
    (reading.roots, reading.warnings)
}

/// Reads fortios text: by `next` / `end` when they close every section,
/// else by indentation (see `fortios_indent`), refusing a file neither
/// reading fits.
pub(crate) fn read(text: &str) -> Reading {
    let mut warnings = Vec::new();
    let lines = logical_lines(text, &mut warnings);
    let (mut roots, closed_warnings, balanced) = by_closers(&lines);
    let mut structure = Ok(Structure::Closed);
    if balanced {
        warnings.extend(closed_warnings);
    } else {
        match super::fortios_indent::by_indentation(&lines) {
            Ok((indented, more, how)) => {
                roots = indented;
                warnings.extend(more);
                if let Some(how) = how {
                    warnings.push(how.clone());
                    structure = Ok(Structure::Indented(how));
                }
            }
            Err(e) => {
                warnings.extend(closed_warnings);
                structure = Err(e);
            }
        }
    }
    super::fortios_fold::fold(&mut roots, &mut warnings);
    Reading {
        roots,
        warnings,
        structure,
    }
}

/// Splits text into logical lines, dropping blanks and `#` comments.
fn logical_lines(text: &str, warnings: &mut Vec<String>) -> Vec<Logical> {
    let lines: Vec<(u32, &str)> = input::lines(text).collect();
    let mut out = Vec::new();
    let mut no_close_from: Option<usize> = None;
    let mut index = 0;
    while index < lines.len() {
        let (number, raw) = lines[index];
        index += 1;
        let start = raw.trim_start();
        if start.is_empty() || start.starts_with('#') {
            continue;
        }
        let column = raw.len() - start.len();
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
                    warnings.push(format!(
                        "line {number}: quoted value never closes; kept as a single line"
                    ));
                }
            }
        }
        let trimmed_len = text.trim_end().len();
        if !text.contains('\n') {
            text.truncate(trimmed_len);
        }
        out.push(Logical {
            number,
            end_line,
            column,
            text,
        });
    }
    out
}

/// Reads the lines by their `next` / `end` markers alone, as FortiOS does.
/// Returns the roots, the warnings, and whether every section was closed
/// by its own marker (no stray marker, nothing open at the end).
fn by_closers(lines: &[Logical]) -> (Vec<Node>, Vec<String>, bool) {
    let mut builder = Builder::default();
    let mut kinds: Vec<Kind> = Vec::new();
    let mut balanced = true;
    for line in lines {
        let number = line.number;
        if let Some(kind) = line.opens() {
            if kind == Kind::Edit && kinds.last() == Some(&Kind::Edit) {
                // FortiOS has no `edit` directly inside an `edit`: the
                // first one lacks its `next`.
                balanced = false;
            }
            if builder.depth() == super::MAX_DEPTH {
                // At the cap, close the innermost section first so the
                // kinds stack matches the builder's.
                kinds.pop();
            }
            builder.open(0, line.node());
            kinds.push(kind);
            continue;
        }
        match line.closes() {
            Some(Kind::Edit) => {
                if kinds.last() == Some(&Kind::Edit) {
                    kinds.pop();
                    builder.close_at(number);
                } else {
                    balanced = false;
                    builder
                        .warnings
                        .push(format!("line {number}: `next` outside an `edit`; ignored"));
                }
            }
            Some(Kind::Config) => {
                if kinds.last() == Some(&Kind::Edit) {
                    kinds.pop();
                    builder.close_at(number);
                }
                if kinds.last() == Some(&Kind::Config) {
                    kinds.pop();
                    builder.close_at(number);
                } else {
                    balanced = false;
                    builder
                        .warnings
                        .push(format!("line {number}: `end` outside a `config`; ignored"));
                }
            }
            None => builder.leaf(line.node()),
        }
    }
    if !kinds.is_empty() {
        balanced = false;
        builder.warnings.push(format!(
            "{} section(s) still open at the end of the file; closed",
            kinds.len()
        ));
    }
    let (roots, warnings) = builder.finish();
    (roots, warnings, balanced)
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
pub(super) fn is_ordered(header: &str) -> bool {
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
