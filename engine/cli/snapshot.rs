//! `henko snapshot`.

use super::Outcome;
use crate::inventory::{self, Violation, INVENTORY_FILE};
use crate::source::{Snapshot, SnapshotOptions, SnapshotOutcome, SnapshotRef, SourceError, Store};
use std::io::IsTerminal;
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
    /// Refuse (exit 2, nothing committed) when the folder's inventory has
    /// problems. Without it the backup is committed anyway and the problems
    /// are printed on stderr as warnings: a night's backup is never lost.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `henko snapshot`: checks the folder's inventory, commits the folder
/// and prints the commit id on stdout; says on stderr when nothing changed
/// and warns there about every inventory problem (`--strict`: refuses).
pub fn run(args: SnapshotArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let store = Store::open(repo)?;
    let problems = inventory_problems(&args.dir)?;
    let tty = std::io::stderr().is_terminal();
    if !problems.is_empty() && args.strict {
        eprint!("{}", super::diagnostics::render_violations(&problems, tty));
        return Err(miette::miette!(
            code = "henko::snapshot::invalid_inventory",
            help = "fix the inventory, or snapshot without --strict to keep the backup anyway",
            "{}: {} inventory problem(s); nothing committed (--strict)",
            args.dir.display(),
            problems.len()
        ));
    }
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
    if !problems.is_empty() {
        eprintln!(
            "warning: {} committed, but its inventory has {} problem(s); \
             `henko diff` and `henko plan` of this snapshot will refuse it until they are fixed:",
            args.dir.display(),
            problems.len()
        );
        eprint!("{}", super::diagnostics::render_violations(&problems, tty));
    }
    super::print_out(&format!("{}\n", outcome.commit()))?;
    Ok(Outcome::Success)
}

/// Every problem of the inventory of the folder `dir`, located at its file
/// and line (none when the folder has no inventory: devices are then
/// inferred from its files). A folder that cannot be read at all is left to
/// the snapshot itself to report.
fn inventory_problems(dir: &Path) -> miette::Result<Vec<Violation>> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(Vec::new());
    };
    if !meta.is_dir() {
        return Ok(Vec::new());
    }
    // Read in place: no content hash of the whole folder is needed here.
    let snapshot = Snapshot::Folder {
        root: dir.to_path_buf(),
        reference: SnapshotRef {
            rev: dir.display().to_string(),
            commit: String::new(),
        },
    };
    let tree = snapshot.open()?;
    let shown = dir.join(INVENTORY_FILE).display().to_string();
    match inventory::load_from(tree.as_ref(), INVENTORY_FILE, &shown) {
        Ok(_) => Ok(Vec::new()),
        Err(inventory::InventoryError::Source(SourceError::Io { .. })) => Ok(Vec::new()),
        Err(inventory::InventoryError::Source(e)) => Err(e.into()),
        Err(e) => Ok(e.violations()),
    }
}
