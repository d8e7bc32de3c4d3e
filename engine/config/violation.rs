//! [`Violation`]: one problem in an input file, located at a line.
//!
//! It is the currency of `henko validate`, and the one type for a problem
//! in an input: the inventory checks, the parameter-sheet schemas
//! ([`sheet::validate`](super::sheet::validate), which add the worksheet,
//! column and cell as a [`TableCell`]), scripts and drift rules all produce
//! violations. Build one with [`Violation::at`] (a span in a text you hold
//! as a [`SourceFile`]), [`Violation::at_line`] or [`Violation::in_file`]
//! (no position); the command renders every one of them as a miette
//! diagnostic (text) or as a JSON object (`file`, `line`, `column`, `code`,
//! `message`, `help`, `table`).

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A file's name and text, shared by every violation pointing into it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    /// Byte offset of each line's start, for line numbers in O(log n).
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// Wraps a file's name (as shown to the user) and its text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Returns the 1-based line and column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// Returns the file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the file's text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Where in a table (a parameter sheet) a violation sits; the row is the
/// violation's `line`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableCell {
    /// Worksheet (xlsx) or file name (CSV); empty when not known.
    pub sheet: String,
    /// Column name, when the problem is in one column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// A1 reference of the cell (`C12`), when the problem is in one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

/// One problem found in an input file.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    /// The file at fault, as named in the snapshot (`inventory.yaml`).
    pub file: String,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub column: usize,
    /// Stable machine-readable code, e.g. `henko::inventory::unknown_field`.
    pub code: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when henko knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The worksheet, column and cell, for a problem in a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableCell>,
    /// Short text under the highlighted span.
    #[serde(skip)]
    pub label: Option<String>,
    #[serde(skip)]
    source: Option<NamedSource<Arc<str>>>,
    #[serde(skip)]
    span: Option<SourceSpan>,
}

impl Violation {
    /// Returns a violation at byte range `span` of `file`.
    pub fn at(
        file: &SourceFile,
        span: Range<usize>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(file.text.len());
        let end = span.end.clamp(start, file.text.len());
        let (line, column) = file.line_column(start);
        Violation {
            file: file.name.clone(),
            line,
            column,
            code: code.into(),
            message: message.into(),
            help: None,
            table: None,
            label: None,
            source: Some(NamedSource::new(file.name.clone(), Arc::clone(&file.text))),
            span: Some(SourceSpan::from(start..end)),
        }
    }

    /// Returns a violation of the whole of `file`, with no position.
    pub fn in_file(
        file: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            file: file.into(),
            line: 0,
            column: 0,
            code: code.into(),
            message: message.into(),
            help: None,
            table: None,
            label: None,
            source: None,
            span: None,
        }
    }

    /// Returns a violation at a known line (and column, 0 when unknown) of
    /// a file whose text is not at hand (a spreadsheet row, say).
    pub fn at_line(
        file: impl Into<String>,
        line: usize,
        column: usize,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Violation {
            line,
            column,
            ..Violation::in_file(file, code, message)
        }
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Places the violation in a table's worksheet, column and cell.
    pub fn in_table(mut self, table: TableCell) -> Self {
        self.table = Some(table);
        self
    }

    /// Returns the last segment of the code (`within` for
    /// `henko::sheet::within`), as rule names and short listings show it.
    pub fn short_code(&self) -> &str {
        self.code.rsplit("::").next().unwrap_or(&self.code)
    }

    /// Adds a short label under the highlighted span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Returns `file:line:column` (`file:line` when the column is unknown,
    /// just `file` when not located).
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.clone(),
            (line, 0) => format!("{}:{line}", self.file),
            (line, column) => format!("{}:{line}:{column}", self.file),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for Violation {}

impl Diagnostic for Violation {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = LabeledSpan::new_with_span(self.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_violation_names_file_line_and_column() {
        let file = SourceFile::new("inventory.yaml", "devices:\n  - nmae: x\n");
        let v = Violation::at(
            &file,
            13..17,
            "henko::inventory::unknown_field",
            "unknown field",
        )
        .with_help("did you mean `name`?");
        assert_eq!((v.line, v.column), (2, 5));
        assert_eq!(v.to_string(), "inventory.yaml:2:5: unknown field");
        assert_eq!(
            v.code().unwrap().to_string(),
            "henko::inventory::unknown_field"
        );
        assert_eq!(v.labels().unwrap().count(), 1);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["line"], 2);
        assert_eq!(json["help"], "did you mean `name`?");
    }

    #[test]
    fn unlocated_violation_names_the_file() {
        let v = Violation::in_file("inventory.yaml", "henko::inventory::too_large", "too large");
        assert_eq!(v.to_string(), "inventory.yaml: too large");
        assert!(v.source_code().is_none() && v.labels().is_none());
        let row = Violation::at_line("sheets/vlans.csv", 12, 0, "henko::sheet::type", "bad")
            .in_table(TableCell {
                sheet: "vlans.csv".into(),
                column: Some("vlan".into()),
                cell: Some("B12".into()),
            });
        assert_eq!(row.to_string(), "sheets/vlans.csv:12: bad");
        assert_eq!(row.short_code(), "type");
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["table"]["cell"], "B12");
        assert!(serde_json::to_value(&v).unwrap().get("table").is_none());
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let file = SourceFile::new("f", "ab");
        let v = Violation::at(&file, 5..9, "c", "m");
        assert_eq!((v.line, v.column), (1, 3));
    }
}
