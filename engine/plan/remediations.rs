//! Remediation of every CLI device of a plan run, done inside the diff (see
//! [`crate::diff::diff_visited`]): the commands are made once with their
//! secret values, masked by the config stage's detector for
//! the plan (with the store's fingerprint key, so they show the diff's
//! fingerprints), and kept with their values when `--apply-dir` asks.

use super::executable::ClearCommands;
use super::pipeline::{empty, override_path, platform_of, PipelineError};
use super::DeviceRemediation;
use crate::config::{self, ConfigTree, Dialect, ParseOptions};
use crate::diff::{DeviceStatus, Side, Visited};
use crate::plan::remediate::{masked, remediate_with, PlatformRules, RemediateOptions};
use crate::source::{Snapshot, SourceError};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// How remediation treats secrets: the store's fingerprint key, and whether
/// the commands with their values are kept (for `--apply-dir`).
#[derive(Clone, Copy)]
pub(super) struct Secrecy<'k> {
    /// The store's fingerprint key.
    pub(super) key: Option<&'k [u8]>,
    /// Keep the commands with their values.
    pub(super) keep_clear: bool,
}

/// The remediation rule tables of the platforms a plan meets, each built on
/// first use: the built-in table with the TO snapshot's operator overrides
/// (`.henko/platforms/<platform>.yaml`) on top.
pub(super) struct RulesCache<'a> {
    to: &'a Snapshot,
    tables: Mutex<BTreeMap<String, Arc<PlatformRules>>>,
}

impl<'a> RulesCache<'a> {
    /// Returns an empty cache reading overrides from `to`.
    pub(super) fn new(to: &'a Snapshot) -> RulesCache<'a> {
        RulesCache {
            to,
            tables: Mutex::new(BTreeMap::new()),
        }
    }

    /// Returns the table of `platform`, building it on first use (under
    /// the lock, so each is read and compiled once).
    pub(super) fn get(&self, platform: &str) -> Result<Arc<PlatformRules>, PipelineError> {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(table) = tables.get(platform) {
            return Ok(Arc::clone(table));
        }
        let mut table = PlatformRules::builtin(platform);
        let path = override_path(platform);
        match self.to.open()?.read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                table = table.with_overrides(&text, &path)?;
            }
            Err(SourceError::MissingFile { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let table = Arc::new(table);
        tables.insert(platform.to_string(), Arc::clone(&table));
        Ok(table)
    }
}

/// One device's remediation as the plan shows it, and its commands with
/// their secret values when kept.
type Made = (String, DeviceRemediation, Option<ClearCommands>);

/// Remediates one changed device from what the diff read ([`None`] for
/// devices without a command-line dialect). Commands are made once with
/// their values and masked for the plan with the store's key.
pub(super) fn remediate_read(
    diff: &Visited<'_>,
    sides: [Option<Side<'_>>; 2],
    snapshots: [&Snapshot; 2],
    rules: &RulesCache<'_>,
    secrecy: Secrecy<'_>,
) -> Option<Result<Made, PipelineError>> {
    if !matches!(
        diff.dialect,
        Dialect::Ios | Dialect::Fortios | Dialect::Junos
    ) {
        return None;
    }
    let made = (|| {
        let before = read_side(
            sides[0],
            snapshots[0],
            diff.status == DeviceStatus::Added,
            diff,
        )?;
        let after = read_side(
            sides[1],
            snapshots[1],
            diff.status == DeviceStatus::Removed,
            diff,
        )?;
        let platform = platform_of(diff.platform, diff.dialect);
        let table = rules.get(platform)?;
        let r = remediate_with(&before, &after, platform, &table, &CLEAR);
        let (shown, clear) = if secrecy.keep_clear {
            let shown = masked(&table, r.clone(), secrecy.key);
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
            (masked(&table, r, secrecy.key), None)
        };
        let remediation = DeviceRemediation {
            apply: shown.apply,
            rollback: shown.rollback,
            manual: shown.manual,
            verified: shown.verified,
            simulation_errors: shown.simulation_errors,
            reading_notes: reading_notes(&before, &after),
        };
        Ok((diff.name.to_string(), remediation, clear))
    })();
    Some(made)
}

/// Returns one side of a device as a plan reads it: the diff's own parse
/// when it offers one, else the bytes parsed (refusing a guessed
/// structure), and an empty tree for a side the device is `missing` from.
fn read_side<'a>(
    side: Option<Side<'a>>,
    snapshot: &Snapshot,
    missing: bool,
    diff: &Visited<'_>,
) -> Result<Cow<'a, ConfigTree>, PipelineError> {
    match side {
        _ if missing => Ok(Cow::Owned(empty(diff.dialect))),
        Some(Side {
            tree: Some(tree), ..
        }) => Ok(Cow::Borrowed(tree)),
        Some(Side { path, bytes, .. }) => {
            // Errors name a loose file by the path it was given as.
            let origin = match snapshot {
                Snapshot::File { path, .. } => path.display().to_string(),
                _ => path.to_string(),
            };
            Ok(Cow::Owned(config::parse_checked(
                bytes,
                diff.dialect,
                &ParseOptions::default(),
                &origin,
            )?))
        }
        None => Ok(Cow::Owned(empty(diff.dialect))),
    }
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
