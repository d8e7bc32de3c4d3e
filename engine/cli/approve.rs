//! `henko approve`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {}

/// Runs `henko approve`.
pub fn run(_args: ApproveArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko approve` is not available in this build yet"
    ))
}
