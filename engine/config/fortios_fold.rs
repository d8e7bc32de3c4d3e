//! Folding a FortiOS tree into the effective configuration, the way the
//! device applies the lines in order:
//! - a second `config X` / `edit Y` at the same level continues the first;
//! - a later `set k` replaces the earlier one, in its place; `unset k`
//!   removes it (the setting returns to its default, which is absence);
//! - `append k v…` extends `set k …` (or starts it);
//! - table commands inside a `config`: `rename X to Y`, `delete X`,
//!   `move X before|after Y`, `clone X to Y`, `purge`. A command whose
//!   entry does not exist changes nothing (the device rejects it) and adds
//!   a warning.
//!
//! Recursion is bounded by the parser's depth cap.

use std::borrow::Cow;

/// Lines are matched by text on every parse: foldhash, not SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use super::tree::Node;

/// Splits a FortiOS line into words; quotes group and are removed
/// (`"new"_service1` is `new_service1`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    let mut escaped = false;
    for ch in text.chars() {
        match ch {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                escaped = false;
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(current);
    }
    out
}

/// Returns the first word of a line as [`words`] would, without building the
/// list: a quoted or escaped first word (never a FortiOS verb) gives "".
fn first_word(text: &str) -> &str {
    let word = text.split_whitespace().next().unwrap_or("");
    if word.contains(['"', '\\']) {
        ""
    } else {
        word
    }
}

/// The identity of a node among its siblings: `edit <name>` (unquoted),
/// `config <path>`, `set <name>` for settings, `None` for other lines.
fn identity(text: &str) -> Option<Cow<'_, str>> {
    // Fast path for the common case, a `set KEY …` line whose key has no
    // quotes or escapes: no word list is built (this runs for every line),
    // and with one space after `set` the identity is borrowed from the line.
    let mut tokens = text.split_whitespace();
    match tokens.next() {
        Some("set") => {
            let key = tokens.next().unwrap_or("");
            if !key.contains(['"', '\\']) {
                let borrowed = text.len() >= 4 + key.len()
                    && text.starts_with("set ")
                    && text[4..].starts_with(key);
                return Some(match borrowed {
                    true => Cow::Borrowed(&text[..4 + key.len()]),
                    false => Cow::Owned(format!("set {key}")),
                });
            }
        }
        Some("edit" | "config") => {}
        _ => return None,
    }
    let words = words(text);
    let id = match words.first().map(String::as_str) {
        Some("edit") => format!("edit {}", words.get(1).map_or("", String::as_str)),
        Some("config") => words.join(" "),
        Some("set") => format!("set {}", words.get(1).map_or("", String::as_str)),
        _ => return None,
    };
    Some(Cow::Owned(id))
}

/// Writes `edit NAME` quoted like `like` (the entry it replaces).
fn edit_text(name: &str, like: &str) -> String {
    if like.contains('"') {
        format!("edit \"{}\"", name.replace('"', "\\\""))
    } else {
        format!("edit {name}")
    }
}

/// Applies re-entry, settings, appends and table commands at every level.
pub(crate) fn fold(nodes: &mut Vec<Node>, warnings: &mut Vec<String>) {
    let mut kept: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut index: HashMap<String, usize> = HashMap::default();
    for node in nodes.drain(..) {
        let verb = first_word(&node.text);
        // Only table commands, `unset` and `append` need the full word list.
        let words = match verb {
            "unset" | "append" | "rename" | "delete" | "move" | "clone" | "purge" => {
                words(&node.text)
            }
            _ => Vec::new(),
        };
        let line = node.span.start;
        match verb {
            "unset" => {
                let id = format!("set {}", words.get(1).map_or("", String::as_str));
                if let Some(at) = index.remove(&id) {
                    kept.remove(at);
                    index = reindex(&kept);
                }
            }
            "config" | "edit" | "set" => {
                let Some(id) = identity(&node.text) else {
                    continue;
                };
                match index.get(id.as_ref()) {
                    Some(&at) if verb == "config" || verb == "edit" => {
                        let target = &mut kept[at];
                        target.span.end = target.span.end.max(node.span.end);
                        target.children.extend(node.children);
                    }
                    Some(&at) => kept[at] = node,
                    None => {
                        index.insert(id.into_owned(), kept.len());
                        kept.push(node);
                    }
                }
            }
            "append" if words.len() >= 3 => {
                let values = node
                    .text
                    .splitn(3, char::is_whitespace)
                    .nth(2)
                    .unwrap_or("")
                    .trim_start();
                let id = format!("set {}", words[1]);
                match index.get(&id) {
                    Some(&at) if kept[at].text.starts_with("set ") => {
                        kept[at].text = format!("{} {values}", kept[at].text);
                    }
                    Some(&at) => {
                        kept[at] = Node {
                            text: format!("set {} {values}", words[1]),
                            ..node
                        }
                    }
                    None => {
                        index.insert(id, kept.len());
                        kept.push(Node {
                            text: format!("set {} {values}", words[1]),
                            ..node
                        });
                    }
                }
            }
            "rename" | "delete" | "move" | "clone" | "purge" => {
                if !table_command(&mut kept, &words) {
                    warnings.push(format!(
                        "line {line}: `{}` names an entry that does not exist; ignored",
                        node.text
                    ));
                }
                index = reindex(&kept);
            }
            _ => kept.push(node),
        }
    }
    *nodes = kept;
    for node in nodes.iter_mut() {
        if node.is_section() {
            fold(&mut node.children, warnings);
        }
    }
}

