//! The simulators: apply emitted commands to a tree the way the device's
//! configuration mode would, so remediation and rollback can be proven.
//!
//! Each simulator understands exactly the command forms its engine emits:
//! for ios, entering a section by its header, removal by a line's negation,
//! section resets, list `add`/`remove`, overwrite of single-valued settings
//! by key, and appending; FortiOS and Junos live in their engines' modules.

use super::ios::sequence;
use super::lists;
use super::normalize::{self, Item};
use super::rules::{Engine, PlatformRules};
use crate::config::ConfigTree;

/// Why a simulation could not apply a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum SimError {
    /// The command does not make sense where it stands.
    #[error("command {line} `{command}`: {reason}")]
    #[diagnostic(code(henko::plan::simulate::rejected))]
    Rejected {
        /// 1-based index of the command in the list.
        line: usize,
        /// The command as given.
        command: String,
        /// What the simulator could not do with it.
        reason: String,
    },
    /// The commands left a section open (FortiOS `edit` without `next`…).
    #[error("commands end inside `{section}` (missing `{closer}`)")]
    #[diagnostic(code(henko::plan::simulate::unterminated))]
    Unterminated {
        /// The section still open.
        section: String,
        /// The command that should have closed it.
        closer: &'static str,
    },
    /// The platform has no command-line configuration to simulate.
    #[error("platform {platform} has no command-line simulator")]
    #[diagnostic(code(henko::plan::simulate::no_cli))]
    NoCli {
        /// The platform asked for.
        platform: String,
    },
}

pub(crate) fn rejected(line: usize, command: &str, reason: impl Into<String>) -> SimError {
    SimError::Rejected {
        line: line + 1,
        command: command.to_string(),
        reason: reason.into(),
    }
}

/// Returns `tree` after applying `commands` (configuration-mode lines as
/// [`super::remediate`] emits them) on `platform`. The result is in the
/// engine's normal form: noise dropped, list values canonical, no line spans.
pub fn simulate(
    tree: &ConfigTree,
    commands: &[String],
    platform: &str,
    rules: &PlatformRules,
) -> Result<ConfigTree, SimError> {
    if rules.engine == Engine::Structured {
        return Err(SimError::NoCli {
            platform: platform.to_string(),
        });
    }
    let items = normalize::normalize(tree, rules);
    let result = run(items, commands, rules)?;
    Ok(match rules.engine {
        Engine::Junos => super::junos::to_tree(&result, tree),
        _ => normalize::to_tree(&result, tree),
    })
}

/// Applies `commands` to normalised items with the rules' engine.
pub(crate) fn run(
    items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    match rules.engine {
        Engine::Ios => run_ios(items, commands, rules),
        Engine::Fortios => super::fortios::simulate(items, commands, rules),
        Engine::Junos => super::junos::simulate(items, commands, rules),
        Engine::Structured => Err(SimError::NoCli {
            platform: rules.platform().to_string(),
        }),
    }
}

/// Returns how a simulated result differs from the goal, if it does.
pub(crate) fn difference(result: &[Item], goal: &[Item], rules: &PlatformRules) -> Option<String> {
    match rules.engine {
        Engine::Junos => super::junos::difference(result, goal, rules),
        _ => normalize::difference(result, goal, None, false, rules),
    }
}

fn depth_of(raw: &str, indent: usize) -> (usize, usize) {
    let spaces = raw.len() - raw.trim_start_matches(' ').len();
    (spaces / indent, spaces)
}

fn run_ios(
    mut items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    let indent = rules.indent;
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
        let (level, parent, ordered) = level_mut(&mut items, &stack);
        if opens {
            let at = match level.iter().position(|c| c.text == text) {
                Some(at) => at,
                None => {
                    level.push(Item {
                        text: text.to_string(),
                        children: Vec::new(),
                        ordered: rules.is_ordered_section(text, parent.as_deref()),
                    });
                    level.len() - 1
                }
            };
            stack.push(at);
        } else {
            apply_line(level, text, parent.as_deref(), rules);
            if ordered {
                place_sequenced(level, text);
            }
        }
    }
    Ok(items)
}

fn level_mut<'a>(
    items: &'a mut Vec<Item>,
    path: &[usize],
) -> (&'a mut Vec<Item>, Option<String>, bool) {
    let mut level = items;
    let mut parent = None;
    let mut ordered = false;
    for &at in path {
        parent = Some(level[at].text.clone());
        ordered = level[at].ordered;
        level = &mut level[at].children;
    }
    (level, parent, ordered)
}

