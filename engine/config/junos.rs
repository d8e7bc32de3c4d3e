//! The junos dialect: Junos braces or `set` lines, also PAN-OS set output
//! and Batfish's PAN-OS brace format.
//!
//! Conventions: the tree holds ONE TOKEN PER NODE, the canonical shape of
//! Junos configuration (`show | display set`). `interfaces { ge-0/0/0 {
//! unit 0 { family inet { address 10.0.0.1/24; } } } }` and `set interfaces
//! ge-0/0/0 unit 0 family inet address 10.0.0.1/24` both give the path
//! `interfaces` / `ge-0/0/0` / `unit` / `0` / `family` / `inet` / `address`
//! / `10.0.0.1/24`, so a braces file and its flattened set form give equal
//! trees without a schema. Further:
//! - `[ a b c ]` lists become one child per item.
//! - Quoted strings are one token, quotes kept (`"foo bar"`); multi-line
//!   strings (PEM certificates) stay one token.
//! - `inactive:` / `protect:` / `replace:` are kept in the text of the node
//!   that ends the statement (`unit` / `inactive: 0`); `deactivate PATH`
//!   marks the node at PATH the same way, `activate PATH` unmarks it.
//! - `delete PATH` removes the subtree at PATH; `insert PATH before|after
//!   X Y` and PAN-OS `move PATH before|after|top|bottom [X]` reorder siblings.
//! - A token whose only child is a plain token leaf becomes ONE leaf
//!   holding both (`host-name r1`, `address 10.0.0.1/24`, `disable` stays
//!   alone), so a single-valued setting reads as `keyword value` and a new
//!   value is a modify. A keyword with several values keeps one child per
//!   value (`name-server` / `1.1.1.1`, `8.8.8.8`). This is decided on the
//!   token tree, so braces and set forms still agree.
//! - Sibling nodes with the same token are one node (statements merge the
//!   way Junos merges them); children keep first-appearance order.
//! - Comments (`#`, `/* */`, and `## Last commit` headers) are dropped. A
//!   statement missing its `;` ends at the end of its line.
//! - Ordered: the `term` node under a firewall `filter` or a
//!   `policy-statement`, the `policy` node under security `policies`, and
//!   the PAN-OS `rules` node under a `rulebase` / `pre-rulebase` /
//!   `post-rulebase`.
//! - Serialisation writes braces, joining single-child chains into one
//!   statement (`family inet { … }`, `host-name r1;`).

use super::junos_arena::Arena;
use super::junos_lex::{lex, Tok};
use super::tree::Node;

/// Statement tags kept in node text.
pub(crate) const PREFIXES: &[&str] = &["inactive:", "protect:", "replace:"];

/// Returns the node text without its `inactive:`-style tag.
pub(crate) fn key_of(text: &str) -> &str {
    for prefix in PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            return rest.trim_start();
        }
    }
    text
}

pub(crate) fn has_prefix(text: &str) -> bool {
    PREFIXES.iter().any(|prefix| text.starts_with(prefix))
}

/// Returns the value of `leaf` when it is the folded form of a setting
/// whose keyword is the section `header` on the other side of a diff:
/// `server 10.0.0.40` against `server` { `10.0.0.40` `10.0.0.41` }. The
/// parser folds a keyword with one value into one leaf and keeps one child
/// per value once there are several, so the diff unfolds the leaf again
/// before it compares the values.
pub fn unfolded_value<'t>(leaf: &'t str, header: &str) -> Option<&'t str> {
    let value = leaf.strip_prefix(header)?.strip_prefix(' ')?;
    let one_token = !value.contains(char::is_whitespace)
        || (value.len() >= 2 && value.starts_with('"') && value.ends_with('"'));
    (!value.is_empty() && one_token && !has_prefix(header) && !has_prefix(value)).then_some(value)
}

