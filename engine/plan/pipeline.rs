//! The whole plan run: snapshots → diff → scripts → remediation → plan;
//! the merge of partial plans; and the recomputation `check` compares with.

use super::executable::ClearSteps;
use super::remediations::{remediate_read, RulesCache, Secrecy};
use super::{
    finish, graph_impacts, merge, Part, Plan, PlanError, PlanInput, PlanMeta, RevRef,
    ScriptFailure, Shard,
};
use crate::config::{self, ConfigTree, Dialect, ParseOptions, TableCell};
use crate::diff::{
    diff_deferring, diff_visited, DeviceDiff, DeviceStatus, DiffError, DiffOptions, Side, Visited,
    Visiting,
};
use crate::inventory::Inventory;
use crate::plan::remediate::RulesError;
use crate::script::{
    AssessInput, AssessOptions, Finding, FindingKind, Level, Origin, ScriptError, ScriptOptions,
    ScriptSet, SheetTables,
};
use crate::source::{redact, FileTree, Snapshot, SourceError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What can stop a plan run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum PipelineError {
    /// A snapshot could not be resolved or read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// The diff failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Diff(#[from] DiffError),
    /// Scripts could not be loaded or compiled.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Script(#[from] ScriptError),
    /// An operator's platform rule table in the store is wrong.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] RulesError),
    /// A configuration's structure cannot be read unambiguously.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// An inventory could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] crate::inventory::InventoryError),
    /// A plan file or the parts are wrong.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] PlanError),
    /// The intended side could not be rendered (`--intended`).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Intended(#[from] crate::intended::IntendedError),
    /// A revision now resolves to another commit than the parts recorded.
    #[error("{rev} now resolves to {now}, but the parts were made at {recorded}")]
    #[diagnostic(
        code(henko::plan::moved),
        help("make the parts again, or merge with revisions that do not move (commit ids)")
    )]
    Moved {
        /// The revision.
        rev: String,
        /// What the parts recorded.
        recorded: String,
        /// What it resolves to now.
        now: String,
    },
}

/// How to make a plan (the parts of `henko plan` that change its content).
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Include the shipped rule library.
    pub default_scripts: bool,
    /// Extra script folders.
    pub scripts: Vec<PathBuf>,
    /// Run every script phase even when some fail.
    pub keep_going: bool,
    /// Wall-clock limit for one script call.
    pub timeout: Duration,
    /// Only the devices of this shard.
    pub shard: Option<Shard>,
    /// Platform of two loose files.
    pub platform: Option<String>,
    /// Render TO's templates and sheets into FROM's backups (`--intended`).
    pub intended: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            default_scripts: true,
            scripts: Vec::new(),
            keep_going: false,
            timeout: AssessOptions::default().timeout,
            shard: None,
            platform: None,
            intended: false,
        }
    }
}

impl PlanOptions {
    /// Returns the options a plan file recorded (`check` recomputes with them).
    pub fn from_meta(meta: &PlanMeta) -> Result<PlanOptions, PlanError> {
        Ok(PlanOptions {
            default_scripts: meta.default_scripts,
            scripts: meta.scripts.iter().map(PathBuf::from).collect(),
            shard: meta.shard.as_deref().map(Shard::parse).transpose()?,
            platform: meta.platform.clone(),
            intended: meta.intended,
            ..PlanOptions::default()
        })
    }

    fn meta(&self) -> PlanMeta {
        PlanMeta {
            henko: env!("CARGO_PKG_VERSION").to_string(),
            shard: self.shard.map(|s| s.to_string()),
            scripts: self
                .scripts
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            default_scripts: self.default_scripts,
            platform: self.platform.clone(),
            intended: self.intended,
        }
    }
}

/// Makes the plan from `from` to `to`.
pub fn make_plan(
    from: &str,
    to: &str,
    repo: Option<&Path>,
    options: &PlanOptions,
) -> Result<Plan, PipelineError> {
    make_plan_with_steps(from, to, repo, options, false).map(|(plan, _)| plan)
}