/// Moves a numbered entry just added to an ordered list to its place by
/// number, as the device does (`15 permit …` lands between 10 and 20).
fn place_sequenced(level: &mut Vec<Item>, text: &str) {
    let Some(number) = sequence(text) else { return };
    if level.last().is_none_or(|last| last.text != text)
        || !level.iter().all(|i| sequence(&i.text).is_some())
    {
        return;
    }
    let item = level.pop().expect("just checked");
    let at = level.partition_point(|i| sequence(&i.text) < Some(number));
    level.insert(at, item);
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// Applies one non-section command at one level.
fn apply_line(level: &mut Vec<Item>, text: &str, parent: Option<&str>, rules: &PlatformRules) {
    // Mode changes (`exit-address-family`) and noise leave the tree alone.
    if rules.is_ignored(text, parent)
        || level.iter().any(|c| c.text == text)
        || super::groups::insert_numbered(level, text, parent, rules)
    {
        return;
    }
    // Removal: the command is the negation of existing lines.
    let core = first_word(text.strip_prefix("no ").unwrap_or(text));
    let before = level.len();
    level.retain(|c| {
        let candidate = first_word(&c.text) == core || c.text.starts_with("no ");
        let full = text.strip_prefix("no ") == Some(c.text.as_str());
        !(full || (candidate && rules.negate(&c.text, parent) == text))
    });
    if level.len() != before {
        return;
    }
    // Removal of a whole ordered group (`no access-list 101`).
    let doomed: Vec<String> = level
        .iter()
        .filter_map(|c| {
            let (name, rule) = rules.group_of(&c.text, parent)?;
            let template = rule.remove_group.as_ref()?;
            let caps = rule.matcher.captures(&c.text, parent)?;
            let mut out = String::new();
            caps.expand(template, &mut out);
            (out == text).then_some(name)
        })
        .collect();
    if !doomed.is_empty() {
        level.retain(|c| {
            rules
                .group_of(&c.text, parent)
                .is_none_or(|(name, _)| !doomed.contains(&name))
        });
        return;
    }
    // Reset of a section that cannot be removed (`default interface …`).
    if !text.starts_with("no ") {
        let mut reset = false;
        for c in level.iter_mut() {
            if rules.reset(&c.text, parent).as_deref() == Some(text) {
                c.children.clear();
                reset = true;
            }
        }
        if reset {
            return;
        }
    }
    if change_list(level, text, parent, rules) {
        return;
    }
    if let Some(key) = rules.idempotent_key(text, parent) {
        if let Some(c) = level.iter_mut().find(|c| {
            c.children.is_empty()
                && rules.idempotent_key(&c.text, parent).as_deref() == Some(key.as_str())
        }) {
            c.text = text.to_string();
            return;
        }
    }
    level.push(Item::leaf(text));
}

/// Applies `<command> add|remove <list>` to the matching list line.
fn change_list(
    level: &mut [Item],
    text: &str,
    parent: Option<&str>,
    rules: &PlatformRules,
) -> bool {
    for c in level.iter_mut() {
        let Some((rule, prefix, list)) = rules.list_of(&c.text, parent) else {
            continue;
        };
        if !rule.add_remove {
            continue;
        }
        let Some(rest) = text.strip_prefix(prefix).and_then(|r| r.strip_prefix(' ')) else {
            continue;
        };
        let (add, change) = match rest.split_once(' ') {
            Some(("add", change)) => (true, change),
            Some(("remove", change)) => (false, change),
            _ => continue,
        };
        let (Some(mut current), Some(change)) = (lists::parse(list), lists::parse(change)) else {
            continue;
        };
        if add {
            current.extend(change);
        } else {
            current.retain(|n| !change.contains(n));
        }
        c.text = format!("{prefix} {}", lists::render(&current));
        return true;
    }
    false
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
    fn enters_sections_negates_and_overwrites() {
        let rules = PlatformRules::builtin("ios");
        let mut start = leafs(&["hostname r1", "ip domain-lookup"]);
        start.push(Item {
            text: "interface Loopback0".into(),
            children: leafs(&["description old", "ip address 10.0.0.1 255.255.255.255"]),
            ordered: false,
        });
        let out = run_ios(
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
        assert_eq!(texts, ["hostname r2", "interface Loopback0"]);
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
        let out = run_ios(
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
    fn rejects_commands_indented_too_deep() {
        let rules = PlatformRules::builtin("ios");
        let err = run_ios(Vec::new(), &cmds(&["  description x"]), &rules).unwrap_err();
        assert!(matches!(err, SimError::Rejected { line: 1, .. }), "{err}");
    }
}
