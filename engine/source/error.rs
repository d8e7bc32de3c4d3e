//! Errors of the source stage.

use std::path::PathBuf;

/// What can go wrong while reading snapshots or writing the store.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SourceError {
    /// The path is neither an existing file/folder nor a revision of the store.
    #[error("`{rev}` is neither an existing path nor a revision of the store at {repo}")]
    #[diagnostic(
        code(henko::source::unknown_revision),
        help("list snapshots with `henko log`")
    )]
    UnknownRevision {
        /// The argument as given.
        rev: String,
        /// The store searched.
        repo: PathBuf,
    },
    /// The argument is both an existing path and a revision of the store.
    #[error("`{arg}` is both an existing path and a revision of the store: ambiguous")]
    #[diagnostic(
        code(henko::source::ambiguous),
        help("write ./{arg} (or an absolute path) for the folder or file, rev:{arg} for the revision")
    )]
    Ambiguous {
        /// The argument as given.
        arg: String,
    },
    /// An argument written as a path (`./name`, absolute) does not exist.
    #[error("{path} does not exist")]
    #[diagnostic(
        code(henko::source::no_such_path),
        help("an argument starting with ./ or / is always a path; write rev:NAME for a revision")
    )]
    NoSuchPath {
        /// The path as given.
        path: PathBuf,
    },
    /// A revision was given but there is no store to resolve it in.
    #[error("`{rev}` is not an existing path and no store was found to resolve it as a revision")]
    #[diagnostic(
        code(henko::source::no_store),
        help("pass --repo STORE, or run henko inside a store (create one with `henko init`)")
    )]
    NoStore {
        /// The argument as given.
        rev: String,
    },
    /// The folder is not a git repository.
    #[error("{path} is not a henko store (not a git repository)")]
    #[diagnostic(code(henko::source::not_a_store), help("create one with `henko init DIR`, or adopt an existing repository with `henko init --existing DIR`"))]
    NotAStore {
        /// The folder.
        path: PathBuf,
    },
    /// A file or folder could not be read.
    #[error("cannot read {path}")]
    #[diagnostic(code(henko::source::io))]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is not in the snapshot.
    #[error("{path} is not in snapshot {rev}")]
    #[diagnostic(code(henko::source::missing_file))]
    MissingFile {
        /// Path inside the snapshot.
        path: String,
        /// The snapshot's revision.
        rev: String,
    },
    /// A symlink points outside the folder being read.
    #[error("{path} is a symlink that leads outside {root}; refusing to follow it")]
    #[diagnostic(code(henko::source::symlink_escape))]
    SymlinkEscape {
        /// The link.
        path: PathBuf,
        /// The snapshot folder.
        root: PathBuf,
    },
    /// `henko init` was pointed at a folder that already is a git repository.
    #[error("{path} already is a git repository")]
    #[diagnostic(
        code(henko::source::already_a_repository),
        help("adopt it as a store with `henko init --existing {}`", path.display())
    )]
    AlreadyARepository {
        /// The folder.
        path: PathBuf,
    },
    /// The folder to snapshot does not exist or is not a folder.
    #[error("{path} is not a folder")]
    #[diagnostic(
        code(henko::source::not_a_folder),
        help("`henko snapshot DIR` commits the files under the folder DIR")
    )]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The branch (or ref) does not exist in the store.
    #[error("branch `{branch}` does not exist in the store at {repo}")]
    #[diagnostic(
        code(henko::source::unknown_branch),
        help("snapshots go to branch `snapshots` unless `--branch` says otherwise")
    )]
    UnknownBranch {
        /// The branch or ref name as given.
        branch: String,
        /// The store.
        repo: PathBuf,
    },
    /// A branch, tag or record name git does not accept.
    #[error("`{name}` is not a valid {what} name")]
    #[diagnostic(code(henko::source::invalid_name))]
    InvalidName {
        /// The name as given.
        name: String,
        /// What it names (branch, tag, ref, record path).
        what: &'static str,
    },
    /// The tag already exists on another commit. The snapshot itself was
    /// committed when `commit` is set.
    #[error("tag `{tag}` already exists (on {existing}){}", committed.as_ref().map(|c| format!("; snapshot {c} was committed without it")).unwrap_or_default())]
    #[diagnostic(
        code(henko::source::tag_exists),
        help("choose another tag name, or delete the old tag with `git tag -d`")
    )]
    TagExists {
        /// The tag name.
        tag: String,
        /// The commit the tag already names.
        existing: String,
        /// The snapshot committed before the tag was found taken, if any.
        committed: Option<String>,
    },
    /// A ref stayed locked by another process (or by a crashed one).
    #[error("{refname} is locked: {} exists", lock.display())]
    #[diagnostic(
        code(henko::source::ref_locked),
        help("another git process is writing to the store; if none is running, a crashed one left the lock behind: remove the .lock file")
    )]
    RefLocked {
        /// The full ref name.
        refname: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// Secrets redaction needs the store's key and it is missing.
    #[error("the store's redaction key {} is missing or unreadable", path.display())]
    #[diagnostic(
        code(henko::source::missing_key),
        help("the key lives outside git objects and is not cloned; copy it from the original store, or create a new one with `henko init --existing` (fingerprints then change once)")
    )]
    MissingKey {
        /// Where the key was looked for.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The store requires secret redaction and the snapshot was asked
    /// without it.
    #[error("the store at {} requires secret redaction (henko.redactSecrets) and none was given", repo.display())]
    #[diagnostic(code(henko::source::redaction_required))]
    RedactionRequired {
        /// The store.
        repo: PathBuf,
    },
    /// `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` holds a date henko cannot
    /// read.
    #[error("{variable}={value:?} is not a date henko understands")]
    #[diagnostic(
        code(henko::source::invalid_date),
        help(
            "use RFC 3339 (2024-01-02T03:04:05+09:00) or git's internal form (@1704132245 +0900)"
        )
    )]
    InvalidDate {
        /// The environment variable.
        variable: String,
        /// Its value.
        value: String,
    },
    /// libgit2 reported an error.
    #[error("git error while {context}")]
    #[diagnostic(code(henko::source::git))]
    Git {
        /// What henko was doing.
        context: String,
        /// The cause.
        #[source]
        source: git2::Error,
    },
    /// Another writer moved the branch while this one was committing, too
    /// many times in a row.
    #[error(
        "branch {branch} kept moving under concurrent writers; gave up after {attempts} attempts"
    )]
    #[diagnostic(code(henko::source::contention), help("run the command again"))]
    Contention {
        /// Branch or ref name.
        branch: String,
        /// How many times henko tried.
        attempts: u32,
    },
}

impl SourceError {
    /// Wraps a git2 error with what henko was doing.
    pub fn git(context: impl Into<String>, source: git2::Error) -> Self {
        SourceError::Git {
            context: context.into(),
            source,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }
}
