//! The FortiOS engine: `config` / `edit` / `set` / `unset` / `delete` /
//! `next` / `end` with four spaces per level, `move` for ordered tables
//! (firewall policies), and its simulator.

use super::HashMap;

use super::normalize::{fortios_action, Item};
use super::reorder::{self, Place};
use super::rules::PlatformRules;
use super::simulate::{rejected, SimError};

/// Returns the identity of a line at its level: `set k` for settings, the
/// text itself for `config`/`edit` headers and anything else.
fn key(text: &str) -> &str {
    if let Some(rest) = text.strip_prefix("set ") {
        let end = rest.find(char::is_whitespace).map_or(text.len(), |i| 4 + i);
        return &text[..end];
    }
    text
}

fn edit_name(text: &str) -> Option<&str> {
    text.strip_prefix("edit ").map(str::trim)
}

/// Returns the commands that turn `from` into `to`, and the manual steps.
pub(crate) fn remediate(
    from: &[Item],
    to: &[Item],
    rules: &PlatformRules,
) -> (Vec<String>, Vec<String>) {
    let mut engine = Engine {
        rules,
        manual: Vec::new(),
    };
    let mut out = Vec::new();
    engine.level(from, to, None, false, 0, &mut out);
    (out, engine.manual)
}

struct Engine<'a> {
    rules: &'a PlatformRules,
    manual: Vec<String>,
}

impl Engine<'_> {
    fn line(&self, depth: usize, text: &str) -> String {
        format!("{}{text}", " ".repeat(depth * self.rules.indent))
    }

    fn closer(text: &str) -> Option<&'static str> {
        if text.starts_with("config ") {
            Some("end")
        } else if text.starts_with("edit ") {
            Some("next")
        } else {
            None
        }
    }

    fn full(&self, item: &Item, depth: usize, out: &mut Vec<String>) {
        out.push(self.line(depth, &item.text));
        for child in &item.children {
            self.full(child, depth + 1, out);
        }
        if let Some(closer) = Self::closer(&item.text) {
            out.push(self.line(depth, closer));
        }
    }

    fn where_(parent: Option<&str>) -> String {
        parent.map_or_else(|| "top level".to_string(), |p| format!("`{p}`"))
    }

    fn level(
        &mut self,
        from: &[Item],
        to: &[Item],
        parent: Option<&str>,
        ordered: bool,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let rules = self.rules;
        let from_idx: HashMap<&str, &Item> = from.iter().map(|i| (key(&i.text), i)).collect();
        let to_idx: HashMap<&str, &Item> = to.iter().map(|i| (key(&i.text), i)).collect();
        for f in from {
            if to_idx.contains_key(key(&f.text)) {
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
            if let Some(name) = edit_name(&f.text) {
                out.push(self.line(depth, &format!("delete {name}")));
            } else if f.text.starts_with("set ") {
                out.push(self.line(depth, &format!("unset {}", &key(&f.text)[4..])));
            } else if f.text.starts_with("config ") {
                // A config block cannot be deleted; empty it.
                let mut inner = Vec::new();
                self.level(
                    &f.children,
                    &[],
                    Some(&f.text),
                    f.ordered,
                    depth + 1,
                    &mut inner,
                );
                if !inner.is_empty() {
                    out.push(self.line(depth, &f.text));
                    out.extend(inner);
                    out.push(self.line(depth, "end"));
                }
            }
            // Anything else is a one-off action (`rename`, `move`), not a
            // setting: nothing stays behind to remove.
        }
        for t in to {
            if let Some(reason) = rules.manual_reason(&t.text, parent) {
                if from_idx.get(key(&t.text)).is_none_or(|f| *f != t) {
                    self.manual.push(format!(
                        "set `{}` at {}: {reason}",
                        t.text,
                        Self::where_(parent)
                    ));
                }
                continue;
            }
            match from_idx.get(key(&t.text)) {
                None if fortios_action(t) => self.manual.push(format!(
                    "`{}` at {}: a one-off action, not a setting; run it by hand if it is still wanted",
                    t.text,
                    Self::where_(parent)
                )),
                None => self.full(t, depth, out),
                Some(f) if f.text != t.text || (f.children.is_empty() && t.children.is_empty()) => {
                    if f.text != t.text {
                        self.full(t, depth, out);
                    }
                }
                Some(f) => {
                    let mut inner = Vec::new();
                    let child_ordered =
                        f.ordered || t.ordered || rules.is_ordered_section(&t.text, parent);
                    self.level(
                        &f.children,
                        &t.children,
                        Some(&t.text),
                        child_ordered,
                        depth + 1,
                        &mut inner,
                    );
                    if !inner.is_empty() {
                        out.push(self.line(depth, &t.text));
                        out.extend(inner);
                        if let Some(closer) = Self::closer(&t.text) {
                            out.push(self.line(depth, closer));
                        }
                    }
                }
            }
        }
        if ordered {
            self.moves(from, to, depth, out);
        }
    }

    /// Emits `move` commands so the table's entries end in TO's order.
    fn moves(&self, from: &[Item], to: &[Item], depth: usize, out: &mut Vec<String>) {
        let target: Vec<String> = to
            .iter()
            .filter_map(|i| edit_name(&i.text))
            .map(str::to_string)
            .collect();
        let wanted: super::HashSet<&str> = target.iter().map(String::as_str).collect();
        let mut current: Vec<String> = from
            .iter()
            .filter_map(|i| edit_name(&i.text))
            .filter(|n| wanted.contains(n))
            .map(str::to_string)
            .collect();
        let present: super::HashSet<String> = current.iter().cloned().collect();
        current.extend(target.iter().filter(|n| !present.contains(*n)).cloned());
        for (name, place) in reorder::moves(&mut current, &target) {
            let command = match place {
                Place::Before(other) => format!("move {name} before {other}"),
                Place::After(other) => format!("move {name} after {other}"),
            };
            out.push(self.line(depth, &command));
        }
    }
}

