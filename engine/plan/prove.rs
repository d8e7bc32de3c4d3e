//! The proof of rule steps for structured devices (YAML, JSON, ini, sheets):
//! the changes the apply steps name, replayed on the running document, give
//! the intended one, and the rollback steps' inverses give the running one
//! back (`diff::prove_steps`). The outcome is the device's `verified`, like
//! the simulation of CLI remediation.

use super::pipeline::{empty, parse, PipelineError};
use super::DeviceRemediation;
use crate::config::ConfigTree;
use crate::diff::{diff_trees, prove_steps, DeviceDiff, DeviceStatus, DiffOptions};
use crate::inventory::Inventory;
use crate::script::{DeviceStep, Phase};
use crate::source::Snapshot;
use std::collections::BTreeMap;

/// The change indices a device's steps carry out (apply) and undo
/// (rollback), in step order; `None` when no step names a change.
fn step_changes(name: &str, steps: &[DeviceStep]) -> Option<(Vec<usize>, Vec<usize>)> {
    let mine: Vec<&DeviceStep> = steps
        .iter()
        .filter(|s| s.device.as_deref() == Some(name))
        .collect();
    if mine.iter().all(|s| s.step.changes.is_empty()) {
        return None;
    }
    let of = |phase: Phase| {
        mine.iter()
            .filter(|s| s.step.phase == phase)
            .flat_map(|s| s.step.changes.iter().copied())
            .collect()
    };
    Some((of(Phase::Apply), of(Phase::Rollback)))
}

/// Proves the steps of every device in `devices` that has no dialect
/// remediation (`skip`) and whose steps name changes.
pub(crate) fn prove_structured(
    from: &Snapshot,
    to: &Snapshot,
    devices: &[DeviceDiff],
    inventory_from: &Inventory,
    steps: &[DeviceStep],
    skip: &BTreeMap<String, DeviceRemediation>,
    options: &DiffOptions,
) -> Result<BTreeMap<String, DeviceRemediation>, PipelineError> {
    let mut out = BTreeMap::new();
    let (from_tree, to_tree) = (from.open()?, to.open()?);
    for diff in devices.iter().filter(|d| !skip.contains_key(&d.name)) {
        let Some((apply, rollback)) = step_changes(&diff.name, steps) else {
            continue;
        };
        let from_path = inventory_from
            .get(&diff.name)
            .map(|d| d.config.clone())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| diff.config.clone());
        let before: ConfigTree = match diff.status {
            DeviceStatus::Added => empty(diff.dialect),
            _ => parse(&*from_tree, from, &from_path, diff.dialect)?,
        };
        let after: ConfigTree = match diff.status {
            DeviceStatus::Removed => empty(diff.dialect),
            _ => parse(&*to_tree, to, &diff.config, diff.dialect)?,
        };
        let differ = |a: &ConfigTree, b: &ConfigTree| diff_trees(a, b, options);
        let errors = prove_steps(&before, &after, &diff.changes, &apply, &rollback, &differ);
        out.insert(
            diff.name.clone(),
            DeviceRemediation {
                verified: errors.is_empty(),
                simulation_errors: errors,
                ..DeviceRemediation::default()
            },
        );
    }
    Ok(out)
}
