//! Why a templated device changes: the sheet rows and cells whose edit
//! produced each change.
//!
//! Every rendered line knows the cells read while it was written
//! ([`FeatureRendering::line_cells`]). A change is traced to the rendered
//! lines it touches — in the TO rendering for what is added or modified,
//! in the FROM rendering (when FROM has templates) for what is removed —
//! and the rows behind those lines are compared between the FROM and TO
//! sheets by their key cell: a row only in TO is `added`, only in FROM
//! `removed`, in both with other values in the cells read `modified` (only
//! those cells are named). A change behind which no sheet row changed has
//! no cause: the backup had drifted from the rendering.

use super::render::{DeviceRendering, FeatureRendering};
use super::sheets::{CellRef, SheetFile, Sheets};
use crate::config::Node;
use crate::diff::{Change, Op};
use crate::inventory::Inventory;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One sheet row behind a device's changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cause {
    /// The sheet file (`sheets/vlans.xlsx`).
    pub sheet: String,
    /// The worksheet (empty for CSV).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub worksheet: String,
    /// The spreadsheet row (in TO; in FROM for a removed row).
    pub row: u32,
    /// The row's key cell (`120`).
    pub key: String,
    /// `added`, `removed` or `modified`.
    pub change: String,
    /// A1 references of the cells concerned (`D6`).
    pub cells: Vec<String>,
    /// Their column headers, in the same order.
    pub columns: Vec<String>,
}

impl Cause {
    /// Returns the cause as one line: `sheets/vlans.xlsx 西センター!D6 (row 6, 120: modified ゲートウェイ)`.
    pub fn describe(&self) -> String {
        let place = if self.worksheet.is_empty() {
            self.sheet.clone()
        } else {
            format!("{} {}", self.sheet, self.worksheet)
        };
        let cells = self.cells.join(",");
        let sep = if self.worksheet.is_empty() { " " } else { "!" };
        format!(
            "{place}{sep}{cells} (row {} `{}` {}: {})",
            self.row,
            self.key,
            self.change,
            self.columns.join(", ")
        )
    }
}

/// One side of a sheet-driven change: what was rendered and from which sheets.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The device's rendering.
    pub rendering: &'a DeviceRendering,
    /// The sheets it was rendered from.
    pub sheets: &'a Sheets,
}

/// Returns the causes of a device's `changes`: `to` is the TO rendering,
/// `from` the FROM one (when FROM has templates), `from_sheets` FROM's
/// sheets (to tell added, removed and modified rows apart).
pub fn device_causes(
    changes: &[Change],
    to: Side<'_>,
    from: Option<Side<'_>>,
    from_sheets: &Sheets,
    inventory: &Inventory,
) -> Vec<Cause> {
    let mut to_cells: Vec<CellRef> = Vec::new();
    let mut from_cells: Vec<CellRef> = Vec::new();
    for change in changes {
        if matches!(change.op, Op::Add | Op::Modify | Op::Move) {
            cells_of(change, change.after.as_deref(), to.rendering, &mut to_cells);
        }
        if matches!(change.op, Op::Remove | Op::Modify) {
            if let Some(from) = from {
                cells_of(
                    change,
                    change.before.as_deref(),
                    from.rendering,
                    &mut from_cells,
                );
            }
        }
    }
    let mut causes: BTreeMap<(String, String, u32, String), Cause> = BTreeMap::new();
    let mut add = |cause: Cause| {
        let key = (
            cause.sheet.clone(),
            cause.worksheet.clone(),
            cause.row,
            cause.change.clone(),
        );
        let entry = causes.entry(key).or_insert_with(|| Cause {
            cells: Vec::new(),
            columns: Vec::new(),
            ..cause.clone()
        });
        for (cell, column) in cause.cells.into_iter().zip(cause.columns) {
            if !entry.cells.contains(&cell) {
                entry.cells.push(cell);
                entry.columns.push(column);
            }
        }
    };
    for (cells, sheets, other, removed_side) in [
        (&to_cells, to.sheets, from_sheets, false),
        (
            &from_cells,
            from.map_or(from_sheets, |f| f.sheets),
            to.sheets,
            true,
        ),
    ] {
        for (row_ref, columns) in group_by_row(cells) {
            if let Some(cause) =
                row_cause(row_ref, &columns, sheets, other, removed_side, inventory)
            {
                add(cause);
            }
        }
    }
    causes.into_values().collect()
}

/// Groups cells by their row, keeping the columns read.
fn group_by_row(cells: &[CellRef]) -> BTreeMap<CellRef, Vec<u32>> {
    let mut rows: BTreeMap<CellRef, Vec<u32>> = BTreeMap::new();
    for cell in cells {
        let row = CellRef { column: 0, ..*cell };
        let columns = rows.entry(row).or_default();
        if !columns.contains(&cell.column) {
            columns.push(cell.column);
        }
    }
    rows
}

