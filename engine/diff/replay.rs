//! henko's own model of a structured document under change: replays
//! [`Change`]s on a [`ConfigTree`], so the steps a rule emits for YAML,
//! JSON and ini devices (ESXi hosts, VMs, NSX, FlashArrays, sshd, sysctl,
//! ifcfg) are proved the way CLI remediation is proved by simulation.
//!
//! A step names the changes it carries out (apply) or undoes (rollback).
//! [`prove_steps`] replays the apply steps' changes on the FROM tree and
//! the inverses of the rollback steps' changes on the TO tree, then diffs
//! each result against the other side: the proof holds when nothing is
//! left. A change no step covers, a rollback that forgets one, or a value
//! that cannot be found (a masked secret) all leave something, and the
//! leftover is what the proof reports.
//!
//! Where an added line goes: at the index the other side has it at (the
//! steps set a whole list, or insert the line where the intended file has
//! it); at the end when the other side has no such level.

use super::{Change, ChangeCategory, Op};
use crate::config::{ConfigTree, Node};

/// Returns the change that undoes `change`.
pub fn inverse(change: &Change) -> Change {
    let mut back = change.clone();
    back.before = change.after.clone();
    back.after = change.before.clone();
    back.line_before = change.line_after;
    back.line_after = change.line_before;
    back.op = match change.op {
        Op::Add => Op::Remove,
        Op::Remove => Op::Add,
        other => other,
    };
    if change.op == Op::Modify {
        if let (Some(last), Some(before)) = (back.path.last_mut(), change.before.as_ref()) {
            last.clone_from(before);
        }
    }
    back
}

/// Returns the children of the section `headers` lead to (the roots for no
/// headers); the first matching header wins at each level.
fn level_mut<'a>(roots: &'a mut Vec<Node>, headers: &[String]) -> Option<&'a mut Vec<Node>> {
    let Some((first, rest)) = headers.split_first() else {
        return Some(roots);
    };
    let node = roots.iter_mut().find(|n| &n.text == first)?;
    level_mut(&mut node.children, rest)
}

fn level<'a>(roots: &'a [Node], headers: &[String]) -> Option<&'a [Node]> {
    let Some((first, rest)) = headers.split_first() else {
        return Some(roots);
    };
    let node = roots.iter().find(|n| &n.text == first)?;
    level(&node.children, rest)
}

/// Applies one change to `tree`. `placement` is the side the result should
/// resemble: it says where an added or moved line goes.
pub fn apply_change(
    tree: &mut ConfigTree,
    change: &Change,
    placement: &ConfigTree,
) -> Result<(), String> {
    let headers = &change.path[..change.path.len().saturating_sub(1)];
    let where_ = || {
        if headers.is_empty() {
            "at the top".to_string()
        } else {
            format!("under {}", headers.join(" > "))
        }
    };
    let target = level(&placement.roots, headers);
    let children = level_mut(&mut tree.roots, headers)
        .ok_or_else(|| format!("no section {}", headers.join(" > ")))?;
    let find = |children: &[Node], text: Option<&String>| {
        text.and_then(|t| children.iter().position(|n| &n.text == t))
    };
    let place = |children: &[Node], text: &str| {
        target
            .and_then(|t| t.iter().position(|n| n.text == text))
            .map_or(children.len(), |i| i.min(children.len()))
    };
    match change.op {
        Op::Add => {
            let text = change.after.clone().unwrap_or_default();
            let ordered = target
                .and_then(|t| t.iter().find(|n| n.text == text))
                .is_some_and(|n| n.ordered);
            let node = Node {
                text: text.clone(),
                children: change.body.clone(),
                ordered,
                ..Node::leaf("", 0)
            };
            let at = place(children, &text);
            children.insert(at, node);
        }
        Op::Remove => {
            let at = find(children, change.before.as_ref()).ok_or_else(|| {
                format!(
                    "cannot remove `{}`: not found {}",
                    change.before.clone().unwrap_or_default(),
                    where_()
                )
            })?;
            children.remove(at);
        }
        Op::Modify => {
            let at = find(children, change.before.as_ref()).ok_or_else(|| {
                format!(
                    "cannot change `{}`: not found {}",
                    change.before.clone().unwrap_or_default(),
                    where_()
                )
            })?;
            children[at].text = change.after.clone().unwrap_or_default();
        }
        Op::Move => {
            let text = change.after.as_ref().or(change.before.as_ref());
            let at = find(children, text).ok_or_else(|| {
                format!(
                    "cannot move `{}`: not found {}",
                    text.cloned().unwrap_or_default(),
                    where_()
                )
            })?;
            let node = children.remove(at);
            let to = place(children, &node.text);
            children.insert(to, node);
        }
    }
    Ok(())
}

/// What the proof of one device's steps found wrong (empty: proved).
pub type ProofErrors = Vec<String>;