/// Parses Junos text (braces, set lines, or both mixed) into roots.
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    let mut warnings = Vec::new();
    let toks = lex(text, &mut warnings);
    let mut arena = Arena::new();
    arena.warnings = warnings;
    let mut stack: Vec<usize> = Vec::new();
    let mut current = 0usize;
    let mut pending: Vec<(&str, u32)> = Vec::new();
    let mut command: Option<&str> = None;
    let mut line_start = true;
    let mut in_list = false;
    for tok in toks {
        match tok {
            Tok::Word(word, line) => {
                if line_start
                    && stack.is_empty()
                    && pending.is_empty()
                    && command.is_none()
                    && matches!(
                        word,
                        "set" | "delete" | "deactivate" | "activate" | "insert" | "move"
                    )
                {
                    command = Some(word);
                } else {
                    if word == "[" {
                        in_list = true;
                    } else if word == "]" {
                        in_list = false;
                    }
                    pending.push((word, line));
                }
                line_start = false;
            }
            Tok::Newline => {
                if let Some(verb) = command.take() {
                    if !pending.is_empty() {
                        arena.command(verb, &pending);
                    }
                    pending.clear();
                    in_list = false;
                } else if !pending.is_empty() && !in_list {
                    arena.statement(current, &pending);
                    pending.clear();
                }
                line_start = true;
            }
            Tok::Semi => {
                if command.is_none() && !pending.is_empty() {
                    arena.statement(current, &pending);
                    pending.clear();
                    in_list = false;
                }
            }
            Tok::Open(line) => {
                if command.is_some() {
                    continue;
                }
                let opened = if pending.is_empty() {
                    current
                } else {
                    arena.statement(current, &pending)
                };
                pending.clear();
                in_list = false;
                stack.push(current);
                current = opened;
                let _ = line;
            }
            Tok::Close(line) => {
                if command.is_some() {
                    continue;
                }
                if !pending.is_empty() {
                    arena.statement(current, &pending);
                    pending.clear();
                    in_list = false;
                }
                match stack.pop() {
                    Some(parent) => current = parent,
                    None => arena.warnings.push(format!(
                        "line {line}: `}}` without a matching `{{`; ignored"
                    )),
                }
            }
        }
    }
    if let Some(verb) = command {
        if !pending.is_empty() {
            arena.command(verb, &pending);
        }
    } else if !pending.is_empty() {
        arena.statement(current, &pending);
    }
    if !stack.is_empty() {
        arena.warnings.push(format!(
            "{} brace(s) still open at the end of the file; closed",
            stack.len()
        ));
    }
    arena.into_nodes()
}

/// Writes `nodes` as Junos braces, four spaces per level.
pub(crate) fn serialize(nodes: &[Node], out: &mut String) {
    write(nodes, 0, out);
}

fn write(nodes: &[Node], depth: usize, out: &mut String) {
    for node in nodes {
        let mut words: Vec<&str> = vec![&node.text];
        let mut last = node;
        if !has_prefix(&node.text) {
            while last.children.len() == 1 {
                last = &last.children[0];
                words.push(&last.text);
                if has_prefix(&last.text) {
                    break;
                }
            }
        }
        let mut line = String::new();
        let tail = words.len() - 1;
        if words.len() > 1 && has_prefix(words[tail]) {
            let tag = PREFIXES
                .iter()
                .find(|p| words[tail].starts_with(**p))
                .copied()
                .unwrap_or("");
            line.push_str(tag);
            line.push(' ');
            words[tail] = key_of(words[tail]);
        }
        line.push_str(&words.join(" "));
        if last.children.is_empty() {
            line.push(';');
            super::serialize::push_line(out, depth * 4, &line);
        } else {
            line.push_str(" {");
            super::serialize::push_line(out, depth * 4, &line);
            write(&last.children, depth + 1, out);
            super::serialize::push_line(out, depth * 4, "}");
        }
    }
}

/// Returns the tree as Junos `set` commands (one per leaf, in tree order),
/// with a `deactivate` command after each inactive statement. This is the
/// form remediation uses.
pub fn set_commands(nodes: &[Node]) -> Vec<String> {
    let mut out = Vec::new();
    let mut path: Vec<&str> = Vec::new();
    collect(nodes, &mut path, &mut out);
    out
}

