//! The engines' working form of a configuration tree: rule-table noise and
//! defaults dropped, list values canonical, repeated sections merged, and the
//! equivalence test both simulations are judged by.

use super::lists;
use super::rules::{Engine, PlatformRules};
use crate::config::{ConfigTree, LineSpan, Node};

/// One line (and, for a section, the lines under it) without source spans.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Item {
    pub(crate) text: String,
    pub(crate) children: Vec<Item>,
    pub(crate) ordered: bool,
}

impl Item {
    pub(crate) fn leaf(text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            children: Vec::new(),
            ordered: false,
        }
    }
}

/// Returns the tree's roots in working form.
pub(crate) fn normalize(tree: &ConfigTree, rules: &PlatformRules) -> Vec<Item> {
    normalize_without(tree, &super::HashSet::default(), rules)
}

/// [`normalize`] without the top-level sections whose (trimmed) header is
/// in `aside`; plain lines are always kept.
pub(crate) fn normalize_without(
    tree: &ConfigTree,
    aside: &super::HashSet<&str>,
    rules: &PlatformRules,
) -> Vec<Item> {
    let items: Vec<Item> = tree
        .roots
        .iter()
        .filter(|n| n.children.is_empty() || !aside.contains(n.text.trim()))
        .map(from_node)
        .collect();
    normalize_items(items, None, tree.ordered, rules)
}

/// Returns true when normalising keeps a line under `parent` as it is
/// read: neither empty nor noise nor a list line (whose values are
/// rewritten or split into several lines).
pub(crate) fn keeps_line(text: &str, parent: Option<&str>, rules: &PlatformRules) -> bool {
    !text.is_empty()
        && !rules.is_ignored(text, parent)
        && expand_list(text, parent, rules).is_none()
}

fn from_node(node: &Node) -> Item {
    Item {
        text: node.text.trim().to_string(),
        children: node.children.iter().map(from_node).collect(),
        ordered: node.ordered,
    }
}

/// Normalises one level (and everything under it) in place.
pub(crate) fn normalize_items(
    items: Vec<Item>,
    parent: Option<&str>,
    ordered: bool,
    rules: &PlatformRules,
) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for item in items {
        if item.text.is_empty() || rules.is_ignored(&item.text, parent) {
            continue;
        }
        // Defaults are dropped at the top level, which always exists;
        // inside sections they are kept, since a new section's explicit
        // `no shutdown` must be sent (see [`settle`]).
        if parent.is_none() && item.children.is_empty() && rules.is_default(&item.text, parent) {
            continue;
        }
        let had_children = !item.children.is_empty();
        let child_ordered = item.ordered || rules.is_ordered_section(&item.text, parent);
        let children = normalize_items(item.children, Some(&item.text), child_ordered, rules);
        // A port that says only `no shutdown` says nothing the running
        // config would show.
        let says_nothing = children
            .iter()
            .all(|c| is_default_leaf(c, Some(&item.text), rules));
        if says_nothing && is_placeholder(&item.text, had_children, parent, rules) {
            continue;
        }
        match expand_list(&item.text, parent, rules) {
            // The common case: the line stands as it is, its text and
            // children move into the result without copies.
            None => out.push(Item {
                text: item.text,
                children,
                ordered: child_ordered,
            }),
            Some(texts) => {
                let last = texts.len().saturating_sub(1);
                let mut children = Some(children);
                for (at, text) in texts.into_iter().enumerate() {
                    let children = if at == last {
                        children.take().unwrap_or_default()
                    } else {
                        children.clone().unwrap_or_default()
                    };
                    out.push(Item {
                        text,
                        children,
                        ordered: child_ordered,
                    });
                }
            }
        }
    }
    if ordered && rules.engine != Engine::Fortios {
        // A device refuses a duplicate entry in an ordered list.
        let mut seen = super::HashSet::default();
        out.retain(|i| !i.children.is_empty() || seen.insert(i.text.clone()));
        // Numbered entries are kept in number order by the device.
        if out.iter().all(|i| super::ios::sequence(&i.text).is_some()) {
            // Each number read once, not once per comparison.
            out.sort_by_cached_key(|i| super::ios::sequence(&i.text));
        }
        return out;
    }
    merge_repeats(out, rules.engine == Engine::Fortios)
}

