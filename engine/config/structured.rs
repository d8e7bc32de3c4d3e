//! The yaml and json dialects (VM specs, NSX and vCenter exports, array
//! settings, Ansible vars, FortiOS YAML backups).
//!
//! Conventions:
//! - A map entry with a scalar value is a leaf `key: value` (value as
//!   written: strings unquoted, numbers, `true`/`false`, `null`, an empty
//!   string as `""`, an empty map `{}`, an empty list `[]`). A map or list
//!   value is a section `key:`. Map order is kept as written; the diff
//!   treats it as not meaningful.
//! - Lists whose items are all maps carrying a unique scalar `name` (else
//!   `id`, else `key`) are KEYED: each item is a section `- name: web01`
//!   holding the item's other entries (a leaf when there are none), and the
//!   list is unordered, so inserting an item does not shift the others.
//! - Other lists are ordered (`Node::ordered`): scalar items are leaves
//!   `- value`, map and list items are sections `-`.
//! - Keys that would be ambiguous (`a: b`, `- x`, empty) are written
//!   JSON-quoted.
//! - Several YAML documents become sections `---`, in order
//!   (`ConfigTree::ordered`); a single document is not wrapped.
//! - NSX volatile metadata (`_revision`, `_last_modified_time` …) is noise.
//! - Line spans are recovered by the `structured_lines` module.
//! - Input the YAML/JSON parser rejects (tabs, duplicate keys, alias bombs,
//!   nesting beyond 128) falls back to the lines dialect with a warning.

use serde::Deserialize;

use super::noise::is_volatile_key;
use super::structured_lines::locate;
use super::tree::{ConfigTree, Node};
use super::{Dialect, MAX_DEPTH};

/// Dialect-neutral data.
enum Data {
    Scalar(String),
    Map(Vec<(String, Data)>),
    List(Vec<Data>),
}

/// What a parse produced: roots, warnings, whether root order matters.
pub(crate) type Parsed = (Vec<Node>, Vec<String>, bool);

/// Parses YAML text (one or more documents).
pub(crate) fn parse_yaml(text: &str) -> Parsed {
    use super::yaml_depth::{excessive_flow_nesting, MAX_FLOW_DEPTH};
    if excessive_flow_nesting(text, MAX_FLOW_DEPTH).is_some() {
        let why = format!("flow collections nest deeper than {MAX_FLOW_DEPTH} levels");
        return fallback(text, "YAML", &why);
    }
    let mut documents = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        match serde_yaml::Value::deserialize(document) {
            Ok(value) => documents.push(from_yaml(value)),
            Err(error) => return fallback(text, "YAML", &error.to_string()),
        }
    }
    documents.retain(|data| !matches!(data, Data::Scalar(s) if s == "null"));
    if documents.len() <= 1 {
        let Some(data) = documents.pop() else {
            return (Vec::new(), Vec::new(), false);
        };
        let (mut roots, ordered) = document_nodes(data);
        locate(&mut roots, text);
        return (roots, Vec::new(), ordered);
    }
    let mut roots: Vec<Node> = documents
        .into_iter()
        .map(|data| {
            let (children, ordered) = document_nodes(data);
            let mut node = Node::leaf("---", 0);
            node.children = children;
            node.ordered = ordered;
            node
        })
        .collect();
    locate(&mut roots, text);
    (roots, Vec::new(), true)
}

/// Parses JSON text.
pub(crate) fn parse_json(text: &str) -> Parsed {
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new(), false);
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Null) => (Vec::new(), Vec::new(), false),
        Ok(value) => {
            let (mut roots, ordered) = document_nodes(from_json(value));
            locate(&mut roots, text);
            (roots, Vec::new(), ordered)
        }
        Err(error) => fallback(text, "JSON", &error.to_string()),
    }
}

fn fallback(text: &str, kind: &str, message: &str) -> Parsed {
    let warning = format!("{kind} not parsed ({message}); parsed as plain lines");
    (super::lines::parse(text), vec![warning], true)
}

