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

use std::collections::HashMap;

use super::junos_lex::{lex, Tok};
use super::tree::{LineSpan, Node};
use super::MAX_DEPTH;

/// Statement tags kept in node text.
const PREFIXES: &[&str] = &["inactive:", "protect:", "replace:"];

/// Returns the node text without its `inactive:`-style tag.
pub(crate) fn key_of(text: &str) -> &str {
    for prefix in PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            return rest.trim_start();
        }
    }
    text
}

fn has_prefix(text: &str) -> bool {
    PREFIXES.iter().any(|prefix| text.starts_with(prefix))
}

struct ArenaNode {
    text: String,
    span: LineSpan,
    parent: usize,
    depth: usize,
    children: Vec<usize>,
    index: Option<HashMap<String, usize>>,
}

/// The tree under construction; node 0 is the invisible root.
struct Arena {
    nodes: Vec<ArenaNode>,
    warnings: Vec<String>,
    capped: bool,
}

impl Arena {
    fn new() -> Self {
        Arena {
            nodes: vec![ArenaNode {
                text: String::new(),
                span: LineSpan::default(),
                parent: 0,
                depth: 0,
                children: Vec::new(),
                index: None,
            }],
            warnings: Vec::new(),
            capped: false,
        }
    }

    fn find(&self, parent: usize, key: &str) -> Option<usize> {
        let node = &self.nodes[parent];
        match &node.index {
            Some(index) => index.get(key).copied(),
            None => node
                .children
                .iter()
                .copied()
                .find(|&child| key_of(&self.nodes[child].text) == key),
        }
    }

    /// Returns the child of `parent` for token `word`, creating it.
    fn child(&mut self, parent: usize, word: &str, line: u32) -> usize {
        let key = key_of(word);
        if let Some(found) = self.find(parent, key) {
            let node = &mut self.nodes[found];
            node.span.end = node.span.end.max(line);
            if has_prefix(word) {
                node.text = word.to_string();
            }
            self.extend_span(parent, line);
            return found;
        }
        let id = self.nodes.len();
        let depth = self.nodes[parent].depth + 1;
        self.nodes.push(ArenaNode {
            text: word.to_string(),
            span: LineSpan {
                start: line,
                end: line,
            },
            parent,
            depth,
            children: Vec::new(),
            index: None,
        });
        let parent_node = &mut self.nodes[parent];
        parent_node.children.push(id);
        if let Some(index) = parent_node.index.as_mut() {
            index.insert(key.to_string(), id);
        } else if parent_node.children.len() > 16 {
            let children = parent_node.children.clone();
            let index = children
                .into_iter()
                .map(|c| (key_of(&self.nodes[c].text).to_string(), c))
                .collect();
            self.nodes[parent].index = Some(index);
        }
        self.extend_span(parent, line);
        id
    }

    fn extend_span(&mut self, mut id: usize, line: u32) {
        while id != 0 {
            let node = &mut self.nodes[id];
            if node.span.end >= line {
                break;
            }
            node.span.end = line;
            id = node.parent;
        }
    }

    /// Adds the statement `words` under `parent`; returns its last node.
    fn statement(&mut self, parent: usize, words: &[(&str, u32)]) -> usize {
        let (prefix, words) = match words.first() {
            Some((first, _)) if PREFIXES.contains(first) => (Some(*first), &words[1..]),
            _ => (None, words),
        };
        let bracket = words.iter().position(|(w, _)| *w == "[");
        let (path, items) = match bracket {
            Some(open) => {
                let close = words[open..]
                    .iter()
                    .position(|(w, _)| *w == "]")
                    .map_or(words.len(), |c| open + c);
                (&words[..open], &words[open + 1..close])
            }
            None => (words, &words[..0]),
        };
        let mut anchor = parent;
        if self.nodes[anchor].depth >= MAX_DEPTH {
            if let Some((_, line)) = words.first() {
                self.cap_warning(*line);
            }
            anchor = self.nodes[anchor].parent;
        }
        let mut current = anchor;
        for (at, (word, line)) in path.iter().enumerate() {
            if self.nodes[current].depth + 1 >= MAX_DEPTH && at + 1 < path.len() {
                self.cap_warning(*line);
                let rest: Vec<&str> = path[at..].iter().map(|(w, _)| *w).collect();
                current = self.child(current, &rest.join(" "), *line);
                break;
            }
            let last = at + 1 == path.len() && items.is_empty();
            let text = match (last, prefix) {
                (true, Some(prefix)) => format!("{prefix} {word}"),
                _ => (*word).to_string(),
            };
            current = self.child(current, &text, *line);
        }
        for (word, line) in items {
            let text = match prefix {
                Some(prefix) => format!("{prefix} {word}"),
                None => (*word).to_string(),
            };
            self.child(current, &text, *line);
        }
        current
    }