/// Applies FortiOS commands to normalised items.
pub(crate) fn simulate(
    mut items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    let mut stack: Vec<usize> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    for (i, raw) in commands.iter().enumerate() {
        let text = raw.trim();
        let (level, parent) = level_mut(&mut items, &stack);
        let word = text.split_whitespace().next().unwrap_or("");
        match word {
            "config" | "edit" => {
                if word == "edit" && !open.last().is_some_and(|o| o.starts_with("config ")) {
                    return Err(rejected(i, raw, "`edit` outside a `config` block"));
                }
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
                open.push(text.to_string());
            }
            "next" | "end" => {
                let expect = if word == "next" { "edit " } else { "config " };
                if !open.last().is_some_and(|o| o.starts_with(expect)) {
                    return Err(rejected(
                        i,
                        raw,
                        format!("`{word}` without an open `{}`", expect.trim()),
                    ));
                }
                open.pop();
                stack.pop();
            }
            _ if open.is_empty() => {
                return Err(rejected(i, raw, "command outside a `config` block"))
            }
            "set" => {
                let k = key(text);
                match level.iter_mut().find(|c| key(&c.text) == k) {
                    Some(c) => {
                        c.text = text.to_string();
                        c.children.clear();
                    }
                    None => level.push(Item::leaf(text)),
                }
            }
            "unset" => {
                let k = format!("set {}", text[5..].trim());
                level.retain(|c| key(&c.text) != k);
            }
            "delete" => {
                let target = format!("edit {}", text[6..].trim());
                let before = level.len();
                level.retain(|c| c.text != target);
                if level.len() == before {
                    return Err(rejected(i, raw, "no such entry"));
                }
            }
            "move" => {
                let parts: Vec<&str> = text.split_whitespace().collect();
                let [_, name, how @ ("before" | "after"), other] = parts[..] else {
                    return Err(rejected(i, raw, "expected `move <id> before|after <id>`"));
                };
                let find = |level: &Vec<Item>, n: &str| {
                    level.iter().position(|c| edit_name(&c.text) == Some(n))
                };
                let Some(at) = find(level, name) else {
                    return Err(rejected(i, raw, format!("no entry {name}")));
                };
                let moved = level.remove(at);
                let Some(anchor) = find(level, other) else {
                    return Err(rejected(i, raw, format!("no entry {other}")));
                };
                level.insert(if how == "before" { anchor } else { anchor + 1 }, moved);
            }
            _ => {
                if !level.iter().any(|c| c.text == text) {
                    level.push(Item::leaf(text));
                }
            }
        }
    }
    if let Some(section) = open.pop() {
        let closer = if section.starts_with("edit ") {
            "next"
        } else {
            "end"
        };
        return Err(SimError::Unterminated { section, closer });
    }
    Ok(items)
}

fn level_mut<'a>(items: &'a mut Vec<Item>, path: &[usize]) -> (&'a mut Vec<Item>, Option<String>) {
    let mut level = items;
    let mut parent = None;
    for &at in path {
        parent = Some(level[at].text.clone());
        level = &mut level[at].children;
    }
    (level, parent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::remediate::normalize::difference;

    fn section(text: &str, children: Vec<Item>) -> Item {
        Item {
            text: text.into(),
            children,
            ordered: false,
        }
    }

    fn policy(id: u32, action: &str) -> Item {
        section(
            &format!("edit {id}"),
            vec![Item::leaf(format!("set action {action}"))],
        )
    }

    #[test]
    fn moves_reach_the_target_order() {
        let rules = PlatformRules::builtin("fortios");
        let from = vec![section(
            "config firewall policy",
            vec![policy(1, "accept"), policy(2, "deny"), policy(3, "accept")],
        )];
        let mut to = from.clone();
        to[0].children = vec![policy(3, "accept"), policy(4, "deny"), policy(1, "accept")];
        let (apply, manual) = remediate(&from, &to, &rules);
        assert!(manual.is_empty());
        assert_eq!(
            apply,
            [
                "config firewall policy",
                "    delete 2",
                "    edit 4",
                "        set action deny",
                "    next",
                "    move 1 after 4",
                "end"
            ]
        );
        let result = simulate(from, &apply, &rules).unwrap();
        assert_eq!(result[0].children, to[0].children);
        assert_eq!(difference(&result, &to, None, false, &rules), None);
    }

    #[test]
    fn rejects_unbalanced_blocks() {
        let rules = PlatformRules::builtin("fortios");
        let err = simulate(Vec::new(), &["config system global".into()], &rules).unwrap_err();
        assert!(matches!(err, SimError::Unterminated { closer: "end", .. }));
        let err = simulate(Vec::new(), &["next".into()], &rules).unwrap_err();
        assert!(matches!(err, SimError::Rejected { line: 1, .. }));
    }
}
