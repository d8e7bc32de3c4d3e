//! `henko scripts`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko scripts`.
#[derive(Debug, clap::Args)]
pub struct ScriptsArgs {}

/// Runs `henko scripts`.
pub fn run(_args: ScriptsArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko scripts` is not available in this build yet"
    ))
}