/// The key column of a sheet file: the inventory entry's `key` for that
/// file when there is one, else the first column.
fn key_column(file: &SheetFile, table: usize, inventory: &Inventory) -> usize {
    let table = &file.tables[table];
    inventory
        .devices()
        .iter()
        .find(|d| d.config == file.path)
        .and_then(|d| d.key.as_deref())
        .and_then(|k| table.column_index(k))
        .unwrap_or(0)
}

/// Finds the row with the same key in the same worksheet of `other`.
fn same_row<'a>(
    file: &SheetFile,
    table: usize,
    key: &str,
    key_name: &str,
    other: &'a Sheets,
) -> Option<(&'a SheetFile, usize, usize)> {
    let other_file = other.files.iter().find(|f| f.path == file.path)?;
    let name = &file.tables[table].name;
    let (t, other_table) =
        other_file.tables.iter().enumerate().find(|(_, t)| {
            &t.name == name || other_file.tables.len() == 1 && file.tables.len() == 1
        })?;
    let k = other_table.column_index(key_name)?;
    let r = other_table
        .rows
        .iter()
        .position(|row| other_table.cell(row, k) == key)?;
    Some((other_file, t, r))
}

/// Returns the cause of one row, or `None` when nothing in it changed.
fn row_cause(
    row_ref: CellRef,
    columns: &[u32],
    sheets: &Sheets,
    other: &Sheets,
    removed_side: bool,
    inventory: &Inventory,
) -> Option<Cause> {
    let (file, table, row) = sheets.row(row_ref)?;
    let t = row_ref.table as usize;
    let key_index = key_column(file, t, inventory);
    let key = table.cell(row, key_index).to_string();
    let key_name = table.columns.get(key_index).cloned().unwrap_or_default();
    let worksheet = if file.path.to_ascii_lowercase().ends_with(".xlsx") {
        table.name.clone()
    } else {
        String::new()
    };
    let named = |c: u32| table.columns.get(c as usize).cloned();
    let Some((other_file, ot, or)) = same_row(file, t, &key, &key_name, other) else {
        // The row exists on one side only.
        let (cells, names): (Vec<String>, Vec<String>) = columns
            .iter()
            .filter_map(|&c| Some((table.a1(row, c as usize), named(c)?)))
            .unzip();
        return Some(Cause {
            sheet: file.path.clone(),
            worksheet,
            row: row.number,
            key,
            change: if removed_side { "removed" } else { "added" }.to_string(),
            cells,
            columns: names,
        });
    };
    let other_table = &other_file.tables[ot];
    let other_row = &other_table.rows[or];
    let changed: Vec<u32> = columns
        .iter()
        .copied()
        .filter(|&c| {
            let Some(name) = named(c) else { return false };
            let mine = table.cell(row, c as usize);
            let theirs = other_table
                .column_index(&name)
                .map_or("", |i| other_table.cell(other_row, i));
            mine != theirs
        })
        .collect();
    if changed.is_empty() {
        return None;
    }
    // Name the cells where they are now (TO), whichever side traced them.
    let (now_table, now_row) = if removed_side {
        (other_table, other_row)
    } else {
        (table, row)
    };
    let (cells, names): (Vec<String>, Vec<String>) = changed
        .iter()
        .filter_map(|&c| {
            let name = named(c)?;
            let i = now_table.column_index(&name).unwrap_or(c as usize);
            Some((now_table.a1(now_row, i), name))
        })
        .unzip();
    Some(Cause {
        sheet: file.path.clone(),
        worksheet,
        row: now_row.number,
        key,
        change: "modified".to_string(),
        cells,
        columns: names,
    })
}

/// Adds the cells read for the rendered lines a change touches.
fn cells_of(
    change: &Change,
    last: Option<&str>,
    rendering: &DeviceRendering,
    out: &mut Vec<CellRef>,
) {
    for feature in &rendering.features {
        if let Some(node) = find(feature, &change.path, last) {
            collect(node, feature, out);
            return;
        }
    }
}

/// Finds the rendered node at `path` (its last element matched as written
/// or as the change's line text).
fn find<'a>(
    feature: &'a FeatureRendering,
    path: &[String],
    last: Option<&str>,
) -> Option<&'a Node> {
    let (tail, heads) = path.split_last()?;
    let mut nodes = &feature.tree.roots;
    for head in heads {
        nodes = &nodes.iter().find(|n| &n.text == head)?.children;
    }
    nodes
        .iter()
        .find(|n| &n.text == tail)
        .or_else(|| last.and_then(|l| nodes.iter().find(|n| n.text == l)))
}

fn collect(node: &Node, feature: &FeatureRendering, out: &mut Vec<CellRef>) {
    let lines = node.span.start.max(1)..=node.span.end.max(node.span.start.max(1));
    for line in lines {
        if let Some(cells) = feature.line_cells.get(line as usize - 1) {
            for cell in cells {
                if !out.contains(cell) {
                    out.push(*cell);
                }
            }
        }
    }
    for child in &node.children {
        collect(child, feature, out);
    }
}
