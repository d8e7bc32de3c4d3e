//! `henko validate`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {}

/// Runs `henko validate`.
pub fn run(_args: ValidateArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko validate` is not available in this build yet"
    ))
}
