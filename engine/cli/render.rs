//! `henko render [SNAPSHOT] [-o DIR] [--device GLOB] [--format text|json]`:
//! renders the snapshot's templates and sheets for every templated device.
//!
//! With `-o DIR` the intended part of each device's config is written to
//! `DIR/configs/<device>.<ext>` and a summary printed; without it the
//! renderings themselves are printed. Template and sheet errors exit 2
//! with `templates/x.j2:LINE:COL` (and the sheet cell, for sheet values).
//!
//! Secrets are rendered in clear, on purpose: render's output is the
//! intended configuration an operator applies, its values come from the
//! snapshot's own sheets (readable by whoever can run render), and a masked
//! value could not be applied. Reports about devices — `compliance`, plans —
//! mask them with the store's fingerprint key instead.

use super::{print_out, Format, Outcome};
use crate::intended::{extension, intended_set, IntendedError};
use crate::inventory::Glob;
use crate::report::intended::{render_json, render_text, RenderedDevice};
use crate::source::Snapshot;
use miette::{IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Snapshot to render: a revision, or a folder (default: the tip of the
    /// `snapshots` branch, else the current directory).
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: Option<String>,
    /// Write `DIR/configs/<device>.<ext>` instead of printing the renderings.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Only devices whose name matches this glob.
    #[arg(long, value_name = "GLOB")]
    pub device: Option<String>,
    /// Output format (`markdown` prints the text form).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `henko render`.
pub fn run(args: RenderArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
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
    // Each rendering is written as soon as it is made; only what is
    // printed is kept (the text itself only when printed).
    let keep_text = args.output.is_none() || matches!(args.format, Format::Json);
    let devices = set.map_rendered(&select, |device, rendering| {
        let file = args.output.as_ref().map(|dir| {
            dir.join("configs").join(format!(
                "{}.{}",
                device.name,
                extension(&device.config, rendering.dialect)
            ))
        });
        let text = rendering.text();
        if let Some(path) = &file {
            write(path, text.as_bytes())?;
        }
        Ok::<_, miette::Report>(RenderedDevice {
            name: device.name.clone(),
            features: rendering
                .features
                .iter()
                .map(|f| set.renderer.features[f.feature].name.clone())
                .collect(),
            lines: text.lines().count(),
            file: file.map(|p| p.display().to_string()),
            text: if keep_text { text } else { String::new() },
        })
    })?;
    let out = match args.format {
        Format::Json => render_json(&devices),
        Format::Text | Format::Markdown => render_text(&devices, args.output.is_none()),
    };
    print_out(&out)?;
    Ok(Outcome::Success)
}

fn write(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}
