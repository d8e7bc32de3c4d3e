//! [`ConfigTree`](crate::config::ConfigTree) × `ConfigTree` → [`Change`]s,
//! and the inventory-wide parallel diff of two snapshots.

mod change;
pub mod drift;
mod glob;
mod hash;
mod key;
mod options;
mod secret;
mod tree;

pub use change::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
pub use glob::{Glob, GlobError};
pub use key::setting_key;
pub use options::{DeviceFilter, DiffOptions};
pub use tree::diff_trees;
