//! Errors of the inventory stage.

use super::Violation;
use crate::source::SourceError;

/// Why an inventory could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum InventoryError {
    /// The snapshot could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// The file cannot be read as YAML at all: too large, binary, not
    /// UTF-8, or a YAML syntax error (alias bombs and runaway nesting
    /// included). Nothing else was checked.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unreadable(Box<Violation>),
    /// The file is YAML but breaks the inventory's rules; every problem
    /// found is listed.
    #[error("{file} has {} problem{}", violations.len(), if violations.len() == 1 { "" } else { "s" })]
    #[diagnostic(
        code(henko::inventory::invalid),
        help("check the snapshot with `henko validate`")
    )]
    Invalid {
        /// The inventory file.
        file: String,
        /// Every problem, in file order.
        #[related]
        violations: Vec<Violation>,
    },
}

impl InventoryError {
    /// Returns every violation the error carries (none for a read error).
    pub fn violations(&self) -> Vec<Violation> {
        match self {
            InventoryError::Source(_) => Vec::new(),
            InventoryError::Unreadable(v) => vec![(**v).clone()],
            InventoryError::Invalid { violations, .. } => violations.clone(),
        }
    }

    /// True when the input could not be read at all (an input error, exit
    /// code 2) rather than read and found to break the rules.
    pub fn is_unreadable(&self) -> bool {
        !matches!(self, InventoryError::Invalid { .. })
    }
}
