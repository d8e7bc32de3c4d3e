//! `henko demo`: builds a snapshot store from the embedded two-site demo
//! (`snapshots/demo/`, compiled into the binary) and runs the main job on it
//! end to end: one snapshot per point in time, the log, the checks of every
//! snapshot (inventory, parameter sheets against their schemas), the diff,
//! a change plan per window with its reports, and the last plan verified
//! against the backup taken after its window, recorded with its work
//! result report.
//!
//! This module runs the job; `report::demo` renders what it finds, and the
//! caller (the `demo` subcommand) decides where the text goes. What the demo
//! contains and what each point in time changes is described in
//! `docs/demo.md`.

mod data;
mod intended;
mod plans;
mod verify;

use crate::config::sheet::validate_snapshot;
use crate::config::Violation;
use crate::diff::drift::{drift_snapshot, PairSelection};
use crate::diff::{self, DiffOptions};
use crate::inventory::{self, Inventory};
use crate::report::{self, demo as text, DiffReportOptions};
use crate::source::{FileTree, Snapshot, SnapshotOptions, SnapshotOutcome, Store, DEFAULT_BRANCH};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Where the demo works and what it keeps.
#[derive(Clone, Debug, Default)]
pub struct DemoOptions {
    /// Remove the temporary folder when the demo ends.
    pub clean: bool,
    /// Build the demo in this folder (created when missing, must be empty)
    /// instead of a temporary folder; it is always kept.
    pub out: Option<PathBuf>,
    /// Colour the diff text (the caller knows whether its output is a terminal).
    pub color: bool,
}

/// The folder the demo works in, and whether it goes away at the end.
struct Workspace {
    path: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl Workspace {
    fn create(options: &DemoOptions) -> miette::Result<Workspace> {
        if let Some(out) = &options.out {
            std::fs::create_dir_all(out)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", out.display()))?;
            let not_empty = std::fs::read_dir(out)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read {}", out.display()))?
                .next()
                .is_some();
            if not_empty {
                return Err(miette!(
                    help = "pick a new folder; the demo never writes into existing files",
                    "{} is not empty",
                    out.display()
                ));
            }
            return Ok(Workspace {
                path: out.clone(),
                temp: None,
            });
        }
        let temp = tempfile::Builder::new()
            .prefix("henko-demo-")
            .tempdir()
            .into_diagnostic()
            .wrap_err("cannot create a temporary folder for the demo")?;
        if !options.clean {
            let path = temp.keep();
            return Ok(Workspace { path, temp: None });
        }
        Ok(Workspace {
            path: temp.path().to_path_buf(),
            temp: Some(temp),
        })
    }
}

/// Runs the demo and hands its text to `emit` section by section (so a long
/// run shows progress). Fails when a stage fails or `emit` does.
pub fn run(
    options: &DemoOptions,
    emit: &mut dyn FnMut(&str) -> miette::Result<()>,
) -> miette::Result<()> {
    let workspace = Workspace::create(options)?;
    let snapshots = workspace.path.join("snapshots");
    let points = extract(&snapshots)?;
    let store_dir = workspace.path.join("store");
    let store = Store::init(&store_dir, false)?;

    emit(&text::render_intro(points.len(), &store_dir, &snapshots))?;
    emit(&snapshot_all(&store, &snapshots, &points)?)?;
    emit(&checks(store.path(), &points)?)?;

    // The change windows end at the last planned point; the backup after
    // it is for `verify`.
    let planned: Vec<&str> = points
        .iter()
        .copied()
        .filter(|p| *p != verify::AFTER_WINDOW)
        .collect();
    let mut out = diffs(store.path(), &planned, options.color)?;
    out.push_str(&drift(store.path(), &points)?);
    emit(&out)?;

    let mut out = String::new();
    let tags: Vec<String> = planned.iter().map(|p| tag_of(p)).collect();
    let reports = workspace.path.join("reports");
    let last_plan = plans::write_plans(&mut out, store.path(), &reports, &tags)?;
    if let Some(plan) = last_plan.filter(|_| points.contains(&verify::AFTER_WINDOW)) {
        verify::write_verification(
            &mut out,
            &store,
            &plan,
            &tag_of(verify::AFTER_WINDOW),
            &reports,
            workspace.temp.is_none(),
        )?;
    }
    intended::write_intended(&mut out, store.path(), &reports, &tags)?;
    if let (Some(first), Some(last)) = (tags.first(), tags.last()) {
        out.push_str(&text::render_next_steps(
            &store_dir,
            first,
            last,
            workspace.temp.is_some(),
        ));
    }
    emit(&out)?;
    drop(workspace);
    Ok(())
}

/// Commits every point in time, oldest first, tagged; then lists the log.
fn snapshot_all(store: &Store, snapshots: &Path, points: &[&str]) -> miette::Result<String> {
    let mut out = String::new();
    for point in points {
        let message = format!("demo: backups of {point}");
        let tag = tag_of(point);
        let options = SnapshotOptions {
            message: Some(&message),
            tag: Some(&tag),
            branch: None,
            redact: None,
        };
        let outcome = store.snapshot(&snapshots.join(point), &options)?;
        let committed = matches!(outcome, SnapshotOutcome::Committed(_));
        out.push_str(&text::render_snapshot_line(
            point,
            &outcome.commit().to_string(),
            committed,
            &tag,
        ));
    }
    out.push_str(&text::render_log(&store.log(DEFAULT_BRANCH)?));
    Ok(out)
}

/// Reads every tagged snapshot back from the store and checks it.
fn checks(store: &Path, points: &[&str]) -> miette::Result<String> {
    let mut results = Vec::new();
    for point in points {
        let snapshot = Snapshot::resolve(&tag_of(point), Some(store))?;
        let tree = snapshot.open()?;
        let (inventory, found) = check(tree.as_ref())?;
        results.push((*point, inventory, found));
    }
    Ok(text::render_checks(&results))
}

/// Returns the tag the demo puts on the snapshot of `point`.
fn tag_of(point: &str) -> String {
    format!("demo-{point}")
}

/// Returns the points in time of the embedded demo, oldest first.
fn points_in_time() -> Vec<&'static str> {
    let points: BTreeSet<&str> = data::FILES
        .iter()
        .filter_map(|(path, _)| path.split_once('/').map(|(point, _)| point))
        .collect();
    points.into_iter().collect()
}

