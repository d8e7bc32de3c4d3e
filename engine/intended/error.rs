//! What can go wrong while rendering intended configurations; every
//! variant names the file, line and column at fault (and, for sheet
//! values, the sheet cell as well).

use crate::config::sheet::SheetError;
use crate::inventory::InventoryError;
use crate::source::SourceError;
use miette::{NamedSource, SourceSpan};

/// Why intended configurations could not be rendered.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum IntendedError {
    /// `templates/templates.yaml` is malformed or names what is not there.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Features(Box<FeaturesError>),
    /// A template does not compile, or failed while rendering a device.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Template(Box<TemplateError>),
    /// A template read a sheet column that is not there or a cell that is
    /// empty, and printed it.
    #[error(transparent)]
    #[diagnostic(transparent)]
    SheetValue(Box<SheetValueError>),
    /// A feature rendered a top-level line its scope does not own, so the
    /// line could never be removed again by that feature.
    #[error("{location}: feature `{feature}` rendered `{line}` for {device}, outside its scope")]
    #[diagnostic(
        code(henko::intended::out_of_scope),
        help(
            "widen the feature's `scope:` in templates/templates.yaml, or stop rendering the line"
        )
    )]
    OutOfScope {
        /// `templates/x.j2` of the feature.
        location: String,
        /// Feature name.
        feature: String,
        /// Device name.
        device: String,
        /// The rendered top-level line.
        line: String,
    },
    /// A device lists a feature that `templates.yaml` does not declare.
    #[error("inventory.yaml:{line}: device {device} lists template `{feature}`, which templates/templates.yaml does not declare")]
    #[diagnostic(code(henko::intended::unknown_feature))]
    UnknownFeature {
        /// Device name.
        device: String,
        /// The name listed.
        feature: String,
        /// Line of the device in `inventory.yaml`.
        line: u32,
    },
    /// `--intended` was asked for, but the snapshot has no templates.
    #[error("{rev} has no templates/templates.yaml, so nothing can be rendered")]
    #[diagnostic(
        code(henko::intended::no_templates),
        help("declare features in templates/templates.yaml (see docs/intended.md)")
    )]
    NoTemplates {
        /// The snapshot as given.
        rev: String,
    },
    /// A parameter sheet could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sheet(#[from] SheetError),
    /// A snapshot could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// The inventory could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] InventoryError),
}

/// `templates/templates.yaml` is malformed or names what is not there.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{location}: {message}")]
#[diagnostic(
    code(henko::intended::features),
    help("each entry has `name`, `file` and optional platform/role/site/kind/devices/scope")
)]
pub struct FeaturesError {
    /// `templates/templates.yaml:LINE:COL`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// The file, for the snippet.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("here")]
    pub span: SourceSpan,
}

/// A template does not compile, or failed while rendering a device.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{location}: {message}")]
#[diagnostic(code(henko::intended::template))]
pub struct TemplateError {
    /// `templates/x.j2:LINE:COL`.
    pub location: String,
    /// What minijinja said (and for which device).
    pub message: String,
    /// The template, for the snippet.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("here")]
    pub span: SourceSpan,
}

/// A template printed a sheet column that is not there or an empty cell.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{location}: {place}: {message}")]
#[diagnostic(
    code(henko::intended::sheet_value),
    help("fill the cell, fix the column name, or give a default: {{{{ row[\"列\"] | default(\"…\") }}}}")
)]
pub struct SheetValueError {
    /// `templates/x.j2:LINE:COL` of the expression.
    pub location: String,
    /// The sheet cell (`sheets/vlans.xlsx 西センター!D6`).
    pub place: String,
    /// What is wrong with it, and for which device.
    pub message: String,
    /// The template, for the snippet.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("reads the sheet here")]
    pub span: SourceSpan,
}

impl IntendedError {
    /// Returns a [`IntendedError::Features`] error at byte `offset` of `text`.
    pub(crate) fn features(text: &str, offset: usize, message: String) -> IntendedError {
        let offset = offset.min(text.len());
        let (line, column) = line_column(text, offset);
        IntendedError::Features(Box::new(FeaturesError {
            location: format!("{}:{line}:{column}", super::FEATURES_PATH),
            message,
            src: NamedSource::new(super::FEATURES_PATH, text.to_string()),
            span: (offset, 0).into(),
        }))
    }
}

/// Returns the 1-based line and column (in characters) of byte `offset`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Returns the byte offset of `needle` at or after `from` (else `from`).
pub(crate) fn span_of(text: &str, needle: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find(needle))
        .map_or(from, |i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "a\n名前: {{ x }}\n";
        let offset = text.find("{{").unwrap();
        assert_eq!(line_column(text, offset), (2, 5));
        assert_eq!(line_column(text, 0), (1, 1));
    }
}
