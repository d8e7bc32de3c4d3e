//! Ordered sibling groups (`access-list NAME …` lines at the top level):
//! their remediation — removals and appends in place, insertion by line
//! number where the platform has it (ASA `access-list NAME line N …`), or a
//! rewrite of the whole group — and the simulator's side of line numbers.

use super::{HashMap, HashSet};

use super::normalize::Item;
use super::reorder::longest_increasing;
use super::rules::{GroupRule, PlatformRules};

/// Returns one block of commands per changed group, `pad` giving the
/// indentation of the level.
pub(crate) fn blocks(
    from: &[Item],
    to: &[Item],
    parent: Option<&str>,
    pad: &str,
    rules: &PlatformRules,
) -> Vec<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut members: HashMap<String, (Vec<&Item>, Vec<&Item>)> = HashMap::default();
    for (side, items) in [(0, from), (1, to)] {
        for item in items.iter().filter(|i| i.children.is_empty()) {
            if let Some((name, _)) = rules.group_of(&item.text, parent) {
                let entry = members.entry(name.clone()).or_insert_with(|| {
                    names.push(name);
                    Default::default()
                });
                if side == 0 {
                    &mut entry.0
                } else {
                    &mut entry.1
                }
                .push(item);
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        let (f, t) = &members[&name];
        if f == t {
            continue;
        }
        let first = f.first().or(t.first()).expect("a group has a member");
        let (_, rule) = rules
            .group_of(&first.text, parent)
            .expect("member matched its group");
        let commands = group(f, t, rule, parent, rules);
        out.push(commands.into_iter().map(|c| format!("{pad}{c}")).collect());
    }
    out
}

fn unique(items: &[&Item]) -> bool {
    items.iter().map(|i| &i.text).collect::<HashSet<_>>().len() == items.len()
}

fn group(
    f: &[&Item],
    t: &[&Item],
    rule: &GroupRule,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Vec<String> {
    let negate = |i: &Item| rules.negate(&i.text, parent);
    let t_set: HashSet<&str> = t.iter().map(|i| i.text.as_str()).collect();
    let kept: Vec<&Item> = f
        .iter()
        .copied()
        .filter(|i| t_set.contains(i.text.as_str()))
        .collect();
    let both_unique = unique(f) && unique(t);
    let in_place = both_unique && kept.iter().zip(t).all(|(k, t)| k == t);
    let mut out = Vec::new();
    if f.is_empty() || (in_place && (rule.remove_group.is_none() || kept.len() == f.len())) {
        out.extend(
            f.iter()
                .filter(|i| !t_set.contains(i.text.as_str()))
                .map(|i| negate(i)),
        );
        out.extend(t[kept.len()..].iter().map(|i| i.text.clone()));
        return out;
    }
    if rule.line_numbers && both_unique {
        return by_line_number(f, t, &kept, rule, parent, rules);
    }
    match &rule.remove_group {
        Some(template) => {
            let caps = rule
                .matcher
                .captures(&f[0].text, parent)
                .expect("member matched its group");
            let mut command = String::new();
            caps.expand(template, &mut command);
            out.push(command);
        }
        None => out.extend(f.iter().map(|i| negate(i))),
    }
    out.extend(t.iter().map(|i| i.text.clone()));
    out
}

/// Removes what goes or moves, then inserts each missing entry at its line:
/// entries that keep their relative order (the longest such run) stay put.
fn by_line_number(
    f: &[&Item],
    t: &[&Item],
    kept: &[&Item],
    rule: &GroupRule,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Vec<String> {
    let position: HashMap<&str, usize> = t
        .iter()
        .enumerate()
        .map(|(i, item)| (item.text.as_str(), i))
        .collect();
    let order: Vec<usize> = kept.iter().map(|k| position[k.text.as_str()]).collect();
    let stay: HashSet<usize> = longest_increasing(&order).into_iter().collect();
    let mut out = Vec::new();
    for i in f {
        if !position
            .get(i.text.as_str())
            .is_some_and(|p| stay.contains(p))
        {
            out.push(rules.negate(&i.text, parent));
        }
    }
    for (at, item) in t.iter().enumerate() {
        if stay.contains(&at) {
            continue;
        }
        let caps = rule
            .matcher
            .captures(&item.text, parent)
            .expect("member matched its group");
        let split = caps.get(1).expect("group name").end();
        out.push(format!(
            "{} line {}{}",
            &item.text[..split],
            at + 1,
            &item.text[split..]
        ));
    }
    out
}

/// Reads `access-list NAME line N …`: returns the group name, the line
/// number and the entry as the configuration shows it (without `line N`),
/// or `None` when `text` is not a line-numbered group command.
pub(crate) fn numbered_entry(
    text: &str,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> Option<(String, usize, String)> {
    let (name, rule) = rules.group_of(text, parent)?;
    if !rule.line_numbers {
        return None;
    }
    let split = rule.matcher.captures(text, parent)?.get(1)?.end();
    let (number, tail) = text[split..].strip_prefix(" line ")?.split_once(' ')?;
    let line = number.parse::<usize>().ok()?;
    Some((name, line, format!("{} {tail}", &text[..split])))
}
