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
mod graph;
mod infer;
#[cfg(test)]
mod layout_tests;
mod load;
mod locate;
mod schema;
mod suggest;
mod violation;

pub use device::{Device, DeviceKind, Env};
pub use error::InventoryError;
pub use filter::DeviceFilter;
pub use graph::{DependencyPath, Inventory};
pub use load::{
    decode, load, load_from, parse, INVENTORY_FILE, MAX_INVENTORY_BYTES, MAX_VIOLATIONS,
};
pub use locate::{line_column, Locator};
pub use violation::{SourceFile, Violation};
