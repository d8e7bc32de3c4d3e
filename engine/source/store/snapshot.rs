//! `henko snapshot`: committing a folder as the next snapshot on a branch.
//!
//! The folder's files become blobs and trees (`write.rs`), and the commit
//! goes on the branch through the compare-and-swap loop of `commit.rs`. No
//! work tree and no index are involved.

use super::commit::{commit_on_ref, Proposal, RefUpdate};
use super::write::write_folder;
use super::{branch_ref, Store};
use crate::source::redact::Redactor;
use crate::source::SourceError;
use git2::{ErrorCode, Oid, Reference};
use std::path::Path;

/// The branch snapshots go to unless told otherwise.
pub const DEFAULT_BRANCH: &str = "snapshots";

/// How to take a snapshot.
#[derive(Clone, Copy, Default)]
pub struct SnapshotOptions<'a> {
    /// The commit message (default: `snapshot of <folder>`).
    pub message: Option<&'a str>,
    /// A tag to put on the snapshot (lightweight, `refs/tags/<tag>`).
    pub tag: Option<&'a str>,
    /// The branch (default [`DEFAULT_BRANCH`]); a name starting with `refs/`
    /// is used as a full ref name.
    pub branch: Option<&'a str>,
    /// Rewrites every file before it is stored (secrets at rest). Required
    /// when the store setting `henko.redactSecrets` is on.
    pub redact: Option<&'a dyn Redactor>,
}

impl std::fmt::Debug for SnapshotOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotOptions")
            .field("message", &self.message)
            .field("tag", &self.tag)
            .field("branch", &self.branch)
            .field("redact", &self.redact.is_some())
            .finish()
    }
}

/// How a snapshot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// A new commit holds the folder.
    Committed(Oid),
    /// The branch tip already holds exactly these files; nothing was
    /// committed. Carries the tip.
    Unchanged(Oid),
}

impl SnapshotOutcome {
    /// Returns the commit that holds the folder's files.
    pub fn commit(&self) -> Oid {
        match self {
            SnapshotOutcome::Committed(id) | SnapshotOutcome::Unchanged(id) => *id,
        }
    }
}

impl Store {
    /// Commits the files under `dir` as the next snapshot on the branch.
    /// Returns [`SnapshotOutcome::Unchanged`] without committing when the
    /// branch tip has the same tree. Safe to run concurrently with other
    /// writers on the same store; see the module documentation of
    /// `commit.rs`.
    pub fn snapshot(
        &self,
        dir: &Path,
        options: &SnapshotOptions<'_>,
    ) -> Result<SnapshotOutcome, SourceError> {
        if !dir.is_dir() {
            return Err(SourceError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        if options.redact.is_none() && self.redacts_secrets() {
            return Err(SourceError::RedactionRequired {
                repo: self.path().to_path_buf(),
            });
        }
        let refname = branch_ref(options.branch.unwrap_or(DEFAULT_BRANCH))?;
        if let Some(tag) = options.tag {
            if !Reference::is_valid_name(&format!("refs/tags/{tag}")) {
                return Err(SourceError::InvalidName {
                    name: tag.to_string(),
                    what: "tag",
                });
            }
        }
        let tree = write_folder(&self.repo, dir, options.redact)?;
        if let Some(tag) = options.tag {
            // Refuse before committing, unless the tag already names the tip
            // and the folder is unchanged (then tagging again is a no-op).
            self.check_tag_free(tag, self.unchanged_tip(&refname, tree)?)?;
        }
        let message = match options.message {
            Some(message) => message.to_string(),
            None => format!("snapshot of {}", dir.display()),
        };
        let update = commit_on_ref(&self.repo, &refname, |_, tip| {
            Ok(match tip {
                Some(tip) if tip.tree_id() == tree => Proposal::Unchanged,
                _ => Proposal::Commit {
                    tree,
                    message: message.clone(),
                },
            })
        })?;
        let outcome = match update {
            RefUpdate::Committed(id) => SnapshotOutcome::Committed(id),
            RefUpdate::Unchanged(id) => SnapshotOutcome::Unchanged(id),
        };
        if let Some(tag) = options.tag {
            self.tag(tag, outcome)?;
        }
        Ok(outcome)
    }

    /// Returns the tip of `refname` when its tree is `tree`.
    fn unchanged_tip(&self, refname: &str, tree: Oid) -> Result<Option<Oid>, SourceError> {
        let Some(tip) = super::commit::current_tip(&self.repo, refname)? else {
            return Ok(None);
        };
        let commit = self
            .repo
            .find_commit(tip)
            .map_err(|e| SourceError::git(format!("reading the tip of {refname}"), e))?;
        Ok((commit.tree_id() == tree).then_some(tip))
    }

    /// Fails when `tag` is invalid or already names a commit other than
    /// `commit`.
    fn check_tag_free(&self, tag: &str, commit: Option<Oid>) -> Result<(), SourceError> {
        let refname = format!("refs/tags/{tag}");
        if !Reference::is_valid_name(&refname) {
            return Err(SourceError::InvalidName {
                name: tag.to_string(),
                what: "tag",
            });
        }
        let existing = match self.repo.find_reference(&refname) {
            Ok(reference) => reference
                .peel_to_commit()
                .map(|c| c.id())
                .map_err(|e| SourceError::git(format!("reading tag {tag}"), e))?,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(()),
            Err(e) => return Err(SourceError::git(format!("reading tag {tag}"), e)),
        };
        if Some(existing) == commit {
            return Ok(());
        }
        Err(SourceError::TagExists {
            tag: tag.to_string(),
            existing: existing.to_string(),
            committed: None,
        })
    }

    /// Tags the snapshot; an existing tag on the same commit is fine.
    fn tag(&self, tag: &str, outcome: SnapshotOutcome) -> Result<(), SourceError> {
        let id = outcome.commit();
        let object = self
            .repo
            .find_object(id, None)
            .map_err(|e| SourceError::git(format!("tagging {id}"), e))?;
        match self.repo.tag_lightweight(tag, &object, false) {
            Ok(_) => Ok(()),
            Err(e) if e.code() == ErrorCode::Exists => {
                self.check_tag_free(tag, Some(id)).map_err(|err| match err {
                    SourceError::TagExists { tag, existing, .. } => SourceError::TagExists {
                        tag,
                        existing,
                        committed: matches!(outcome, SnapshotOutcome::Committed(_))
                            .then(|| id.to_string()),
                    },
                    other => other,
                })
            }
            Err(e) => Err(SourceError::git(format!("creating tag {tag}"), e)),
        }
    }
}
