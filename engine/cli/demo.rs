//! `henko demo`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {}

/// Runs `henko demo`.
pub fn run(_args: DemoArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko demo` is not available in this build yet"
    ))
}
