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

#[cfg(test)]
mod tests {
    use miette::{GraphicalReportHandler, GraphicalTheme};

    #[test]
    fn rendering_an_invalid_inventory_shows_every_problem() {
        let text = "devices:\n  - name: a\n    knd: x\n  - name: a\n";
        let err =
            crate::inventory::parse(text, "inventory.yaml", &["configs/a".into()]).unwrap_err();
        assert!(!err.is_unreadable());
        assert_eq!(err.to_string(), "inventory.yaml has 2 problems");
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(200)
            .render_report(&mut out, &err)
            .unwrap();
        assert!(
            out.contains("inventory.yaml:3:5: unknown field `knd`"),
            "{out}"
        );
        assert!(
            out.contains("inventory.yaml:4:5: duplicate device name `a`"),
            "{out}"
        );
        assert!(out.contains("4 │   - name: a"), "{out}");
    }
}