fn collect<'a>(nodes: &'a [Node], path: &mut Vec<&'a str>, out: &mut Vec<String>) {
    for node in nodes {
        path.push(key_of(&node.text));
        if node.children.is_empty() {
            out.push(format!("set {}", path.join(" ")));
        } else {
            collect(&node.children, path, out);
        }
        if node.text.starts_with("inactive:") {
            out.push(format!("deactivate {}", path.join(" ")));
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::super::serialize::tests::strip;
    use super::super::MAX_DEPTH;
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn folded_leaves_unfold_against_their_keyword() {
        assert_eq!(
            unfolded_value("server 10.0.0.40", "server"),
            Some("10.0.0.40")
        );
        assert_eq!(
            unfolded_value("description \"to core\"", "description"),
            Some("\"to core\"")
        );
        assert_eq!(unfolded_value("server 10.0.0.40 key 1", "server"), None);
        assert_eq!(unfolded_value("servers 10.0.0.40", "server"), None);
        assert_eq!(unfolded_value("server", "server"), None);
        assert_eq!(
            unfolded_value("inactive: server 1", "inactive: server"),
            None
        );
    }

    #[test]
    fn braces_and_set_forms_are_equal() {
        let braces = "## Last commit: 2020-01-01 by root\nsystem {\n    host-name r1;\n    name-server [ 1.1.1.1 8.8.8.8 ];\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                address 10.0.0.1/24;\n            }\n        }\n    }\n}\n";
        let set = "set system host-name r1\nset system name-server 1.1.1.1\nset system name-server 8.8.8.8\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n";
        let (a, wa) = parse(braces);
        let (b, wb) = parse(set);
        assert!(wa.is_empty() && wb.is_empty(), "{wa:?} {wb:?}");
        assert_eq!(strip(a.clone()), strip(b));
        assert_eq!(texts(&a), vec!["system", "interfaces"]);
        assert_eq!(
            texts(&a[0].children[1].children),
            vec!["1.1.1.1", "8.8.8.8"]
        );
        assert_eq!(
            set_commands(&a),
            set.lines().map(str::to_string).collect::<Vec<_>>()
        );
    }

    #[test]
    fn inactive_prefix_and_deactivate_agree() {
        let (a, _) = parse("interfaces {\n    inactive: xe-0/0/1 {\n        unit 0;\n    }\n}\n");
        let (b, _) = parse("set interfaces xe-0/0/1 unit 0\ndeactivate interfaces xe-0/0/1\n");
        assert_eq!(strip(a.clone()), strip(b));
        assert_eq!(a[0].children[0].text, "inactive: xe-0/0/1");
        let (c, _) = parse("set interfaces xe-0/0/1 unit 0\ndeactivate interfaces xe-0/0/1\nactivate interfaces xe-0/0/1\n");
        assert_eq!(c[0].children[0].text, "xe-0/0/1");
    }

    #[test]
    fn delete_and_insert_and_ordered_terms() {
        let (roots, warnings) = parse(
            "set firewall family inet filter F term a then accept\nset firewall family inet filter F term b then discard\nset firewall family inet filter F term c then reject\ninsert firewall family inet filter F term c before term a\ndelete firewall family inet filter F term b\ndelete nothing here\n",
        );
        assert_eq!(warnings.len(), 1);
        let term = &roots[0].children[0].children[0].children[0].children[0].children[0];
        assert_eq!(term.text, "term");
        assert!(term.ordered);
        assert_eq!(texts(&term.children), vec!["c", "a"]);
    }

    #[test]
    fn mixed_set_lines_and_garbage_in_braces_file() {
        let (roots, warnings) = parse("garbage line;\nsystem {\n  host-name x;\n}\nset garbage line3\ngarbage line5 {\n  garbage line6;\n}\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(texts(&roots), vec!["garbage", "system"]);
        assert_eq!(texts(&roots[0].children), vec!["line", "line3", "line5"]);
    }

    #[test]
    fn serialises_compact_braces_that_reparse() {
        let (roots, _) =
            parse("set a b c\nset a b d\nset x y\ndeactivate a b\nset s \"multi\nline\"\n");
        let mut out = String::new();
        serialize(&roots, &mut out);
        assert_eq!(
            out,
            "inactive: a b {\n    c;\n    d;\n}\nx y;\ns \"multi\nline\";\n"
        );
        let (again, warnings) = parse(&out);
        assert!(warnings.is_empty());
        assert_eq!(strip(again), strip(roots));
    }

    #[test]
    fn deep_nesting_is_capped() {
        let text = "a {\n".repeat(10_000);
        let (roots, warnings) = parse(&text);
        assert!(!warnings.is_empty());
        let mut depth = 0;
        let mut level = &roots;
        while let Some(first) = level.first() {
            depth += 1;
            level = &first.children;
        }
        assert!(depth <= MAX_DEPTH);
    }
}
