//! `henko log`.

use super::{Format, Outcome};
use crate::source::{LogEntry, SourceError, Store, DEFAULT_BRANCH};
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
    let text = match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&entries)
                .map_err(|e| miette::miette!("cannot render the log as JSON: {e}"))?;
            json.push('\n');
            json
        }
        Format::Text => render_text(&entries),
        Format::Markdown => render_markdown(&entries),
    };
    super::print_out(&text)?;
    Ok(Outcome::Success)
}

/// One snapshot per line: id, time, files changed, tags, first message line.
fn render_text(entries: &[LogEntry]) -> String {
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
    }
    out
}

/// A Markdown table of the snapshots.
fn render_markdown(entries: &[LogEntry]) -> String {
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
    }
    out
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}
