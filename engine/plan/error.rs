//! Errors of the plan stage.

use std::path::PathBuf;

/// What can go wrong while building, reading, merging or checking plans.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum PlanError {
    /// `--shard` is not `i/n` with `1 <= i <= n`.
    #[error("`{spec}` is not a shard: expected i/n with 1 <= i <= n (for example 2/4)")]
    #[diagnostic(code(henko::plan::bad_shard))]
    BadShard {
        /// The argument as given.
        spec: String,
    },
    /// A plan file is not JSON or not a plan.
    #[error("{path} is not a henko plan: {message}")]
    #[diagnostic(
        code(henko::plan::not_a_plan),
        help("make one with `henko plan FROM TO -o plan.json`")
    )]
    NotAPlan {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A plan file has another schema version.
    #[error("{path} has schema `{found}`; this henko reads `{expected}`")]
    #[diagnostic(code(henko::plan::schema))]
    Schema {
        /// The file.
        path: PathBuf,
        /// Schema found.
        found: String,
        /// Schema expected.
        expected: &'static str,
    },
    /// Partial plans to merge do not describe the same FROM/TO.
    #[error("cannot merge {path}: it plans {found}, the other parts plan {expected}")]
    #[diagnostic(
        code(henko::plan::mismatched_parts),
        help("merge only the parts of one sharded run")
    )]
    MismatchedParts {
        /// The odd part.
        path: PathBuf,
        /// Its FROM..TO.
        found: String,
        /// The others' FROM..TO.
        expected: String,
    },
    /// Two parts hold the same device.
    #[error("device {device} appears in more than one part (again in {path})")]
    #[diagnostic(
        code(henko::plan::duplicate_device),
        help("give each shard's part once")
    )]
    DuplicateDevice {
        /// The device.
        device: String,
        /// The part where it appeared again.
        path: PathBuf,
    },
    /// Parts are missing from a sharded run.
    #[error("the parts cover shards {have} of {count}; missing {missing}")]
    #[diagnostic(code(henko::plan::missing_shards))]
    MissingShards {
        /// Shards present.
        have: String,
        /// Total shard count.
        count: u32,
        /// Shards missing.
        missing: String,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}")]
    #[diagnostic(code(henko::plan::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