fn from_yaml(value: serde_yaml::Value) -> Data {
    use serde_yaml::Value;
    match value {
        Value::Null => Data::Scalar("null".into()),
        Value::Bool(b) => Data::Scalar(b.to_string()),
        Value::Number(n) => Data::Scalar(n.to_string()),
        Value::String(s) => Data::Scalar(s),
        Value::Sequence(items) => Data::List(items.into_iter().map(from_yaml).collect()),
        Value::Mapping(map) => Data::Map(
            map.into_iter()
                .map(|(key, value)| (yaml_key(key), from_yaml(value)))
                .collect(),
        ),
        Value::Tagged(tagged) => match from_yaml(tagged.value) {
            Data::Scalar(s) => Data::Scalar(format!("{} {s}", tagged.tag)),
            other => other,
        },
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    match from_yaml(key) {
        Data::Scalar(s) => s,
        _ => "<complex key>".to_string(),
    }
}

fn from_json(value: serde_json::Value) -> Data {
    use serde_json::Value;
    match value {
        Value::Null => Data::Scalar("null".into()),
        Value::Bool(b) => Data::Scalar(b.to_string()),
        Value::Number(n) => Data::Scalar(n.to_string()),
        Value::String(s) => Data::Scalar(s),
        Value::Array(items) => Data::List(items.into_iter().map(from_json).collect()),
        Value::Object(map) => Data::Map(map.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

/// Returns a document's top-level nodes and whether their order matters.
fn document_nodes(data: Data) -> (Vec<Node>, bool) {
    match data {
        Data::Map(entries) => (map_nodes(entries, 1), false),
        Data::List(items) => list_nodes(items, 1),
        Data::Scalar(s) => (vec![Node::leaf(key_text(&s), 0)], false),
    }
}

fn scalar_text(s: &str) -> &str {
    if s.is_empty() {
        "\"\""
    } else {
        s
    }
}

fn key_text(key: &str) -> String {
    let ambiguous = key.is_empty()
        || key == "-"
        || key.starts_with("- ")
        || key.starts_with('"')
        || key.contains(": ")
        || key.ends_with(':')
        || key.contains('\n');
    if ambiguous {
        serde_json::to_string(key).unwrap_or_else(|_| key.to_string())
    } else {
        key.to_string()
    }
}

/// Renders a value nested beyond the depth cap as one compact line.
fn compact(data: &Data) -> String {
    fn to_json(data: &Data) -> serde_json::Value {
        match data {
            Data::Scalar(s) => serde_json::Value::String(s.clone()),
            Data::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
            Data::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json(v)))
                    .collect(),
            ),
        }
    }
    to_json(data).to_string()
}

fn map_nodes(entries: Vec<(String, Data)>, depth: usize) -> Vec<Node> {
    entries
        .into_iter()
        .filter(|(key, _)| !is_volatile_key(key))
        .map(|(key, value)| entry_node(format!("{}:", key_text(&key)), value, depth))
        .collect()
}

/// Builds the node for `header` (`key:` or `-`) holding `value`.
fn entry_node(header: String, value: Data, depth: usize) -> Node {
    let separator = " ";
    match value {
        Data::Scalar(s) => Node::leaf(format!("{header}{separator}{}", scalar_text(&s)), 0),
        Data::Map(entries) if entries.is_empty() => {
            Node::leaf(format!("{header}{separator}{{}}"), 0)
        }
        Data::List(items) if items.is_empty() => Node::leaf(format!("{header}{separator}[]"), 0),
        data if depth >= MAX_DEPTH => {
            Node::leaf(format!("{header}{separator}{}", compact(&data)), 0)
        }
        Data::Map(entries) => {
            let mut node = Node::leaf(header, 0);
            node.children = map_nodes(entries, depth + 1);
            node
        }
        Data::List(items) => {
            let mut node = Node::leaf(header, 0);
            let (children, ordered) = list_nodes(items, depth + 1);
            node.children = children;
            node.ordered = ordered;
            node
        }
    }
}

/// Returns the field that keys every item of `items`, if any.
fn key_field(items: &[Data]) -> Option<&'static str> {
    ["name", "id", "key"].into_iter().find(|field| {
        let mut seen = std::collections::HashSet::new();
        items.iter().all(|item| match item {
            Data::Map(entries) => entries
                .iter()
                .any(|(k, v)| k == field && matches!(v, Data::Scalar(s) if seen.insert(s.clone()))),
            _ => false,
        })
    })
}

