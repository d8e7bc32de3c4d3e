//! Source lines for yaml / json nodes. serde does not report positions, so
//! the lines are recovered by walking the tree in document order and
//! finding each key (or list item) at or after the previous match. Block
//! YAML and pretty JSON get exact lines; odd layouts get the nearest line
//! found, never a wrong order.

use super::input;
use super::tree::Node;

/// How far ahead a key is looked for, so a key that cannot be found costs
/// a bounded amount of work.
const WINDOW: usize = 500;

/// Sets the spans of `nodes` (and their subtrees) from `text`.
pub(crate) fn locate(nodes: &mut [Node], text: &str) {
    let lines: Vec<&str> = input::lines(text).map(|(_, line)| line).collect();
    let mut cursor = 0usize;
    walk(nodes, &lines, &mut cursor);
}

fn walk(nodes: &mut [Node], lines: &[&str], cursor: &mut usize) -> u32 {
    let mut last = 0u32;
    for node in nodes {
        let (needle, item) = needle(&node.text);
        let found = find(lines, *cursor, &needle, item);
        if let Some(at) = found {
            // A scalar item may share its line with the next (flow lists).
            *cursor = if item && node.children.is_empty() {
                at
            } else {
                at + 1
            };
        }
        let start = found.map_or(*cursor as u32, |at| at as u32 + 1).max(1);
        let end = walk(&mut node.children, lines, cursor).max(start);
        node.span.start = start;
        node.span.end = end;
        last = last.max(end);
    }
    last
}

/// What to look for: a key, or (for a scalar list item) its value.
fn needle(text: &str) -> (String, bool) {
    if text == "---" || text == "-" {
        return (text.to_string(), true);
    }
    if let Some(item) = text.strip_prefix("- ") {
        return match item.split_once(": ") {
            Some((key, _)) => (key.trim_matches('"').to_string(), false),
            None => (item.to_string(), true),
        };
    }
    let key = text.strip_suffix(':').unwrap_or(text);
    let key = key.split_once(": ").map_or(key, |(k, _)| k);
    (key.trim_matches('"').to_string(), false)
}

fn find(lines: &[&str], from: usize, needle: &str, item: bool) -> Option<usize> {
    let end = lines.len().min(from + WINDOW);
    (from.min(end)..end).find(|&at| {
        let line = lines[at];
        if item {
            match needle {
                "---" => line.trim() == "---",
                "-" => line.trim_start().starts_with('-'),
                value => line.contains(value),
            }
        } else {
            has_key(line, needle)
        }
    })
}

/// True when `line` holds the map key `key` (YAML block or flow, JSON).
fn has_key(line: &str, key: &str) -> bool {
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("- ") {
        rest = after.trim_start();
    }
    let rest = rest.trim_start_matches(['{', ',', ' ']);
    let after_key = rest
        .strip_prefix(key)
        .or_else(|| {
            rest.strip_prefix('"')
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix('"'))
        })
        .or_else(|| {
            rest.strip_prefix('\'')
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix('\''))
        });
    after_key.is_some_and(|after| after.trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Dialect, ParseOptions};

    #[test]
    fn yaml_and_json_nodes_get_their_lines() {
        let yaml = "# vm\nvm:\n  cpu: 4\n  tags: [a, b]\n  disks:\n    - name: d1\n      size: 40\n    - name: d2\n";
        let tree = parse(yaml.as_bytes(), Dialect::Yaml, &ParseOptions::default());
        let vm = &tree.roots[0];
        assert_eq!((vm.span.start, vm.span.end), (2, 8));
        let spans: Vec<u32> = vm.children.iter().map(|n| n.span.start).collect();
        assert_eq!(spans, vec![3, 4, 5]);
        let disks = &vm.children[2];
        assert_eq!(disks.children[1].span.start, 8);
        assert_eq!(disks.children[0].children[0].span.start, 7);

        let json = "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [\n      1,\n      2\n    ]\n  }\n}\n";
        let tree = parse(json.as_bytes(), Dialect::Json, &ParseOptions::default());
        let starts: Vec<u32> = tree.roots.iter().map(|n| n.span.start).collect();
        assert_eq!(starts, vec![2, 3]);
        assert_eq!(tree.roots[1].children[0].children[1].span.start, 6);
    }
}
