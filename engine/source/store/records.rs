//! Audit records: small files committed one at a time onto a ref, read back
//! with who recorded them and when.
//!
//! This is the generic machinery behind approvals (`refs/henko/approvals`):
//! [`Store::append_record`] adds or replaces one file in the tree of the
//! ref's tip and commits, with the same compare-and-swap retry as snapshots,
//! so concurrent writers never lose a record; [`Store::add_record`] does the
//! same under the first free path of a numbered series (`…-1.json`,
//! `…-2.json`), chosen against the tip it commits on, so a record is never
//! overwritten even by a concurrent writer choosing the same name;
//! [`Store::records`] lists every file in the ref's tip with the commit that
//! last wrote it. Because the
//! records live in git history, the audit trail is that history: each
//! record is one commit, with author, time and message.
//!
//! The ref is usually outside `refs/heads/` so it never shows as a branch;
//! any valid full ref name works.

use super::commit::{commit_on_ref, Proposal, RefUpdate};
use super::time::format_rfc3339;
use super::Store;
use crate::source::SourceError;
use git2::{Commit, DiffOptions, FileMode, ObjectType, Oid, Reference, Repository, Tree};
use std::collections::{BTreeMap, HashSet};

/// One file of an audit ref, with the commit that last wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The commit that last added or changed the file.
    pub commit: Oid,
    /// That commit's author time, RFC 3339.
    pub time: String,
    /// That commit's author time, seconds since the epoch.
    pub timestamp: i64,
    /// That commit's author, `Name <email>`.
    pub author: String,
    /// That commit's message.
    pub message: String,
    /// The file's path in the ref's tree, `/`-separated.
    pub path: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

impl Store {
    /// Adds (or replaces) the file `path` with `bytes` in the tree of
    /// `refname`'s tip and commits it with `message`, creating the ref on the
    /// first record. `refname` is a full ref name such as
    /// `refs/henko/approvals`; `path` is `/`-separated, relative, without
    /// `.`/`..` components. Every call makes a commit, even when the bytes
    /// are the same as before: recording is an event of the audit trail.
    /// Safe under concurrent writers (compare-and-swap with retries; after
    /// too many lost races, [`SourceError::Contention`]). Returns the commit.
    pub fn append_record(
        &self,
        refname: &str,
        path: &str,
        bytes: &[u8],
        message: &str,
    ) -> Result<Oid, SourceError> {
        check_refname(refname)?;
        let components = check_record_path(path)?;
        let blob = self
            .repo
            .blob(bytes)
            .map_err(|e| SourceError::git(format!("storing record {path}"), e))?;
        let update = commit_on_ref(&self.repo, refname, |repo, tip| {
            let base = tip
                .map(Commit::tree)
                .transpose()
                .map_err(|e| SourceError::git(format!("reading {refname}"), e))?;
            let tree = tree_with(repo, base.as_ref(), &components, blob)?;
            Ok(Proposal::Commit {
                tree,
                message: message.to_string(),
            })
        })?;
        match update {
            RefUpdate::Committed(id) | RefUpdate::Unchanged(id) => Ok(id),
        }
    }

    /// Adds a record under the first free path among `path_for(1)`,
    /// `path_for(2)`, … and returns the commit and the path chosen. Unlike
    /// listing the records and then calling [`Store::append_record`], the
    /// free path is chosen against the very tip the commit goes on top of
    /// (again on every retry), so two concurrent writers never pick the same
    /// path and a record is never overwritten. Path rules are those of
    /// [`Store::append_record`].
    pub fn add_record(
        &self,
        refname: &str,
        path_for: impl Fn(u32) -> String,
        bytes: &[u8],
        message: &str,
    ) -> Result<(Oid, String), SourceError> {
        check_refname(refname)?;
        let blob = self
            .repo
            .blob(bytes)
            .map_err(|e| SourceError::git(format!("storing a record on {refname}"), e))?;
        let mut chosen = String::new();
        let update = commit_on_ref(&self.repo, refname, |repo, tip| {
            let base = tip
                .map(Commit::tree)
                .transpose()
                .map_err(|e| SourceError::git(format!("reading {refname}"), e))?;
            let mut n = 1;
            chosen = loop {
                let path = path_for(n);
                let taken = base
                    .as_ref()
                    .is_some_and(|tree| tree.get_path(std::path::Path::new(&path)).is_ok());
                if !taken {
                    break path;
                }
                n += 1;
            };
            let components = check_record_path(&chosen)?;
            let tree = tree_with(repo, base.as_ref(), &components, blob)?;
            Ok(Proposal::Commit {
                tree,
                message: message.to_string(),
            })
        })?;
        match update {
            RefUpdate::Committed(id) | RefUpdate::Unchanged(id) => Ok((id, chosen)),
        }
    }