/// Writes every embedded file under `dir` (`dir/<point>/…`) and returns the
/// points in time, oldest first.
fn extract(dir: &Path) -> miette::Result<Vec<&'static str>> {
    for (rel, bytes) in data::FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    Ok(points_in_time())
}

/// Loads a snapshot's inventory and checks its sheets against their schemas.
fn check(tree: &dyn FileTree) -> miette::Result<(Inventory, Vec<Violation>)> {
    let inventory = inventory::load(tree)?;
    let names: HashSet<String> = inventory.devices().iter().map(|d| d.name.clone()).collect();
    let violations = validate_snapshot(tree, names);
    Ok((inventory, violations))
}

/// The diff of the whole period as one line per device, then the full diff
/// of the last change window (the one a reviewer would look at).
fn diffs(store: &Path, points: &[&str], color: bool) -> miette::Result<String> {
    let mut out = String::new();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(out);
    };
    let previous = points.len().checked_sub(2).map_or(*first, |i| points[i]);
    let snapshot = |point: &str| Snapshot::resolve(&tag_of(point), Some(store));
    let options = DiffOptions::default();

    let whole = diff::diff_snapshots(&snapshot(first)?, &snapshot(last)?, &options)?;
    out.push_str(&format!(
        "diff {} {} (per device):\n",
        tag_of(first),
        tag_of(last)
    ));
    let stat = DiffReportOptions {
        color,
        stat: true,
        fleet_min: report::DEFAULT_FLEET_MIN,
    };
    out.push_str(&report::render_diff_text(&whole, &stat));
    out.push('\n');

    let window = diff::diff_snapshots(&snapshot(previous)?, &snapshot(last)?, &options)?;
    out.push_str(&format!("diff {} {}:\n", tag_of(previous), tag_of(last)));
    let full = DiffReportOptions {
        stat: false,
        ..stat
    };
    out.push_str(&report::render_diff_text(&window, &full));
    out.push('\n');
    Ok(out)
}

