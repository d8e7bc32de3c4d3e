//! `henko compliance [SNAPSHOT] [--format text|json|markdown] [--device GLOB] [--html FILE]`:
//! each templated device's backup against its rendering, within scope.
//!
//! Exit codes: 0 when every templated device complies, 1 otherwise, 2 on
//! template, sheet or input errors.

use super::{print_out, Format, Outcome};
use crate::intended::{intended_set, IntendedError};
use crate::inventory::Glob;
use crate::plan::compliance::compliance;
use crate::report::compliance::{render_html, render_json, render_markdown, render_text};
use crate::source::Snapshot;
use miette::{IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko compliance`.
#[derive(Debug, clap::Args)]
pub struct ComplianceArgs {
    /// Snapshot whose backups are held against its own templates and sheets
    /// (default: the tip of the `snapshots` branch, else the current directory).
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Only devices whose name matches this glob.
    #[arg(long, value_name = "GLOB")]
    pub device: Option<String>,
    /// Also write the report as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Runs `henko compliance`.
pub fn run(args: ComplianceArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let target = args
        .snapshot
        .clone()
        .unwrap_or_else(|| super::validate::default_target(repo));
    let snapshot = Snapshot::resolve(&target, repo)?;
    let glob = args.device.as_deref().map(Glob::new).transpose()?;
    let select = |d: &crate::inventory::Device| glob.as_ref().is_none_or(|g| g.matches(&d.name));
    let set = intended_set(&snapshot, &snapshot)?.ok_or(IntendedError::NoTemplates {
        rev: target.clone(),
    })?;
    let report = compliance(&set, &snapshot, &select)?;
    if let Some(path) = &args.html {
        std::fs::write(path, render_html(&report))
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    let out = match args.format {
        Format::Text => render_text(&report),
        Format::Json => render_json(&report),
        Format::Markdown => render_markdown(&report),
    };
    print_out(&out)?;
    Ok(if report.all_compliant() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
