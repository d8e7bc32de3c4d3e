//! The Junos engine: `set` and `delete` statements with full paths, no
//! indentation. Both brace and `set` configurations are reduced to the same
//! statement tree (one token per level), so a removed subtree is deleted once
//! at its top and single-valued leaves are overwritten by `set`.

use std::collections::BTreeSet;

use super::HashMap;

use super::junos_trie::{build, tokenize, Trie};
use super::normalize::Item;
use super::reorder::{self, Place};
use super::rules::PlatformRules;
use super::simulate::{rejected, SimError};
use crate::config::{ConfigTree, LineSpan, Node};

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
        let mut counts: HashMap<String, usize> = HashMap::default();
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
    if !rules.ordered_sections.is_empty() {
        let mut sim = f.clone();
        for command in &out {
            let tokens = tokenize(command);
            if let Some((verb, path)) = tokens.split_first() {
                // Our own commands always apply; verification reports it if not.
                let _ = apply(&mut sim, verb, path, rules);
            }
        }
        inserts(&t, &mut sim, &mut Vec::new(), rules, &mut out);
    }
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

/// Adds a note for each single-valued leaf that holds several values (only
/// a parser that flattens nested statements produces one).
pub(crate) fn repeated_settings(items: &[Item], rules: &PlatformRules, out: &mut Vec<String>) {
    let mut all = Vec::new();
    build(items, rules).statements(&mut Vec::new(), &mut all);
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for s in &all {
        if let Some(key) = rules.idempotent_key(s, None) {
            *counts.entry(key).or_default() += 1;
        }
    }
    for (key, n) in counts.into_iter().filter(|(_, n)| *n > 1) {
        out.push(format!(
            "single-valued setting `{key}` is set {n} times; the device keeps one value"
        ));
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
        apply(&mut trie, verb, path, rules).map_err(|reason| rejected(i, raw, reason))?;
    }
    let mut statements = Vec::new();
    trie.statements(&mut Vec::new(), &mut statements);
    Ok(statements
        .into_iter()
        .map(|s| Item::leaf(format!("set {s}")))
        .collect())
}

/// Applies one `set`, `delete` or `insert` command to the statement tree.
fn apply(
    trie: &mut Trie,
    verb: &str,
    path: &[String],
    rules: &PlatformRules,
) -> Result<(), String> {
    match verb {
        "set" => {
            if let Some(key) = rules.idempotent_key(&path.join(" "), None) {
                let key_path = tokenize(&key);
                if trie.get(&key_path).is_some() {
                    trie.remove(&key_path);
                }
            }
            trie.insert(path);
            Ok(())
        }
        "delete" if trie.remove(path) => Ok(()),
        "delete" => Err("statement not found".into()),
        "insert" => {
            let usage = "expected `insert <path> <name> before|after <keyword> <name>`";
            let n = path.len();
            if n < 5 {
                return Err(usage.into());
            }
            let (how, keyword, anchor) = (&path[n - 3], &path[n - 2], &path[n - 1]);
            let (name, parent) = path[..n - 3].split_last().ok_or(usage)?;
            if parent.last() != Some(keyword) || !matches!(how.as_str(), "before" | "after") {
                return Err(usage.into());
            }
            let node = trie.get_mut(parent).ok_or("statement not found")?;
            if node.move_child(name, anchor, how == "before") {
                Ok(())
            } else {
                Err(format!(
                    "no `{keyword} {name}` or `{keyword} {anchor}` to reorder"
                ))
            }
        }
        other => Err(format!(
            "`{other}` is not a Junos configuration command henko emits"
        )),
    }
}

