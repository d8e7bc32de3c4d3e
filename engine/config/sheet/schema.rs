//! Sheet schemas (`NAME.schema.yaml` beside `NAME.xlsx`/`NAME.csv`) and the
//! checks they declare: types, ranges, addresses, prefixes, enumerations,
//! uniqueness and references to other sheets or to inventory devices.

use super::table::{Row, Table};
use crate::config::{TableCell, Violation};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

/// The schema of one table.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSchema {
    /// Worksheet the schema applies to (xlsx); `None` = the first/only table.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Key column; defaults to the first column. Keys must be unique.
    #[serde(default)]
    pub key: Option<String>,
    /// Rules per column, by header name as written.
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnRule>,
}

/// A schema file: one table's schema, or several under `sheets:`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SchemaFile {
    /// `sheets: {NAME: TableSchema, …}` for a workbook with several sheets.
    Many {
        /// Schema per worksheet name.
        sheets: BTreeMap<String, TableSchema>,
    },
    /// A single table's schema.
    One(TableSchema),
}

impl SchemaFile {
    /// Parses a schema file's YAML.
    pub fn parse(text: &str) -> Result<SchemaFile, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// Returns the schema for `table` (by worksheet name, else the single one).
    pub fn for_table(&self, table: &str, first: bool) -> Option<&TableSchema> {
        match self {
            SchemaFile::Many { sheets } => sheets.get(table),
            SchemaFile::One(schema) => match &schema.sheet {
                Some(sheet) => (sheet == table).then_some(schema),
                None => first.then_some(schema),
            },
        }
    }
}

/// Value types a column may declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellType {
    /// Any text.
    #[default]
    String,
    /// A whole number (`min`/`max` apply).
    Integer,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// An IPv4 or IPv6 address.
    Ip,
    /// An IPv4 prefix `a.b.c.d/len`.
    Ipv4Prefix,
    /// An IPv6 prefix.
    Ipv6Prefix,
    /// An IPv4 or IPv6 prefix.
    Prefix,
    /// TRUE/FALSE, yes/no, 1/0, ○/×.
    Boolean,
}

/// What a column's cells must satisfy.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// Value type.
    #[serde(default, rename = "type")]
    pub kind: CellType,
    /// The cell may not be empty.
    #[serde(default)]
    pub required: bool,
    /// No two rows may hold the same (non-empty) value.
    #[serde(default)]
    pub unique: bool,
    /// Smallest integer allowed.
    #[serde(default)]
    pub min: Option<i64>,
    /// Largest integer allowed.
    #[serde(default)]
    pub max: Option<i64>,
    /// The only values allowed.
    #[serde(default, rename = "enum")]
    pub allowed: Option<Vec<String>>,
    /// The address must lie inside the prefix held by this other column.
    #[serde(default)]
    pub within: Option<String>,
    /// The value must name an inventory device (`device`) or another sheet's
    /// key (`FILE` or `FILE#SHEET`, e.g. `sheets/vlans.xlsx#VLAN一覧`).
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
}

/// Keys of other tables and inventory device names, for `ref` rules.
#[derive(Clone, Debug, Default)]
pub struct References {
    /// Inventory device names.
    pub devices: HashSet<String>,
    /// Key sets by `FILE` and `FILE#SHEET`.
    pub keys: HashMap<String, HashSet<String>>,
}