/// Returns the nodes of a list and whether the list is ordered.
fn list_nodes(items: Vec<Data>, depth: usize) -> (Vec<Node>, bool) {
    let Some(field) = key_field(&items) else {
        let nodes = items
            .into_iter()
            .map(|item| entry_node("-".to_string(), item, depth))
            .collect();
        return (nodes, true);
    };
    let nodes = items
        .into_iter()
        .map(|item| {
            let Data::Map(entries) = item else {
                unreachable!("key_field checked every item")
            };
            let mut header = String::new();
            let mut rest = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                match value {
                    Data::Scalar(s) if key == field && header.is_empty() => {
                        header = format!("- {field}: {}", scalar_text(&s));
                    }
                    value => rest.push((key, value)),
                }
            }
            let mut node = Node::leaf(header, 0);
            node.children = map_nodes(rest, depth + 1);
            node
        })
        .collect();
    (nodes, false)
}

/// Writes a yaml or json tree back in its syntax.
pub(crate) fn serialize(tree: &ConfigTree, out: &mut String) {
    let documents: Vec<Data> = if tree.ordered
        && !tree.roots.is_empty()
        && tree.roots.iter().all(|node| node.text == "---")
    {
        tree.roots
            .iter()
            .map(|doc| nodes_data(&doc.children, doc.ordered))
            .collect()
    } else {
        vec![nodes_data(&tree.roots, tree.ordered)]
    };
    if tree.roots.is_empty() {
        return;
    }
    for (at, data) in documents.iter().enumerate() {
        if tree.dialect == Dialect::Json {
            out.push_str(&serde_json::to_string_pretty(&to_json(data)).unwrap_or_default());
            out.push('\n');
        } else {
            if documents.len() > 1 || at > 0 {
                out.push_str("---\n");
            }
            out.push_str(&serde_yaml::to_string(&to_yaml(data)).unwrap_or_default());
        }
    }
}

fn to_json(data: &Data) -> serde_json::Value {
    match data {
        Data::Scalar(s) => serde_json::Value::String(s.clone()),
        Data::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Data::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

fn to_yaml(data: &Data) -> serde_yaml::Value {
    match data {
        Data::Scalar(s) => serde_yaml::Value::String(s.clone()),
        Data::List(items) => serde_yaml::Value::Sequence(items.iter().map(to_yaml).collect()),
        Data::Map(entries) => serde_yaml::Value::Mapping(
            entries
                .iter()
                .map(|(k, v)| (serde_yaml::Value::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

/// Returns the value a yaml/json node holds, as JSON: a keyed list item
/// (`- name: web01` with its entries) as an object, a `key: value` leaf as
/// its scalar, a `key:` section as its map or list, an ordered item as its
/// value. Scalars that read as numbers, booleans or `null` become those, so
/// a body built from it is what an API expects.
pub(crate) fn node_value(node: &Node) -> serde_json::Value {
    let data = if let Some(item) = node.text.strip_prefix("- ") {
        let keyed = split_entry(item).1.is_some();
        match nodes_data(std::slice::from_ref(node), !keyed) {
            Data::List(mut items) if items.len() == 1 => items.remove(0),
            other => other,
        }
    } else if node.text == "-" {
        nodes_data(
            &node.children,
            node.ordered || unkeyed_items(&node.children),
        )
    } else {
        match split_entry(&node.text).1 {
            Some(value) if node.children.is_empty() => scalar_data(value),
            _ => nodes_data(
                &node.children,
                node.ordered || unkeyed_items(&node.children),
            ),
        }
    };
    typed_json(&data)
}

/// True when `nodes` are items of an unkeyed (ordered) list: a node cut out
/// of its tree (a change's body) no longer says so itself.
fn unkeyed_items(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| {
        n.text == "-"
            || n.text
                .strip_prefix("- ")
                .is_some_and(|item| split_entry(item).1.is_none())
    })
}

fn typed_json(data: &Data) -> serde_json::Value {
    use serde_json::Value;
    match data {
        Data::Scalar(s) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" | "~" => Value::Null,
            text => text
                .parse::<i64>()
                .map(Value::from)
                .ok()
                .or_else(|| {
                    text.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite() && text.contains('.'))
                        .map(Value::from)
                })
                .unwrap_or_else(|| {
                    Value::String(serde_json::from_str(text).unwrap_or_else(|_| text.to_string()))
                }),
        },
        Data::List(items) => Value::Array(items.iter().map(typed_json).collect()),
        Data::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), typed_json(v)))
                .collect(),
        ),
    }
}

