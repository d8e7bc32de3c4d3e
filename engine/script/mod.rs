//! Rhai scripts: the engine, its sandbox, the API scripts see (`ctx`), and
//! the [`Finding`]s they emit.
//!
//! - [`ScriptSet::load`] compiles the shipped library (`builtin`, compiled
//!   into the binary), the store's `scripts/` and `--scripts` folders; a
//!   rule with the same file name overrides a shipped one (`set`,
//!   `resolver` for confined `import`s).
//! - [`ScriptSet::assess`] runs `on_device(ctx)` for every changed device ×
//!   rule in parallel, then `on_plan(ctx)` once per rule (`assess`), inside
//!   the sandbox's limits and deadline (`sandbox`); failures name script,
//!   device, line and column (`failure`).
//! - `ctx` (`ctx`, `inventory_api`, `values`) and the helper functions
//!   (`helpers`) are the script API documented in `scripts/README.md`.
//! - [`rule_test`] runs the YAML rule tests behind `henko scripts test`.
//!
//! ```no_run
//! use henko::script::{AssessInput, AssessOptions, ScriptOptions, ScriptSet};
//! # fn demo(devices: &[henko::diff::DeviceDiff], inventory: &henko::inventory::Inventory) {
//! let set = ScriptSet::load(&ScriptOptions { builtin: true, ..Default::default() }).unwrap();
//! let tables = Default::default();
//! let input = AssessInput { devices, inventory, inventory_from: inventory, tables: &tables };
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
mod failure;
mod file_edit;
mod finding;
mod helpers;
mod inventory_api;
mod resolver;
pub mod rule_test;
mod sandbox;
mod set;
mod step;
mod values;

pub use assess::{AssessInput, AssessOptions, Assessment, Causes, ScriptOutput, SheetTables};
pub use error::{CompileError, ScriptError, ScriptFailure};
pub use finding::{Finding, FindingKind, Level, Origin};
pub use set::{read_store_scripts, ScriptOptions, ScriptSet};
pub use step::{DeviceStep, Phase, Step, StepKind};
