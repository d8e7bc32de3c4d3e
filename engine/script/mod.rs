//! Rhai scripts: the engine, its sandbox, the API scripts see (`ctx`), and
//! the [`Finding`]s they emit.
//!
//! ```no_run
//! use henko::script::{AssessInput, AssessOptions, ScriptOptions, ScriptSet};
//! # fn demo(devices: &[henko::diff::DeviceDiff], inventory: &henko::inventory::Inventory) {
//! let set = ScriptSet::load(&ScriptOptions { builtin: true, ..Default::default() }).unwrap();
//! let input = AssessInput { devices, inventory, inventory_from: inventory };
//! let assessment = set.assess(&input, &AssessOptions::default());
//! for finding in &assessment.findings {
//!     println!("{:?}", finding);
//! }
//! # }
//! ```

mod assess;
mod builtin;
mod ctx;
mod error;
mod finding;
mod helpers;
mod inventory_api;
mod resolver;
pub mod rule_test;
mod sandbox;
mod set;
mod values;

pub use assess::{AssessInput, AssessOptions, Assessment, ScriptOutput};
pub use error::{CompileError, ScriptError, ScriptFailure};
pub use finding::{Finding, FindingKind, Level, Origin};
pub use set::{ScriptOptions, ScriptSet};
