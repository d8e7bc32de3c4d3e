//! Remediation of every CLI device of a plan run: the commands are made
//! once with their secret values, masked by the config stage's detector for
//! the plan (with the store's fingerprint key, so they show the diff's
//! fingerprints), and kept with their values when `--apply-dir` asks.

use super::executable::ClearCommands;
use super::pipeline::{empty, parse_listed, platform_of, platform_rules, PipelineError};
use super::DeviceRemediation;
use crate::config::{self, ConfigTree, Dialect};
use crate::diff::{DeviceDiff, DeviceStatus};
use crate::inventory::Inventory;
use crate::plan::remediate::{masked, remediate_with, RemediateOptions};
use crate::source::{FileTree, Listing, Snapshot};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// How remediation treats secrets: the store's fingerprint key, and whether
/// the commands with their values are kept (for `--apply-dir`).
#[derive(Clone, Copy)]
pub(super) struct Secrecy<'k> {
    /// The store's fingerprint key.
    pub(super) key: Option<&'k [u8]>,
    /// Keep the commands with their values.
    pub(super) keep_clear: bool,
}

/// The plan's remediations, and the commands with secret values when kept.
type Remediations = (
    BTreeMap<String, DeviceRemediation>,
    BTreeMap<String, ClearCommands>,
);

/// Derives apply/rollback commands for every device of a CLI dialect, on
/// rayon's pool with one pair of snapshot readers per worker. `listings`
/// are the file lists of FROM and TO when the diff read them (files are
/// then read by blob id); `to_tree` reads the TO snapshot's rule tables.
/// Commands are made once with their values and masked for the plan.
pub(super) fn remediate_all(
    [from, to]: [&Snapshot; 2],
    listings: [Option<&Listing>; 2],
    to_tree: &dyn FileTree,
    devices: &[DeviceDiff],
    inventory_from: &Inventory,
    secrecy: Secrecy<'_>,
) -> Result<Remediations, PipelineError> {
    let cli: Vec<&DeviceDiff> = devices
        .iter()
        .filter(|d| matches!(d.dialect, Dialect::Ios | Dialect::Fortios | Dialect::Junos))
        .collect();
    let rules = platform_rules(listings[1], to_tree, cli.iter().map(|d| platform_of(d)))?;
    type Readers = Option<(Box<dyn FileTree>, Box<dyn FileTree>)>;
    type Made = (String, DeviceRemediation, Option<ClearCommands>);
    let results: Vec<Result<Made, PipelineError>> = cli
        .par_iter()
        .map_init(
            || -> Readers { None },
            |readers, diff| {
                // Readers are reused by the worker; one that failed is
                // opened again for the next device.
                let (from_tree, to_tree) = match readers.take() {
                    Some(pair) => pair,
                    None => (from.open()?, to.open()?),
                };
                let from_path = inventory_from
                    .get(&diff.name)
                    .map(|d| d.config.clone())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| diff.config.clone());
                let before = match diff.status {
                    DeviceStatus::Added => empty(diff.dialect),
                    _ => parse_listed(&*from_tree, listings[0], from, &from_path, diff.dialect)?,
                };
                let after = match diff.status {
                    DeviceStatus::Removed => empty(diff.dialect),
                    _ => parse_listed(&*to_tree, listings[1], to, &diff.config, diff.dialect)?,
                };
                *readers = Some((from_tree, to_tree));
                let platform = platform_of(diff);
                let table = &rules[platform];
                let r = remediate_with(&before, &after, platform, table, &CLEAR);
                let (shown, clear) = if secrecy.keep_clear {
                    let shown = masked(table, r.clone(), secrecy.key);
                    let clear = ClearCommands {
                        apply: r.apply,
                        rollback: r.rollback,
                        masked_apply: shown.apply.clone(),
                        masked_rollback: shown.rollback.clone(),
                        manual: shown.manual.clone(),
                        verified: r.verified,
                    };
                    (shown, Some(clear))
                } else {
                    (masked(table, r, secrecy.key), None)
                };
                let remediation = DeviceRemediation {
                    apply: shown.apply,
                    rollback: shown.rollback,
                    manual: shown.manual,
                    verified: shown.verified,
                    simulation_errors: shown.simulation_errors,
                    reading_notes: reading_notes(&before, &after),
                };
                Ok((diff.name.clone(), remediation, clear))
            },
        )
        .collect();
    let mut out = BTreeMap::new();
    let mut clear = BTreeMap::new();
    for result in results {
        let (name, remediation, commands) = result?;
        if let Some(commands) = commands {
            clear.insert(name.clone(), commands);
        }
        out.insert(name, remediation);
    }
    Ok((out, clear))
}

/// Remediation with the values kept; the plan masks them afterwards.
const CLEAR: RemediateOptions = RemediateOptions {
    show_secrets: true,
    fingerprint_key: None,
};

/// Returns the parse warnings of both sides that a reviewer of the plan
/// must see: FortiOS read by indentation.
fn reading_notes(before: &ConfigTree, after: &ConfigTree) -> Vec<String> {
    [("FROM", before), ("TO", after)]
        .into_iter()
        .flat_map(|(side, tree)| {
            tree.warnings
                .iter()
                .filter(|w| w.starts_with(config::fortios::READ_BY_INDENTATION))
                .map(move |w| format!("{side}: {w}"))
        })
        .collect()
}
