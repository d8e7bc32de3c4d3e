//! Where configurations come from: git commits and plain folders behind one
//! trait ([`FileTree`]), and the snapshot store.

mod error;
mod tree;

pub use error::SourceError;
pub use tree::{FileEntry, FileTree, Snapshot, SnapshotRef};
