//! Intended configuration: templates (minijinja) + parameter sheets +
//! inventory → the part of each device's configuration the templates own.
//!
//! A snapshot declares its features in `templates/templates.yaml`
//! ([`features`]); [`Renderer`] compiles the templates once and renders
//! them per device in parallel, with the sheets as `sheets.<name>`
//! ([`sheets`]) and the network filters of [`filters`]; [`scope::merge`]
//! puts the rendering into the device's backup, touching nothing outside
//! the features' scopes; [`cause`] traces each rendered line back to the
//! sheet cells it came from.

pub mod cause;
mod error;
pub mod features;
pub mod filters;
mod memo;
mod render;
pub mod scope;
pub mod sheets;
mod snapshot;

pub use error::{FeaturesError, IntendedError, SheetValueError, TemplateError};
pub use features::{parse_features, Feature, Selector, FEATURES_PATH};
pub use render::{DeviceRendering, FeatureRendering, Renderer};
pub use sheets::{CellRef, Sheets};
pub use snapshot::{
    extension, intended_set, write_intended, BackedDevice, IntendedDevice, IntendedSet,
};

#[cfg(test)]
mod tests;
