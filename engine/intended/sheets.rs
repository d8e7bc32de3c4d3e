//! Parameter sheets as templates see them: `sheets.<name>` is every row of
//! `sheets/<name>.xlsx|csv` (all worksheets), `sheets.<name>["西センター"]`
//! one worksheet, and a row is a map keyed by the header text as written.
//!
//! Every cell a template reads is recorded (per rendering thread) together
//! with how much output had been written, so each rendered line knows the
//! sheet cells it came from ([`Recording`]), and a missing column or an
//! empty cell that ends up printed can be named down to its A1 reference.

use super::error::IntendedError;
use crate::config::sheet::{read_tables, Row, Table};
use crate::source::FileTree;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The folder sheets are read from for templates.
pub const SHEETS_DIR: &str = "sheets/";

/// One cell of one sheet file: indexes into [`Sheets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    /// Index of the file in [`Sheets::files`].
    pub file: u32,
    /// Worksheet index inside the file.
    pub table: u32,
    /// Row index inside the worksheet's data rows.
    pub row: u32,
    /// Column index.
    pub column: u32,
}

/// One sheet file, read once and shared by every rendering thread.
#[derive(Debug)]
pub struct SheetFile {
    /// Path inside the snapshot (`sheets/vlans.xlsx`).
    pub path: String,
    /// Name under `sheets.` (the path below `sheets/` without extension).
    pub name: String,
    /// Its worksheets (one for CSV).
    pub tables: Vec<Table>,
    /// (worksheet, row) of every row, all worksheets in order.
    all_rows: Vec<(u32, u32)>,
    /// `values[worksheet][row][column]`: each cell as templates see it
    /// (`None` when empty), made once instead of on every read.
    values: Vec<Vec<Vec<Option<Value>>>>,
}

/// Every sheet of a snapshot.
#[derive(Debug, Default)]
pub struct Sheets {
    /// The files, in path order.
    pub files: Vec<Arc<SheetFile>>,
}

impl Sheets {
    /// Reads every `.csv`/`.xlsx` below `sheets/`.
    pub fn load(tree: &dyn FileTree) -> Result<Sheets, IntendedError> {
        let mut files = Vec::new();
        for path in tree.paths()? {
            let Some(rest) = path.strip_prefix(SHEETS_DIR) else {
                continue;
            };
            if !crate::config::sheet::is_sheet(rest) {
                continue;
            }
            let name = rest.rsplit_once('.').map_or(rest, |(stem, _)| stem);
            let bytes = tree.read(&path)?;
            let tables = read_tables(&path, &bytes)?;
            files.push(SheetFile::new(path.clone(), name.to_string(), tables));
        }
        Ok(Sheets {
            files: files.into_iter().map(Arc::new).collect(),
        })
    }

    /// Returns the value templates see as `sheets`.
    pub fn value(&self) -> Value {
        let map: BTreeMap<String, Value> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| {
                (
                    file.name.clone(),
                    Value::from_object(RowsObject {
                        file: file.clone(),
                        index: i as u32,
                        table: None,
                    }),
                )
            })
            .collect();
        Value::from(map)
    }

    /// Returns the table and row of a cell.
    pub fn row(&self, cell: CellRef) -> Option<(&SheetFile, &Table, &Row)> {
        let file = self.files.get(cell.file as usize)?;
        let table = file.tables.get(cell.table as usize)?;
        let row = table.rows.get(cell.row as usize)?;
        Some((file, table, row))
    }

    /// Returns where a cell is, as people read it:
    /// `sheets/vlans.xlsx 西センター!D6`, or `sheets/vlans.csv D6`.
    pub fn place(&self, cell: CellRef) -> String {
        let Some((file, table, row)) = self.row(cell) else {
            return String::new();
        };
        let a1 = table.a1(row, cell.column as usize);
        if file.path.to_ascii_lowercase().ends_with(".xlsx") {
            format!("{} {}!{a1}", file.path, table.name)
        } else {
            format!("{} {a1}", file.path)
        }
    }
}

