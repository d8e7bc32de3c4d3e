//! `henko snapshot`.

use super::Outcome;
use std::path::Path;

/// Arguments of `henko snapshot`.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {}

/// Runs `henko snapshot`.
pub fn run(_args: SnapshotArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    Err(miette::miette!(
        "`henko snapshot` is not available in this build yet"
    ))
}
