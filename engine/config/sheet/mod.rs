//! Parameter sheets: CSV and xlsx tables, their schemas, and their tree form.
//!
//! A sheet becomes a [`ConfigTree`] whose nodes are rows keyed by the key
//! column (`120`), each holding one `column: value` leaf per non-empty cell,
//! so sorting a sheet changes nothing and a diff reads "120 › 名前: WEB →
//! WEB-DMZ". Workbooks with several worksheets get one `sheet NAME` section
//! per worksheet.

mod schema;
mod table;

pub use schema::{
    parse_prefix, validate, CellType, ColumnRule, Prefix, References, SchemaFile, TableSchema,
};
pub(crate) use table::table_from_records;
pub use table::{column_letters, read_csv, read_xlsx, Row, SheetError, Table};

use super::{ConfigTree, Dialect, LineSpan, Node, Violation};
use crate::source::FileTree;
use std::collections::{HashMap, HashSet};

/// Returns true when `path` names a parameter sheet henko reads as a table.
pub fn is_sheet(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".xlsx")
}

/// Reads the tables of a sheet file (one for CSV, one per worksheet for xlsx).
pub fn read_tables(path: &str, bytes: &[u8]) -> Result<Vec<Table>, SheetError> {
    if path.to_ascii_lowercase().ends_with(".xlsx") {
        read_xlsx(bytes, path)
    } else {
        Ok(vec![read_csv(bytes, path)])
    }
}

/// Turns tables into a tree: rows keyed by `key` (else the first column).
/// Problems (missing key column, empty or duplicate keys) become warnings.
pub fn tables_to_tree(tables: &[Table], key: Option<&str>, dialect: Dialect) -> ConfigTree {
    let mut roots: Vec<Node> = Vec::new();
    let mut warnings = Vec::new();
    let wrap = dialect == Dialect::Xlsx;
    for table in tables {
        let key_index = key_index(table, key, &mut warnings);
        let rows = row_nodes(table, key_index, &mut warnings);
        if wrap {
            let start = table.header_row;
            let end = table.rows.last().map_or(start, |r| r.number);
            roots.push(Node {
                text: format!("sheet {}", table.name),
                span: LineSpan { start, end },
                children: rows,
                ordered: false,
            });
        } else {
            roots.extend(rows);
        }
    }
    ConfigTree {
        dialect,
        roots,
        ordered: false,
        warnings,
    }
}

/// Returns the key column's index: `key` when the header has it (a warning
/// names it otherwise), else the first column.
pub(crate) fn key_index(table: &Table, key: Option<&str>, warnings: &mut Vec<String>) -> usize {
    match key {
        Some(name) => table.column_index(name).unwrap_or_else(|| {
            warnings.push(format!(
                "{}: key column `{name}` not in the header; using the first column",
                table.name
            ));
            0
        }),
        None => 0,
    }
}

/// One section per row, `<key column>=<key value>` (`VLAN ID=120`), with a
/// `<column>: <value>` leaf for every other column in header order (empty
/// cells as `<column>:`). Empty and duplicate keys are kept and warned about.
pub(crate) fn row_nodes(table: &Table, key: usize, warnings: &mut Vec<String>) -> Vec<Node> {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let key_name = table.columns.get(key).map_or("", String::as_str);
    table
        .rows
        .iter()
        .map(|row| {
            let line = row.number;
            let key_value = table.cell(row, key);
            if key_value.is_empty() {
                warnings.push(format!("line {line}: row has an empty `{key_name}`"));
            } else if let Some(first) = seen.insert(key_value, line) {
                warnings.push(format!(
                    "line {line}: duplicate `{key_name}` value `{key_value}` (first on line {first})"
                ));
            }
            let extra_lines: u32 = row.cells.iter().map(|c| c.matches('\n').count() as u32).sum();
            let children = table
                .columns
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != key)
                .map(|(i, column)| {
                    let value = table.cell(row, i);
                    let text = if value.is_empty() {
                        format!("{column}:")
                    } else {
                        format!("{column}: {value}")
                    };
                    Node::leaf(text, line)
                })
                .collect();
            Node {
                text: format!("{key_name}={key_value}"),
                span: LineSpan {
                    start: line,
                    end: line + extra_lines,
                },
                children,
                ordered: false,
            }
        })
        .collect()
}

/// Parses an xlsx workbook into a tree; an unreadable workbook gives an empty
/// tree with a warning (parsers never fail).
pub fn parse_xlsx(bytes: &[u8], key: Option<&str>) -> ConfigTree {
    match read_xlsx(bytes, "workbook") {
        Ok(tables) => tables_to_tree(&tables, key, Dialect::Xlsx),
        Err(e) => ConfigTree {
            dialect: Dialect::Xlsx,
            warnings: vec![e.to_string()],
            ..ConfigTree::default()
        },
    }
}

