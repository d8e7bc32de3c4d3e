//! The snapshot store: a git repository that henko commits folders into,
//! records approvals in, and lists.
//!
//! `henko init` creates a bare repository whose `HEAD` names the `snapshots`
//! branch, so `git log` inside it shows the snapshots. A bare repository has
//! no work tree and no index that could fall out of step with the branch: a
//! stray `git commit` or `git add` inside the store is refused by git itself
//! instead of committing the deletion of every file. henko never uses a work
//! tree or an index: snapshots are built straight from the files with tree
//! builders and committed onto a branch by compare-and-swap (see
//! `commit.rs`), so any git repository, bare or not, works as a store
//! (`henko init --existing`, and stores made by earlier versions).
//!
//! Alongside the git data, a store keeps one private file outside every git
//! object: `<gitdir>/henko/redact.key`, the key for secret fingerprints (see
//! [`crate::source::redact`]). The store setting `henko.redactSecrets`
//! (`git config henko.redactSecrets true` in the store) makes redaction
//! mandatory for every snapshot.

mod commit;
mod log;
mod pack;
mod records;
mod snapshot;
mod time;
mod write;

pub use commit::RefUpdate;
pub use log::LogEntry;
pub use records::Record;
pub use snapshot::{SnapshotOptions, SnapshotOutcome, DEFAULT_BRANCH};
pub use time::{format_rfc3339, rfc3339_utc};

use super::redact::{self, Fingerprinter};
use super::SourceError;
use git2::{Reference, Repository, RepositoryInitOptions, RepositoryOpenFlags};
use std::path::{Path, PathBuf};

/// The git configuration key of the store setting that makes secret
/// redaction mandatory.
pub const REDACT_SETTING: &str = "henko.redactSecrets";

/// An open snapshot store. Not `Sync` (git handles are per thread): open one
/// per thread or process.
pub struct Store {
    repo: Repository,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path()).finish()
    }
}

impl Store {
    /// Creates a store in `dir` (created if missing): a bare git repository
    /// whose `HEAD` names the `snapshots` branch, plus the redaction key. When
    /// `dir` already is a git repository, refuses with
    /// [`SourceError::AlreadyARepository`] unless `existing` is set, in which
    /// case it adopts the repository as it is (adding the key if it has none).
    pub fn init(dir: &Path, existing: bool) -> Result<Store, SourceError> {
        let found = Repository::open_ext(dir, RepositoryOpenFlags::NO_SEARCH, &[] as &[&Path]);
        let repo = match found {
            Ok(repo) if existing => repo,
            Ok(_) => {
                return Err(SourceError::AlreadyARepository {
                    path: dir.to_path_buf(),
                })
            }
            Err(_) => {
                std::fs::create_dir_all(dir).map_err(|e| SourceError::io(dir, e))?;
                let mut options = RepositoryInitOptions::new();
                options
                    .bare(true)
                    .initial_head(DEFAULT_BRANCH)
                    .no_reinit(true)
                    .description("henko snapshot store");
                Repository::init_opts(dir, &options).map_err(|e| {
                    SourceError::git(format!("creating a store in {}", dir.display()), e)
                })?
            }
        };
        redact::create_key(repo.path())?;
        Ok(Store { repo })
    }

    /// Opens the store at `repo` (its folder, its work tree or its `.git`),
    /// or the one around the current directory when `None`.
    pub fn open(repo: Option<&Path>) -> Result<Store, SourceError> {
        let repository = match repo {
            Some(path) => Repository::open(path).map_err(|_| SourceError::NotAStore {
                path: path.to_path_buf(),
            })?,
            None => Repository::discover(".").map_err(|_| SourceError::NotAStore {
                path: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            })?,
        };
        Ok(Store { repo: repository })
    }

    /// Returns the git folder (`.git` of a normal repository, the folder of
    /// a bare one).
    pub fn path(&self) -> &Path {
        self.repo.path()
    }

    /// Returns the underlying repository, for readers that need git directly.
    pub fn repository(&self) -> &Repository {
        &self.repo
    }

    /// True when the store setting `henko.redactSecrets` is on: every
    /// snapshot must then go through a redactor.
    pub fn redacts_secrets(&self) -> bool {
        self.repo
            .config()
            .and_then(|c| c.get_bool(REDACT_SETTING))
            .unwrap_or(false)
    }

    /// Returns the fingerprinter keyed with this store's key.
    pub fn fingerprinter(&self) -> Result<Fingerprinter, SourceError> {
        redact::load_key(self.path())
    }
}

/// Turns a branch name into a full ref name (`snapshots` →
/// `refs/heads/snapshots`); a name starting with `refs/` is taken as is.
/// Refuses names git does not accept.
pub fn branch_ref(branch: &str) -> Result<String, SourceError> {
    let full = if branch.starts_with("refs/") {
        branch.to_string()
    } else {
        format!("refs/heads/{branch}")
    };
    if Reference::is_valid_name(&full) {
        Ok(full)
    } else {
        Err(SourceError::InvalidName {
            name: branch.to_string(),
            what: "branch",
        })
    }
}

#[cfg(test)]
mod tests;
