//! `henko log`: the snapshots of a branch, newest first.

use super::time::format_rfc3339;
use super::{branch_ref, Store};
use crate::source::SourceError;
use git2::{Oid, Sort};
use serde::Serialize;
use std::collections::HashMap;

/// One snapshot in the history of a branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// The commit id, 40 hex digits.
    pub id: String,
    /// The commit (committer) time, RFC 3339 with the committer's offset.
    pub time: String,
    /// The commit message, without trailing newlines.
    pub message: String,
    /// Tags naming this snapshot, sorted.
    pub tags: Vec<String>,
    /// How many files differ from the previous snapshot (all of them for
    /// the first).
    pub files_changed: usize,
}

impl Store {
    /// Returns the snapshots on `branch` (default `snapshots`; a name
    /// starting with `refs/` is a full ref name), newest first, following
    /// first parents. Counting changed files compares tree entries only and
    /// never reads a blob. [`SourceError::UnknownBranch`] when the branch does
    /// not exist.
    pub fn log(&self, branch: &str) -> Result<Vec<LogEntry>, SourceError> {
        let refname = branch_ref(branch)?;
        let git = |e| SourceError::git(format!("reading the history of {branch}"), e);
        let Some(tip) = super::commit::current_tip(&self.repo, &refname)? else {
            return Err(SourceError::UnknownBranch {
                branch: branch.to_string(),
                repo: self.path().to_path_buf(),
            });
        };
        let tags = self.tags_by_commit()?;
        let mut walk = self.repo.revwalk().map_err(git)?;
        walk.set_sorting(Sort::TOPOLOGICAL).map_err(git)?;
        walk.simplify_first_parent().map_err(git)?;
        walk.push(tip).map_err(git)?;
        let mut entries = Vec::new();
        for id in walk {
            let commit = self.repo.find_commit(id.map_err(git)?).map_err(git)?;
            let parent_tree = match commit.parents().next() {
                Some(parent) => Some(parent.tree().map_err(git)?),
                None => None,
            };
            let diff = self
                .repo
                .diff_tree_to_tree(
                    parent_tree.as_ref(),
                    Some(&commit.tree().map_err(git)?),
                    None,
                )
                .map_err(git)?;
            let when = commit.time();
            entries.push(LogEntry {
                id: commit.id().to_string(),
                time: format_rfc3339(when.seconds(), when.offset_minutes()),
                message: String::from_utf8_lossy(commit.message_bytes())
                    .trim_end()
                    .to_string(),
                tags: tags.get(&commit.id()).cloned().unwrap_or_default(),
                files_changed: diff.deltas().len(),
            });
        }
        Ok(entries)
    }

    /// Maps each tagged commit to its tag names, sorted.
    fn tags_by_commit(&self) -> Result<HashMap<Oid, Vec<String>>, SourceError> {
        let git = |e| SourceError::git("reading tags", e);
        let mut tags: HashMap<Oid, Vec<String>> = HashMap::new();
        for reference in self.repo.references_glob("refs/tags/*").map_err(git)? {
            let reference = reference.map_err(git)?;
            let (Some(name), Ok(commit)) = (reference.shorthand(), reference.peel_to_commit())
            else {
                continue;
            };
            tags.entry(commit.id()).or_default().push(name.to_string());
        }
        for names in tags.values_mut() {
            names.sort();
        }
        Ok(tags)
    }
}
