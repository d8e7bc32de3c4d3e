//! The text of `henko demo`: the introduction, the snapshots and the log,
//! the checks of every point in time, the drift lines, a few lines per change
//! plan and the closing hints. The demo itself (`crate::demo`) runs the job
//! and hands its values here; this module only renders them.

use crate::config::{TableCell, Violation};
use crate::inventory::Inventory;
use crate::plan::{FindingKind, Plan, Risk};
use crate::source::LogEntry;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Risk findings listed per plan before the rest is counted.
const FINDINGS_SHOWN: usize = 12;

/// The opening lines: what the demo is, where its store and snapshots are.
pub fn render_intro(points: usize, store: &Path, snapshots: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "henko demo: a two-site private cloud (West = production, East = standby/verify)\n\
         at {points} points in time.\n"
    );
    let _ = writeln!(out, "store:     {}", store.display());
    let _ = writeln!(out, "snapshots: {}\n", snapshots.display());
    out
}

/// One line per committed point in time: its commit, whether anything
/// changed, and its tag.
pub fn render_snapshot_line(point: &str, commit: &str, committed: bool, tag: &str) -> String {
    let state = if committed { "committed" } else { "unchanged" };
    format!("snapshot {point}  {commit}  {state}  tag {tag}\n")
}

/// The store's log, newest first, one line per snapshot, under a heading.
pub fn render_log(entries: &[LogEntry]) -> String {
    let mut out = String::from("\nlog (newest first):\n");
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
    out.push('\n');
    out
}

/// The check result of every point in time, with a note when sheet
/// violations were found (the demo holds one on purpose).
pub fn render_checks(checks: &[(&str, Inventory, Vec<Violation>)]) -> String {
    let mut out = String::from("checks (inventory, parameter sheets against their schemas):\n");
    let mut violations = 0;
    for (point, inventory, found) in checks {
        violations += found.len();
        render_check(&mut out, point, inventory, found);
    }
    out.push('\n');
    if violations > 0 {
        out.push_str(
            "The sheet violations above are deliberate (see docs/demo.md): they are what\n\
             `henko validate` stops in CI before a bad parameter sheet is pushed.\n\n",
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
        let place = match &v.table {
            Some(TableCell {
                sheet,
                cell: Some(cell),
                ..
            }) if !sheet.is_empty() => format!("{sheet}!{cell}"),
            _ => format!("row {}", v.line),
        };
        let _ = writeln!(
            out,
            "      {} {place}  [{}] {}",
            v.file,
            v.short_code(),
            v.message
        );
    }
}

/// One line per point in time: how many site pairs differ, and which.
pub fn render_drift_line(point: &str, pairs: &[&str]) -> String {
    format!(
        "  {point}  {} pair(s) differ{}{}\n",
        pairs.len(),
        if pairs.is_empty() { "" } else { ": " },
        pairs.join(", ")
    )
}

/// A few lines per plan: risk, waves, the risk findings that matter,
/// approvals, failures and where the reports are.
pub fn render_plan_summary(out: &mut String, plan: &Plan, files: &[PathBuf]) {
    let _ = writeln!(
        out,
        "plan {} → {}: risk {}, {} device(s) in {} wave(s), hash {}",
        plan.from.rev,
        plan.to.rev,
        plan.risk.as_str().to_uppercase(),
        plan.devices.len(),
        plan.waves.len(),
        &plan.hash[..plan.hash.len().min(12)]
    );
    let waves: Vec<String> = plan
        .waves
        .iter()
        .map(|w| format!("{} {} ({})", w.number, w.env, w.devices.len()))
        .collect();
    let _ = writeln!(out, "  waves: {}", waves.join(", "));
    let findings = notable_findings(plan);
    for group in findings.iter().take(FINDINGS_SHOWN) {
        let _ = writeln!(
            out,
            "  [{}] {}: {} ({})",
            group.level.as_str(),
            group.rule,
            group.message,
            group.devices.join(", ")
        );
    }
    if findings.len() > FINDINGS_SHOWN {
        let _ = writeln!(
            out,
            "  … and {} more risk finding(s) in the reports",
            findings.len() - FINDINGS_SHOWN
        );
    }
    let mut roles: Vec<&str> = plan
        .approvals_required
        .iter()
        .map(|a| a.role.as_str())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if !roles.is_empty() {
        let _ = writeln!(out, "  approvals required: {}", roles.join(", "));
    }
    if !plan.script_failures.is_empty() {
        let _ = writeln!(
            out,
            "  {} script call(s) failed; recorded in the plan",
            plan.script_failures.len()
        );
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(out, "  reports: {}\n", names.join("\n           "));
}

/// One risk finding and every device it was raised on.
struct FindingGroup<'a> {
    level: Risk,
    rule: &'a str,
    message: &'a str,
    devices: Vec<&'a str>,
}

/// Risk findings at medium or above, the same rule and message on several
/// devices shown once, highest level first (stable within a level, so the
/// plan's own order is kept).
fn notable_findings(plan: &Plan) -> Vec<FindingGroup<'_>> {
    let all = plan
        .devices
        .iter()
        .flat_map(|d| d.findings.iter().map(move |f| (d.name.as_str(), f)))
        .chain(plan.findings.iter().map(|f| ("plan-wide", f)));
    let mut groups: Vec<FindingGroup<'_>> = Vec::new();
    for (device, finding) in all {
        let FindingKind::Risk {
            level,
            rule,
            message,
            ..
        } = &finding.kind
        else {
            continue;
        };
        let level = Risk::from(*level);
        if level < Risk::Medium {
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.level == level && g.rule == rule && g.message == message)
        {
            Some(group) if !group.devices.contains(&device) => group.devices.push(device),
            Some(_) => {}
            None => groups.push(FindingGroup {
                level,
                rule,
                message,
                devices: vec![device],
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.level));
    groups
}

/// What to try next, and where the store is. `removed` says the store is
/// gone already (`--clean`).
pub fn render_next_steps(store: &Path, first: &str, last: &str, removed: bool) -> String {
    let mut out = String::new();
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
    for command in [
        "log".to_string(),
        format!("diff {first} {last}"),
        format!("plan {first} {last}"),
        format!("validate {last}"),
        format!("drift {last} --all-pairs"),
    ] {
        let _ = writeln!(out, "  henko --repo {repo} {command}");
    }
    out.push_str(
        "(`henko` is on the PATH after `cargo install --path .` in the source folder;\n\
         there, `cargo run --release --` works in its place.)\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_name_the_store_and_both_tags() {
        let text = render_next_steps(Path::new("/tmp/s"), "demo-a", "demo-b", false);
        assert!(text.starts_with("The store is kept at /tmp/s. Try:\n"));
        assert!(text.contains("  henko --repo /tmp/s diff demo-a demo-b\n"));
        assert!(text.contains("  henko --repo /tmp/s drift demo-b --all-pairs\n"));
        assert!(text.contains("cargo install --path ."), "{text}");
        let gone = render_next_steps(Path::new("/tmp/s"), "demo-a", "demo-b", true);
        assert!(gone.starts_with("The store at /tmp/s is removed now (--clean)"));
    }

    #[test]
    fn drift_line_lists_the_pairs_only_when_there_are_some() {
        assert_eq!(
            render_drift_line("2023-04-01", &[]),
            "  2023-04-01  0 pair(s) differ\n"
        );
        assert_eq!(
            render_drift_line("2023-04-01", &["w-fw01", "e-fw01"]),
            "  2023-04-01  2 pair(s) differ: w-fw01, e-fw01\n"
        );
    }
}
