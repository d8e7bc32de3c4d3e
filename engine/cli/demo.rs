//! `henko demo`: builds a snapshot store from the embedded two-site demo
//! (`snapshots/demo/`, compiled into the binary) and runs the main job on it
//! end to end: one snapshot per point in time, the log, the checks of every
//! snapshot (inventory, parameter sheets against their schemas), the diff,
//! and a change plan per window with its reports.
//!
//! What the demo contains and what each point in time changes is described
//! in `docs/demo.md`.

#[path = "demo_data.rs"]
mod data;
#[path = "demo_plan.rs"]
mod plans;

use super::Outcome;
use crate::config::sheet::{validate_snapshot, Violation};
use crate::diff::drift::{drift_snapshot, PairSelection};
use crate::diff::{self, DiffOptions};
use crate::inventory::{self, Inventory};
use crate::report::{self, DiffReportOptions};
use crate::source::{
    FileTree, LogEntry, Snapshot, SnapshotOptions, SnapshotOutcome, Store, DEFAULT_BRANCH,
};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `henko demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the temporary folder (the store, the extracted snapshots and
    /// the reports). This is the default; the flag is accepted for scripts
    /// that spell it out.
    #[arg(long, conflicts_with = "clean")]
    pub keep: bool,
    /// Remove the temporary folder when the demo ends.
    #[arg(long)]
    pub clean: bool,
    /// Build the demo in DIR (created when missing, must be empty) instead
    /// of a temporary folder. DIR is always kept.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The folder the demo works in, and whether it goes away at the end.
struct Workspace {
    path: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl Workspace {
    fn create(args: &DemoArgs) -> miette::Result<Workspace> {
        if let Some(out) = &args.out {
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
        if !args.clean {
            let path = temp.keep();
            return Ok(Workspace { path, temp: None });
        }
        Ok(Workspace {
            path: temp.path().to_path_buf(),
            temp: Some(temp),
        })
    }
}

/// Runs `henko demo`. The global `--repo` is not used: the demo builds its
/// own store.
pub fn run(args: DemoArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    let workspace = Workspace::create(&args)?;
    let snapshots = workspace.path.join("snapshots");
    let points = extract(&snapshots)?;
    let store_dir = workspace.path.join("store");
    let store = Store::init(&store_dir, false)?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "henko demo: a two-site private cloud (West = production, East = standby/verify)\n\
         at {} points in time.\n",
        points.len()
    );
    let _ = writeln!(out, "store:     {}", store_dir.display());
    let _ = writeln!(out, "snapshots: {}\n", snapshots.display());
    super::print_out(&out)?;

    out.clear();
    snapshot_all(&mut out, &store, &snapshots, &points)?;
    super::print_out(&out)?;

    out.clear();
    render_checks(&mut out, store.path(), &points)?;
    super::print_out(&out)?;

    out.clear();
    render_diffs(&mut out, store.path(), &points)?;
    render_drift(&mut out, store.path(), &points)?;
    super::print_out(&out)?;

    out.clear();
    let tags: Vec<String> = points.iter().map(|p| tag_of(p)).collect();
    plans::write_plans(
        &mut out,
        store.path(),
        &workspace.path.join("reports"),
        &tags,
    )?;
    render_next_steps(&mut out, &store_dir, &points, workspace.temp.is_some());
    super::print_out(&out)?;
    drop(workspace);
    Ok(Outcome::Success)
}

/// Commits every point in time, oldest first, tagged; then lists the log.
fn snapshot_all(
    out: &mut String,
    store: &Store,
    snapshots: &Path,
    points: &[&str],
) -> miette::Result<()> {
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
        let state = match outcome {
            SnapshotOutcome::Committed(_) => "committed",
            SnapshotOutcome::Unchanged(_) => "unchanged",
        };
        let _ = writeln!(
            out,
            "snapshot {point}  {}  {state}  tag {tag}",
            outcome.commit()
        );
    }
    out.push('\n');
    out.push_str("log (newest first):\n");
    out.push_str(&render_log(&store.log(DEFAULT_BRANCH)?));
    out.push('\n');
    Ok(())
}

/// Reads every tagged snapshot back from the store and checks it.
fn render_checks(out: &mut String, store: &Path, points: &[&str]) -> miette::Result<()> {
    out.push_str("checks (inventory, parameter sheets against their schemas):\n");
    let mut violations = 0;
    for point in points {
        let snapshot = Snapshot::resolve(&tag_of(point), Some(store))?;
        let tree = snapshot.open()?;
        let (inventory, found) = check(tree.as_ref())?;
        violations += found.len();
        render_check(out, point, &inventory, &found);
    }
    out.push('\n');
    if violations > 0 {
        out.push_str(
            "The sheet violations above are deliberate (see docs/demo.md): they are what\n\
             `henko validate` stops in CI before a bad parameter sheet is pushed.\n\n",
        );
    }
    Ok(())
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

/// One line per snapshot, newest first.
fn render_log(entries: &[LogEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let id = &entry.id[..entry.id.len().min(12)];
        let tags = if entry.tags.is_empty() {
            String::new()
        } else {
            format!("  ({})", entry.tags.join(", "))
        };
        let _ = writeln!(
            out,
            "  {id}  {}  {:>3} files changed  {}{tags}",
            entry.time,
            entry.files_changed,
            entry.message.lines().next().unwrap_or_default()
        );
    }
    out
}

/// The check result of one point in time.
fn render_check(out: &mut String, point: &str, inventory: &Inventory, violations: &[Violation]) {
    let devices = inventory.devices();
    let pairs = devices.iter().filter(|d| d.pair.is_some()).count() / 2;
    let sites: BTreeSet<&str> = devices.iter().map(|d| d.site.as_str()).collect();
    let _ = writeln!(
        out,
        "  {point}  inventory: {} devices, {pairs} site pairs, sites {}; sheets: {}",
        devices.len(),
        sites.into_iter().collect::<Vec<_>>().join("/"),
        match violations.len() {
            0 => "valid".to_string(),
            1 => "1 violation".to_string(),
            n => format!("{n} violations"),
        }
    );
    for v in violations {
        let place = match &v.cell {
            Some(cell) if !v.sheet.is_empty() => format!("{}!{cell}", v.sheet),
            _ => format!("row {}", v.row),
        };
        let _ = writeln!(out, "      {} {place}  [{}] {}", v.file, v.code, v.message);
    }
}

/// The diff of the whole period as one line per device, then the full diff
/// of the last change window (the one a reviewer would look at).
fn render_diffs(out: &mut String, store: &Path, points: &[&str]) -> miette::Result<()> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(());
    };
    let previous = points.len().checked_sub(2).map_or(*first, |i| points[i]);
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let snapshot = |point: &str| Snapshot::resolve(&tag_of(point), Some(store));
    let options = DiffOptions::default();

    let whole = diff::diff_snapshots(&snapshot(first)?, &snapshot(last)?, &options)?;
    let _ = writeln!(out, "diff {} {} (per device):", tag_of(first), tag_of(last));
    let stat = DiffReportOptions {
        color,
        stat: true,
        fleet_min: report::DEFAULT_FLEET_MIN,
    };
    out.push_str(&report::render_diff_text(&whole, &stat));
    out.push('\n');

    let window = diff::diff_snapshots(&snapshot(previous)?, &snapshot(last)?, &options)?;
    let _ = writeln!(out, "diff {} {}:", tag_of(previous), tag_of(last));
    let full = DiffReportOptions {
        stat: false,
        ..stat
    };
    out.push_str(&report::render_diff_text(&window, &full));
    out.push('\n');
    Ok(())
}

/// Site-pair drift at every point in time (one line each), then the full
/// drift of the first: the deliberate difference the demo holds.
fn render_drift(out: &mut String, store: &Path, points: &[&str]) -> miette::Result<()> {
    out.push_str("drift (West production vs East standby, site values substituted):\n");
    let options = DiffOptions::default();
    let mut first = None;
    for point in points {
        let snapshot = Snapshot::resolve(&tag_of(point), Some(store))?;
        let drift = drift_snapshot(&snapshot, &PairSelection::All, &options)?;
        let pairs: Vec<&str> = drift.devices.iter().map(|d| d.name.as_str()).collect();
        let _ = writeln!(
            out,
            "  {point}  {} pair(s) differ{}{}",
            pairs.len(),
            if pairs.is_empty() { "" } else { ": " },
            pairs.join(", ")
        );
        first.get_or_insert(drift);
    }
    if let Some(drift) = first.filter(|d| !d.devices.is_empty()) {
        let _ = writeln!(out, "\ndrift {}:", tag_of(points[0]));
        let text = DiffReportOptions {
            color: false,
            stat: false,
            fleet_min: 0,
        };
        out.push_str(&report::render_diff_text(&drift, &text));
    }
    out.push('\n');
    Ok(())
}

/// What to try next, and where the store is.
fn render_next_steps(out: &mut String, store: &Path, points: &[&str], removed: bool) {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let repo = store.display();
    if removed {
        let _ = writeln!(
            out,
            "The store at {repo} is removed now (--clean); run `henko demo` without\n\
             --clean (or `henko demo --out DIR`) to keep it and try:"
        );
    } else {
        let _ = writeln!(out, "The store is kept at {repo}. Try:");
    }
    let (first, last) = (tag_of(first), tag_of(last));
    for command in [
        "log".to_string(),
        format!("diff {first} {last}"),
        format!("plan {first} {last}"),
        format!("validate {last}"),
        format!("drift {last} --all-pairs"),
    ] {
        let _ = writeln!(out, "  henko --repo {repo} {command}");
    }
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
            "engine/cli/demo_data.rs is stale: run `python3 snapshots/tools/gen_demo.py`"
        );
        for (rel, bytes) in data::FILES {
            let disk = std::fs::read(demo_root().join(rel)).unwrap();
            assert!(disk == *bytes, "{rel} differs from its embedded copy");
        }
    }

    #[test]
    fn points_in_time_are_the_three_dates_oldest_first() {
        assert_eq!(
            points_in_time(),
            vec!["2023-04-01", "2023-05-15", "2023-06-30"]
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
    fn extracted_snapshots_load_and_only_the_last_breaks_a_sheet_rule() {
        let dir = tempfile::tempdir().unwrap();
        let points = extract(dir.path()).unwrap();
        for point in &points {
            let root = dir.path().join(point);
            let snapshot = Snapshot::resolve(root.to_str().unwrap(), None).unwrap();
            let tree = snapshot.open().unwrap();
            let (inventory, violations) = check(tree.as_ref()).unwrap();
            assert!(inventory.devices().len() >= 30, "{point}");
            if *point == "2023-06-30" {
                let cells: Vec<_> = violations
                    .iter()
                    .map(|v| {
                        (
                            v.file.as_str(),
                            v.sheet.as_str(),
                            v.cell.as_deref(),
                            v.code.as_str(),
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
