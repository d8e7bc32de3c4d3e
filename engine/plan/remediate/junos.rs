//! The Junos engine: `set` and `delete` statements with full paths, no
//! indentation. Both brace and `set` configurations are reduced to the same
//! statement tree (one token per level), so a removed subtree is deleted once
//! at its top and single-valued leaves are overwritten by `set`.

use std::collections::{BTreeSet, HashMap};

use super::normalize::Item;
use super::rules::PlatformRules;
use super::simulate::{rejected, SimError};
use crate::config::{ConfigTree, LineSpan, Node};

/// A statement tree: each level is one token, in first-seen order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Trie {
    children: Vec<(String, Trie)>,
    index: HashMap<String, usize>,
    /// A statement ends here (`set system services ssh`).
    end: bool,
}

impl Trie {
    fn child(&self, token: &str) -> Option<&Trie> {
        self.index.get(token).map(|&i| &self.children[i].1)
    }

    fn child_mut(&mut self, token: &str) -> &mut Trie {
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

    fn insert(&mut self, path: &[String]) {
        let mut node = self;
        for token in path {
            node = node.child_mut(token);
        }
        node.end = true;
    }

    fn remove(&mut self, path: &[String]) -> bool {
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

    fn reindex(&mut self) {
        self.index = self
            .children
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.clone(), i))
            .collect();
    }

    fn statements(&self, prefix: &mut Vec<String>, out: &mut Vec<String>) {
        if self.end && !prefix.is_empty() {
            out.push(prefix.join(" "));
        }
        for (token, child) in &self.children {
            prefix.push(token.clone());
            child.statements(prefix, out);
            prefix.pop();
        }
    }

    fn get(&self, path: &[String]) -> Option<&Trie> {
        path.iter().try_fold(self, |node, token| node.child(token))
    }
}

