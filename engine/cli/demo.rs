//! `henko demo`: the arguments, and one call into [`crate::demo`].

use super::Outcome;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `henko demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the temporary folder (the store, the extracted snapshots and
    /// the reports). This is the default; the flag is accepted for scripts
    /// that spell it out.
    #[arg(long, conflicts_with = "clean")]
    pub keep: bool,
    /// Remove the temporary folder when the demo ends.
    #[arg(long)]
    pub clean: bool,
    /// Build the demo in DIR (created when missing, must be empty) instead
    /// of a temporary folder. DIR is always kept.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `henko demo`. The global `--repo` is not used: the demo builds its
/// own store.
pub fn run(args: DemoArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    let options = crate::demo::DemoOptions {
        clean: args.clean,
        out: args.out,
        color: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    crate::demo::run(&options, &mut |text| super::print_out(text))?;
    Ok(Outcome::Success)
}
