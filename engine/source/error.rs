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
    /// libgit2 reported an error.
    #[error("git error in {context}: {source}")]
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
