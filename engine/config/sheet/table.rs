//! Parameter sheets as tables: CSV files and every worksheet of an xlsx
//! workbook, with the spreadsheet row number of every row kept for
//! diagnostics.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// One row of a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Row number as the user sees it: the 1-based spreadsheet row (xlsx) or
    /// the 1-based line where the record starts (CSV).
    pub number: u32,
    /// Cell texts, one per column (missing trailing cells are empty).
    pub cells: Vec<String>,
}

/// One table: a header row naming the columns, then one row per object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Worksheet name (xlsx) or file name (CSV).
    pub name: String,
    /// Column names from the header row, kept as written (Japanese too).
    pub columns: Vec<String>,
    /// Row number of the header row.
    pub header_row: u32,
    /// 0-based column offset of the first column (xlsx ranges may not start at A).
    pub first_column: u32,
    /// Data rows, in sheet order; fully empty rows are skipped.
    pub rows: Vec<Row>,
}

/// Why a sheet could not be read at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SheetError {
    /// The workbook is not a readable xlsx file.
    #[error("{file}: not a readable xlsx workbook: {reason}")]
    #[diagnostic(code(henko::sheet::xlsx))]
    Xlsx {
        /// File name.
        file: String,
        /// What calamine said.
        reason: String,
    },
}

impl Table {
    /// Returns the index of `column`, if the header has it.
    pub fn column_index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }

    /// Returns the key column's index: `key` when given and present, else 0.
    pub fn key_index(&self, key: Option<&str>) -> usize {
        key.and_then(|k| self.column_index(k)).unwrap_or(0)
    }

    /// Returns the cell at (`row`, `column`), empty when missing.
    pub fn cell<'a>(&self, row: &'a Row, column: usize) -> &'a str {
        row.cells.get(column).map(String::as_str).unwrap_or("")
    }

    /// Returns the A1 reference of a cell (`C12`).
    pub fn a1(&self, row: &Row, column: usize) -> String {
        format!(
            "{}{}",
            column_letters(self.first_column + column as u32),
            row.number
        )
    }
}

/// Returns spreadsheet column letters for a 0-based index (0 → A, 27 → AB).
pub fn column_letters(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads a CSV parameter sheet (RFC 4180: quoted fields may hold commas,
/// quotes and newlines; a UTF-8 BOM and CRLF are accepted). Cells are
/// trimmed; rows longer than the header get `column N` names.
pub fn read_csv(bytes: &[u8], file: &str) -> Table {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    table_from_records(
        file.rsplit('/').next().unwrap_or(file),
        crate::config::csv::records(text),
    )
}

/// Builds a table from CSV records (line, cells): the first is the header.
pub(crate) fn table_from_records(name: &str, records: Vec<(u32, Vec<String>)>) -> Table {
    let mut records = records.into_iter();
    let (header_row, header) = records.next().unwrap_or((1, Vec::new()));
    let mut columns: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
    let rows: Vec<Row> = records
        .map(|(number, cells)| Row {
            number,
            cells: cells.iter().map(|c| c.trim().to_string()).collect(),
        })
        .collect();
    let widest = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    while columns.len() < widest {
        columns.push(format!("column {}", columns.len() + 1));
    }
    Table {
        name: name.to_string(),
        columns,
        header_row,
        first_column: 0,
        rows,
    }
}

/// Reads every worksheet of an xlsx workbook as a table (the first non-empty
/// row of each is its header).
pub fn read_xlsx(bytes: &[u8], file: &str) -> Result<Vec<Table>, SheetError> {
    let error = |reason: String| SheetError::Xlsx {
        file: file.to_string(),
        reason,
    };
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| error(e.to_string()))?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| error(format!("sheet {name}: {e}")))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().map(|(offset, cells)| Row {
            number: first_row + offset as u32 + 1,
            cells: cells.iter().map(cell_text).collect(),
        });
        let Some(header) = rows
            .by_ref()
            .find(|r| r.cells.iter().any(|c| !c.is_empty()))
        else {
            tables.push(Table {
                name,
                columns: Vec::new(),
                header_row: first_row + 1,
                first_column,
                rows: Vec::new(),
            });
            continue;
        };
        let rows = rows
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .collect();
        tables.push(Table {
            name,
            columns: header.cells,
            header_row: header.number,
            first_column,
            rows,
        });
    }
    Ok(tables)
}

/// Renders a cell the way a person reads it: integral floats without `.0`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim_end().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_bom_and_japanese_headers() {
        let text = "\u{feff}VLAN ID,名前,備考\r\n120,WEB,\"a, b\"\r\n\r\n130,DB,\"multi\nline\"\n";
        let table = read_csv(text.as_bytes(), "sheets/vlans.csv");
        assert_eq!(table.columns, ["VLAN ID", "名前", "備考"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cells[2], "a, b");
        assert_eq!(table.rows[1].number, 4);
        assert_eq!(table.rows[1].cells[2], "multi\nline");
        assert_eq!(table.name, "vlans.csv");
    }

    #[test]
    fn column_letters_roll_over() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn xlsx_round_trip_through_writer() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("VLAN一覧").unwrap();
        sheet.write_string(0, 0, "VLAN ID").unwrap();
        sheet.write_string(0, 1, "名前").unwrap();
        sheet.write_number(1, 0, 120.0).unwrap();
        sheet.write_string(1, 1, "WEB").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let tables = read_xlsx(&bytes, "vlans.xlsx").unwrap();
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].name, "VLAN一覧");
        assert_eq!(tables[0].rows[0].cells, ["120", "WEB"]);
        assert_eq!(tables[0].a1(&tables[0].rows[0], 1), "B2");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_xlsx(b"not a zip", "x.xlsx").is_err());
    }
}
