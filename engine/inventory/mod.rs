//! `inventory.yaml` → typed [`Device`]s, validation, the dependency graph and
//! blast-radius walks.
//!
//! [`load`] reads a snapshot's inventory (or infers one device per file when
//! there is none); [`parse`] does the same from text. Every problem in the
//! file is reported at once, each a [`Violation`] pointing at its line.

mod check;
mod device;
mod error;
mod filter;
mod glob;
mod graph;
mod infer;
#[cfg(test)]
mod layout_tests;
mod load;
mod locate;
mod schema;
mod suggest;

pub use crate::config::{SourceFile, Violation};
pub use device::{Device, DeviceKind, Env};
pub use error::InventoryError;
pub use filter::{shard_of, DeviceFilter};
pub use glob::{Glob, GlobError};
pub use graph::{DependencyPath, Inventory};
pub use load::{
    decode, load, load_from, parse, INVENTORY_FILE, MAX_INVENTORY_BYTES, MAX_VIOLATIONS,
};
pub use locate::{line_column, Locator};
