//! Where configurations come from: git commits and plain folders behind one
//! trait ([`FileTree`]), and the snapshot store.

mod error;
mod listed;
pub mod redact;
pub mod store;
mod tree;

pub use error::SourceError;
pub use listed::{Listed, Listing};
pub use redact::{Fingerprinter, Redactor};
pub use store::{
    LogEntry, Record, SnapshotOptions, SnapshotOutcome, Store, DEFAULT_BRANCH, REDACT_SETTING,
};
pub use tree::{blob_id, FileEntry, FileTree, Snapshot, SnapshotRef};