/// Keeps one `set k …` per key, the last one, as FortiOS does when a
/// setting is given twice (a block opened twice in one file); a last
/// `unset k` leaves no line.
fn last_setting_wins(items: Vec<Item>) -> Vec<Item> {
    fn key(text: &str) -> Option<&str> {
        let rest = text
            .strip_prefix("set ")
            .or_else(|| text.strip_prefix("unset "))?;
        Some(rest.split_whitespace().next().unwrap_or(""))
    }
    // Which entries a later one of the same key overrides.
    let mut overridden = vec![false; items.len()];
    let mut last: super::HashMap<&str, usize> =
        super::HashMap::with_capacity_and_hasher(items.len(), Default::default());
    for (at, item) in items.iter().enumerate() {
        if let Some(k) = key(&item.text) {
            if let Some(before) = last.insert(k, at) {
                overridden[before] = true;
            }
        }
    }
    if !overridden.contains(&true) && !items.iter().any(|i| i.text.starts_with("unset ")) {
        return items;
    }
    drop(last);
    items
        .into_iter()
        .zip(overridden)
        .filter(|(_, overridden)| !overridden)
        .map(|(item, _)| item)
        // `unset k` leaves k at its default: the same state as no line.
        .filter(|item| !(item.children.is_empty() && item.text.starts_with("unset ")))
        .collect()
}

