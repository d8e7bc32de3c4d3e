//! The statement tree the junos parser builds: an arena of token nodes
//! with a per-node index once a level grows wide, so set lines over huge
//! hierarchies stay linear. Applies `set`, `delete`, `deactivate`,
//! `activate`, `insert` and `move`, then converts to [`Node`]s, marking
//! ordered sections and folding single-valued settings.

use std::collections::HashMap;

use super::junos::{has_prefix, key_of, PREFIXES};
use super::tree::{LineSpan, Node};
use super::MAX_DEPTH;

/// One token of the statement tree.
struct ArenaNode {
    text: String,
    span: LineSpan,
    parent: usize,
    depth: usize,
    children: Vec<usize>,
    index: Option<HashMap<String, usize>>,
}

/// The tree under construction; node 0 is the invisible root.
pub(crate) struct Arena {
    nodes: Vec<ArenaNode>,
    pub(crate) warnings: Vec<String>,
    capped: bool,
}

impl Arena {
    pub(crate) fn new() -> Self {
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
    pub(crate) fn statement(&mut self, parent: usize, words: &[(&str, u32)]) -> usize {
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

    pub(crate) fn command(&mut self, verb: &str, words: &[(&str, u32)]) {
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

    pub(crate) fn into_nodes(mut self) -> (Vec<Node>, Vec<String>) {
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
                let mut span = self.nodes[child].span;
                if let Some(value) = self.setting_value(child, &text, ordered) {
                    span.end = span.end.max(value.1);
                    return Node {
                        text: format!("{text} {}", value.0),
                        span,
                        children: Vec::new(),
                        ordered: false,
                    };
                }
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

impl Arena {
    /// Returns the value token (and its line) when node `id` with `text` is
    /// a setting: exactly one child, itself a token leaf, no tags on either.
    fn setting_value(&mut self, id: usize, text: &str, ordered: bool) -> Option<(String, u32)> {
        let [only] = self.nodes[id].children[..] else {
            return None;
        };
        let value = &self.nodes[only];
        if ordered || !value.children.is_empty() || has_prefix(text) || has_prefix(&value.text) {
            return None;
        }
        let line = value.span.end;
        Some((std::mem::take(&mut self.nodes[only].text), line))
    }
}

/// Which ordered-section ancestors a node has.
#[derive(Clone, Copy, Default)]
struct Context {
    filter: bool,
    policies: bool,
    rulebase: bool,
}