/// Checks `table` against `schema`, returning every violation (not just the
/// first), each at its row (the violation's `line`) and cell, with a
/// `henko::sheet::…` code (`type`, `range`, `unique`, `within`, `ref`, …).
pub fn validate(
    file: &str,
    table: &Table,
    schema: &TableSchema,
    references: &References,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    let at = |row: u32, table_cell: TableCell, code: &str, message: String| {
        Violation::at_line(
            file,
            row as usize,
            0,
            format!("henko::sheet::{code}"),
            message,
        )
        .in_table(table_cell)
    };
    let violation = |row: &Row, column: Option<usize>, code: &str, message: String| {
        let place = TableCell {
            sheet: table.name.clone(),
            column: column.map(|c| table.columns[c].clone()),
            cell: column.map(|c| table.a1(row, c)),
        };
        at(row.number, place, code, message)
    };
    for name in schema.columns.keys() {
        if table.column_index(name).is_none() {
            let place = TableCell {
                sheet: table.name.clone(),
                column: Some(name.clone()),
                cell: None,
            };
            violations.push(at(
                table.header_row,
                place,
                "missing-column",
                format!("column `{name}` declared in the schema is not in the header"),
            ));
        }
    }
    let key = table.key_index(schema.key.as_deref());
    let mut seen_keys: HashMap<&str, u32> = HashMap::new();
    for row in &table.rows {
        let value = table.cell(row, key);
        if value.is_empty() {
            violations.push(violation(
                row,
                Some(key),
                "key-empty",
                "the key cell is empty".into(),
            ));
        } else if let Some(first) = seen_keys.insert(value, row.number) {
            violations.push(violation(
                row,
                Some(key),
                "key-duplicate",
                format!("key `{value}` already used on row {first}"),
            ));
        }
    }
    for (name, rule) in &schema.columns {
        let Some(column) = table.column_index(name) else {
            continue;
        };
        let within = rule.within.as_deref().and_then(|w| table.column_index(w));
        let mut seen: HashMap<&str, u32> = HashMap::new();
        for row in &table.rows {
            let value = table.cell(row, column);
            if value.is_empty() {
                if rule.required {
                    violations.push(violation(
                        row,
                        Some(column),
                        "required",
                        format!("`{name}` is required"),
                    ));
                }
                continue;
            }
            if let Err(message) = check_type(value, rule) {
                violations.push(violation(row, Some(column), "type", message));
                continue;
            }
            if let Some(allowed) = &rule.allowed {
                if !allowed.iter().any(|a| a == value) {
                    violations.push(violation(
                        row,
                        Some(column),
                        "enum",
                        format!("`{value}` is not one of {}", allowed.join(", ")),
                    ));
                }
            }
            if rule.unique {
                if let Some(first) = seen.insert(value, row.number) {
                    violations.push(violation(
                        row,
                        Some(column),
                        "unique",
                        format!("`{value}` already used in `{name}` on row {first}"),
                    ));
                }
            }
            if let Some(prefix_column) = within {
                let prefix = table.cell(row, prefix_column);
                if let (Ok(address), Some(net)) = (value.parse::<IpAddr>(), parse_prefix(prefix)) {
                    if !net.contains(address) {
                        violations.push(violation(
                            row,
                            Some(column),
                            "within",
                            format!(
                                "{value} is outside {prefix} ({})",
                                table.columns[prefix_column]
                            ),
                        ));
                    }
                }
            }
            if let Some(target) = &rule.reference {
                let known = if target == "device" {
                    references.devices.contains(value)
                } else {
                    references
                        .keys
                        .get(target)
                        .is_none_or(|keys| keys.contains(value))
                };
                if !known {
                    let what = if target == "device" {
                        "inventory device"
                    } else {
                        target.as_str()
                    };
                    violations.push(violation(
                        row,
                        Some(column),
                        "ref",
                        format!("`{value}` names no {what}"),
                    ));
                }
            }
        }
    }
    let cell = |v: &Violation| v.table.as_ref().and_then(|t| t.cell.clone());
    violations.sort_by_cached_key(|v| (v.line, cell(v)));
    violations
}

