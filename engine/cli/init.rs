//! `henko init`.

use super::Outcome;
use crate::source::Store;
use std::path::{Path, PathBuf};

/// Arguments of `henko init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create the store (default: `--repo`, else the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Adopt a folder that already is a git repository as a store.
    #[arg(long)]
    pub existing: bool,
}

/// Runs `henko init`.
pub fn run(args: InitArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let dir = args
        .dir
        .as_deref()
        .or(repo)
        .unwrap_or_else(|| Path::new("."));
    let store = Store::init(dir, args.existing)?;
    let verb = if args.existing { "adopted" } else { "created" };
    super::print_out(&format!(
        "{verb} henko store at {}\n",
        store.path().display()
    ))?;
    Ok(Outcome::Success)
}
