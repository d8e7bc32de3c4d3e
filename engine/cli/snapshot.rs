//! `henko snapshot`.

use super::Outcome;
use crate::source::{SnapshotOptions, SnapshotOutcome, Store};
use std::path::{Path, PathBuf};

/// Arguments of `henko snapshot`.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// The folder of backups to commit.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The commit message (default: "snapshot of DIR").
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
    /// Tag the snapshot.
    #[arg(long, value_name = "NAME")]
    pub tag: Option<String>,
    /// The branch to commit to.
    #[arg(long, value_name = "B", default_value = crate::source::DEFAULT_BRANCH)]
    pub branch: String,
    /// Replace every secret value with a keyed fingerprint before storing
    /// (always on when the store sets henko.redactSecrets).
    #[arg(long)]
    pub redact_secrets: bool,
}

/// Runs `henko snapshot`: prints the commit id on stdout; says on stderr when
/// nothing changed.
pub fn run(args: SnapshotArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let store = Store::open(repo)?;
    let redact = args.redact_secrets || store.redacts_secrets();
    let redactor = if redact {
        Some(super::redaction::redactor(&store)?)
    } else {
        None
    };
    let options = SnapshotOptions {
        message: args.message.as_deref(),
        tag: args.tag.as_deref(),
        branch: Some(&args.branch),
        redact: redactor.as_deref(),
    };
    let outcome = store.snapshot(&args.dir, &options)?;
    if let SnapshotOutcome::Unchanged(_) = outcome {
        eprintln!(
            "nothing changed in {} since the last snapshot on {}",
            args.dir.display(),
            args.branch
        );
    }
    super::print_out(&format!("{}\n", outcome.commit()))?;
    Ok(Outcome::Success)
}
