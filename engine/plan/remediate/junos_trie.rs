//! The Junos statement tree: brace and `set` configurations reduced to one
//! token per level, which both the Junos engine and its simulator work on.

use super::HashMap;

use super::normalize::Item;
use super::rules::PlatformRules;

/// A statement tree: each level is one token, in first-seen order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Trie {
    pub(crate) children: Vec<(String, Trie)>,
    index: HashMap<String, usize>,
    /// A statement ends here (`set system services ssh`).
    pub(crate) end: bool,
}

impl Trie {
    pub(crate) fn child(&self, token: &str) -> Option<&Trie> {
        self.index.get(token).map(|&i| &self.children[i].1)
    }

    pub(crate) fn child_mut(&mut self, token: &str) -> &mut Trie {
        let at = match self.index.get(token) {
            Some(&at) => at,
            None => {
                self.children.push((token.to_string(), Trie::default()));
                self.index
                    .insert(token.to_string(), self.children.len() - 1);
                self.children.len() - 1
            }
        };
        &mut self.children[at].1
    }

    pub(crate) fn insert(&mut self, path: &[String]) {
        let mut node = self;
        for token in path {
            node = node.child_mut(token);
        }
        node.end = true;
    }

    pub(crate) fn remove(&mut self, path: &[String]) -> bool {
        let Some((last, init)) = path.split_last() else {
            return false;
        };
        if init.is_empty() {
            let Some(at) = self.index.remove(last) else {
                return false;
            };
            self.children.remove(at);
            self.reindex();
            return true;
        }
        let Some(&at) = self.index.get(&init[0]) else {
            return false;
        };
        let removed = self.children[at].1.remove(&path[1..]);
        let child = &self.children[at].1;
        if removed && child.children.is_empty() && !child.end {
            self.index.remove(&init[0]);
            self.children.remove(at);
            self.reindex();
        }
        removed
    }

    pub(crate) fn reindex(&mut self) {
        self.index = self
            .children
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.clone(), i))
            .collect();
    }

    pub(crate) fn statements(&self, prefix: &mut Vec<String>, out: &mut Vec<String>) {
        if self.end && !prefix.is_empty() {
            out.push(prefix.join(" "));
        }
        for (token, child) in &self.children {
            prefix.push(token.clone());
            child.statements(prefix, out);
            prefix.pop();
        }
    }

    pub(crate) fn get_mut(&mut self, path: &[String]) -> Option<&mut Trie> {
        let mut node = self;
        for token in path {
            let at = *node.index.get(token)?;
            node = &mut node.children[at].1;
        }
        Some(node)
    }

    /// Returns the names of the children, in order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.children.iter().map(|(t, _)| t.clone()).collect()
    }

    /// Moves child `name` just before or after child `anchor`.
    pub(crate) fn move_child(&mut self, name: &str, anchor: &str, before: bool) -> bool {
        if name == anchor || !self.index.contains_key(anchor) {
            return false;
        }
        let Some(at) = self.index.get(name).copied() else {
            return false;
        };
        let moved = self.children.remove(at);
        let target = self
            .children
            .iter()
            .position(|(t, _)| t == anchor)
            .expect("anchor exists");
        self.children
            .insert(if before { target } else { target + 1 }, moved);
        self.reindex();
        true
    }

    pub(crate) fn get(&self, path: &[String]) -> Option<&Trie> {
        path.iter().try_fold(self, |node, token| node.child(token))
    }
}

/// Splits a line into tokens, keeping quoted strings whole.
pub(crate) fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                current.push(ch);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Returns the statements (token paths) one line stands for: `members [ a b ]`
/// is two statements.
fn line_paths(text: &str, root: bool) -> Vec<Vec<String>> {
    let text = text.trim().trim_end_matches(['{', ';', '}']).trim_end();
    let text = if root {
        text.strip_prefix("set ").unwrap_or(text)
    } else {
        text
    };
    let tokens = tokenize(text);
    match tokens.iter().position(|t| t == "[") {
        Some(open) => {
            let close = tokens
                .iter()
                .rposition(|t| t == "]")
                .unwrap_or(tokens.len());
            let head = &tokens[..open];
            tokens[open + 1..close.max(open + 1)]
                .iter()
                .map(|item| head.iter().cloned().chain([item.clone()]).collect())
                .collect()
        }
        None => vec![tokens],
    }
}

pub(crate) fn build(items: &[Item], rules: &PlatformRules) -> Trie {
    fn walk(items: &[Item], prefix: &[String], trie: &mut Trie, rules: &PlatformRules) {
        for item in items {
            if item.text.starts_with('#') || item.text.starts_with("/*") {
                continue;
            }
            for path in line_paths(&item.text, prefix.is_empty()) {
                if path.is_empty() {
                    continue;
                }
                let full: Vec<String> = prefix.iter().cloned().chain(path).collect();
                if full.is_empty() || rules.is_ignored(&full.join(" "), None) {
                    continue;
                }
                if item.children.is_empty() {
                    trie.insert(&full);
                } else {
                    walk(&item.children, &full, trie, rules);
                }
            }
        }
    }
    let mut trie = Trie::default();
    walk(items, &[], &mut trie, rules);
    trie
}
