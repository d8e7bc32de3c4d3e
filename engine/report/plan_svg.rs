//! The blast radius as an inline SVG picture: changed devices on the left,
//! the devices they hit in columns by distance, one arrow per dependency.
//! No external reference of any kind (no `xmlns` URL: inline SVG in HTML
//! needs none).

use super::escape::html as escape;
use crate::plan::Plan;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const COLUMN: usize = 200;
const ROW: usize = 34;
const BOX_W: usize = 160;
const BOX_H: usize = 24;
/// Beyond this many nodes the picture stops being readable; the list below
/// it in the page still names every device.
const MAX_NODES: usize = 150;

/// Returns the SVG element, or `None` when nothing is hit.
pub fn blast_radius(plan: &Plan) -> Option<String> {
    if plan.impact.is_empty() {
        return None;
    }
    let changed: BTreeSet<&str> = plan.devices.iter().map(|d| d.name.as_str()).collect();
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    let mut edges: BTreeSet<(&str, &str)> = BTreeSet::new();
    for hit in &plan.impact {
        for (i, name) in hit.path.iter().enumerate() {
            let d = depth.entry(name.as_str()).or_insert(i);
            *d = (*d).min(i);
            if i > 0 {
                edges.insert((hit.path[i - 1].as_str(), name.as_str()));
            }
        }
    }
    let mut columns: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (name, d) in &depth {
        columns.entry(*d).or_default().push(name);
    }
    let mut position: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut shown = 0;
    for (col, names) in &columns {
        for (row, name) in names.iter().enumerate() {
            if shown == MAX_NODES {
                break;
            }
            position.insert(name, (col * COLUMN + 10, row * ROW + 10));
            shown += 1;
        }
    }
    let width = columns.len() * COLUMN + 20;
    let height = columns
        .values()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .min(MAX_NODES)
        * ROW
        + 20;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="graph" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">"#
    );
    svg.push_str(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>"##,
    );
    for (from, to) in &edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (position.get(from), position.get(to)) else {
            continue;
        };
        let _ = write!(
            svg,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888" marker-end="url(#arrow)"/>"##,
            x1 + BOX_W,
            y1 + BOX_H / 2,
            x2,
            y2 + BOX_H / 2
        );
    }
    for (name, (x, y)) in &position {
        let class = if changed.contains(name) {
            "changed"
        } else {
            "hit"
        };
        let _ = write!(
            svg,
            r#"<g class="{class}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4"/><text x="{}" y="{}">{}</text></g>"#,
            x + 8,
            y + 16,
            escape(&shorten(name))
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Keeps a label inside its box.
fn shorten(name: &str) -> String {
    if name.chars().count() <= 20 {
        name.to_string()
    } else {
        let head: String = name.chars().take(19).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::sample_plan;
    use crate::plan::Impact;

    #[test]
    fn draws_one_box_per_device_and_one_arrow_per_hop() {
        let mut plan = sample_plan();
        assert!(blast_radius(&Plan {
            impact: Vec::new(),
            ..plan.clone()
        })
        .is_none());
        plan.impact.push(Impact {
            device: "app<1>".into(),
            reason: "depends on esx1".into(),
            path: vec!["fw1".into(), "esx1".into(), "app<1>".into()],
        });
        let svg = blast_radius(&plan).unwrap();
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert_eq!(svg.matches("<line").count(), 2, "{svg}");
        assert!(svg.contains("app&lt;1&gt;"));
        assert!(svg.contains(r#"<g class="changed"><rect x="10""#));
        assert!(!svg.contains("http"));
    }
}
