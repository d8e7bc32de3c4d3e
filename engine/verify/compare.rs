//! Holding AFTER against the plan: two diffs (TO → AFTER, FROM → AFTER)
//! and a verdict per device.
//!
//! Equality is structural, as in `henko diff`: noise lines are ignored and
//! a secret that is only re-encrypted (same setting, new ciphertext) is not
//! a change, so a device that re-encrypts on every export still lands. The
//! cost: a planned secret rotation whose new value has the old one's shape
//! cannot be told from churn; it is judged by its other lines.
//!
//! A sheet-driven plan (`plan --intended`) is held against its intended
//! side rendered again as the plan made it (FROM's backups with TO's
//! templates and sheets), and its templated devices are judged within
//! their features' scope only: what no feature owns is not the plan's.

use super::{DeviceOutcome, Outcome, Verification, VerifyError, VERIFY_SCHEMA};
use crate::diff::{diff_snapshots, Change, DeviceDiff, DeviceStatus, DiffOptions, Op};
use crate::inventory::Inventory;
use crate::plan::intended::prepare;
use crate::plan::{Plan, PlanChange, PlanDevice, RevRef};
use crate::source::Snapshot;
use std::collections::HashMap;
use std::path::Path;

/// Returns what the backup `after` (a revision, a folder, or a file for a
/// plan of two files) shows for every device of `plan`, and which devices
/// outside the plan changed since the plan's FROM. The plan's sides are
/// read at the commits it recorded (a moved branch does not matter); a
/// folder side must still hold what the plan was made from.
pub fn verify(plan: &Plan, after: &str, repo: Option<&Path>) -> Result<Verification, VerifyError> {
    let from = resolve_side(&plan.from, "FROM", repo)?;
    let to = resolve_side(&plan.to, "TO", repo)?;
    let after = Snapshot::resolve(after, repo)?;
    let file_plan = matches!(from, Snapshot::File { .. });
    if file_plan != matches!(after, Snapshot::File { .. }) {
        let kind = |file: bool| if file { "a single file" } else { "a snapshot" };
        return Err(VerifyError::MixedSides {
            plan_kind: if file_plan {
                "two single files"
            } else {
                "two snapshots"
            },
            after: after.reference().rev.clone(),
            after_kind: kind(!file_plan),
        });
    }
    let options = DiffOptions {
        ignore_secret_churn: true,
        platform: plan.meta.platform.clone(),
        ..DiffOptions::default()
    };
    let intended = match plan.meta.intended {
        true => Some(prepare(&from, &to).map_err(Box::new)?),
        false => None,
    };
    let to_side = intended.as_ref().map_or(&to, |side| &side.snapshot);
    let mut to_after = diff_snapshots(to_side, &after, &options)?;
    let mut from_after = diff_snapshots(&from, &after, &options)?;
    let mut unjudged = HashMap::new();
    if let Some(side) = &intended {
        for diff in to_after
            .devices
            .iter_mut()
            .chain(from_after.devices.iter_mut())
            .filter(|d| plan.device(&d.name).is_some())
        {
            let before = diff.changes.len();
            diff.changes.retain(|c| {
                let top = c.path.first().map_or("", String::as_str);
                side.in_scope(&diff.name, top).unwrap_or(true)
            });
            let outside = before - diff.changes.len();
            let most = unjudged.entry(diff.name.clone()).or_insert(0);
            *most = outside.max(*most);
        }
    }
    if file_plan {
        // Two loose files name their one device after the TO file's stem;
        // AFTER's stem is another name for the same device.
        if let Some(device) = plan.devices.first() {
            for diff in to_after
                .devices
                .iter_mut()
                .chain(from_after.devices.iter_mut())
            {
                diff.name.clone_from(&device.name);
            }
        }
    }
    Ok(Verification {
        schema: VERIFY_SCHEMA.to_string(),
        plan_hash: plan.hash.clone(),
        from: plan.from.clone(),
        to: plan.to.clone(),
        after: RevRef::from(after.reference()),
        devices: judge(
            plan,
            &to_after.devices,
            &from_after.devices,
            &to_after.inventory,
        )
        .into_iter()
        .map(|mut outcome| {
            if let Some(&n) = unjudged.get(&outcome.name).filter(|n| **n > 0) {
                let note = format!("{n} change(s) outside the templates' scope not judged");
                outcome.note = Some(match outcome.note.take() {
                    Some(other) => format!("{other}; {note}"),
                    None => note,
                });
            }
            outcome
        })
        .collect(),
    })
}

/// Resolves a side of the plan at the commit it recorded, or, for a folder
/// or file, checks that its content is still what the plan recorded.
fn resolve_side(
    side: &RevRef,
    name: &'static str,
    repo: Option<&Path>,
) -> Result<Snapshot, VerifyError> {
    let is_commit = side.commit.len() == 40 && side.commit.bytes().all(|b| b.is_ascii_hexdigit());
    if is_commit {
        return Ok(Snapshot::resolve(&side.commit, repo)?);
    }
    let snapshot = Snapshot::resolve(&side.rev, repo)?;
    let now = &snapshot.reference().commit;
    if *now != side.commit {
        return Err(VerifyError::SideChanged {
            side: name,
            rev: side.rev.clone(),
            recorded: side.commit.clone(),
            now: now.clone(),
        });
    }
    Ok(snapshot)
}

