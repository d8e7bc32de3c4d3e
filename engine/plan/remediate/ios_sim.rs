//! The ios simulator: applies indented configuration-mode lines to a tree
//! the way the device would. It understands the forms the ios engine emits:
//! entering a section by its header, removal by a line's negation (or by
//! `no <line>`), `no access-list N` for a whole group, section resets
//! (`default interface …`), `access-list NAME line N …`, list `add`/`remove`,
//! overwrite of single-valued settings by key, and appending.
//!
//! Levels are indexed by text, negation and key (built lazily), with removed
//! entries left as holes, so each command costs about the same whatever the
//! size of the configuration.

use super::HashMap;

use super::ios::sequence;
use super::ios_level::{Level, Node};
use super::lists;
use super::normalize::Item;
use super::rules::literal_prefix;
use super::rules::PlatformRules;
use super::simulate::{rejected, SimError};

fn depth_of(raw: &str, indent: usize) -> (usize, usize) {
    let spaces = raw.len() - raw.trim_start_matches(' ').len();
    (spaces / indent, spaces)
}

/// Applies ios commands to normalised items.
pub(crate) fn simulate(
    items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    let indent = rules.indent;
    let mut root = Level::from_items(items, None, rules, commands.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, raw) in commands.iter().enumerate() {
        let (depth, spaces) = depth_of(raw, indent);
        if spaces % indent != 0 {
            return Err(rejected(
                i,
                raw,
                format!("indentation is not a multiple of {indent}"),
            ));
        }
        if depth > stack.len() {
            return Err(rejected(
                i,
                raw,
                "indented deeper than the section it belongs to",
            ));
        }
        stack.truncate(depth);
        let text = raw[spaces..].trim_end();
        if text.is_empty() {
            return Err(rejected(i, raw, "empty command"));
        }
        let opens = commands
            .get(i + 1)
            .is_some_and(|next| depth_of(next, indent).0 > depth);
        let (level, parent, ordered) = level_mut(&mut root, &stack);
        let parent = parent.as_deref();
        if opens {
            let at = match level.slot_of(text) {
                Some(at) => at,
                None => {
                    let node =
                        Node::new(text, rules.is_ordered_section(text, parent), parent, rules);
                    let at = level.slots.len();
                    level.place(at, node, parent, rules);
                    at
                }
            };
            stack.push(at);
        } else {
            apply_line(level, text, parent, ordered, rules);
        }
    }
    Ok(root.into_items())
}

fn level_mut<'a>(root: &'a mut Level, path: &[usize]) -> (&'a mut Level, Option<String>, bool) {
    let mut level = root;
    let mut parent = None;
    let mut ordered = false;
    for &at in path {
        let node = level.slots[at]
            .as_mut()
            .expect("the stack points at live sections");
        parent = Some(node.text.clone());
        ordered = node.ordered;
        level = &mut node.children;
    }
    (level, parent, ordered)
}

fn leaf(text: &str, parent: Option<&str>, rules: &PlatformRules) -> Node {
    Node::new(text, false, parent, rules)
}