/// Site-pair drift at every point in time (one line each), then the full
/// drift of the first: the deliberate difference the demo holds.
fn drift(store: &Path, points: &[&str]) -> miette::Result<String> {
    let mut out =
        String::from("drift (West production vs East standby, site values substituted):\n");
    let options = DiffOptions::default();
    let mut first = None;
    for point in points {
        let snapshot = Snapshot::resolve(&tag_of(point), Some(store))?;
        let drift = drift_snapshot(&snapshot, &PairSelection::All, &options)?;
        let pairs: Vec<&str> = drift.devices.iter().map(|d| d.name.as_str()).collect();
        out.push_str(&text::render_drift_line(point, &pairs));
        first.get_or_insert(drift);
    }
    if let Some(drift) = first.filter(|d| !d.devices.is_empty()) {
        out.push_str(&format!("\ndrift {}:\n", tag_of(points[0])));
        let plain = DiffReportOptions {
            color: false,
            stat: false,
            fleet_min: 0,
        };
        out.push_str(&report::render_diff_text(&drift, &plain));
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo")
    }

    fn files_on_disk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().into_string().unwrap();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                files_on_disk(&entry.path(), &rel, out);
            } else {
                out.push(rel);
            }
        }
    }

    #[test]
    fn embedded_list_matches_the_demo_folder() {
        let mut on_disk = Vec::new();
        files_on_disk(&demo_root(), "", &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = data::FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "engine/demo/data.rs is stale: run `python3 snapshots/tools/gen_demo.py`"
        );
        for (rel, bytes) in data::FILES {
            let disk = std::fs::read(demo_root().join(rel)).unwrap();
            assert!(disk == *bytes, "{rel} differs from its embedded copy");
        }
    }

    #[test]
    fn points_in_time_are_the_four_dates_oldest_first() {
        assert_eq!(
            points_in_time(),
            vec!["2023-04-01", "2023-05-15", "2023-06-30", "2023-07-01"]
        );
    }

    #[test]
    fn every_point_in_time_is_a_complete_snapshot() {
        for point in points_in_time() {
            let files: Vec<&str> = data::FILES
                .iter()
                .filter_map(|(p, _)| p.strip_prefix(point)?.strip_prefix('/'))
                .collect();
            assert!(files.contains(&"inventory.yaml"), "{point}");
            assert!(files.contains(&"sheets/vlans.xlsx"), "{point}");
            assert!(files.contains(&"sheets/vlans.schema.yaml"), "{point}");
            let configs = files.iter().filter(|f| f.starts_with("configs/")).count();
            assert!(configs >= 30, "{point} has only {configs} device configs");
        }
    }

    #[test]
    fn extracted_snapshots_load_and_only_the_last_window_breaks_a_sheet_rule() {
        let dir = tempfile::tempdir().unwrap();
        let points = extract(dir.path()).unwrap();
        for point in &points {
            let root = dir.path().join(point);
            let snapshot = Snapshot::resolve(root.to_str().unwrap(), None).unwrap();
            let tree = snapshot.open().unwrap();
            let (inventory, violations) = check(tree.as_ref()).unwrap();
            assert!(inventory.devices().len() >= 30, "{point}");
            // The backup after the 2023-06-30 window still has its sheets.
            if *point >= "2023-06-30" {
                let cells: Vec<_> = violations
                    .iter()
                    .map(|v| {
                        let table = v.table.as_ref().unwrap();
                        (
                            v.file.as_str(),
                            table.sheet.as_str(),
                            table.cell.as_deref(),
                            v.short_code(),
                        )
                    })
                    .collect();
                assert_eq!(
                    cells,
                    vec![("sheets/vlans.xlsx", "東センター", Some("D6"), "within")]
                );
            } else {
                assert!(violations.is_empty(), "{point}: {violations:?}");
            }
        }
    }
}