/// Decides every device: the planned ones in plan order from the two
/// diffs, then every other device FROM → AFTER changed, by name.
/// `after_inventory` is AFTER's inventory (site and env of unplanned devices).
fn judge(
    plan: &Plan,
    to_after: &[DeviceDiff],
    from_after: &[DeviceDiff],
    after_inventory: &Inventory,
) -> Vec<DeviceOutcome> {
    let to_after = index(to_after);
    let from_after_by_name = index(from_after);
    let mut outcomes: Vec<DeviceOutcome> = plan
        .devices
        .iter()
        .map(|device| {
            planned(
                device,
                to_after.get(device.name.as_str()).copied(),
                from_after_by_name.get(device.name.as_str()).copied(),
            )
        })
        .collect();
    for diff in from_after {
        if plan.device(&diff.name).is_some() || diff.changes.is_empty() {
            continue;
        }
        let (missing, extra) = lines_of(&diff.changes);
        let inventory = after_inventory.get(&diff.name);
        outcomes.push(DeviceOutcome {
            name: diff.name.clone(),
            platform: diff.platform.clone(),
            site: inventory.map(|d| d.site.clone()).unwrap_or_default(),
            env: inventory
                .map(|d| d.env.as_str().to_string())
                .unwrap_or_default(),
            wave: None,
            outcome: Outcome::Unplanned,
            missing,
            extra,
            changes: diff.changes.iter().map(PlanChange::from).collect(),
            planned_changes: 0,
            landed_changes: 0,
            note: (diff.status != DeviceStatus::Modified)
                .then(|| format!("device {} since FROM", status_word(diff.status))),
        });
    }
    outcomes
}

/// Decides one planned device from its TO → AFTER and FROM → AFTER diffs
/// (`None`: no difference).
fn planned(
    device: &PlanDevice,
    to_after: Option<&DeviceDiff>,
    from_after: Option<&DeviceDiff>,
) -> DeviceOutcome {
    let from_after_changes = from_after.map_or(&[][..], |d| &d.changes[..]);
    let landed_changes = device
        .changes
        .iter()
        .filter(|planned| from_after_changes.iter().any(|c| same_change(planned, c)))
        .count();
    let mut result = DeviceOutcome {
        name: device.name.clone(),
        platform: device.platform.clone(),
        site: device.site.clone(),
        env: device.env.clone(),
        wave: Some(device.wave),
        outcome: Outcome::Landed,
        missing: Vec::new(),
        extra: Vec::new(),
        changes: Vec::new(),
        planned_changes: device.changes.len(),
        landed_changes,
        note: None,
    };
    let Some(to_after) = to_after.filter(|d| !d.changes.is_empty()) else {
        result.landed_changes = result.planned_changes;
        return result;
    };
    if to_after.status == DeviceStatus::Removed {
        // AFTER has no backup of a device the plan keeps: nothing of the
        // change can be seen, so all of it is missing.
        result.outcome = Outcome::NotApplied;
        result.missing = device.changes.iter().map(planned_line).collect();
        result.landed_changes = 0;
        result.note = Some("the device is missing from AFTER".to_string());
        return result;
    }
    let (missing, extra) = lines_of(&to_after.changes);
    result.missing = missing;
    result.extra = extra;
    result.outcome = if from_after_changes.is_empty() {
        Outcome::RolledBack
    } else if landed_changes == 0 {
        Outcome::NotApplied
    } else {
        Outcome::Partial
    };
    result
}

/// True when the diff change `c` is the planned change `planned`: same
/// operation on the same path with the same masked values.
fn same_change(planned: &PlanChange, c: &Change) -> bool {
    planned.op == c.op.as_str()
        && planned.path == c.path
        && planned.before == c.before
        && planned.after == c.after
}

/// Splits the changes from what was expected to AFTER into the expected
/// lines AFTER lacks and AFTER's lines that were not expected, each as
/// `section > line`; a section added or removed whole brings its body.
fn lines_of(changes: &[Change]) -> (Vec<String>, Vec<String>) {
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for change in changes {
        let context = change.path[..change.path.len().saturating_sub(1)].join(" > ");
        let line = |text: &str| {
            if context.is_empty() {
                text.to_string()
            } else {
                format!("{context} > {text}")
            }
        };
        let before = change.before.as_deref().unwrap_or_default();
        let after = change.after.as_deref().unwrap_or_default();
        let body = change.body_lines();
        match change.op {
            Op::Remove => {
                missing.push(line(before));
                missing.extend(body);
            }
            Op::Add => {
                extra.push(line(after));
                extra.extend(body);
            }
            Op::Modify => {
                missing.push(line(before));
                extra.push(line(after));
            }
            Op::Move => extra.push(format!("{} (order differs)", line(after))),
        }
    }
    (missing, extra)
}

/// Returns the line a planned change would leave in the config.
fn planned_line(change: &PlanChange) -> String {
    let text = change
        .after
        .as_deref()
        .or(change.before.as_deref())
        .unwrap_or_default();
    let context = change.path[..change.path.len().saturating_sub(1)].join(" > ");
    let line = if context.is_empty() {
        text.to_string()
    } else {
        format!("{context} > {text}")
    };
    match change.op.as_str() {
        "remove" => format!("(removal of) {line}"),
        _ => line,
    }
}

fn index(diffs: &[DeviceDiff]) -> HashMap<&str, &DeviceDiff> {
    diffs.iter().map(|d| (d.name.as_str(), d)).collect()
}

fn status_word(status: DeviceStatus) -> &'static str {
    match status {
        DeviceStatus::Added => "added",
        DeviceStatus::Removed => "removed",
        DeviceStatus::Modified => "modified",
    }
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
