//! `henko drift [REV|DIR]`: compares HA/DR pairs and reports what really
//! differs once the declared site differences are mapped away.
//!
//! Exit codes: 0 no drift, 1 drift remains (so it can run nightly in CI),
//! 2 unreadable input or invalid rules.

use super::{print_out, Format, Outcome};
use crate::diff::drift::{drift_snapshot, PairSelection};
use crate::diff::DiffOptions;
use crate::report::{self, DiffReportOptions};
use crate::source::Snapshot;
use miette::miette;
use std::io::IsTerminal;
use std::path::Path;

/// Arguments of `henko drift`.
#[derive(Debug, clap::Args)]
pub struct DriftArgs {
    /// Snapshot to check: a revision of the store or a folder (default: the
    /// tip of the `snapshots` branch).
    #[arg(value_name = "REV|DIR")]
    pub target: Option<String>,
    /// Compare only this pair, `LEFT=RIGHT` (repeatable).
    #[arg(long, value_name = "A=B", conflicts_with = "all_pairs")]
    pub pair: Vec<String>,
    /// Compare every pair declared in the inventory (the default).
    #[arg(long)]
    pub all_pairs: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show secret values instead of fingerprints.
    #[arg(long)]
    pub show_secrets: bool,
}

/// Runs `henko drift`.
pub fn run(args: DriftArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let target = args.target.as_deref().unwrap_or("snapshots");
    let snapshot = Snapshot::resolve(target, repo)?;
    let selection = if args.pair.is_empty() {
        PairSelection::All
    } else {
        PairSelection::Only(
            args.pair
                .iter()
                .map(|p| {
                    p.split_once('=')
                        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                        .ok_or_else(|| miette!("--pair wants LEFT=RIGHT, got `{p}`"))
                })
                .collect::<miette::Result<_>>()?,
        )
    };
    let options = DiffOptions {
        show_secrets: args.show_secrets,
        ..DiffOptions::default()
    };
    let drift = drift_snapshot(&snapshot, &selection, &options)?;
    let color = args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let report_opts = DiffReportOptions {
        color,
        fleet_min: 0,
        ..DiffReportOptions::default()
    };
    let text = match args.format {
        Format::Text => report::render_diff_text(&drift, &report_opts),
        Format::Json => report::render_diff_json(&drift, &report_opts),
        Format::Markdown => report::render_diff_markdown(&drift, &report_opts),
    };
    print_out(&text)?;
    Ok(if drift.devices.is_empty() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
