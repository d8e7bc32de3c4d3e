//! Errors of the diff stage.

use crate::inventory::InventoryError;
use crate::source::SourceError;

/// What can stop a snapshot diff. Every variant names the file at fault.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum DiffError {
    /// A snapshot or one of its files could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// An inventory is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] InventoryError),
    /// A line of the store's ignore file is not a regular expression.
    #[error("{path}:{line}: `{pattern}` is not a valid regular expression: {reason}")]
    #[diagnostic(
        code(henko::diff::ignore_pattern),
        help("one regular expression per line; lines starting with # are comments")
    )]
    IgnorePattern {
        /// The ignore file inside the snapshot.
        path: String,
        /// 1-based line.
        line: usize,
        /// The pattern.
        pattern: String,
        /// What the regex engine said.
        reason: String,
    },
    /// The store's settings file is not valid.
    #[error("{path} is not valid: {reason}")]
    #[diagnostic(
        code(henko::diff::settings),
        help("expected YAML such as `ignore_secret_churn: true`")
    )]
    Settings {
        /// The settings file inside the snapshot.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// `--platform` names no known platform.
    #[error("unknown platform `{platform}`")]
    #[diagnostic(
        code(henko::diff::unknown_platform),
        help("known platforms: {}", crate::config::Dialect::PLATFORMS.join(", "))
    )]
    UnknownPlatform {
        /// The platform as given.
        platform: String,
    },
    /// One side is a single file and the other a folder or revision.
    #[error("cannot diff the single file {file} against {other}: give two files, or two folders/revisions")]
    #[diagnostic(code(henko::diff::mixed_sides))]
    MixedSides {
        /// The file side.
        file: String,
        /// The other side.
        other: String,
    },
}