/// Validates every sheet of a snapshot that has a schema beside it
/// (`NAME.schema.yaml` next to `NAME.xlsx` or `NAME.csv`), returning every
/// violation. `devices` are the inventory's device names, for `ref: device`.
pub fn validate_snapshot(tree: &dyn FileTree, devices: HashSet<String>) -> Vec<Violation> {
    let files = match tree.paths() {
        Ok(files) => files,
        Err(e) => return vec![snapshot_violation("", "read", e.to_string())],
    };
    let paths: Vec<&str> = files.iter().map(String::as_str).collect();
    let mut violations = Vec::new();
    let mut checked = Vec::new();
    for schema_path in paths.iter().filter(|p| p.ends_with(".schema.yaml")) {
        let stem = schema_path.trim_end_matches(".schema.yaml");
        let Some(sheet_path) = [".xlsx", ".csv"]
            .iter()
            .map(|ext| format!("{stem}{ext}"))
            .find(|p| paths.contains(&p.as_str()))
        else {
            violations.push(snapshot_violation(
                schema_path,
                "no-sheet",
                format!("no {stem}.xlsx or {stem}.csv beside this schema"),
            ));
            continue;
        };
        let schema = match tree
            .read(schema_path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                SchemaFile::parse(&String::from_utf8_lossy(&b)).map_err(|e| e.to_string())
            }) {
            Ok(schema) => schema,
            Err(e) => {
                violations.push(snapshot_violation(schema_path, "schema", e));
                continue;
            }
        };
        let tables = match tree
            .read(&sheet_path)
            .map_err(|e| e.to_string())
            .and_then(|b| read_tables(&sheet_path, &b).map_err(|e| e.to_string()))
        {
            Ok(tables) => tables,
            Err(e) => {
                violations.push(snapshot_violation(&sheet_path, "read", e));
                continue;
            }
        };
        checked.push((sheet_path, schema, tables));
    }
    let mut references = References {
        devices,
        ..References::default()
    };
    for (path, schema, tables) in &checked {
        for (i, table) in tables.iter().enumerate() {
            if let Some(table_schema) = schema.for_table(&table.name, i == 0) {
                let key = table.key_index(table_schema.key.as_deref());
                let keys: HashSet<String> = table
                    .rows
                    .iter()
                    .map(|r| table.cell(r, key).to_string())
                    .collect();
                if i == 0 {
                    references.keys.insert(path.clone(), keys.clone());
                }
                references
                    .keys
                    .insert(format!("{path}#{}", table.name), keys);
            }
        }
    }
    for (path, schema, tables) in &checked {
        for (i, table) in tables.iter().enumerate() {
            if let Some(table_schema) = schema.for_table(&table.name, i == 0) {
                violations.extend(validate(path, table, table_schema, &references));
            }
        }
    }
    violations
}

fn snapshot_violation(file: &str, code: &str, message: String) -> Violation {
    Violation::in_file(file, format!("henko::sheet::{code}"), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_rows_gives_the_same_tree_modulo_spans() {
        let a = read_csv(b"id,name\n1,a\n2,b\n", "s.csv");
        let b = read_csv(b"id,name\n2,b\n1,a\n", "s.csv");
        let texts = |t: &ConfigTree| {
            let mut v: Vec<(String, Vec<String>)> = t
                .roots
                .iter()
                .map(|n| {
                    (
                        n.text.clone(),
                        n.children.iter().map(|c| c.text.clone()).collect(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let ta = tables_to_tree(&[a], None, Dialect::Csv);
        let tb = tables_to_tree(&[b], None, Dialect::Csv);
        assert_eq!(texts(&ta), texts(&tb));
        assert_eq!(ta.roots[0].text, "id=1");
        assert_eq!(ta.roots[0].children[0].text, "name: a");
    }

    #[test]
    fn snapshot_validation_finds_schema_and_sheet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sheets")).unwrap();
        std::fs::write(dir.path().join("sheets/v.csv"), "id,dev\n1,r1\n2,zz\n").unwrap();
        std::fs::write(
            dir.path().join("sheets/v.schema.yaml"),
            "columns:\n  dev: { ref: device }\n",
        )
        .unwrap();
        let snapshot =
            crate::source::Snapshot::resolve(dir.path().to_str().unwrap(), None).unwrap();
        let reader = snapshot.open().unwrap();
        let found = validate_snapshot(reader.as_ref(), ["r1".to_string()].into());
        assert_eq!(found.len(), 1);
        let table = found[0].table.as_ref().unwrap();
        assert_eq!(table.cell.as_deref(), Some("B3"));
        assert_eq!(table.column.as_deref(), Some("dev"));
        assert_eq!((found[0].file.as_str(), found[0].line), ("sheets/v.csv", 3));
        assert_eq!(found[0].code, "henko::sheet::ref");
    }
}
