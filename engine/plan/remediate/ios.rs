//! The ios engine (ios, iosxe, nxos, eos, asa, acos): negations first, then
//! the intended lines in intended order, sections entered by their header
//! and their commands indented one level deeper — the shape engineers paste
//! and hier_config produces.

use super::{HashMap, HashSet};
use std::borrow::Cow;

use super::lists;
use super::normalize::Item;
use super::rules::PlatformRules;

/// Returns the sequence number an ordered entry starts with (`10 permit …`).
pub(crate) fn sequence(text: &str) -> Option<u64> {
    // Most lines are words: only a digit or a sign can start a number.
    let first = text.trim_start().bytes().next()?;
    if !(first.is_ascii_digit() || first == b'+') {
        return None;
    }
    text.split_whitespace().next()?.parse().ok()
}

/// Returns the level without its default lines, borrowed when it has none.
fn without_defaults<'a>(
    items: &'a [Item],
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Cow<'a, [Item]> {
    if items
        .iter()
        .any(|i| super::normalize::is_default_leaf(i, parent, rules))
    {
        Cow::Owned(
            items
                .iter()
                .filter(|i| !super::normalize::is_default_leaf(i, parent, rules))
                .cloned()
                .collect(),
        )
    } else {
        Cow::Borrowed(items)
    }
}

/// Lines of one top-level command and everything it enters.
type Block = Vec<String>;

/// Returns the commands that turn `from` into `to`, and the manual steps.
pub(crate) fn remediate(
    from: &[Item],
    to: &[Item],
    rules: &PlatformRules,
) -> (Vec<String>, Vec<String>) {
    let mut manual = Vec::new();
    let blocks = Engine {
        rules,
        manual: &mut manual,
    }
    .level(from, to, None, 0);
    (blocks.into_iter().flatten().collect(), manual)
}

struct Engine<'a> {
    rules: &'a PlatformRules,
    manual: &'a mut Vec<String>,
}

