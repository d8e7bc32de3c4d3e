//! `inventory.yaml` → typed [`Device`]s, validation, the dependency graph and
//! blast-radius walks.

mod device;
mod graph;

pub use device::{Device, DeviceKind, Env};
pub use graph::{DependencyPath, Inventory};