/// Splits a line into tokens, keeping quoted strings whole.
fn tokenize(text: &str) -> Vec<String> {
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

fn build(items: &[Item], rules: &PlatformRules) -> Trie {
    fn walk(items: &[Item], prefix: &[String], trie: &mut Trie, rules: &PlatformRules) {
        for item in items {
            if item.text.starts_with('#') || item.text.starts_with("/*") {
                continue;
            }
            for path in line_paths(&item.text, prefix.is_empty()) {
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

/// Returns the commands that turn `from` into `to`, and the manual steps.
pub(crate) fn remediate(
    from: &[Item],
    to: &[Item],
    rules: &PlatformRules,
) -> (Vec<String>, Vec<String>) {
    let (f, t) = (build(from, rules), build(to, rules));
    let keys = |trie: &Trie| {
        let mut all = Vec::new();
        trie.statements(&mut Vec::new(), &mut all);
        let mut counts: HashMap<String, usize> = HashMap::new();
        for s in &all {
            if let Some(k) = rules.idempotent_key(s, None) {
                *counts.entry(k).or_default() += 1;
            }
        }
        counts
    };
    let mut diff = Diff {
        rules,
        from_keys: keys(&f),
        to_keys: keys(&t),
        deletes: Vec::new(),
        sets: Vec::new(),
        manual: BTreeSet::new(),
    };
    diff.walk(&f, &t, &mut Vec::new());
    let mut out = diff.deletes;
    out.extend(diff.sets);
    (out, diff.manual.into_iter().collect())
}

struct Diff<'a> {
    rules: &'a PlatformRules,
    from_keys: HashMap<String, usize>,
    to_keys: HashMap<String, usize>,
    deletes: Vec<String>,
    sets: Vec<String>,
    manual: BTreeSet<String>,
}

impl Diff<'_> {
    fn allowed(&mut self, path: &str, verb: &str) -> bool {
        match self.rules.manual_reason(path, None) {
            Some(reason) => {
                self.manual.insert(format!("{verb} `{path}`: {reason}"));
                false
            }
            None => true,
        }
    }

    fn set_all(&mut self, node: &Trie, prefix: &mut Vec<String>) {
        let mut statements = Vec::new();
        node.statements(prefix, &mut statements);
        for s in statements {
            if self.allowed(&s, "set") {
                self.sets.push(format!("set {s}"));
            }
        }
    }

    /// True when a lone FROM value is replaced by a lone TO value of the same key.
    fn overwritten(&self, node: &Trie, path: &str) -> bool {
        node.children.is_empty()
            && self.rules.idempotent_key(path, None).is_some_and(|k| {
                self.from_keys.get(&k) == Some(&1) && self.to_keys.get(&k) == Some(&1)
            })
    }

    fn walk(&mut self, f: &Trie, t: &Trie, prefix: &mut Vec<String>) {
        if f.end && !t.end && !prefix.is_empty() {
            // The statement itself goes but TO keeps things under it: delete
            // the subtree and set TO's part again.
            let path = prefix.join(" ");
            if self.allowed(&path, "delete") {
                self.deletes.push(format!("delete {path}"));
                self.set_all(t, prefix);
            }
            return;
        }
        for (token, fc) in &f.children {
            if t.child(token).is_some() {
                continue;
            }
            prefix.push(token.clone());
            let path = prefix.join(" ");
            if !self.overwritten(fc, &path) && self.allowed(&path, "delete") {
                self.deletes.push(format!("delete {path}"));
            }
            prefix.pop();
        }
        if t.end && !f.end && !prefix.is_empty() {
            let path = prefix.join(" ");
            if self.allowed(&path, "set") {
                self.sets.push(format!("set {path}"));
            }
        }
        for (token, tc) in &t.children {
            prefix.push(token.clone());
            match f.child(token) {
                Some(fc) => self.walk(fc, tc, prefix),
                None => self.set_all(tc, prefix),
            }
            prefix.pop();
        }
    }
}

/// Applies `set`/`delete` statements to normalised items.
pub(crate) fn simulate(
    items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    let mut trie = build(&items, rules);
    for (i, raw) in commands.iter().enumerate() {
        let tokens = tokenize(raw.trim());
        let Some((verb, path)) = tokens.split_first() else {
            return Err(rejected(i, raw, "empty command"));
        };
        if path.is_empty() {
            return Err(rejected(i, raw, "a statement path is required"));
        }
        match verb.as_str() {
            "set" => {
                let text = path.join(" ");
                if let Some(key) = rules.idempotent_key(&text, None) {
                    let key_path = tokenize(&key);
                    if trie.get(&key_path).is_some() {
                        trie.remove(&key_path);
                    }
                }
                trie.insert(path);
            }
            "delete" => {
                if !trie.remove(path) {
                    return Err(rejected(i, raw, "statement not found"));
                }
            }
            other => {
                return Err(rejected(
                    i,
                    raw,
                    format!("`{other}` is not a Junos configuration command henko emits"),
                ))
            }
        }
    }
    let mut statements = Vec::new();
    trie.statements(&mut Vec::new(), &mut statements);
    Ok(statements
        .into_iter()
        .map(|s| Item::leaf(format!("set {s}")))
        .collect())
}

/// Returns the first statement one side has and the other lacks.
pub(crate) fn difference(result: &[Item], goal: &[Item]) -> Option<String> {
    fn set(items: &[Item]) -> BTreeSet<String> {
        let rules = PlatformRules::builtin("junos");
        let mut out = Vec::new();
        build(items, &rules).statements(&mut Vec::new(), &mut out);
        out.into_iter()
            .filter(|s| rules.manual_reason(s, None).is_none())
            .collect()
    }
    let (a, b) = (set(result), set(goal));
    if let Some(s) = a.difference(&b).next() {
        return Some(format!("unexpected `{s}`"));
    }
    b.difference(&a).next().map(|s| format!("missing `{s}`"))
}

/// Returns simulated statements as a flat `set` configuration tree.
pub(crate) fn to_tree(items: &[Item], template: &ConfigTree) -> ConfigTree {
    ConfigTree {
        dialect: template.dialect,
        roots: items
            .iter()
            .map(|i| Node {
                text: i.text.clone(),
                span: LineSpan::default(),
                children: Vec::new(),
                ordered: false,
            })
            .collect(),
        ordered: false,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn braces(text: &str) -> Vec<Item> {
        // A small brace reader for the tests: one item per line, nesting by braces.
        let mut stack: Vec<Item> = vec![Item::leaf("")];
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line == "}" {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            } else if line.ends_with('{') {
                stack.push(Item::leaf(line));
            } else {
                stack.last_mut().unwrap().children.push(Item::leaf(line));
            }
        }
        stack.pop().unwrap().children
    }

    #[test]
    fn deletes_subtrees_once_and_overwrites_values() {
        let rules = PlatformRules::builtin("junos");
        let from = braces(
            "system {\nhost-name r1;\nservices {\nssh;\n}\n}\ninterfaces {\nge-0/0/1 {\nunit 0 {\nfamily inet {\naddress 10.0.0.1/24;\n}\n}\n}\n}\n",
        );
        let to = braces("system {\nhost-name r2;\nservices {\nssh;\nnetconf;\n}\n}\n");
        let (apply, manual) = remediate(&from, &to, &rules);
        assert!(manual.is_empty());
        assert_eq!(
            apply,
            [
                "delete interfaces",
                "set system host-name r2",
                "set system services netconf"
            ]
        );
        let result = simulate(from.clone(), &apply, &rules).unwrap();
        assert_eq!(difference(&result, &to), None);
        let (back, _) = remediate(&to, &from, &rules);
        let result = simulate(to, &back, &rules).unwrap();
        assert_eq!(difference(&result, &from), None);
    }

    #[test]
    fn set_lines_and_bracket_lists_are_statements() {
        let rules = PlatformRules::builtin("junos");
        let a = vec![Item::leaf("set vlans v10 vlan-id 10")];
        let b = braces("vlans {\nv10 {\nvlan-id 10;\n}\n}\n");
        assert_eq!(difference(&a, &b), None);
        let c = braces("interfaces {\nge-0/0/2 {\nunit 0 {\nfamily ethernet-switching {\nvlan {\nmembers [ v10 v20 ];\n}\n}\n}\n}\n}\n");
        let (apply, _) = remediate(&[], &c, &rules);
        assert_eq!(apply.len(), 2);
        assert!(apply[1].ends_with("members v20"));
    }
}
