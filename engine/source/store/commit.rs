//! Committing a tree onto a ref safely when several writers race: objects
//! first, then a compare-and-swap of the ref, retried on conflict.
//!
//! Every object (blobs, trees, the commit) is in the object database before
//! the ref moves, and the ref moves only through libgit2's lock-file protocol
//! with the expected old value (`reference_matching`), or create-only when the
//! ref is new. A writer that loses the race re-reads the tip, re-parents (and
//! rechecks whether anything changed) and tries again, a bounded number of
//! times. Killing the process at any point leaves at worst unreferenced
//! objects, never a ref to a missing object or a lost commit.

use super::time::parse_git_date;
use crate::source::SourceError;
use git2::{Commit, ErrorCode, Oid, Repository, Signature, Time};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How many times a writer tries to move a ref before giving up.
pub(crate) const MAX_ATTEMPTS: u32 = 100;

/// A lock file older than this is treated as left behind by a crashed
/// process and reported at once instead of waited for.
const STALE_LOCK: Duration = Duration::from_secs(10);

/// What a commit attempt should do, decided from the ref's current tip.
pub(crate) enum Proposal {
    /// Commit this tree with this message on top of the tip.
    Commit {
        /// The root tree, already written.
        tree: Oid,
        /// The commit message.
        message: String,
    },
    /// Nothing to commit: the tip already holds the content.
    Unchanged,
}

/// How a ref update ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefUpdate {
    /// A new commit is on the ref.
    Committed(Oid),
    /// Nothing changed; the ref's tip is unchanged.
    Unchanged(Oid),
}

/// Commits onto `refname` (a full ref name), asking `propose` what to commit
/// on top of the current tip (`None` when the ref does not exist yet).
/// `propose` may be called several times when other writers move the ref in
/// between; it must not have side effects beyond writing objects.
pub(crate) fn commit_on_ref(
    repo: &Repository,
    refname: &str,
    mut propose: impl FnMut(&Repository, Option<&Commit<'_>>) -> Result<Proposal, SourceError>,
) -> Result<RefUpdate, SourceError> {
    let (author, committer) = (signature(repo, "AUTHOR")?, signature(repo, "COMMITTER")?);
    let mut locked = false;
    for attempt in 0..MAX_ATTEMPTS {
        let tip = current_tip(repo, refname)?;
        let tip_commit = tip
            .map(|id| repo.find_commit(id))
            .transpose()
            .map_err(|e| SourceError::git(format!("reading the tip of {refname}"), e))?;
        let (tree, message) = match propose(repo, tip_commit.as_ref())? {
            Proposal::Commit { tree, message } => (tree, message),
            Proposal::Unchanged => match tip {
                Some(tip) => return Ok(RefUpdate::Unchanged(tip)),
                None => {
                    return Err(SourceError::git(
                        format!("committing to {refname}"),
                        git2::Error::from_str("nothing to compare with on a new ref"),
                    ))
                }
            },
        };
        let tree = repo
            .find_tree(tree)
            .map_err(|e| SourceError::git("reading the new tree", e))?;
        let parents: Vec<&Commit<'_>> = tip_commit.iter().collect();
        let id = repo
            .commit(None, &author, &committer, &message, &tree, &parents)
            .map_err(|e| SourceError::git(format!("writing a commit for {refname}"), e))?;
        let log_message = format!("henko: {}", message.lines().next().unwrap_or_default());
        let moved = match tip {
            Some(old) => repo.reference_matching(refname, id, true, old, &log_message),
            // Creation must be compare-and-swap too: libgit2 checks `force =
            // false` before taking the lock, so two creators could both win.
            // A zero "expected" id means "must not exist yet", checked under
            // the lock.
            None => repo.reference_matching(refname, id, true, Oid::zero(), &log_message),
        };
        match moved {
            Ok(_) => return Ok(RefUpdate::Committed(id)),
            Err(e) if is_conflict(&e) => {
                locked = e.code() == ErrorCode::Locked;
                if locked {
                    if let Some(lock) = stale_lock(repo, refname) {
                        return Err(SourceError::RefLocked {
                            refname: refname.to_string(),
                            lock,
                        });
                    }
                }
                std::thread::sleep(backoff(attempt));
            }
            Err(e) => return Err(SourceError::git(format!("moving {refname}"), e)),
        }
    }
    if locked {
        return Err(SourceError::RefLocked {
            refname: refname.to_string(),
            lock: lock_path(repo, refname),
        });
    }
    Err(SourceError::Contention {
        branch: refname.to_string(),
        attempts: MAX_ATTEMPTS,
    })
}

/// Returns the commit `refname` points at, or `None` when it does not exist.
pub(crate) fn current_tip(repo: &Repository, refname: &str) -> Result<Option<Oid>, SourceError> {
    match repo.find_reference(refname) {
        Ok(reference) => match reference.resolve() {
            Ok(direct) => Ok(direct.target()),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(SourceError::git(format!("reading {refname}"), e)),
        },
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(SourceError::git(format!("reading {refname}"), e)),
    }
}

/// True for the errors another writer causes: the ref moved (`Modified`),
/// appeared (`Exists`), vanished (`NotFound`) or is being written (`Locked`).
fn is_conflict(error: &git2::Error) -> bool {
    matches!(
        error.code(),
        ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked | ErrorCode::NotFound
    )
}

/// Where libgit2 locks a loose ref.
fn lock_path(repo: &Repository, refname: &str) -> PathBuf {
    repo.path().join(format!("{refname}.lock"))
}

/// Returns the ref's lock file when it has been there too long to belong to
/// a live writer.
fn stale_lock(repo: &Repository, refname: &str) -> Option<PathBuf> {
    let lock = lock_path(repo, refname);
    let modified = std::fs::metadata(&lock).ok()?.modified().ok()?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    (age > STALE_LOCK).then_some(lock)
}

/// Waits a little longer after each lost race, with jitter so that racing
/// writers spread out (about 3 seconds over all attempts).
fn backoff(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(5);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let jitter = u64::from(nanos ^ std::process::id().wrapping_mul(2_654_435_761)) % (base + 1);
    Duration::from_millis(base + jitter)
}

/// Returns the author (`kind` = `AUTHOR`) or committer signature: the
/// `GIT_<kind>_NAME`, `_EMAIL` and `_DATE` variables when set, else
/// `user.name`/`user.email` from git configuration, else
/// `henko <henko@localhost>`, dated now.
pub(crate) fn signature(repo: &Repository, kind: &str) -> Result<Signature<'static>, SourceError> {
    let config = repo.config().ok();
    let setting = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let env = |field: &str| {
        std::env::var(format!("GIT_{kind}_{field}"))
            .ok()
            .filter(|v| !v.is_empty())
    };
    let name = env("NAME")
        .or_else(|| setting("user.name"))
        .unwrap_or_else(|| "henko".to_string());
    let email = env("EMAIL")
        .or_else(|| setting("user.email"))
        .unwrap_or_else(|| "henko@localhost".to_string());
    let signature = match env("DATE") {
        Some(date) => {
            let (seconds, offset) =
                parse_git_date(&date).ok_or_else(|| SourceError::InvalidDate {
                    variable: format!("GIT_{kind}_DATE"),
                    value: date.clone(),
                })?;
            Signature::new(&name, &email, &Time::new(seconds, offset))
        }
        None => Signature::now(&name, &email),
    };
    signature
        .map_err(|e| SourceError::git(format!("building the {} signature", kind.to_lowercase()), e))
}
