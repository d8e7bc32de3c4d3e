//! The csv and xlsx dialects: parameter sheets, one row per object.
//!
//! Reading is the [`sheet`](super::sheet) module's job (RFC 4180 CSV and
//! xlsx workbooks, schemas); this module adapts it to [`parse`](super::parse)
//! and writes sheet trees back as CSV. Conventions (from `sheet`):
//! - each data row is a section whose text is its key value (the key column
//!   is `ParseOptions::key_column` when given, else the first column);
//! - its children are `column: value` leaves for the non-empty cells, in
//!   header order; column names are kept as written (Japanese included);
//! - xlsx workbooks get one `sheet NAME` section per worksheet.
//!
//! Added here: a duplicate or empty key is reported as a warning (both rows
//! are kept); a CSV that cannot be read (an unclosed quote) falls back to
//! the lines dialect with a warning.

use std::collections::HashMap;

use super::sheet;
use super::tree::{ConfigTree, Node};
use super::Dialect;

/// Parses a CSV sheet.
pub(crate) fn parse_csv(bytes: &[u8], key_column: Option<&str>) -> ConfigTree {
    match sheet::read_csv(bytes, "sheet") {
        Ok(table) => {
            let mut tree = sheet::tables_to_tree(&[table], key_column, Dialect::Csv);
            check_keys(&tree.roots, &mut tree.warnings);
            tree
        }
        Err(error) => {
            let text = String::from_utf8_lossy(bytes);
            ConfigTree {
                dialect: Dialect::Csv,
                roots: super::lines::parse(&text),
                ordered: true,
                warnings: vec![format!("{error}; parsed as plain lines")],
            }
        }
    }
}

/// Parses an xlsx workbook.
pub(crate) fn parse_xlsx(bytes: &[u8], key_column: Option<&str>) -> ConfigTree {
    let mut tree = sheet::parse_xlsx(bytes, key_column);
    let mut warnings = std::mem::take(&mut tree.warnings);
    for sheet in &tree.roots {
        check_keys(&sheet.children, &mut warnings);
    }
    tree.warnings = warnings;
    tree
}

/// Warns about empty and duplicate row keys.
fn check_keys(rows: &[Node], warnings: &mut Vec<String>) {
    let mut first: HashMap<&str, u32> = HashMap::new();
    for row in rows {
        let line = row.span.start;
        if row.text.is_empty() {
            warnings.push(format!("row {line}: empty key"));
        } else if let Some(previous) = first.insert(&row.text, line) {
            warnings.push(format!(
                "row {line}: duplicate key `{}` (first in row {previous})",
                row.text
            ));
        }
    }
}

fn quote(field: &str) -> String {
    let needs = field.contains([',', '"', '\n', '\r'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Writes sheet rows back as CSV: a `key` column, then every column in
/// first-appearance order. Xlsx trees write one block per `sheet NAME`
/// section, headed by that line (for reading, not for re-import).
pub(crate) fn serialize(nodes: &[Node], out: &mut String) {
    let sheets = !nodes.is_empty()
        && nodes
            .iter()
            .all(|n| n.text.starts_with("sheet ") && n.is_section());
    if sheets {
        for sheet in nodes {
            out.push_str(&sheet.text);
            out.push('\n');
            rows(&sheet.children, out);
        }
    } else {
        rows(nodes, out);
    }
}

fn rows(nodes: &[Node], out: &mut String) {
    let mut columns: Vec<&str> = Vec::new();
    for node in nodes {
        for child in &node.children {
            let column = child
                .text
                .split_once(": ")
                .map_or(child.text.as_str(), |(c, _)| c);
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
    }
    let header: Vec<String> = std::iter::once("key")
        .chain(columns.iter().copied())
        .map(quote)
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for node in nodes {
        let mut cells = vec![String::new(); columns.len() + 1];
        cells[0] = quote(&node.text);
        for child in &node.children {
            if let Some((column, value)) = child.text.split_once(": ") {
                if let Some(at) = columns.iter().position(|c| *c == column) {
                    cells[at + 1] = quote(value);
                }
            }
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, serialize, ParseOptions};
    use super::*;

    #[test]
    fn japanese_headers_quotes_and_duplicates() {
        let text = "ホスト名,IPアドレス,説明\r\nsw01,10.0.0.1,\"コア, 1号機\"\r\n\r\nsw02,10.0.0.2,\"two\nlines\"\nsw01,10.0.0.3,dup\n";
        let tree = parse(text.as_bytes(), Dialect::Csv, &ParseOptions::default());
        assert_eq!(tree.warnings.len(), 1, "{:?}", tree.warnings);
        assert_eq!(tree.roots.len(), 3);
        assert_eq!(tree.roots[0].text, "sw01");
        let children: Vec<_> = tree.roots[0]
            .children
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(children, vec!["IPアドレス: 10.0.0.1", "説明: コア, 1号機"]);
        assert_eq!(tree.roots[1].children[1].text, "説明: two\nlines");
    }

    #[test]
    fn key_column_option_and_round_trip() {
        let options = ParseOptions {
            key_column: Some("name".into()),
            ..ParseOptions::default()
        };
        let tree = parse(
            b"site,name,vlan\nwest,sw01,\neast,sw02,20\n",
            Dialect::Csv,
            &options,
        );
        assert!(tree.warnings.is_empty());
        assert_eq!(tree.roots[0].text, "sw01");
        let out = serialize(&tree);
        assert_eq!(out, "key,site,vlan\nsw01,west,\nsw02,east,20\n");
        let mut again = parse(out.as_bytes(), Dialect::Csv, &ParseOptions::default());
        let mut tree = tree;
        again.clear_spans();
        tree.clear_spans();
        assert_eq!(again.roots, tree.roots);
    }

    #[test]
    fn unreadable_csv_and_xlsx_never_fail() {
        let tree = parse(b"a,b\n\"open,1\n", Dialect::Csv, &ParseOptions::default());
        assert_eq!(tree.warnings.len(), 1);
        assert_eq!(tree.roots.len(), 2);
        let tree = parse(b"not a zip", Dialect::Xlsx, &ParseOptions::default());
        assert_eq!(tree.warnings.len(), 1);
        assert!(tree.roots.is_empty());
    }
}
