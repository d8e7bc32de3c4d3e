//! `henko init`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {}

/// Runs `henko init`.
pub fn run(_args: InitArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko init` is not available in this build yet"
    ))
}