    fn cap_warning(&mut self, line: u32) {
        if !self.capped {
            self.capped = true;
            self.warnings.push(format!(
                "line {line}: nesting deeper than {MAX_DEPTH} levels; the rest of the statement kept as one node"
            ));
        }
    }

    /// Returns the node at `path` (tokens from the root), if present.
    fn lookup(&self, path: &[(&str, u32)]) -> Option<usize> {
        let mut current = 0;
        for (word, _) in path {
            current = self.find(current, key_of(word))?;
        }
        (current != 0).then_some(current)
    }

    fn detach(&mut self, id: usize) -> usize {
        let parent = self.nodes[id].parent;
        let key = key_of(&self.nodes[id].text).to_string();
        let parent_node = &mut self.nodes[parent];
        parent_node.children.retain(|&c| c != id);
        if let Some(index) = parent_node.index.as_mut() {
            index.remove(&key);
        }
        parent
    }

    fn command(&mut self, verb: &str, words: &[(&str, u32)]) {
        let line = words.first().map_or(0, |(_, line)| *line);
        match verb {
            "set" => {
                self.statement(0, words);
            }
            "deactivate" => {
                let id = match self.lookup(words) {
                    Some(id) => id,
                    None => self.statement(0, words),
                };
                let key = key_of(&self.nodes[id].text).to_string();
                self.nodes[id].text = format!("inactive: {key}");
            }
            "activate" => match self.lookup(words) {
                Some(id) => self.nodes[id].text = key_of(&self.nodes[id].text).to_string(),
                None => self.warnings.push(format!(
                    "line {line}: `activate` of a statement that does not exist"
                )),
            },
            "delete" => match self.lookup(words) {
                Some(id) => {
                    self.detach(id);
                }
                None => self.warnings.push(format!(
                    "line {line}: `delete` of a statement that does not exist"
                )),
            },
            _ => self.reorder(verb, words, line),
        }
    }

    /// `insert PATH NAME before|after KEYWORD NAME2` and PAN-OS
    /// `move PATH NAME before|after NAME2` / `top` / `bottom`.
    fn reorder(&mut self, verb: &str, words: &[(&str, u32)], line: u32) {
        let Some(at) = words
            .iter()
            .position(|(w, _)| matches!(*w, "before" | "after" | "top" | "bottom"))
        else {
            self.warnings
                .push(format!("line {line}: `{verb}` without a position; ignored"));
            return;
        };
        let Some(id) = self.lookup(&words[..at]) else {
            self.warnings.push(format!(
                "line {line}: `{verb}` of a statement that does not exist"
            ));
            return;
        };
        let parent = self.nodes[id].parent;
        let position = words[at].0;
        let target = match position {
            "top" => Some(0),
            "bottom" => None,
            _ => {
                let Some((reference, _)) = words.last().filter(|_| words.len() > at + 1) else {
                    return;
                };
                let Some(reference) = self.find(parent, key_of(reference)) else {
                    self.warnings.push(format!(
                        "line {line}: `{verb}` relative to a missing statement"
                    ));
                    return;
                };
                Some(reference)
            }
        };
        let children = &mut self.nodes[parent].children;
        children.retain(|&c| c != id);
        let index = match (position, target) {
            ("top", _) => 0,
            ("before", Some(r)) => children.iter().position(|&c| c == r).unwrap_or(0),
            ("after", Some(r)) => children
                .iter()
                .position(|&c| c == r)
                .map_or(children.len(), |p| p + 1),
            _ => children.len(),
        };
        children.insert(index, id);
    }

    fn into_nodes(mut self) -> (Vec<Node>, Vec<String>) {
        let roots = self.build(0, Context::default());
        (roots, self.warnings)
    }

    fn build(&mut self, id: usize, context: Context) -> Vec<Node> {
        let children = std::mem::take(&mut self.nodes[id].children);
        children
            .into_iter()
            .map(|child| {
                let text = std::mem::take(&mut self.nodes[child].text);
                let key = key_of(&text);
                let ordered = match key {
                    "term" => context.filter,
                    "policy" => context.policies,
                    "rules" => context.rulebase,
                    _ => false,
                };
                let inner = Context {
                    filter: context.filter || key == "filter" || key == "policy-statement",
                    policies: context.policies || key == "policies",
                    rulebase: context.rulebase
                        || matches!(key, "rulebase" | "pre-rulebase" | "post-rulebase"),
                };
                let span = self.nodes[child].span;
                let nodes = self.build(child, inner);
                Node {
                    text,
                    span,
                    children: nodes,
                    ordered,
                }
            })
            .collect()
    }
}

/// Which ordered-section ancestors a node has.
#[derive(Clone, Copy, Default)]
struct Context {
    filter: bool,
    policies: bool,
    rulebase: bool,
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
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
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