/// Emits `insert … before|after …` where an ordered list (filter terms,
/// policies) ends in another order than TO's after the sets and deletes.
fn inserts(
    t: &Trie,
    sim: &mut Trie,
    prefix: &mut Vec<String>,
    rules: &PlatformRules,
    out: &mut Vec<String>,
) {
    if !prefix.is_empty() && rules.is_ordered_section(&prefix.join(" "), None) {
        if let Some(node) = sim.get_mut(prefix) {
            let target = t.names();
            let wanted: super::HashSet<&String> = target.iter().collect();
            let mut current: Vec<String> = node
                .names()
                .into_iter()
                .filter(|n| wanted.contains(n))
                .collect();
            let keyword = prefix.last().cloned().unwrap_or_default();
            for (name, place) in reorder::moves(&mut current, &target) {
                let (how, anchor) = match &place {
                    Place::Before(a) => ("before", a),
                    Place::After(a) => ("after", a),
                };
                node.move_child(&name, anchor, how == "before");
                out.push(format!(
                    "insert {} {name} {how} {keyword} {anchor}",
                    prefix.join(" ")
                ));
            }
        }
    }
    for (token, child) in &t.children {
        prefix.push(token.clone());
        inserts(child, sim, prefix, rules, out);
        prefix.pop();
    }
}

/// Returns the first ordered list whose entries are in another order.
fn order_difference(
    result: &Trie,
    goal: &Trie,
    prefix: &mut Vec<String>,
    rules: &PlatformRules,
) -> Option<String> {
    if !prefix.is_empty() && rules.is_ordered_section(&prefix.join(" "), None) {
        let wanted = goal.names();
        let got: Vec<String> = result
            .names()
            .into_iter()
            .filter(|n| wanted.contains(n))
            .collect();
        if got != wanted {
            return Some(format!(
                "`{}` entries are in a different order",
                prefix.join(" ")
            ));
        }
    }
    for (token, child) in &goal.children {
        if let Some(other) = result.child(token) {
            prefix.push(token.clone());
            let found = order_difference(other, child, prefix, rules);
            prefix.pop();
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Returns the first statement one side has and the other lacks.
pub(crate) fn difference(result: &[Item], goal: &[Item], rules: &PlatformRules) -> Option<String> {
    let set = |items: &[Item]| -> BTreeSet<String> {
        let mut out = Vec::new();
        build(items, rules).statements(&mut Vec::new(), &mut out);
        out.into_iter()
            .filter(|s| rules.manual_reason(s, None).is_none())
            .collect()
    };
    let (a, b) = (set(result), set(goal));
    if let Some(s) = a.difference(&b).next() {
        return Some(format!("unexpected `{s}`"));
    }
    if let Some(s) = b.difference(&a).next() {
        return Some(format!("missing `{s}`"));
    }
    order_difference(
        &build(result, rules),
        &build(goal, rules),
        &mut Vec::new(),
        rules,
    )
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
        assert_eq!(difference(&result, &to, &rules), None);
        let (back, _) = remediate(&to, &from, &rules);
        let result = simulate(to, &back, &rules).unwrap();
        assert_eq!(difference(&result, &from, &rules), None);
    }

    #[test]
    fn reordered_filter_terms_are_inserted() {
        let rules = PlatformRules::builtin("junos");
        let statements = |terms: &[&str]| -> Vec<Item> {
            terms
                .iter()
                .map(|t| {
                    Item::leaf(format!(
                        "set firewall family inet filter EDGE term {t} then accept"
                    ))
                })
                .collect()
        };
        let from = statements(&["a", "b", "c"]);
        let to = statements(&["c", "a", "b", "d"]);
        let (apply, _) = remediate(&from, &to, &rules);
        assert_eq!(
            apply,
            [
                "set firewall family inet filter EDGE term d then accept",
                "insert firewall family inet filter EDGE term c before term a"
            ]
        );
        let result = simulate(from.clone(), &apply, &rules).unwrap();
        assert_eq!(difference(&result, &to, &rules), None);
        assert!(difference(&from, &statements(&["b", "a", "c"]), &rules).is_some());
    }

    #[test]
    fn set_lines_and_bracket_lists_are_statements() {
        let rules = PlatformRules::builtin("junos");
        let a = vec![Item::leaf("set vlans v10 vlan-id 10")];
        let b = braces("vlans {\nv10 {\nvlan-id 10;\n}\n}\n");
        assert_eq!(difference(&a, &b, &rules), None);
        let c = braces("interfaces {\nge-0/0/2 {\nunit 0 {\nfamily ethernet-switching {\nvlan {\nmembers [ v10 v20 ];\n}\n}\n}\n}\n}\n");
        let (apply, _) = remediate(&[], &c, &rules);
        assert_eq!(apply.len(), 2);
        assert!(apply[1].ends_with("members v20"));
    }
}