impl Engine<'_> {
    fn pad(&self, depth: usize) -> String {
        " ".repeat(depth * self.rules.indent)
    }

    fn line(&self, depth: usize, text: &str) -> String {
        format!("{}{text}", self.pad(depth))
    }

    /// Returns the whole item (and its children) as commands.
    fn full(&self, item: &Item, parent: Option<&str>, depth: usize, out: &mut Vec<String>) {
        out.push(self.line(depth, &item.text));
        for child in &item.children {
            self.full(child, Some(&item.text), depth + 1, out);
        }
        self.exit(item, parent, depth, out);
    }

    /// Leaves a sub-mode explicitly where the table says pasting needs it
    /// (`exit-address-family`), so the next line lands in the parent mode.
    fn exit(&self, item: &Item, parent: Option<&str>, depth: usize, out: &mut Vec<String>) {
        // Even an empty header enters the sub-mode, so it is left too.
        if depth > 0 {
            if let Some(exit) = self.rules.exit_of(&item.text, parent) {
                out.push(self.line(depth, &exit));
            }
        }
    }

    fn where_(parent: Option<&str>) -> String {
        parent.map_or_else(|| "top level".to_string(), |p| format!("`{p}`"))
    }

    /// Returns the blocks for one unordered level.
    fn level(
        &mut self,
        from: &[Item],
        to: &[Item],
        parent: Option<&str>,
        depth: usize,
    ) -> Vec<Block> {
        let rules = self.rules;
        // This level exists on both sides: a default line on either side
        // restates what the device shows and is not sent (a new section's
        // defaults are, by `full`).
        let (from, to) = (
            without_defaults(from, parent, rules),
            without_defaults(to, parent, rules),
        );
        let (from, to) = (&*from, &*to);
        let from_idx: HashMap<&str, &Item> = from.iter().map(|i| (i.text.as_str(), i)).collect();
        let to_idx: HashMap<&str, &Item> = to.iter().map(|i| (i.text.as_str(), i)).collect();
        let in_group =
            |item: &Item| item.children.is_empty() && rules.group_of(&item.text, parent).is_some();

        // Single-valued settings present once on each side overwrite in place.
        let key_count = |items: &[Item]| {
            let mut counts: HashMap<String, (usize, usize)> = HashMap::default();
            for (at, item) in items.iter().enumerate() {
                if item.children.is_empty() && !in_group(item) {
                    if let Some(key) = rules.idempotent_key(&item.text, parent) {
                        let entry = counts.entry(key).or_insert((0, at));
                        entry.0 += 1;
                    }
                }
            }
            counts
        };
        let (from_keys, to_keys) = (key_count(from), key_count(to));
        let overwritten: HashSet<&str> = from_keys
            .iter()
            .filter(|(key, (n, _))| *n == 1 && to_keys.get(*key).is_some_and(|(m, _)| *m == 1))
            .map(|(key, (_, at))| (key, &from[*at]))
            .filter(|(key, f)| {
                let t = &to[to_keys[*key].1];
                !to_idx.contains_key(f.text.as_str()) && !from_idx.contains_key(t.text.as_str())
            })
            .map(|(_, f)| f.text.as_str())
            .collect();

        let mut blocks: Vec<Block> = Vec::new();
        let mut emitted: HashSet<String> = HashSet::default();
        let mut kept_negations: Option<HashSet<String>> = None;
        let mut list_lines: Option<HashMap<String, &Item>> = None;
        for f in from {
            if to_idx.contains_key(f.text.as_str())
                || overwritten.contains(f.text.as_str())
                || in_group(f)
            {
                continue;
            }
            if let Some(reason) = rules.manual_reason(&f.text, parent) {
                self.manual.push(format!(
                    "remove `{}` at {}: {reason}",
                    f.text,
                    Self::where_(parent)
                ));
                continue;
            }
            let command = match (f.children.is_empty(), rules.reset(&f.text, parent)) {
                (false, Some(reset)) => reset,
                _ => {
                    let command = rules.negate(&f.text, parent);
                    // A short negation (`no bgp router-id`) would also remove
                    // a line that stays: name the line in full instead. (A
                    // negation that already names the line in full, or of a
                    // `no` line, stays as it is either way.)
                    let short = !f.text.starts_with("no ")
                        && command.strip_prefix("no ") != Some(f.text.as_str());
                    let hits_kept = short && {
                        let kept = kept_negations.get_or_insert_with(|| {
                            let kept = from.iter().filter(|k| {
                                to_idx.contains_key(k.text.as_str())
                                    || overwritten.contains(k.text.as_str())
                            });
                            rules
                                .negate_level(kept.map(|k| k.text.as_str()), parent)
                                .into_iter()
                                .collect::<HashSet<String>>()
                        });
                        kept.contains(&command)
                    };
                    if hits_kept {
                        format!("no {}", f.text)
                    } else {
                        command
                    }
                }
            };
            if emitted.insert(command.clone()) {
                blocks.push(vec![self.line(depth, &command)]);
            }
        }
        blocks.extend(super::groups::blocks(
            from,
            to,
            parent,
            &self.pad(depth),
            rules,
        ));
        for t in to {
            if in_group(t) {
                continue;
            }
            match from_idx.get(t.text.as_str()) {
                None => {
                    if let Some(reason) = rules.manual_reason(&t.text, parent) {
                        self.manual.push(format!(
                            "add `{}` at {}: {reason}",
                            t.text,
                            Self::where_(parent)
                        ));
                        continue;
                    }
                    let mut block = Vec::new();
                    let pair = rules
                        .list_of(&t.text, parent)
                        .filter(|(rule, _, _)| rule.add_remove)
                        .and_then(|(_, prefix, _)| {
                            let lists = list_lines.get_or_insert_with(|| {
                                from.iter()
                                    .filter(|f| overwritten.contains(f.text.as_str()))
                                    .filter_map(|f| {
                                        Some((rules.list_of(&f.text, parent)?.1.to_string(), f))
                                    })
                                    .collect::<HashMap<String, &Item>>()
                            });
                            lists.get(prefix).copied()
                        })
                        .filter(|f| self.list_pair(f, t, parent));
                    match pair {
                        Some(f) => self.list_change(f, t, parent, depth, &mut block),
                        None => self.full(t, parent, depth, &mut block),
                    }
                    blocks.push(block);
                }
                Some(f) if f.children.is_empty() && t.children.is_empty() => {}
                Some(f) => {
                    if let Some(block) = self.section(f, t, parent, depth) {
                        blocks.push(block);
                    }
                }
            }
        }
        // Stable: equal weights keep the negations-then-additions order.
        blocks.sort_by_key(|block| rules.weight(block[0].trim_start(), parent));
        blocks
    }

    /// Returns the block for a section present on both sides, if it changed.
    fn section(&mut self, f: &Item, t: &Item, parent: Option<&str>, depth: usize) -> Option<Block> {
        // An unchanged section needs nothing (normalised unordered levels
        // have unique texts, so the walk below would find nothing either).
        if f == t {
            return None;
        }
        let rules = self.rules;
        if let Some(reason) = rules.manual_reason(&t.text, parent) {
            if f.children != t.children {
                self.manual.push(format!(
                    "change `{}` at {}: {reason}",
                    t.text,
                    Self::where_(parent)
                ));
            }
            return None;
        }
        let ordered = f.ordered || t.ordered || rules.is_ordered_section(&t.text, parent);
        let inner: Vec<String> = if ordered {
            match self.ordered(&f.children, &t.children, &t.text, depth + 1) {
                Some(lines) => lines,
                None => {
                    // Reordered: remove the section and write it again whole.
                    let mut block = vec![self.line(depth, &rules.negate(&t.text, parent))];
                    self.full(t, parent, depth, &mut block);
                    return Some(block);
                }
            }
        } else {
            self.level(&f.children, &t.children, Some(&t.text), depth + 1)
                .into_iter()
                .flatten()
                .collect()
        };
        if inner.is_empty() {
            return None;
        }
        let mut block = vec![self.line(depth, &t.text)];
        block.extend(inner);
        self.exit(t, parent, depth, &mut block);
        Some(block)
    }

    /// Returns the commands for an ordered list when the change is removals
    /// plus appends at the end, or `None` when it must be rewritten whole.
    fn ordered(
        &self,
        from: &[Item],
        to: &[Item],
        header: &str,
        depth: usize,
    ) -> Option<Vec<String>> {
        if from == to {
            return Some(Vec::new());
        }
        if let Some(lines) = self.sequenced(from, to, header, depth) {
            return Some(lines);
        }
        let unique = |items: &[Item]| {
            items.iter().map(|i| &i.text).collect::<HashSet<_>>().len() == items.len()
        };
        if !unique(from) || !unique(to) {
            return None;
        }
        let to_set: HashSet<&Item> = to.iter().collect();
        let kept: Vec<&Item> = from.iter().filter(|f| to_set.contains(f)).collect();
        if kept.len() > to.len() || kept.iter().zip(to).any(|(k, t)| *k != t) {
            return None;
        }
        let mut out = Vec::new();
        for f in from.iter().filter(|f| !to_set.contains(f)) {
            if !f.children.is_empty() {
                return None;
            }
            out.push(self.line(depth, &self.rules.negate(&f.text, Some(header))));
        }
        for t in &to[kept.len()..] {
            self.full(t, Some(header), depth, &mut out);
        }
        Some(out)
    }

    /// Returns the commands for a list whose entries all carry sequence
    /// numbers (`10 permit …`): entries are removed and added by number.
    fn sequenced(
        &self,
        from: &[Item],
        to: &[Item],
        header: &str,
        depth: usize,
    ) -> Option<Vec<String>> {
        fn numbers(items: &[Item]) -> Option<HashMap<u64, &Item>> {
            let map: HashMap<u64, &Item> = items
                .iter()
                .map(|i| Some((sequence(&i.text)?, i)).filter(|_| i.children.is_empty()))
                .collect::<Option<_>>()?;
            (map.len() == items.len()).then_some(map)
        }
        let (fs, ts) = (numbers(from)?, numbers(to)?);
        let mut out = Vec::new();
        for f in from {
            if ts.get(&sequence(&f.text)?) != Some(&f) {
                out.push(self.line(depth, &self.rules.negate(&f.text, Some(header))));
            }
        }
        for t in to {
            if fs.get(&sequence(&t.text)?) != Some(&t) {
                out.push(self.line(depth, &t.text));
            }
        }
        Some(out)
    }

    /// Returns true when `t` is the new value of the add/remove list `f`.
    fn list_pair(&self, f: &Item, t: &Item, parent: Option<&str>) -> bool {
        match (
            self.rules.list_of(&f.text, parent),
            self.rules.list_of(&t.text, parent),
        ) {
            (Some((rule, fp, _)), Some((_, tp, _))) => {
                rule.add_remove && fp == tp && f.text != t.text
            }
            _ => false,
        }
    }

    /// Emits `<command> add|remove <items>` for a changed list.
    fn list_change(
        &self,
        f: &Item,
        t: &Item,
        parent: Option<&str>,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let (Some((_, prefix, fl)), Some((_, _, tl))) = (
            self.rules.list_of(&f.text, parent),
            self.rules.list_of(&t.text, parent),
        ) else {
            return self.full(t, parent, depth, out);
        };
        let (Some(fs), Some(ts)) = (lists::parse(fl), lists::parse(tl)) else {
            return self.full(t, parent, depth, out);
        };
        let added: std::collections::BTreeSet<u32> = ts.difference(&fs).copied().collect();
        let removed: std::collections::BTreeSet<u32> = fs.difference(&ts).copied().collect();
        if !added.is_empty() {
            out.push(self.line(depth, &format!("{prefix} add {}", lists::render(&added))));
        }
        if !removed.is_empty() {
            out.push(self.line(
                depth,
                &format!("{prefix} remove {}", lists::render(&removed)),
            ));
        }
    }
}
