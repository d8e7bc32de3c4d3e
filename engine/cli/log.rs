//! `henko log`.

use super::{Format, Outcome};
use crate::plan::approval::short;
use crate::source::{LogEntry, SourceError, Store, DEFAULT_BRANCH};
use crate::verify::record::{read_records, StoredRecord};
use std::fmt::Write;
use std::path::Path;

/// Arguments of `henko log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The branch to list (default: snapshots).
    #[arg(long, value_name = "B")]
    pub branch: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `henko log`.
pub fn run(args: LogArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let store = Store::open(repo)?;
    let branch = args.branch.as_deref().unwrap_or(DEFAULT_BRANCH);
    let entries = match store.log(branch) {
        Ok(entries) => entries,
        // A new store has no snapshots branch yet: an empty history.
        Err(SourceError::UnknownBranch { .. }) if args.branch.is_none() => {
            eprintln!("no snapshots yet (take one with `henko snapshot DIR`)");
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    let records = read_records(&store)?;
    let text = match args.format {
        Format::Json => render_json(&entries, &records)?,
        Format::Text => render_text(&entries, &records),
        Format::Markdown => render_markdown(&entries, &records),
    };
    super::print_out(&text)?;
    Ok(Outcome::Success)
}

/// One line about an execution record: plan, who, outcome.
fn record_line(stored: &StoredRecord) -> String {
    let record = &stored.record;
    let mut line = format!(
        "record of plan {} by {}",
        short(&record.plan_hash),
        record.by
    );
    if let Some(checker) = &record.checked_by {
        line.push_str(&format!(", checked by {checker}"));
    }
    let counts: Vec<String> = record
        .verification
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| format!("{n} {o}"))
        .collect();
    line.push_str(&format!(
        ": {} ({}) at {}",
        if record.passed {
            "landed"
        } else {
            "needs attention"
        },
        counts.join(", "),
        record.time
    ));
    line
}

/// The records read from the snapshot `id`.
fn records_of<'a>(
    records: &'a [StoredRecord],
    id: &'a str,
) -> impl Iterator<Item = &'a StoredRecord> {
    records.iter().filter(move |r| r.record.after.commit == id)
}

/// Records whose AFTER is not a snapshot of this branch (a folder, another
/// branch).
fn elsewhere<'a>(records: &'a [StoredRecord], entries: &[LogEntry]) -> Vec<&'a StoredRecord> {
    records
        .iter()
        .filter(|r| !entries.iter().any(|e| e.id == r.record.after.commit))
        .collect()
}

/// The log as JSON: the snapshots as before, each with the execution
/// records read from it, and the other records apart.
fn render_json(entries: &[LogEntry], records: &[StoredRecord]) -> miette::Result<String> {
    let summary = |r: &StoredRecord| {
        serde_json::json!({
            "commit": r.commit,
            "plan_hash": r.record.plan_hash,
            "by": r.record.by,
            "checked_by": r.record.checked_by,
            "time": r.record.time,
            "passed": r.record.passed,
            "after": r.record.after,
        })
    };
    let snapshots: Vec<serde_json::Value> = entries
        .iter()
        .map(|entry| {
            let mut value = serde_json::to_value(entry).unwrap_or_default();
            value["records"] = records_of(records, &entry.id).map(summary).collect();
            value
        })
        .collect();
    let mut json = serde_json::to_string_pretty(&snapshots)
        .map_err(|e| miette::miette!("cannot render the log as JSON: {e}"))?;
    json.push('\n');
    let other: Vec<serde_json::Value> = elsewhere(records, entries)
        .into_iter()
        .map(summary)
        .collect();
    if !other.is_empty() {
        // Kept out of the array so its shape stays one object per snapshot.
        eprintln!(
            "{} execution record(s) read from backups outside this branch: see `git log {}` in the store",
            other.len(),
            crate::verify::record::RECORDS_REF
        );
    }
    Ok(json)
}

/// One snapshot per line: id, time, files changed, tags, first message
/// line; under it, the execution records read from that snapshot.
fn render_text(entries: &[LogEntry], records: &[StoredRecord]) -> String {
    let mut out = String::new();
    for entry in entries {
        let files = if entry.files_changed == 1 {
            "file"
        } else {
            "files"
        };
        let _ = write!(
            out,
            "{}  {}  {:>5} {files:<5}",
            entry.id, entry.time, entry.files_changed
        );
        if !entry.tags.is_empty() {
            let _ = write!(out, "  (tag: {})", entry.tags.join(", "));
        }
        let _ = writeln!(out, "  {}", first_line(&entry.message));
        for record in records_of(records, &entry.id) {
            let _ = writeln!(out, "    └ {}", record_line(record));
        }
    }
    for record in elsewhere(records, entries) {
        let _ = writeln!(
            out,
            "{} (after {})",
            record_line(record),
            record.record.after.rev
        );
    }
    out
}

/// A Markdown table of the snapshots, a row per execution record under
/// the snapshot it was read from.
fn render_markdown(entries: &[LogEntry], records: &[StoredRecord]) -> String {
    let mut out = String::from(
        "| snapshot | time | files changed | tags | message |\n|---|---|---:|---|---|\n",
    );
    for entry in entries {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            &entry.id[..12.min(entry.id.len())],
            entry.time,
            entry.files_changed,
            entry.tags.join(", "),
            first_line(&entry.message).replace('|', "\\|")
        );
        for record in records_of(records, &entry.id) {
            let _ = writeln!(
                out,
                "| ↳ record | {} | | | {} |",
                record.record.time,
                record_line(record).replace('|', "\\|")
            );
        }
    }
    out
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}
