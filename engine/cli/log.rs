//! `henko log`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {}

/// Runs `henko log`.
pub fn run(_args: LogArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko log` is not available in this build yet"
    ))
}
