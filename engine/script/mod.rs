//! Rhai scripts: the engine, its sandbox, the API scripts see (`ctx`), and
//! the [`Finding`]s they emit.

mod finding;

pub use finding::{Finding, FindingKind, Level, Origin};
