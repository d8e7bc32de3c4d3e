//! `henko diff`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {}

/// Runs `henko diff`.
pub fn run(_args: DiffArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko diff` is not available in this build yet"
    ))
}
