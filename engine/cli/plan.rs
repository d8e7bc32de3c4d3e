//! `henko plan`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {}

/// Runs `henko plan`.
pub fn run(_args: PlanArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko plan` is not available in this build yet"
    ))
}