/// Checks a non-empty cell against the column's type and range.
fn check_type(value: &str, rule: &ColumnRule) -> Result<(), String> {
    let ok = match rule.kind {
        CellType::String => true,
        CellType::Integer => {
            let Ok(number) = value.parse::<i64>() else {
                return Err(format!("`{value}` is not a whole number"));
            };
            if rule.min.is_some_and(|min| number < min) || rule.max.is_some_and(|max| number > max)
            {
                return Err(format!(
                    "{number} is outside {}..={}",
                    rule.min.map_or("-∞".into(), |m| m.to_string()),
                    rule.max.map_or("∞".into(), |m| m.to_string())
                ));
            }
            true
        }
        CellType::Ipv4 => value.parse::<std::net::Ipv4Addr>().is_ok(),
        CellType::Ipv6 => value.parse::<std::net::Ipv6Addr>().is_ok(),
        CellType::Ip => value.parse::<IpAddr>().is_ok(),
        CellType::Ipv4Prefix => parse_prefix(value).is_some_and(|p| p.address.is_ipv4()),
        CellType::Ipv6Prefix => parse_prefix(value).is_some_and(|p| p.address.is_ipv6()),
        CellType::Prefix => parse_prefix(value).is_some(),
        CellType::Boolean => matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "1" | "0" | "○" | "×" | "on" | "off"
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{value}` is not a valid {:?}", rule.kind).to_lowercase())
    }
}

/// An IP prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// The network address as written.
    pub address: IpAddr,
    /// Prefix length.
    pub length: u8,
}

impl Prefix {
    /// Returns true when `address` lies inside the prefix.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.length))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.length))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Parses `a.b.c.d/len` or `x::/len`.
pub fn parse_prefix(text: &str) -> Option<Prefix> {
    let (address, length) = text.trim().split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let length: u8 = length.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    (length <= max).then_some(Prefix { address, length })
}

#[cfg(test)]
mod tests {
    use super::super::table::read_csv;
    use super::*;

    const SCHEMA: &str = r#"
key: VLAN ID
columns:
  VLAN ID: { type: integer, min: 1, max: 4094, required: true }
  名前: { required: true, unique: true }
  サブネット: { type: ipv4-prefix, unique: true }
  ゲートウェイ: { type: ipv4, within: サブネット }
  用途: { enum: [web, db, mgmt] }
  機器: { ref: device }
"#;

    fn check(csv: &str) -> Vec<Violation> {
        let table = read_csv(csv.as_bytes(), "sheets/vlans.csv");
        let SchemaFile::One(schema) = SchemaFile::parse(SCHEMA).unwrap() else {
            panic!()
        };
        let references = References {
            devices: ["w-sw01".to_string()].into(),
            ..References::default()
        };
        validate("sheets/vlans.csv", &table, &schema, &references)
    }

    #[test]
    fn clean_sheet_has_no_violation() {
        let csv = "VLAN ID,名前,サブネット,ゲートウェイ,用途,機器\n120,WEB,10.1.20.0/24,10.1.20.1,web,w-sw01\n";
        assert!(check(csv).is_empty());
    }

    #[test]
    fn every_violation_is_reported_with_its_cell() {
        let csv = "VLAN ID,名前,サブネット,ゲートウェイ,用途,機器\n\
                   4095,WEB,10.1.20.0/24,10.1.99.1,web,w-sw01\n\
                   130,WEB,10.1.30.0/33,10.1.30.1,dmz,nobody\n\
                   130,DB,10.1.20.0/24,x,db,w-sw01\n";
        let found: Vec<(String, String)> = check(csv)
            .into_iter()
            .map(|v| {
                let cell = v.table.as_ref().and_then(|t| t.cell.clone());
                (cell.unwrap_or_default(), v.short_code().to_string())
            })
            .collect();
        let expect = [
            ("A2", "type"),
            ("D2", "within"),
            ("B3", "unique"),
            ("C3", "type"),
            ("E3", "enum"),
            ("F3", "ref"),
            ("A4", "key-duplicate"),
            ("C4", "unique"),
            ("D4", "type"),
        ];
        assert_eq!(
            found,
            expect.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
    }

    #[test]
    fn prefixes_contain_addresses() {
        let net = parse_prefix("10.1.20.0/24").unwrap();
        assert!(net.contains("10.1.20.254".parse().unwrap()));
        assert!(!net.contains("10.1.21.1".parse().unwrap()));
        assert!(parse_prefix("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(parse_prefix("2001:db8::/32")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        assert!(parse_prefix("10.0.0.0/40").is_none());
    }
}