impl SheetFile {
    fn new(path: String, name: String, tables: Vec<Table>) -> SheetFile {
        let all_rows = tables
            .iter()
            .enumerate()
            .flat_map(|(t, table)| (0..table.rows.len()).map(move |r| (t as u32, r as u32)))
            .collect();
        let values = tables
            .iter()
            .map(|table| {
                table
                    .rows
                    .iter()
                    .map(|row| {
                        (0..table.columns.len())
                            .map(|c| {
                                let text = table.cell(row, c);
                                (!text.is_empty()).then(|| cell_value(text))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        SheetFile {
            path,
            name,
            tables,
            all_rows,
            values,
        }
    }
}

/// What was read while one rendering ran on this thread.
#[derive(Debug, Default)]
pub struct Recording {
    /// Bytes of output written so far.
    pub written: usize,
    /// Every cell read, with the output length at the time.
    pub reads: Vec<(usize, CellRef)>,
    /// The last read that gave nothing: the cell (column = the header's
    /// width for a missing column), the column asked for, and whether the
    /// column is missing (else the cell is empty).
    pub last_undefined: Option<(CellRef, String, bool)>,
}

thread_local! {
    static RECORDING: RefCell<Recording> = RefCell::new(Recording::default());
}

/// Starts a fresh recording on this thread.
pub(crate) fn start_recording() {
    RECORDING.with(|r| *r.borrow_mut() = Recording::default());
}

/// Ends this thread's recording and returns it.
pub(crate) fn take_recording() -> Recording {
    RECORDING.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

/// Adds `bytes` to the output length of this thread's recording.
pub(crate) fn note_written(bytes: usize) {
    RECORDING.with(|r| r.borrow_mut().written += bytes);
}

/// A cell's value: integers as numbers (so `sort` and `==` work on VLAN
/// ids), everything else as text.
fn cell_value(text: &str) -> Value {
    let integral = !text.is_empty()
        && (text == "0" || !text.starts_with('0'))
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .bytes()
            .all(|b| b.is_ascii_digit())
        && text != "-";
    match text.parse::<i64>() {
        Ok(n) if integral => Value::from(n),
        _ => Value::from(text),
    }
}

/// The rows of a sheet (every worksheet, or one).
#[derive(Debug)]
struct RowsObject {
    file: Arc<SheetFile>,
    index: u32,
    table: Option<u32>,
}

impl RowsObject {
    fn rows(&self) -> usize {
        match self.table {
            Some(t) => self.file.tables[t as usize].rows.len(),
            None => self.file.all_rows.len(),
        }
    }
}

impl Object for RowsObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if let Some(name) = key.as_str() {
            // `sheets.vlans["西センター"]`: one worksheet.
            if self.table.is_some() {
                return None;
            }
            let t = self.file.tables.iter().position(|t| t.name == name)?;
            return Some(Value::from_object(RowsObject {
                file: self.file.clone(),
                index: self.index,
                table: Some(t as u32),
            }));
        }
        let i = key.as_usize()?;
        let (table, row) = match self.table {
            Some(t) => (t, i as u32),
            None => *self.file.all_rows.get(i)?,
        };
        let rows = &self.file.tables[table as usize].rows;
        if (row as usize) >= rows.len() {
            return None;
        }
        Some(Value::from_object(RowObject {
            file: self.file.clone(),
            cell: CellRef {
                file: self.index,
                table,
                row,
                column: 0,
            },
        }))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.rows())
    }
}

/// One row: a map from header text to cell value.
#[derive(Debug)]
struct RowObject {
    file: Arc<SheetFile>,
    cell: CellRef,
}

impl Object for RowObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        let table = &self.file.tables[self.cell.table as usize];
        let row = &table.rows[self.cell.row as usize];
        match name {
            "_sheet" => return Some(Value::from(table.name.clone())),
            "_row" => return Some(Value::from(row.number)),
            _ => {}
        }
        let column = table.column_index(name);
        let cell = CellRef {
            column: column.unwrap_or(table.columns.len()) as u32,
            ..self.cell
        };
        let value = column.and_then(|c| {
            self.file.values[self.cell.table as usize][self.cell.row as usize]
                .get(c)
                .cloned()
                .flatten()
        });
        RECORDING.with(|r| {
            let mut r = r.borrow_mut();
            let at = r.written;
            match (column, &value) {
                (Some(_), Some(_)) => r.reads.push((at, cell)),
                _ => {
                    if column.is_some() {
                        r.reads.push((at, cell));
                    }
                    r.last_undefined = Some((cell, name.to_string(), column.is_none()));
                }
            }
        });
        value
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let table = &self.file.tables[self.cell.table as usize];
        Enumerator::Values(
            table
                .columns
                .iter()
                .map(|c| Value::from(c.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::sheet::read_csv;

    fn sheets() -> Sheets {
        let table = read_csv(
            "VLAN ID,名前,備考\n120,WEB,\n20,DB,x\n".as_bytes(),
            "vlans.csv",
        );
        Sheets {
            files: vec![Arc::new(SheetFile::new(
                "sheets/vlans.csv".into(),
                "vlans".into(),
                vec![table],
            ))],
        }
    }

    #[test]
    fn rows_are_maps_keyed_by_header_and_reads_are_recorded() {
        let sheets = sheets();
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        start_recording();
        let out = env
            .render_str(
                "{% for r in sheets.vlans | sort(attribute='VLAN ID') %}{{ r['VLAN ID'] }}={{ r.名前 }}{% if r.備考 %}!{% endif %};{% endfor %}",
                minijinja::context! { sheets => sheets.value() },
            )
            .unwrap();
        // Numeric sort: 20 before 120.
        assert_eq!(out, "20=DB!;120=WEB;");
        let recording = take_recording();
        // `sort` reads both keys, then each row its three cells.
        assert_eq!(recording.reads.len(), 8);
        let places: Vec<String> = recording
            .reads
            .iter()
            .map(|(_, c)| sheets.place(*c))
            .collect();
        assert!(
            places.contains(&"sheets/vlans.csv B3".to_string()),
            "{places:?}"
        );
        let (cell, column, missing) = recording.last_undefined.unwrap();
        assert_eq!(
            (sheets.place(cell), column.as_str(), missing),
            ("sheets/vlans.csv C2".into(), "備考", false)
        );
    }

    #[test]
    fn a_printed_empty_cell_is_an_error() {
        let sheets = sheets();
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        start_recording();
        let err = env
            .render_str(
                "{% for r in sheets.vlans %}{{ r.ゲートウェイ }}{% endfor %}",
                minijinja::context! { sheets => sheets.value() },
            )
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
        let (cell, column, missing) = take_recording().last_undefined.unwrap();
        assert!(missing);
        assert_eq!(column, "ゲートウェイ");
        assert_eq!(sheets.place(cell), "sheets/vlans.csv D2");
    }

    #[test]
    fn cell_values() {
        assert_eq!(cell_value("120"), Value::from(120));
        assert_eq!(cell_value("-3"), Value::from(-3));
        assert_eq!(cell_value("0120"), Value::from("0120"));
        assert_eq!(cell_value("10.0.0.1"), Value::from("10.0.0.1"));
        assert_eq!(cell_value("-"), Value::from("-"));
    }
}
