//! A snapshot diff as text for a terminal: fleet changes first, then each
//! device with its section paths as context, `+`/`-`/`~`/`>` like git, and
//! a summary line.

use super::color::Palette;
use super::diff_summary::{line_of, sign, status_label, Counts, Summary};
use super::fleet::{group, name_list};
use crate::config::Dialect;
use crate::diff::{Change, DeviceDiff, Op, SnapshotDiff};
use std::fmt::Write;

/// How a diff report is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiffReportOptions {
    /// ANSI colour (text only).
    pub color: bool,
    /// One line per device with counts instead of the changes.
    pub stat: bool,
    /// Smallest number of devices sharing a change for it to be shown once
    /// as a fleet change; below 2, grouping is off.
    pub fleet_min: usize,
}

impl Default for DiffReportOptions {
    fn default() -> Self {
        DiffReportOptions {
            color: false,
            stat: false,
            fleet_min: super::fleet::DEFAULT_FLEET_MIN,
        }
    }
}

/// Renders `diff` as text.
pub fn render_diff_text(diff: &SnapshotDiff, opts: &DiffReportOptions) -> String {
    let palette = Palette::new(opts.color);
    let summary = Summary::of(diff);
    let mut out = String::new();
    if opts.stat {
        write_stat(&mut out, diff, palette);
        let _ = writeln!(out, "{}", summary.line());
        return out;
    }
    let view = group(diff, opts.fleet_min);
    if !view.groups.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            palette.heading(&format!(
                "Fleet changes (same change on {} or more devices)",
                opts.fleet_min
            ))
        );
        for fleet in &view.groups {
            let parents = &fleet.change.path[..fleet.change.path.len().saturating_sub(1)];
            if !parents.is_empty() {
                let _ = writeln!(out, "  {}", palette.dim(&parents.join(" › ")));
            }
            let indent = if parents.is_empty() { "" } else { "  " };
            write_change(&mut out, fleet.change, fleet.dialect, indent, palette);
            let _ = writeln!(
                out,
                "    {}",
                palette.dim(&format!(
                    "on {} devices: {}",
                    fleet.devices.len(),
                    name_list(&fleet.devices, 12)
                ))
            );
            if !fleet.missing.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    palette.dim(&format!(
                        "not on {}: {}",
                        fleet.missing.len(),
                        name_list(&fleet.missing, 12)
                    ))
                );
            }
        }
        out.push('\n');
    }
    for (device, changes) in &view.devices {
        if changes.is_empty() && device.lines.is_none() {
            continue;
        }
        write_device(&mut out, device, changes, palette);
    }
    let _ = writeln!(out, "{}", summary.line());
    out
}

fn write_device(out: &mut String, device: &DeviceDiff, changes: &[&Change], palette: Palette) {
    let grouped = device.changes.len() - changes.len();
    let mut title = format!(
        "{} ({}, {})",
        device.name,
        if device.platform.is_empty() {
            device.dialect.name()
        } else {
            &device.platform
        },
        status_label(device)
    );
    if grouped > 0 {
        title.push_str(&format!(" — plus {grouped} fleet change(s) above"));
    }
    let _ = writeln!(out, "{}", palette.heading(&title));
    for warning in &device.warnings {
        let _ = writeln!(out, "  {}", palette.dim(&format!("warning: {warning}")));
    }
    let mut context: &[String] = &[];
    for change in changes {
        let parents = &change.path[..change.path.len().saturating_sub(1)];
        // Print the section headers that differ from the previous change's.
        let common = parents
            .iter()
            .zip(context)
            .take_while(|(a, b)| a == b)
            .count();
        if common < parents.len() || parents.len() < context.len() {
            for (depth, header) in parents.iter().enumerate().skip(common) {
                let _ = writeln!(
                    out,
                    "  {:indent$}{}",
                    "",
                    palette.dim(header),
                    indent = depth * 2
                );
            }
        }
        context = parents;
        let indent = "  ".repeat(parents.len());
        write_change(out, change, device.dialect, &indent, palette);
    }
    if let Some(lines) = &device.lines {
        for line in lines.lines() {
            let painted = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => palette.added(line),
                Some(b'-') if !line.starts_with("---") => palette.removed(line),
                Some(b'@') => palette.moved(line),
                _ => line.to_string(),
            };
            let _ = writeln!(out, "  {painted}");
        }
    }
    out.push('\n');
}

/// Writes one change: its sign and line, a modify's new value, a move's
/// lines, and an added or removed section's body.
fn write_change(
    out: &mut String,
    change: &Change,
    dialect: Dialect,
    indent: &str,
    palette: Palette,
) {
    let paint = |text: &str| match change.op {
        Op::Add => palette.added(text),
        Op::Remove => palette.removed(text),
        Op::Modify => palette.modified(text),
        Op::Move => palette.moved(text),
    };
    let line = line_of(change);
    let mark = sign(change.op);
    match change.op {
        Op::Modify => {
            let before = change.before.as_deref().unwrap_or_default();
            let _ = writeln!(out, "  {indent}{}", paint(&format!("{mark} {before}")));
            let _ = writeln!(out, "  {indent}{}", paint(&format!("  → {line}")));
        }
        Op::Move => {
            let lines = match (change.line_before, change.line_after) {
                (Some(b), Some(a)) => format!(" (moved: line {b} → {a})"),
                _ => " (moved)".to_string(),
            };
            let _ = writeln!(
                out,
                "  {indent}{}{}",
                paint(&format!("{mark} {line}")),
                palette.dim(&lines)
            );
        }
        Op::Add | Op::Remove => {
            let _ = writeln!(out, "  {indent}{}", paint(&format!("{mark} {line}")));
            for body in change.display_body_lines(dialect) {
                let _ = writeln!(out, "  {indent}{}", paint(&format!("{mark} {body}")));
            }
        }
    }
}

fn write_stat(out: &mut String, diff: &SnapshotDiff, palette: Palette) {
    let width = diff
        .devices
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0);
    for device in &diff.devices {
        let counts = Counts::of(&device.changes);
        let _ = writeln!(
            out,
            " {:width$} | {:>4} {} {} {} {}{}",
            device.name,
            counts.changes,
            palette.added(&format!("+{}", counts.add)),
            palette.removed(&format!("-{}", counts.remove)),
            palette.modified(&format!("~{}", counts.modify)),
            palette.moved(&format!(">{}", counts.moved)),
            match status_label(device) {
                "modified" => String::new(),
                other => format!("  ({other})"),
            },
        );
    }
}