/// Makes the plan from `from` to `to` and, when `executable`, keeps every
/// CLI device's apply and rollback commands with the secret values as the
/// snapshots hold them (for `plan --apply-dir`, see
/// [`super::executable`]). The plan is the same either way.
pub fn make_plan_with_steps(
    from: &str,
    to: &str,
    repo: Option<&Path>,
    options: &PlanOptions,
    executable: bool,
) -> Result<(Plan, ClearSteps), PipelineError> {
    let from_snap = Snapshot::resolve(from, repo)?;
    let to_snap = Snapshot::resolve(to, repo)?;
    // A sheet-driven plan reads TO as rendered into FROM's backups.
    let intended = match options.intended {
        true => Some(super::intended::prepare(&from_snap, &to_snap)?),
        false => None,
    };
    let to_snap = intended.as_ref().map_or(to_snap, |i| i.snapshot.clone());
    let mut diff_options = DiffOptions {
        platform: options.platform.clone(),
        ..DiffOptions::default()
    };
    // A shard reads and diffs only its own devices.
    diff_options.filter.shard = options.shard.map(|s| (s.index, s.count));
    // The fingerprint key the diff masks with, so the steps show the same.
    let key = redact::snapshot_key(&to_snap).or_else(|| redact::snapshot_key(&from_snap));
    let secrecy = Secrecy {
        key: key.as_deref(),
        keep_clear: executable,
    };
    // Remediation runs inside the diff, on each changed device while its
    // files are in memory: nothing is read from the store twice.
    let rules = RulesCache::new(&to_snap);
    let remediate_visit =
        |diff: &Visited<'_>, before: Option<Side<'_>>, after: Option<Side<'_>>| {
            remediate_read(
                diff,
                [before, after],
                [&from_snap, &to_snap],
                &rules,
                secrecy,
            )
        };
    // A large device is remediated while its trees are compared, unless
    // scripts may run: then its remediation waits for the whole diff and
    // runs beside the scripts' assessment instead (the larger overlap). A
    // store may hold scripts of its own; finding out would cost a listing.
    let scripts_may_run = options.default_scripts
        || !options.scripts.is_empty()
        || !matches!(to_snap, Snapshot::File { .. });
    let diff_then_visit = || match scripts_may_run {
        true => diff_deferring(&from_snap, &to_snap, &diff_options, None, &remediate_visit),
        false => diff_visited(&from_snap, &to_snap, &diff_options, None, &remediate_visit).map(
            |(diff, listings, seen)| {
                (
                    diff,
                    listings,
                    seen.into_iter().map(Visiting::Done).collect(),
                )
            },
        ),
    };
    // The rule scripts compile on the other core while the diff runs (a
    // fixed cost that a small plan would otherwise wait for).
    let (diffed, scripts) = rayon::join(diff_then_visit, || load_scripts(&to_snap, options));
    let (diff, listings, mut visits) = diffed?;
    let scripts = scripts?;
    // A device that could not be remediated stops the plan before the
    // scripts run, as it did when every visit was made in the diff (a
    // deferred device's error can only show once it is made).
    let failed = visits
        .iter()
        .position(|v| matches!(v, Visiting::Done(Some(Err(_)))));
    if let Some(Visiting::Done(Some(Err(err)))) = failed.map(|at| visits.swap_remove(at)) {
        return Err(err);
    }
    let to_listing = listings.as_ref().map(|(_, to)| to);
    // The TO tree as the diff listed it: listed once, its files read by id.
    let to_git = to_snap.open()?;
    let to_listed;
    let to_reader: &dyn FileTree = match to_listing {
        Some(listing) => {
            to_listed = listing.reader(&*to_git);
            &to_listed
        }
        None => &*to_git,
    };
    let tables = sheet_tables(to_reader, &diff.inventory, &diff.devices)?;
    let causes = intended
        .as_ref()
        .map(|i| i.causes(&diff.devices))
        .unwrap_or_default();
    // A large device's remediation was left to now, so that the scripts,
    // which need the whole diff, assess it meanwhile on the other core.
    let assess = || {
        scripts.assess_with_causes(
            &AssessInput {
                tables: &tables,
                devices: &diff.devices,
                inventory: &diff.inventory,
                inventory_from: &diff.inventory_from,
            },
            &causes,
            &AssessOptions {
                keep_going: options.keep_going,
                timeout: options.timeout,
            },
        )
    };
    let finish_visits = || {
        visits
            .into_par_iter()
            .map(|visit: Visiting<_>| visit.finish(&remediate_visit))
            .collect::<Vec<_>>()
    };
    let (visited, assessment) = match scripts.is_empty() {
        true => (finish_visits(), assess()),
        false => rayon::join(finish_visits, assess),
    };
    let mut remediations = BTreeMap::new();
    let mut clear = BTreeMap::new();
    for result in visited.into_iter().flatten() {
        let (name, remediation, commands) = result?;
        if let Some(commands) = commands {
            clear.insert(name.clone(), commands);
        }
        remediations.insert(name, remediation);
    }
    // Freeing the compiled scripts costs a millisecond or more: not on
    // the way to the plan.
    crate::drop_in_background(scripts);
    let proofs = super::prove::prove_structured(
        &from_snap,
        &to_snap,
        &diff.devices,
        &diff.inventory_from,
        &assessment.steps,
        &remediations,
        &diff_options,
    )?;
    remediations.extend(proofs);
    let failures = plan_failures(&assessment.failures);
    let mut findings = assessment.findings;
    findings.extend(sheet_findings(to_reader, &diff.inventory, &diff.devices));
    let input = PlanInput {
        from: &RevRef::from(&diff.from),
        to: &RevRef::from(&diff.to),
        devices: &diff.devices,
        inventory: &diff.inventory,
        inventory_from: &diff.inventory_from,
        findings: &findings,
        failures: &failures,
        remediations: &remediations,
        steps: &assessment.steps,
    };
    let mut plan = super::build(&input, options.meta());
    if !causes.is_empty() {
        super::intended::attach_causes(&mut plan, &causes);
    }
    Ok((
        plan,
        ClearSteps {
            key,
            devices: clear,
        },
    ))
}

