//! [`ConfigTree`](crate::config::ConfigTree) × `ConfigTree` → [`Change`]s,
//! and the inventory-wide parallel diff of two snapshots.

mod change;
pub mod drift;
mod error;
mod hash;
mod inventory;
mod job;
mod key;
mod lines;
mod options;
mod replay;
mod settings;
mod snapshot;
mod tree;
mod visit;

pub use change::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
pub use error::DiffError;
pub use inventory::inventory_changes;
pub use key::setting_key;
pub use lines::unified_diff;
pub use options::DiffOptions;
pub use replay::{apply_change, inverse, prove_steps, ProofErrors};
pub use settings::{StoreSettings, IGNORE_FILE, SETTINGS_FILE};
pub use snapshot::{
    diff_deferring, diff_listed, diff_snapshots, diff_snapshots_with_progress, diff_visited,
    Listings, Progress, SnapshotDiff,
};
pub use tree::diff_trees;
pub use visit::{DeferredVisit, Side, Visit, Visited, Visiting};