fn reindex(nodes: &[Node]) -> HashMap<String, usize> {
    nodes
        .iter()
        .enumerate()
        .filter_map(|(at, node)| identity(&node.text).map(|id| (id.into_owned(), at)))
        .collect()
}

fn find_edit(nodes: &[Node], name: &str) -> Option<usize> {
    let id = format!("edit {name}");
    nodes
        .iter()
        .position(|node| identity(&node.text).as_deref() == Some(id.as_str()))
}

/// Applies one table command; false when its entry does not exist.
fn table_command(nodes: &mut Vec<Node>, words: &[String]) -> bool {
    let arg = |at: usize| words.get(at).map_or("", String::as_str);
    match (arg(0), arg(2)) {
        ("rename", "to") => {
            let (Some(at), None) = (find_edit(nodes, arg(1)), find_edit(nodes, arg(3))) else {
                return false;
            };
            nodes[at].text = edit_text(arg(3), &nodes[at].text);
            true
        }
        ("clone", "to") => {
            let (Some(at), None) = (find_edit(nodes, arg(1)), find_edit(nodes, arg(3))) else {
                return false;
            };
            let mut copy = nodes[at].clone();
            copy.text = edit_text(arg(3), &copy.text);
            nodes.push(copy);
            true
        }
        ("move", "before" | "after") => {
            let (Some(from), Some(_)) = (find_edit(nodes, arg(1)), find_edit(nodes, arg(3))) else {
                return false;
            };
            let moved = nodes.remove(from);
            let target = find_edit(nodes, arg(3)).unwrap_or(nodes.len());
            let at = if arg(2) == "before" {
                target
            } else {
                target + 1
            };
            nodes.insert(at.min(nodes.len()), moved);
            true
        }
        ("delete", _) => match find_edit(nodes, arg(1)) {
            Some(at) => {
                nodes.remove(at);
                true
            }
            None => false,
        },
        ("purge", _) => {
            nodes.retain(|node| identity(&node.text).is_none_or(|id| !id.starts_with("edit ")));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fortios::parse;
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn folds_reentered_sections_settings_and_appends() {
        let (roots, _) = parse(
            "config firewall address\n    edit \"w\"\n        set type wildcard\n        set wildcard 1.1.0.1 255.255.0.255\n        set color 3\n    next\nend\nconfig firewall address\n    edit w\n        set wildcard 2.2.2.2 255.0.0.255\n        append member b c\n        unset color\n        unset comment\n    next\nend\n",
        );
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].children.len(), 1);
        assert_eq!(
            texts(&roots[0].children[0].children),
            vec![
                "set type wildcard",
                "set wildcard 2.2.2.2 255.0.0.255",
                "set member b c"
            ]
        );
    }

    #[test]
    fn applies_table_commands() {
        let (roots, warnings) = parse(
            "config firewall policy\n    edit 1\n    next\n    edit 2\n    next\n    edit 3\n    next\n    move 3 before 1\n    delete 2\n    clone 1 to 4\n    rename 4 to 5\n    move 9 after 1\nend\nconfig firewall service custom\n    edit \"old_service1\"\n    next\n    rename \"old_service1\" to \"new\"_service1\nend\n",
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            texts(&roots[0].children),
            vec!["edit 3", "edit 1", "edit 5"]
        );
        assert_eq!(texts(&roots[1].children), vec!["edit \"new_service1\""]);
    }
}
