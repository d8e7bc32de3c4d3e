//! A snapshot diff as GitHub-flavoured Markdown for a pull-request comment:
//! a summary, fleet changes as a table, one collapsible `<details>` per
//! device with a `diff` block. Kept under [`MARKDOWN_LIMIT`] characters by
//! leaving devices out and saying which.

use super::diff_summary::{line_of, sign, status_label, Counts, Summary};
use super::diff_text::DiffReportOptions;
use super::escape::{fence_safe, html, markdown_code as code, markdown_text as cell};
use super::fleet::{group, name_list};
use crate::config::Dialect;
use crate::diff::{Change, DeviceDiff, Op, SnapshotDiff};
use std::fmt::Write;

/// A pull-request comment holds at most 65,536 characters; stay below.
pub const MARKDOWN_LIMIT: usize = 65_000;

/// Room kept for the closing note about what was left out.
const RESERVE: usize = 2_000;

/// Most change lines shown for one device before "… N more".
const DEVICE_LINE_CAP: usize = 300;

/// Renders `diff` as Markdown, never longer than [`MARKDOWN_LIMIT`]
/// characters.
pub fn render_diff_markdown(diff: &SnapshotDiff, opts: &DiffReportOptions) -> String {
    let summary = Summary::of(diff);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### henko diff `{}` → `{}`\n\n**{}**\n",
        code(&diff.from.rev),
        code(&diff.to.rev),
        summary.line()
    );
    if opts.stat {
        write_stat(&mut out, diff);
        return out;
    }
    let view = group(diff, opts.fleet_min);
    if !view.groups.is_empty() {
        let _ = writeln!(
            out,
            "#### Fleet changes\n\n| change | devices | not on |\n|---|---|---|"
        );
        let mut shown = 0;
        for fleet in &view.groups {
            let row = format!(
                "| `{}` {} | {} ({}) | {} |\n",
                sign(fleet.change.op),
                cell(&describe(fleet.change)),
                fleet.devices.len(),
                cell(&name_list(&fleet.devices, 8)),
                cell(&name_list(&fleet.missing, 8)),
            );
            if out.len() + row.len() > MARKDOWN_LIMIT / 3 {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        if shown < view.groups.len() {
            let _ = writeln!(
                out,
                "\n_{} more fleet changes left out; see `--format json`._",
                view.groups.len() - shown
            );
        }
        out.push('\n');
    }
    let mut left_out: Vec<&str> = Vec::new();
    let mut left_out_changes = 0;
    for (device, changes) in &view.devices {
        if changes.is_empty() && device.lines.is_none() {
            continue;
        }
        let block = device_block(device, changes);
        if left_out.is_empty() && out.len() + block.len() + RESERVE <= MARKDOWN_LIMIT {
            out.push_str(&block);
        } else {
            left_out.push(&device.name);
            left_out_changes += changes.len();
        }
    }
    if !left_out.is_empty() {
        let mut note = format!(
            "\n_{} device(s) with {} change(s) left out to stay under GitHub's comment size limit: ",
            left_out.len(),
            left_out_changes
        );
        let budget = MARKDOWN_LIMIT.saturating_sub(out.len() + note.len() + 200);
        let mut names = String::new();
        let mut listed = 0;
        for name in &left_out {
            if names.len() + name.len() + 2 > budget {
                break;
            }
            if listed > 0 {
                names.push_str(", ");
            }
            names.push_str(&cell(name));
            listed += 1;
        }
        note.push_str(&names);
        if listed < left_out.len() {
            let _ = write!(note, ", … and {} more", left_out.len() - listed);
        }
        note.push_str(". Run `henko diff` locally or use `--format json` for everything._\n");
        out.push_str(&note);
    }
    out
}

fn device_block(device: &DeviceDiff, changes: &[&Change]) -> String {
    let mut block = String::new();
    let grouped = device.changes.len() - changes.len();
    let mut title = format!(
        "<b>{}</b> ({}, {}) — {} change(s)",
        html(&device.name),
        html(if device.platform.is_empty() {
            device.dialect.name()
        } else {
            &device.platform
        }),
        status_label(device),
        changes.len()
    );
    if grouped > 0 {
        let _ = write!(title, " + {grouped} fleet");
    }
    let _ = writeln!(block, "<details><summary>{title}</summary>\n");
    for warning in &device.warnings {
        let _ = writeln!(block, "> warning: {}\n", cell(warning));
    }
    let mut lines = Vec::new();
    for change in changes {
        change_lines(change, device.dialect, &mut lines);
    }
    if !lines.is_empty() {
        block.push_str("```diff\n");
        for line in lines.iter().take(DEVICE_LINE_CAP) {
            block.push_str(&fence_safe(line));
            block.push('\n');
        }
        if lines.len() > DEVICE_LINE_CAP {
            let _ = writeln!(block, "# … {} more lines", lines.len() - DEVICE_LINE_CAP);
        }
        block.push_str("```\n");
    }
    if let Some(unified) = &device.lines {
        block.push_str("\n```diff\n");
        for line in unified.lines().take(DEVICE_LINE_CAP) {
            block.push_str(&fence_safe(line));
            block.push('\n');
        }
        block.push_str("```\n");
    }
    block.push_str("\n</details>\n\n");
    block
}

/// Turns a change into `diff`-block lines: context headers unsigned,
/// removed `-`, added `+`, a modify as `-`/`+`, a move as `!`.
fn change_lines(change: &Change, dialect: Dialect, out: &mut Vec<String>) {
    let depth = change.path.len().saturating_sub(1);
    let context = change.path[..depth].join(" › ");
    if !context.is_empty() {
        out.push(format!("  # {context}"));
    }
    let line = line_of(change);
    match change.op {
        Op::Modify => {
            out.push(format!(
                "- {}",
                change.before.as_deref().unwrap_or_default()
            ));
            out.push(format!("+ {line}"));
        }
        Op::Move => out.push(format!("! {line} (moved)")),
        Op::Add | Op::Remove => {
            let mark = sign(change.op);
            out.push(format!("{mark} {line}"));
            for body in change.display_body_lines(dialect) {
                out.push(format!("{mark} {body}"));
            }
        }
    }
}

fn describe(change: &Change) -> String {
    let context = change.path[..change.path.len().saturating_sub(1)].join(" › ");
    let line = match change.op {
        Op::Modify => format!(
            "{} → {}",
            change.before.as_deref().unwrap_or_default(),
            change.after.as_deref().unwrap_or_default()
        ),
        _ => line_of(change).to_string(),
    };
    if context.is_empty() {
        line
    } else {
        format!("{context} › {line}")
    }
}

fn write_stat(out: &mut String, diff: &SnapshotDiff) {
    out.push_str("| device | status | changes | + | - | ~ | > |\n|---|---|--:|--:|--:|--:|--:|\n");
    for device in &diff.devices {
        let row = {
            let c = Counts::of(&device.changes);
            format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                cell(&device.name),
                status_label(device),
                c.changes,
                c.add,
                c.remove,
                c.modify,
                c.moved
            )
        };
        if out.len() + row.len() + RESERVE > MARKDOWN_LIMIT {
            let _ = writeln!(
                out,
                "\n_Table cut to stay under GitHub's comment size limit._"
            );
            return;
        }
        out.push_str(&row);
    }
}