/// Applies one non-section command at one level.
fn apply_line(
    level: &mut Level,
    text: &str,
    parent: Option<&str>,
    ordered: bool,
    rules: &PlatformRules,
) {
    // Mode changes (`exit-address-family`) and noise leave the tree alone;
    // a line already there is not added twice.
    if rules.is_ignored(text, parent) || level.holds(text) {
        return;
    }
    if let Some((name, line, entry)) = super::groups::numbered_entry(text, parent, rules) {
        if !level.holds(&entry) {
            let members: Vec<usize> = level
                .live()
                .filter(|(_, n)| n.group.as_deref() == Some(name.as_str()))
                .map(|(at, _)| at)
                .collect();
            let before = match members.get(line.saturating_sub(1)) {
                Some(&at) => Some(at),
                // Past the last member: just after it.
                None => members.last().and_then(|&last| {
                    let position = level.order.iter().position(|&s| s == last)?;
                    level.order[position + 1..]
                        .iter()
                        .copied()
                        .find(|&s| level.slots[s].is_some())
                }),
            };
            let node = leaf(&entry, parent, rules);
            level.insert_before(before, node, parent, rules);
        }
        return;
    }
    // Removal: the command is the negation of existing lines, or `no <line>`.
    let mut doomed = level.negated_by(text, parent, rules);
    if let Some(at) = text
        .strip_prefix("no ")
        .and_then(|rest| level.slot_of(rest))
    {
        doomed.push(at);
    }
    if !doomed.is_empty() {
        // A toggle of the table (`shutdown` / `no shutdown`, `no ip
        // redirects`) replaces its opposite: the command is the new state.
        let mut toggled = toggles(text, parent, rules);
        for at in doomed {
            if let Some(node) = level.remove(at, parent, rules) {
                toggled |= toggles(&node.text, parent, rules);
            }
        }
        if toggled && !level.holds(text) {
            let at = level.slots.len();
            level.place(at, leaf(text, parent, rules), parent, rules);
        }
        return;
    }
    if remove_group(level, text, parent, rules)
        || reset(level, text, parent, rules)
        || change_list(level, text, parent, rules)
    {
        return;
    }
    if let Some(key) = rules.idempotent_key(text, parent) {
        if let Some(at) = level.keyed(&key, parent, rules) {
            let mut node = level
                .remove(at, parent, rules)
                .expect("indexed slot is live");
            node.set_text(text.to_string());
            level.place(at, node, parent, rules);
            return;
        }
    }
    if ordered {
        if let Some(number) = sequence(text) {
            // Numbered entries land at their place by number (one pass over
            // the numbers the nodes carry: lists run to thousands of lines).
            let mut before = None;
            let all_numbered = level.live().all(|(at, n)| match n.sequence {
                Some(seq) => {
                    if before.is_none() && seq > number {
                        before = Some(at);
                    }
                    true
                }
                None => false,
            });
            if all_numbered {
                let node = leaf(text, parent, rules);
                level.insert_before(before, node, parent, rules);
                return;
            }
        }
    }
    let at = level.slots.len();
    level.place(at, leaf(text, parent, rules), parent, rules);
}

/// Returns true when the line is one side of a state toggle the table knows
/// (a default such as `no shutdown`, a state negation, or its positive form).
fn toggles(text: &str, parent: Option<&str>, rules: &PlatformRules) -> bool {
    rules.is_default(text, parent) || rules.is_state_negation(text, parent)
}

