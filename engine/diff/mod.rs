//! [`ConfigTree`](crate::config::ConfigTree) × `ConfigTree` → [`Change`]s,
//! and the inventory-wide parallel diff of two snapshots.

mod change;
pub mod drift;

pub use change::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