    /// Returns every file in the tree of `refname`'s tip, sorted by path,
    /// each with the commit that last wrote it. A ref that does not exist
    /// yet has no records (an empty list, not an error).
    pub fn records(&self, refname: &str) -> Result<Vec<Record>, SourceError> {
        let git = |e| SourceError::git(format!("reading records of {refname}"), e);
        let Some(tip) = super::commit::current_tip(&self.repo, refname)? else {
            return Ok(Vec::new());
        };
        let tip = self.repo.find_commit(tip).map_err(git)?;
        let mut files = BTreeMap::new();
        tip.tree()
            .map_err(git)?
            .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    let name = String::from_utf8_lossy(entry.name_bytes());
                    files.insert(format!("{dir}{name}"), entry.id());
                }
                git2::TreeWalkResult::Ok
            })
            .map_err(git)?;
        let writers =
            last_writers(&self.repo, &tip, files.keys().cloned().collect()).map_err(git)?;
        let mut records = Vec::with_capacity(files.len());
        for (path, id) in files {
            let commit = self.repo.find_commit(writers[&path]).map_err(git)?;
            let blob = self.repo.find_blob(id).map_err(git)?;
            let author = commit.author();
            let when = author.when();
            records.push(Record {
                commit: commit.id(),
                time: format_rfc3339(when.seconds(), when.offset_minutes()),
                timestamp: when.seconds(),
                author: author.to_string(),
                message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
                path,
                bytes: blob.content().to_vec(),
            });
        }
        Ok(records)
    }
}

/// Refuses anything but a valid full ref name.
fn check_refname(refname: &str) -> Result<(), SourceError> {
    if refname.starts_with("refs/") && Reference::is_valid_name(refname) {
        return Ok(());
    }
    Err(SourceError::InvalidName {
        name: refname.to_string(),
        what: "ref (a full name such as refs/henko/approvals)",
    })
}

/// Splits a record path into its components, refusing empty, `.`, `..` and
/// `.git` components.
fn check_record_path(path: &str) -> Result<Vec<&str>, SourceError> {
    let components: Vec<&str> = path.split('/').collect();
    if components
        .iter()
        .any(|c| c.is_empty() || *c == "." || *c == ".." || *c == ".git" || c.contains('\0'))
    {
        return Err(SourceError::InvalidName {
            name: path.to_string(),
            what: "record path",
        });
    }
    Ok(components)
}

/// Finds, for each path, the newest commit on the first-parent history of
/// `tip` that added or changed it (comparing trees only, no blob reads).
fn last_writers(
    repo: &Repository,
    tip: &Commit<'_>,
    mut pending: HashSet<String>,
) -> Result<BTreeMap<String, Oid>, git2::Error> {
    let mut found = BTreeMap::new();
    let mut current = tip.clone();
    while !pending.is_empty() {
        let parent = current.parents().next();
        let parent_tree = parent.as_ref().map(Commit::tree).transpose()?;
        let diff = repo.diff_tree_to_tree(
            parent_tree.as_ref(),
            Some(&current.tree()?),
            Some(&mut DiffOptions::new()),
        )?;
        for delta in diff.deltas() {
            if let Some(path) = delta.new_file().path() {
                let path = path.to_string_lossy().into_owned();
                if pending.remove(&path) {
                    found.insert(path, current.id());
                }
            }
        }
        match parent {
            Some(parent) => current = parent,
            None => break,
        }
    }
    // Whatever a root commit did not explain came with it.
    for path in pending {
        found.insert(path, current.id());
    }
    Ok(found)
}

/// Returns the id of `base` with `blob` at `components`, writing the changed
/// trees (the rest is shared with `base`).
fn tree_with(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    components: &[&str],
    blob: Oid,
) -> Result<Oid, SourceError> {
    let git = |e| SourceError::git("building a record tree", e);
    let mut builder = repo.treebuilder(base).map_err(git)?;
    let (name, rest) = components.split_first().expect("a record path has a name");
    if rest.is_empty() {
        builder
            .insert(name, blob, FileMode::Blob.into())
            .map_err(git)?;
    } else {
        let subtree = match base.and_then(|t| t.get_name(name)) {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => {
                Some(repo.find_tree(entry.id()).map_err(git)?)
            }
            _ => None,
        };
        let id = tree_with(repo, subtree.as_ref(), rest, blob)?;
        builder
            .insert(name, id, FileMode::Tree.into())
            .map_err(git)?;
    }
    builder.write().map_err(git)
}
