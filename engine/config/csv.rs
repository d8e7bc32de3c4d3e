//! The csv dialect: parameter sheets, one row per object.
//!
//! Conventions:
//! - The first non-empty row is the header; column names are kept as
//!   written (Japanese included), trimmed.
//! - The key column is `ParseOptions::key_column` when the header has it
//!   (a warning names it otherwise), else the first column.
//! - Each data row is a section `<key column>=<key value>` (`ホスト名=sw01`)
//!   whose children are `<column>: <value>` leaves for every other column,
//!   empty cells included (`vlan:`), in header order.
//! - RFC 4180 quoting: quoted fields, doubled quotes, commas and line
//!   breaks inside quotes. Blank rows are skipped. Rows with more cells
//!   than the header get `column N` names; missing cells are empty.
//! - A duplicate key value or an empty key is kept as its own row and
//!   reported as a warning.
//! - Serialisation writes the key column first, then the other columns in
//!   the order of the first row.

use super::tree::Node;

/// Splits CSV text into records of fields, with each record's first line.
pub(crate) fn records(text: &str) -> Vec<(u32, Vec<String>)> {
    let mut out = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1u32;
    let mut record_line = 1u32;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' | '\r' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                fields.push(std::mem::take(&mut field));
                out.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(ch);
                at_field_start = false;
            }
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((record_line, fields));
    }
    out.retain(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    out
}

/// Parses a CSV sheet into one section per row.
pub(crate) fn parse(text: &str, key_column: Option<&str>) -> (Vec<Node>, Vec<String>) {
    let mut warnings = Vec::new();
    let table = super::sheet::table_from_records("csv", records(text));
    if table.columns.is_empty() {
        return (Vec::new(), warnings);
    }
    let key = super::sheet::key_index(&table, key_column, &mut warnings);
    let roots = super::sheet::row_nodes(&table, key, &mut warnings);
    (roots, warnings)
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field != field.trim() {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Writes rows back as CSV. An xlsx tree (one `sheet NAME` section per
/// worksheet) is written as one CSV block per sheet, each headed by its
/// `sheet NAME` line: readable, not re-importable.
pub(crate) fn serialize(nodes: &[Node], out: &mut String) {
    let sheets = !nodes.is_empty()
        && nodes.iter().all(|node| {
            node.text.starts_with("sheet ")
                && node.children.iter().all(|row| row.text.contains('='))
        });
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
    let Some(first) = nodes.first() else { return };
    let key_column = first
        .text
        .split_once('=')
        .map_or(first.text.as_str(), |(k, _)| k);
    let mut columns: Vec<&str> = vec![key_column];
    for child in &first.children {
        columns.push(
            child
                .text
                .split_once(':')
                .map_or(child.text.as_str(), |(c, _)| c),
        );
    }
    out.push_str(
        &columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for node in nodes {
        let key = node.text.split_once('=').map_or("", |(_, v)| v);
        let mut cells = vec![quote(key)];
        for child in &node.children {
            let value = child
                .text
                .split_once(':')
                .map_or("", |(_, v)| v.trim_start());
            cells.push(quote(value));
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::super::serialize::tests::strip;
    use super::*;

    #[test]
    fn japanese_headers_quotes_and_duplicates() {
        let text = "ホスト名,IPアドレス,説明\r\nsw01,10.0.0.1,\"コア, 1号機\"\r\n\r\nsw02,10.0.0.2,\"two\nlines\"\nsw01,10.0.0.3,dup\n";
        let (roots, warnings) = parse(text, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(roots.len(), 3);
        assert_eq!(roots[0].text, "ホスト名=sw01");
        let children: Vec<_> = roots[0].children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(children, vec!["IPアドレス: 10.0.0.1", "説明: コア, 1号機"]);
        assert_eq!(roots[1].children[1].text, "説明: two\nlines");
        assert_eq!(roots[1].span, super::super::LineSpan { start: 4, end: 5 });
        assert_eq!(roots[2].span.start, 6);
    }

    #[test]
    fn key_column_option_and_round_trip() {
        let (roots, warnings) = parse("site,name,vlan\nwest,sw01,\neast,sw02,20\n", Some("name"));
        assert!(warnings.is_empty());
        assert_eq!(roots[0].text, "name=sw01");
        assert_eq!(roots[0].children[1].text, "vlan:");
        let mut out = String::new();
        serialize(&roots, &mut out);
        assert_eq!(out, "name,site,vlan\nsw01,west,\nsw02,east,20\n");
        let (again, _) = parse(&out, None);
        assert_eq!(strip(again), strip(roots));
        let (_, warnings) = parse("a,b\n1,2\n", Some("missing"));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn xlsx_trees_serialise_one_block_per_sheet() {
        let mut row = Node::leaf("VLAN ID=140", 2);
        row.children.push(Node::leaf("名前: BATCH", 2));
        let mut sheet = Node::leaf("sheet 西センター", 1);
        sheet.children.push(row);
        let mut out = String::new();
        serialize(&[sheet], &mut out);
        assert_eq!(out, "sheet 西センター\nVLAN ID,名前\n140,BATCH\n");
    }
}
