//! `henko check`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// Runs `henko check`.
pub fn run(_args: CheckArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko check` is not available in this build yet"
    ))
}
