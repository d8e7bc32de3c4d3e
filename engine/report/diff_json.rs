//! A snapshot diff as JSON, schema `henko.diff/v1`.
//!
//! ```text
//! {
//!   "schema": "henko.diff/v1",
//!   "from": {"rev": "...", "commit": "..."},        // commit: 40 hex, or sha256:… for folders/files
//!   "to":   {"rev": "...", "commit": "..."},
//!   "summary": {"devices_changed", "devices_added", "devices_removed",
//!               "changes", "add", "remove", "modify", "move", "secret", "inventory"},
//!   "devices": [                                     // changed devices only, sorted by name
//!     {"name", "status": "modified|added|removed", "platform", "dialect", "config",
//!      "counts": {"changes", "add", "remove", "modify", "move", "secret", "inventory"},
//!      "changes": [
//!        {"op": "add|remove|modify|move",
//!         "path": ["section header", …, "line"],     // the line itself last
//!         "before": "line in FROM" | null,           // null for add
//!         "after": "line in TO" | null,              // null for remove
//!         "category": "config|secret|inventory",     // secret values are masked
//!         "line_before": 12 | null, "line_after": 14 | null,
//!         "body": ["  indented line", …]}            // only for a section added/removed whole
//!      ],
//!      "lines": "unified diff",                      // only with --lines or undialected files
//!      "warnings": ["…"]}                            // only when there are any
//!   ],
//!   "fleet": [                                       // changes shared by >= N devices
//!     {"op", "path", "before", "after", "category", "devices": [..], "not_on": [..]}
//!   ]
//! }
//! ```
//!
//! Fields are only ever added within v1. `devices[].changes` always lists
//! every change of the device, fleet changes included; `fleet` is a summary
//! for readers.

use super::diff_summary::{Counts, Summary};
use super::diff_text::DiffReportOptions;
use super::fleet::group;
use crate::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op, SnapshotDiff};
use crate::source::SnapshotRef;
use serde::Serialize;

/// The schema name written in every diff document.
pub const DIFF_SCHEMA: &str = "henko.diff/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    from: &'a SnapshotRef,
    to: &'a SnapshotRef,
    summary: Summary,
    devices: Vec<Device<'a>>,
    fleet: Vec<Fleet<'a>>,
}

#[derive(Serialize)]
struct Device<'a> {
    name: &'a str,
    status: DeviceStatus,
    platform: &'a str,
    dialect: &'static str,
    config: &'a str,
    counts: Counts,
    changes: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Fleet<'a> {
    op: Op,
    path: &'a [String],
    before: Option<&'a str>,
    after: Option<&'a str>,
    category: ChangeCategory,
    devices: Vec<&'a str>,
    not_on: Vec<&'a str>,
}

/// Renders `diff` as pretty-printed JSON (schema [`DIFF_SCHEMA`]), with a
/// trailing newline.
pub fn render_diff_json(diff: &SnapshotDiff, opts: &DiffReportOptions) -> String {
    let view = group(diff, opts.fleet_min);
    let document = Document {
        schema: DIFF_SCHEMA,
        from: &diff.from,
        to: &diff.to,
        summary: Summary::of(diff),
        devices: diff.devices.iter().map(device).collect(),
        fleet: view
            .groups
            .iter()
            .map(|g| Fleet {
                op: g.change.op,
                path: &g.change.path,
                before: g.change.before.as_deref(),
                after: g.change.after.as_deref(),
                category: g.change.category,
                devices: g.devices.clone(),
                not_on: g.missing.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("diff documents serialise");
    text.push('\n');
    text
}

fn device(device: &DeviceDiff) -> Device<'_> {
    Device {
        name: &device.name,
        status: device.status,
        platform: &device.platform,
        dialect: device.dialect.name(),
        config: &device.config,
        counts: Counts::of(&device.changes),
        changes: &device.changes,
        lines: device.lines.as_deref(),
        warnings: &device.warnings,
    }
}
