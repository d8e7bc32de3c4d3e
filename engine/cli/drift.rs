//! `henko drift`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko drift`.
#[derive(Debug, clap::Args)]
pub struct DriftArgs {}

/// Runs `henko drift`.
pub fn run(_args: DriftArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko drift` is not available in this build yet"
    ))
}