/// Splits `key: value` / `key:` at the first `: ` outside a quoted key.
fn split_entry(text: &str) -> (String, Option<&str>) {
    let key_end = if text.starts_with('"') {
        let mut escaped = false;
        text.char_indices()
            .skip(1)
            .find(|&(_, c)| {
                let close = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                close
            })
            .map_or(text.len(), |(at, _)| at + 1)
    } else {
        text.find(": ")
            .or_else(|| text.strip_suffix(':').map(str::len))
            .unwrap_or(text.len())
    };
    let raw_key = &text[..key_end];
    let key = if raw_key.starts_with('"') {
        serde_json::from_str::<String>(raw_key).unwrap_or_else(|_| raw_key.to_string())
    } else {
        raw_key.to_string()
    };
    let rest = &text[key_end..];
    let value = rest.strip_prefix(": ");
    (key, value)
}

fn scalar_data(text: &str) -> Data {
    match text {
        "\"\"" => Data::Scalar(String::new()),
        "{}" => Data::Map(Vec::new()),
        "[]" => Data::List(Vec::new()),
        _ => Data::Scalar(text.to_string()),
    }
}

/// Rebuilds data from sibling nodes; `ordered` tells an unkeyed list from
/// a keyed one.
fn nodes_data(nodes: &[Node], ordered: bool) -> Data {
    if let [single] = nodes {
        let text = single.text.as_str();
        // A document that is a bare scalar: the only leaf that is neither
        // `key: value` nor a list item (ambiguous scalars are JSON-quoted).
        let quoted_scalar = serde_json::from_str::<String>(text).is_ok();
        let scalar = single.children.is_empty()
            && (quoted_scalar || (!text.contains(": ") && !text.starts_with("- ") && text != "-"));
        if scalar {
            let (unquoted, _) = split_entry(text);
            return Data::Scalar(unquoted);
        }
    }
    let is_list = !nodes.is_empty()
        && nodes
            .iter()
            .all(|n| n.text == "-" || n.text.starts_with("- "));
    if !is_list {
        return Data::Map(
            nodes
                .iter()
                .map(|node| {
                    let (key, value) = split_entry(&node.text);
                    let data = match value {
                        Some(value) if node.children.is_empty() => scalar_data(value),
                        _ => nodes_data(&node.children, node.ordered),
                    };
                    (key, data)
                })
                .collect(),
        );
    }
    Data::List(
        nodes
            .iter()
            .map(|node| {
                let item = node.text.strip_prefix("- ").unwrap_or("");
                if !ordered {
                    let (key, value) = split_entry(item);
                    let mut entries = vec![(key, scalar_data(value.unwrap_or("")))];
                    if let Data::Map(rest) = nodes_data(&node.children, false) {
                        entries.extend(rest);
                    }
                    Data::Map(entries)
                } else if node.text == "-" {
                    nodes_data(&node.children, node.ordered)
                } else {
                    scalar_data(item)
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::serialize::tests::strip;
    use super::super::{parse, serialize, ParseOptions};
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn keyed_lists_and_scalars() {
        let (roots, warnings, ordered) = parse_yaml(
            "vm:\n  cpu: 4\n  tags: [a, b]\n  disks:\n    - name: d1\n      size: 40\n    - name: d0\n  empty: ''\n  none:\n  nested:\n    - [1, 2]\n    - {x: 1}\n",
        );
        assert!(warnings.is_empty() && !ordered);
        let vm = &roots[0];
        assert_eq!(
            texts(&vm.children),
            vec![
                "cpu: 4",
                "tags:",
                "disks:",
                "empty: \"\"",
                "none: null",
                "nested:"
            ]
        );
        assert!(vm.children[1].ordered);
        assert_eq!(texts(&vm.children[1].children), vec!["- a", "- b"]);
        let disks = &vm.children[2];
        assert!(!disks.ordered);
        assert_eq!(texts(&disks.children), vec!["- name: d1", "- name: d0"]);
        assert_eq!(texts(&disks.children[0].children), vec!["size: 40"]);
        assert_eq!(texts(&vm.children[5].children), vec!["-", "-"]);
    }

    #[test]
    fn multi_document_and_fallback() {
        let (roots, warnings, ordered) = parse_yaml("a: 1\n---\nb: 2\n");
        assert!(warnings.is_empty() && ordered);
        assert_eq!(texts(&roots), vec!["---", "---"]);
        let (roots, warnings, _) = parse_yaml("a: 1\na: 2\n");
        assert_eq!(warnings.len(), 1);
        assert_eq!(roots.len(), 2);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
        let (_, warnings, _) = parse_yaml(bomb);
        assert_eq!(warnings.len(), 1, "alias bomb must be refused");
    }

    #[test]
    fn json_drops_volatile_metadata() {
        let (roots, warnings, _) = parse_json(
            "{\"results\": [{\"id\": \"u1\", \"display_name\": \"web\", \"_revision\": 3}], \"result_count\": 1}",
        );
        assert!(warnings.is_empty());
        assert_eq!(texts(&roots), vec!["results:", "result_count: 1"]);
        assert_eq!(texts(&roots[0].children), vec!["- id: u1"]);
        assert_eq!(
            texts(&roots[0].children[0].children),
            vec!["display_name: web"]
        );
    }

    #[test]
    fn round_trips_yaml_and_json() {
        for (dialect, text) in [
            (Dialect::Yaml, "a:\n  b: 1\n  \"x: y\": 2\n  l:\n    - name: n1\n      v: ''\n    - name: n2\n  m:\n    - - 1\n    - {}\n    - k: []\n"),
            (Dialect::Yaml, "- 1\n- two\n---\nz: null\n"),
            (Dialect::Json, "{\"a\": [1, {\"b\": true}], \"c\": {\"id\": 3}, \"d\": [{\"key\": \"k1\"}]}"),
        ] {
            let tree = parse(text.as_bytes(), dialect, &ParseOptions::default());
            assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
            let out = serialize(&tree);
            let again = parse(out.as_bytes(), dialect, &ParseOptions::default());
            assert_eq!(strip(again.roots), strip(tree.roots.clone()), "{out}");
            assert_eq!(again.ordered, tree.ordered);
        }
    }

    #[test]
    fn regression_bare_scalar_documents_round_trip() {
        // Found by proptest: a document that is only `null` or `":"`.
        for (dialect, text) in [
            (Dialect::Json, "null"),
            (Dialect::Json, "\":\""),
            (Dialect::Yaml, "'a: b'\n"),
        ] {
            let tree = parse(text.as_bytes(), dialect, &ParseOptions::default());
            let out = serialize(&tree);
            let again = parse(out.as_bytes(), dialect, &ParseOptions::default());
            assert_eq!(
                strip(again.roots),
                strip(tree.roots.clone()),
                "{text} -> {out}"
            );
        }
    }
}