/// Reads the whole TO table of every changed parameter sheet (CSV or
/// xlsx), for `ctx.table` in scripts: one map per row, column → cell, plus
/// `_sheet` for workbooks. An unreadable sheet gives no rows (its parse
/// warnings are already on the diff).
fn sheet_tables(
    reader: &dyn FileTree,
    inventory: &Inventory,
    devices: &[DeviceDiff],
) -> Result<SheetTables, PipelineError> {
    let mut tables = SheetTables::new();
    for diff in devices.iter().filter(|d| d.status != DeviceStatus::Removed) {
        let Some(device) = inventory.get(&diff.name) else {
            continue;
        };
        if !config::sheet::is_sheet(&device.config) {
            continue;
        }
        let bytes = match reader.read(&device.config) {
            Ok(bytes) => bytes,
            Err(SourceError::MissingFile { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let Ok(sheets) = config::sheet::read_tables(&device.config, &bytes) else {
            continue;
        };
        let workbook = sheets.len() > 1 || device.config.to_ascii_lowercase().ends_with(".xlsx");
        let rows = sheets
            .iter()
            .flat_map(|table| {
                table.rows.iter().map(move |row| {
                    let mut map: BTreeMap<String, String> = table
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, column)| (column.clone(), table.cell(row, i).to_string()))
                        .collect();
                    if workbook {
                        map.insert("_sheet".into(), table.name.clone());
                    }
                    map
                })
            })
            .collect();
        tables.insert(diff.name.clone(), rows);
    }
    Ok(tables)
}

/// The script name of findings that come from parameter-sheet schemas.
pub const SHEETS_ORIGIN: &str = "henko:sheets";

/// Returns every schema violation of the TO snapshot's parameter sheets as a
/// critical finding (`sheet.schema-violation`), on the sheet's device when
/// that device is in the plan, plan-wide otherwise, so a plan that carries a
/// broken sheet cannot pass `henko check` unapproved.
fn sheet_findings(
    reader: &dyn FileTree,
    inventory: &Inventory,
    devices: &[DeviceDiff],
) -> Vec<Finding> {
    let names = inventory.devices().iter().map(|d| d.name.clone()).collect();
    let violations = config::sheet::validate_snapshot(reader, names);
    violations
        .into_iter()
        .map(|v| {
            let device = inventory
                .devices()
                .iter()
                .find(|d| d.config == v.file)
                .map(|d| d.name.clone())
                .filter(|name| devices.iter().any(|diff| &diff.name == name));
            let place = match &v.table {
                Some(TableCell {
                    sheet,
                    cell: Some(cell),
                    ..
                }) if !sheet.is_empty() => format!("{} {sheet}!{cell}", v.file),
                Some(TableCell {
                    cell: Some(cell), ..
                }) => format!("{} {cell}", v.file),
                _ => v.file.clone(),
            };
            Finding {
                device,
                kind: FindingKind::Risk {
                    level: Level::Critical,
                    rule: format!("sheet.{}", v.short_code()),
                    message: format!("{place}: {}", v.message),
                    message_ja: None,
                },
                origin: Origin {
                    script: SHEETS_ORIGIN.to_string(),
                    line: (v.line > 0).then_some(v.line as u32),
                },
            }
        })
        .collect()
}

/// Merges partial plans: joins their devices, runs every script over the
/// whole change set again (so plan-wide rules see everything), and
/// assembles the plan exactly as an unsharded run would.
pub fn merge_plans(
    parts: &[Part],
    repo: Option<&Path>,
    options: &PlanOptions,
) -> Result<Plan, PipelineError> {
    let merged = merge(parts)?;
    let from_snap = resolve_same(&merged.from, repo)?;
    let to_snap = resolve_same(&merged.to, repo)?;
    let inventory_from = crate::inventory::load(&*from_snap.open()?)?;
    let inventory = crate::inventory::load(&*to_snap.open()?)?;
    let diffs = merged.diffs();
    let to_reader = to_snap.open()?;
    let scripts = load_scripts(&to_snap, options)?;
    let tables = sheet_tables(to_reader.as_ref(), &inventory, &diffs)?;
    let assessment = scripts.assess(
        &AssessInput {
            tables: &tables,
            devices: &diffs,
            inventory: &inventory,
            inventory_from: &inventory_from,
        },
        &AssessOptions {
            keep_going: options.keep_going,
            timeout: options.timeout,
        },
    );
    let failures = plan_failures(&assessment.failures);
    let mut findings = assessment.findings;
    findings.extend(sheet_findings(to_reader.as_ref(), &inventory, &diffs));
    let mut options = options.clone();
    options.shard = None;
    Ok(finish(
        merged.from,
        merged.to,
        merged.devices,
        graph_impacts(&diffs, &inventory, &inventory_from),
        super::ScriptResults {
            findings: &findings,
            steps: &assessment.steps,
            failures: &failures,
        },
        options.meta(),
    ))
}

/// Resolves a recorded revision and insists it still gives the same commit.
fn resolve_same(side: &RevRef, repo: Option<&Path>) -> Result<Snapshot, PipelineError> {
    let snapshot = Snapshot::resolve(&side.rev, repo)?;
    let now = &snapshot.reference().commit;
    if now != &side.commit {
        return Err(PipelineError::Moved {
            rev: side.rev.clone(),
            recorded: side.commit.clone(),
            now: now.clone(),
        });
    }
    Ok(snapshot)
}

/// Loads the shipped rules, the TO snapshot's `scripts/` folder (through a
/// reader of its own, so it can run beside the diff) and the folders given.
fn load_scripts(to: &Snapshot, options: &PlanOptions) -> Result<ScriptSet, PipelineError> {
    let store_scripts = if matches!(to, Snapshot::File { .. }) {
        Vec::new()
    } else {
        crate::script::read_store_scripts(&*to.open()?)?
    };
    Ok(ScriptSet::load(&ScriptOptions {
        builtin: options.default_scripts,
        dirs: options.scripts.clone(),
        store_scripts,
    })?)
}

fn plan_failures(failures: &[crate::script::ScriptFailure]) -> Vec<ScriptFailure> {
    failures
        .iter()
        .map(|f| ScriptFailure {
            script: f.script.clone(),
            device: f.device.clone(),
            message: f.to_string(),
        })
        .collect()
}

/// Returns the platform whose rules apply to a device: its inventory
/// platform, or for a device outside the inventory its dialect's name.
pub(super) fn platform_of(platform: &str, dialect: Dialect) -> &str {
    match platform {
        "" => dialect.name(),
        known => known,
    }
}

/// Where operators keep their extensions of a platform's rule table, in
/// the TO snapshot.
pub(super) fn override_path(platform: &str) -> String {
    format!(".henko/platforms/{platform}.yaml")
}

pub(super) fn empty(dialect: Dialect) -> ConfigTree {
    ConfigTree {
        dialect,
        ..ConfigTree::default()
    }
}

/// Reads and parses one configuration; a loose file is read whatever its
/// name, since the two-file form names the device after the TO file.
pub(super) fn parse(
    tree: &dyn FileTree,
    snapshot: &Snapshot,
    path: &str,
    dialect: Dialect,
) -> Result<ConfigTree, PipelineError> {
    let (bytes, origin) = match snapshot {
        Snapshot::File { path, .. } => (
            std::fs::read(path).map_err(|e| SourceError::io(path.clone(), e))?,
            path.display().to_string(),
        ),
        _ => (tree.read(path)?, path.to_string()),
    };
    // A tree whose structure is a guess is refused, never planned from.
    Ok(config::parse_checked(
        &bytes,
        dialect,
        &ParseOptions::default(),
        &origin,
    )?)
}