/// Returns true for an empty section that stands for nothing: a physical
/// port that exists whatever the configuration says, or an empty FortiOS
/// `config` block.
fn is_placeholder(
    text: &str,
    had_children: bool,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> bool {
    match rules.engine {
        Engine::Ios => rules.reset(text, parent).is_some(),
        Engine::Fortios => had_children && text.starts_with("config "),
        _ => false,
    }
}

/// Returns true for a line that only restates a platform default.
pub(crate) fn is_default_leaf(item: &Item, parent: Option<&str>, rules: &PlatformRules) -> bool {
    item.children.is_empty() && rules.is_default(&item.text, parent)
}

/// Returns `items` without the default lines of every section that exists
/// in `start` (the top level always does): there a default restates what
/// the device already shows, while a section `start` lacks is created by
/// the commands and must hold the explicit lines the goal gives it (the
/// `no shutdown` of a new SVI). Both sides of a simulation are settled
/// against its start before they are compared.
pub(crate) fn settle(items: &[Item], start: &[Item], rules: &PlatformRules) -> Vec<Item> {
    settle_owned(items.to_vec(), start, rules)
}

/// [`settle`] of items the caller gives up (a simulation's result):
/// default lines are dropped in place, nothing is copied.
pub(crate) fn settle_owned(items: Vec<Item>, start: &[Item], rules: &PlatformRules) -> Vec<Item> {
    if rules.defaults.is_empty() && rules.negated_state.is_empty() {
        return items;
    }
    settle_level_owned(items, Some(start), None, rules)
}

fn settle_level_owned(
    items: Vec<Item>,
    start: Option<&[Item]>,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Vec<Item> {
    let sections: super::HashMap<&str, &Item> = start
        .unwrap_or_default()
        .iter()
        .map(|i| (i.text.as_str(), i))
        .collect();
    items
        .into_iter()
        .filter(|item| start.is_none() || !is_default_leaf(item, parent, rules))
        .map(|mut item| {
            if !item.children.is_empty() {
                let existing = sections
                    .get(item.text.as_str())
                    .map(|found| found.children.as_slice());
                let children = std::mem::take(&mut item.children);
                let settled = settle_level_owned(children, existing, Some(&item.text), rules);
                item.children = settled;
            }
            item
        })
        .collect()
}

/// Canonicalises or splits list values (`vlan 10,20-30`): the lines that
/// stand for `text`, or `None` when it stands as it is.
fn expand_list(text: &str, parent: Option<&str>, rules: &PlatformRules) -> Option<Vec<String>> {
    if rules.engine != Engine::Ios {
        return None;
    }
    let (rule, prefix, list) = rules.list_of(text, parent)?;
    let items = lists::parse(list)?;
    Some(if rule.split {
        items.iter().map(|n| format!("{prefix} {n}")).collect()
    } else {
        vec![format!("{prefix} {}", lists::render(&items))]
    })
}

/// Merges sections opened twice and drops repeated identical lines, keeping
/// the position of the first occurrence.
fn merge_repeats(items: Vec<Item>, fortios: bool) -> Vec<Item> {
    // Most levels are a section's few lines: a scan beats building a map.
    const SCAN_UP_TO: usize = 16;
    let mut index: Option<super::HashMap<String, usize>> = (items.len() > SCAN_UP_TO)
        .then(|| super::HashMap::with_capacity_and_hasher(items.len(), Default::default()));
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut merged_any = false;
    for item in items {
        let seen = match &index {
            Some(map) => map.get(&item.text).copied(),
            None => out.iter().position(|o| o.text == item.text),
        };
        match seen {
            Some(at) => {
                if !item.children.is_empty() {
                    out[at].children.extend(item.children);
                    merged_any = true;
                }
            }
            None => {
                if let Some(map) = &mut index {
                    map.insert(item.text.clone(), out.len());
                }
                out.push(item);
            }
        }
    }
    if merged_any {
        for item in &mut out {
            if !item.ordered || fortios {
                let children = std::mem::take(&mut item.children);
                item.children = merge_repeats(children, fortios);
            }
        }
    }
    if fortios {
        return last_setting_wins(out);
    }
    out
}

/// Returns the items as a tree of [`Node`]s (without source lines).
pub(crate) fn to_tree(items: &[Item], template: &ConfigTree) -> ConfigTree {
    fn node(item: &Item) -> Node {
        Node {
            text: item.text.clone(),
            span: LineSpan::default(),
            children: item.children.iter().map(node).collect(),
            ordered: item.ordered,
        }
    }
    ConfigTree {
        dialect: template.dialect,
        roots: items.iter().map(node).collect(),
        ordered: template.ordered,
        warnings: Vec::new(),
    }
}

/// Adds a note for each single-valued setting that appears more than once at
/// one level: the device keeps one value, so such a tree cannot be reached
/// exactly by pasting commands (a flattened parse usually causes it).
pub(crate) fn repeated_settings(
    items: &[Item],
    parent: Option<&str>,
    rules: &PlatformRules,
    out: &mut Vec<String>,
) {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for item in items.iter().filter(|i| i.children.is_empty()) {
        if let Some(key) = rules.idempotent_key(&item.text, parent) {
            *counts.entry(key).or_default() += 1;
        }
    }
    for (key, n) in counts.into_iter().filter(|(_, n)| *n > 1) {
        let at = parent.map_or_else(|| "the top level".to_string(), |p| format!("`{p}`"));
        out.push(format!(
            "single-valued setting `{}` is set {n} times under {at}; the device keeps one value",
            key.replace('\u{1f}', " ")
        ));
    }
    for item in items {
        repeated_settings(&item.children, Some(&item.text), rules, out);
    }
}

/// Returns `None` when the two levels are equivalent, else the first
/// difference (path and what differs).
pub(crate) fn difference(
    a: &[Item],
    b: &[Item],
    parent: Option<&str>,
    ordered: bool,
    rules: &PlatformRules,
) -> Option<String> {
    let a = comparable(a, parent, rules);
    let b = comparable(b, parent, rules);
    let here = |what: String| match parent {
        Some(p) => format!("under `{p}`: {what}"),
        None => what,
    };
    if ordered {
        let at = a.iter().zip(&b).position(|(x, y)| x.text != y.text);
        if let Some(i) = at {
            return Some(here(format!(
                "entry {} is `{}` instead of `{}`",
                i + 1,
                a[i].text,
                b[i].text
            )));
        }
        if a.len() != b.len() {
            return Some(here(format!("{} entries instead of {}", a.len(), b.len())));
        }
        for (x, y) in a.iter().zip(&b) {
            if let Some(d) = difference(
                &x.children,
                &y.children,
                Some(&x.text),
                x.ordered || y.ordered,
                rules,
            ) {
                return Some(d);
            }
        }
        return None;
    }
    let mut sa: Vec<&Item> = a.clone();
    let mut sb: Vec<&Item> = b.clone();
    sa.sort_by(|x, y| x.text.cmp(&y.text));
    sb.sort_by(|x, y| x.text.cmp(&y.text));
    let (mut i, mut j) = (0, 0);
    while i < sa.len() || j < sb.len() {
        match (sa.get(i), sb.get(j)) {
            (Some(x), Some(y)) if x.text == y.text => {
                // Equal subtrees have no difference: skip the walk.
                if x.children == y.children && x.ordered == y.ordered {
                    i += 1;
                    j += 1;
                    continue;
                }
                if let Some(d) = difference(
                    &x.children,
                    &y.children,
                    Some(&x.text),
                    x.ordered || y.ordered,
                    rules,
                ) {
                    return Some(d);
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.text < y.text => {
                return Some(here(format!("unexpected `{}`", x.text)))
            }
            (Some(_), Some(y)) => return Some(here(format!("missing `{}`", y.text))),
            (Some(x), None) => return Some(here(format!("unexpected `{}`", x.text))),
            (None, Some(y)) => return Some(here(format!("missing `{}`", y.text))),
            (None, None) => break,
        }
    }
    group_order_difference(&a, &b, parent, rules).map(here)
}

/// Drops what comparison must not see: manual-only items and emptied
/// sections that only exist because they cannot be removed.
fn comparable<'a>(items: &'a [Item], parent: Option<&str>, rules: &PlatformRules) -> Vec<&'a Item> {
    items
        .iter()
        .filter(|item| rules.manual_reason(&item.text, parent).is_none())
        // FortiOS one-off commands (`rename`, `append`, `move`) are actions,
        // not state: the plan lists them as manual steps.
        .filter(|item| !(rules.engine == Engine::Fortios && fortios_action(item)))
        .filter(|item| {
            !(item.children.is_empty()
                && (rules.reset(&item.text, parent).is_some()
                    || (rules.engine == Engine::Fortios && item.text.starts_with("config "))))
        })
        .collect()
}

/// Returns true for a FortiOS line that is an action rather than a setting.
pub(crate) fn fortios_action(item: &Item) -> bool {
    item.children.is_empty()
        && !["set ", "unset ", "config ", "edit "]
            .iter()
            .any(|p| item.text.starts_with(p))
}

fn group_order_difference(
    a: &[&Item],
    b: &[&Item],
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Option<String> {
    if rules.ordered_groups.is_empty() {
        return None;
    }
    fn groups<'a>(
        items: &[&'a Item],
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> std::collections::BTreeMap<String, Vec<&'a str>> {
        let mut map: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for item in items {
            if let Some((name, _)) = rules.group_of(&item.text, parent) {
                map.entry(name).or_default().push(item.text.as_str());
            }
        }
        map
    }
    let (ga, gb) = (groups(a, parent, rules), groups(b, parent, rules));
    ga.iter()
        .find(|(name, list)| gb.get(*name) != Some(list))
        .map(|(name, _)| format!("entries of `{name}` are in a different order"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, Dialect, ParseOptions};

    fn items(text: &str) -> Vec<Item> {
        let tree = parse(text.as_bytes(), Dialect::Ios, &ParseOptions::default());
        normalize(&tree, &PlatformRules::builtin("ios"))
    }

    #[test]
    fn merges_reentered_sections_and_drops_noise() {
        let got = items(
            "interface Gi0/1\n description a\nend\ninterface Gi0/1\n mtu 9000\n no shutdown\n",
        );
        assert_eq!(got.len(), 1);
        let texts: Vec<&str> = got[0].children.iter().map(|c| c.text.as_str()).collect();
        // `no shutdown` stays: in a new section it must be sent.
        assert_eq!(texts, ["description a", "mtu 9000", "no shutdown"]);
    }

    #[test]
    fn splits_vlan_lists_and_canonicalises_trunks() {
        let got =
            items("vlan 10,20-21\ninterface Gi0/1\n switchport trunk allowed vlan 30,10-12\n");
        let texts: Vec<&str> = got.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["vlan 10", "vlan 20", "vlan 21", "interface Gi0/1"]);
        assert_eq!(
            got[3].children[0].text,
            "switchport trunk allowed vlan 10-12,30"
        );
    }

    #[test]
    fn difference_ignores_unordered_child_order_only() {
        let rules = PlatformRules::builtin("ios");
        let a = items("interface Gi0/1\n mtu 9000\n description a\n");
        let b = items("interface Gi0/1\n description a\n mtu 9000\n");
        assert_eq!(difference(&a, &b, None, false, &rules), None);
        let c = items("ip access-list extended X\n permit ip any any\n deny ip any any\n");
        let d = items("ip access-list extended X\n deny ip any any\n permit ip any any\n");
        assert!(difference(&c, &d, None, false, &rules).is_some());
    }
}