/// Proves the steps of one structured device: replaying `changes[i]` for
/// every `i` of `apply` (in order) on `from` must give `to`, and replaying
/// the inverse of `changes[i]` for every `i` of `rollback` on `to` must give
/// `from`. `differ` compares trees the way the plan's diff did. Inventory
/// changes (a device's `depends_on`, `env` …) are not in the document and
/// need no step.
pub fn prove_steps(
    from: &ConfigTree,
    to: &ConfigTree,
    changes: &[Change],
    apply: &[usize],
    rollback: &[usize],
    differ: &dyn Fn(&ConfigTree, &ConfigTree) -> Vec<Change>,
) -> ProofErrors {
    let mut errors = ProofErrors::new();
    let describe = |c: &Change| format!("{} {}", c.op.as_str(), c.path.join(" > "));
    for (direction, order, start, goal) in
        [("apply", apply, from, to), ("rollback", rollback, to, from)]
    {
        let mut tree = start.clone();
        let mut seen = Vec::new();
        for &i in order {
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            let Some(change) = changes.get(i) else {
                errors.push(format!("{direction}: no change {i}"));
                continue;
            };
            if change.category == ChangeCategory::Inventory {
                continue;
            }
            let change = if direction == "apply" {
                change.clone()
            } else {
                inverse(change)
            };
            if let Err(e) = apply_change(&mut tree, &change, goal) {
                errors.push(format!("{direction}: {e}"));
            }
        }
        for (i, change) in changes.iter().enumerate() {
            // Inventory changes are not part of the document.
            if !seen.contains(&i) && change.category != ChangeCategory::Inventory {
                errors.push(format!("{direction}: no step for {}", describe(change)));
            }
        }
        let left = differ(&tree, goal);
        if !left.is_empty() && errors.is_empty() {
            let shown: Vec<String> = left.iter().take(3).map(describe).collect();
            errors.push(format!(
                "{direction} does not reach the {} side: {}{}",
                if direction == "apply" {
                    "intended"
                } else {
                    "running"
                },
                shown.join("; "),
                if left.len() > 3 { " …" } else { "" }
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, Dialect, ParseOptions};
    use crate::diff::{diff_trees, DiffOptions};

    fn yaml(text: &str) -> ConfigTree {
        parse(text.as_bytes(), Dialect::Yaml, &ParseOptions::default())
    }

    fn differ(a: &ConfigTree, b: &ConfigTree) -> Vec<Change> {
        diff_trees(a, b, &DiffOptions::default())
    }

    const FROM: &str = "portgroups:\n  - name: PG-WEB\n    vlan: 110\n    vswitch: vSwitch0\nntp:\n  servers: [172.16.0.11, 172.16.0.12]\nvswitches:\n  - name: vSwitch0\n    mtu: 1500\n    uplinks: [vmnic2, vmnic3]\n";
    const TO: &str = "portgroups:\n  - name: PG-WEB\n    vlan: 111\n    vswitch: vSwitch0\n  - name: PG-BATCH\n    vlan: 140\n    vswitch: vSwitch0\nntp:\n  servers: [172.16.0.10, 172.16.0.11]\nvswitches:\n  - name: vSwitch0\n    mtu: 9000\n    uplinks: [vmnic2, vmnic3, vmnic4]\n";

    #[test]
    fn replaying_every_change_and_its_inverse_gives_both_sides_back() {
        let (from, to) = (yaml(FROM), yaml(TO));
        let changes = differ(&from, &to);
        assert!(changes.len() >= 5, "{changes:?}");
        let all: Vec<usize> = (0..changes.len()).collect();
        let mut backwards = all.clone();
        backwards.reverse();
        assert_eq!(
            prove_steps(&from, &to, &changes, &all, &backwards, &differ),
            ProofErrors::new()
        );
    }

    #[test]
    fn a_change_without_a_step_is_named() {
        let (from, to) = (yaml(FROM), yaml(TO));
        let changes = differ(&from, &to);
        let added = changes
            .iter()
            .position(|c| c.op == Op::Add && c.path.last().unwrap() == "- name: PG-BATCH")
            .unwrap();
        let others: Vec<usize> = (0..changes.len()).filter(|&i| i != added).collect();
        let all: Vec<usize> = (0..changes.len()).collect();
        let errors = prove_steps(&from, &to, &changes, &others, &all, &differ);
        assert_eq!(
            errors,
            ["apply: no step for add portgroups: > - name: PG-BATCH"]
        );
    }

    #[test]
    fn a_value_that_is_not_there_fails_the_proof() {
        let from = yaml("hardware:\n  cpu: 4\n");
        let to = yaml("hardware:\n  cpu: 8\n");
        let mut changes = differ(&from, &to);
        changes[0].before = Some("cpu: 2".into());
        let errors = prove_steps(&from, &to, &changes, &[0], &[0], &differ);
        assert_eq!(
            errors[0],
            "apply: cannot change `cpu: 2`: not found under hardware:"
        );
    }

    #[test]
    fn inventory_changes_need_no_step() {
        let from = yaml("hardware:\n  cpu: 4\n");
        let to = yaml("hardware:\n  cpu: 8\n");
        let mut changes = differ(&from, &to);
        changes.push(Change::new(
            Op::Modify,
            vec!["env: prod".into()],
            Some("env: verify".into()),
            Some("env: prod".into()),
            ChangeCategory::Inventory,
        ));
        assert!(prove_steps(&from, &to, &changes, &[0], &[0], &differ).is_empty());
    }

    #[test]
    fn ini_lines_replay_too() {
        let ini = |t: &str| parse(t.as_bytes(), Dialect::Ini, &ParseOptions::default());
        let from = ini("PermitRootLogin no\nMaxAuthTries 3\n");
        let to = ini("PermitRootLogin yes\nMaxAuthTries 3\nBanner /etc/issue.net\n");
        let changes = differ(&from, &to);
        let all: Vec<usize> = (0..changes.len()).collect();
        assert!(prove_steps(&from, &to, &changes, &all, &all, &differ).is_empty());
        assert_eq!(inverse(&inverse(&changes[0])), changes[0]);
    }
}