/// Applies `no access-list 101`: removes every line of the group.
fn remove_group(
    level: &mut Level,
    text: &str,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> bool {
    // Only a command that starts like a group removal template can be one.
    let possible = rules
        .ordered_groups
        .iter()
        .filter_map(|g| g.remove_group.as_deref())
        .any(|template| text.starts_with(literal_prefix(template)));
    if !possible {
        return false;
    }
    // One removal command per group: work it out from the group's first line.
    let mut seen: HashMap<&str, bool> = HashMap::default();
    for (_, node) in level.live() {
        let Some(name) = node.group.as_deref() else {
            continue;
        };
        seen.entry(name).or_insert_with(|| {
            rules.group_of(&node.text, parent).is_some_and(|(_, rule)| {
                let (Some(template), Some(caps)) = (
                    &rule.remove_group,
                    rule.matcher.captures(&node.text, parent),
                ) else {
                    return false;
                };
                let mut command = String::new();
                caps.expand(template, &mut command);
                command == text
            })
        });
    }
    let doomed_groups: Vec<String> = seen
        .into_iter()
        .filter(|(_, hit)| *hit)
        .map(|(name, _)| name.to_string())
        .collect();
    let doomed: Vec<usize> = level
        .live()
        .filter(|(_, n)| n.group.as_ref().is_some_and(|g| doomed_groups.contains(g)))
        .map(|(at, _)| at)
        .collect();
    for &at in &doomed {
        level.remove(at, parent, rules);
    }
    !doomed.is_empty()
}

/// Applies a section reset (`default interface …`): empties the section.
fn reset(level: &mut Level, text: &str, parent: Option<&str>, rules: &PlatformRules) -> bool {
    let possible = rules
        .reset_sections
        .iter()
        .any(|rule| text.starts_with(literal_prefix(&rule.template)));
    if text.starts_with("no ") || !possible {
        return false;
    }
    let mut done = false;
    for node in level.slots.iter_mut().flatten() {
        if node.children.is_empty() {
            continue;
        }
        let command = node
            .reset
            .get_or_insert_with(|| rules.reset(&node.text, parent));
        if command.as_deref() == Some(text) {
            node.children = Level::default();
            done = true;
        }
    }
    done
}

/// Applies `<command> add|remove <list>` to the matching list line.
fn change_list(level: &mut Level, text: &str, parent: Option<&str>, rules: &PlatformRules) -> bool {
    if !text.contains(" add ") && !text.contains(" remove ") {
        return false;
    }
    let found = level.live().find_map(|(at, node)| {
        let (rule, prefix, list) = rules.list_of(&node.text, parent)?;
        if !rule.add_remove {
            return None;
        }
        let rest = text.strip_prefix(prefix)?.strip_prefix(' ')?;
        let (add, change) = match rest.split_once(' ')? {
            ("add", change) => (true, change),
            ("remove", change) => (false, change),
            _ => return None,
        };
        let (mut current, change) = (lists::parse(list)?, lists::parse(change)?);
        if add {
            current.extend(change);
        } else {
            current.retain(|n| !change.contains(n));
        }
        Some((at, format!("{prefix} {}", lists::render(&current))))
    });
    let Some((at, new_text)) = found else {
        return false;
    };
    let mut node = level.remove(at, parent, rules).expect("found a live slot");
    node.set_text(new_text);
    level.place(at, node, parent, rules);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leafs(texts: &[&str]) -> Vec<Item> {
        texts.iter().map(|t| Item::leaf(*t)).collect()
    }

    fn cmds(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_positive_command_still_removes_its_no_line_whatever_the_spacing() {
        let rules = PlatformRules::builtin("eos");
        // A `show running-config all` line with two spaces after `no`.
        let start = leafs(&["no  pim ipv4 join-prune transport sctp", "hostname r1"]);
        let out = simulate(
            start,
            &cmds(&["pim ipv4 join-prune transport sctp"]),
            &rules,
        )
        .unwrap();
        let texts: Vec<&str> = out.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["hostname r1"], "the negation is undone");
        // A plain line command on a level without `no` lines negates nothing.
        let start = leafs(&["hostname r1", "ip domain-lookup"]);
        let out = simulate(start, &cmds(&["ip name-server 192.0.2.1"]), &rules).unwrap();
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn enters_sections_negates_and_overwrites() {
        let rules = PlatformRules::builtin("ios");
        let mut start = leafs(&["hostname r1", "ip domain-lookup"]);
        start.push(Item {
            text: "interface Loopback0".into(),
            children: leafs(&["description old", "ip address 10.0.0.1 255.255.255.255"]),
            ordered: false,
        });
        let out = simulate(
            start,
            &cmds(&[
                "no ip domain-lookup",
                "hostname r2",
                "interface Loopback0",
                " no description",
                " ip address 10.0.0.2 255.255.255.255",
            ]),
            &rules,
        )
        .unwrap();
        let texts: Vec<&str> = out.iter().map(|i| i.text.as_str()).collect();
        // A state toggle replaces its opposite: the device now shows the
        // negation.
        assert_eq!(
            texts,
            ["hostname r2", "interface Loopback0", "no ip domain-lookup"]
        );
        assert_eq!(
            out[1].children,
            leafs(&["ip address 10.0.0.2 255.255.255.255"])
        );
    }

    #[test]
    fn changes_trunk_lists_with_add_and_remove() {
        let rules = PlatformRules::builtin("ios");
        let start = vec![Item {
            text: "interface Gi0/1".into(),
            children: leafs(&["switchport trunk allowed vlan 10-12"]),
            ordered: false,
        }];
        let out = simulate(
            start,
            &cmds(&[
                "interface Gi0/1",
                " switchport trunk allowed vlan add 20",
                " switchport trunk allowed vlan remove 11",
            ]),
            &rules,
        )
        .unwrap();
        assert_eq!(
            out[0].children[0].text,
            "switchport trunk allowed vlan 10,12,20"
        );
    }

    #[test]
    fn inserts_numbered_lines_in_place() {
        let rules = PlatformRules::builtin("asa");
        let start = leafs(&[
            "access-list A extended permit ip any host 10.0.0.1",
            "hostname fw",
            "access-list A extended deny ip any any",
        ]);
        let out = simulate(
            start,
            &cmds(&["access-list A line 2 extended permit ip any host 10.0.0.2"]),
            &rules,
        )
        .unwrap();
        let texts: Vec<&str> = out.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "access-list A extended permit ip any host 10.0.0.1",
                "hostname fw",
                "access-list A extended permit ip any host 10.0.0.2",
                "access-list A extended deny ip any any"
            ]
        );
    }

    #[test]
    fn rejects_commands_indented_too_deep() {
        let rules = PlatformRules::builtin("ios");
        let err = simulate(Vec::new(), &cmds(&["  description x"]), &rules).unwrap_err();
        assert!(matches!(err, SimError::Rejected { line: 1, .. }), "{err}");
    }
}
