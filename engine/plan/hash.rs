//! The plan's content hash: SHA-256 over a canonical JSON body.
//!
//! The body is the plan without its `hash` and its volatile `meta`, keys
//! sorted at every level, no insignificant whitespace. Nothing in it depends
//! on time or on how many threads made the plan, so the same FROM/TO and the
//! same scripts always give the same hash, and any edit of the file shows.

use super::Plan;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// Keys of the top-level object that the hash leaves out.
const EXCLUDED: &[&str] = &["hash", "meta"];

/// Returns the hex SHA-256 of the canonical body of `plan`.
pub fn plan_hash(plan: &Plan) -> String {
    // A Plan always serialises: every field is a plain string, number or list.
    let value = serde_json::to_value(plan).unwrap_or(Value::Null);
    body_hash(&value)
}

/// Returns the hex SHA-256 of the canonical body of a plan read as JSON,
/// so a plan file's own content can be checked against its `hash`.
///
/// The canonical text is written straight into the digest: no sorted copy
/// of the plan and no string of it are made (three copies of a large plan
/// had cost a millisecond on the way to every plan).
pub fn body_hash(value: &Value) -> String {
    let mut digest = DigestWriter(Sha256::new());
    match value {
        Value::Object(map) => write_object(
            &mut digest,
            map.iter().filter(|(k, _)| !EXCLUDED.contains(&k.as_str())),
        ),
        other => write_canonical(&mut digest, other),
    }
    digest
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Feeds what is written to a SHA-256 digest.
struct DigestWriter(Sha256);

impl Write for DigestWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `value` as compact JSON with every object's keys in sorted
/// order: what `serde_json` writes for a copy of `value` sorted that way.
fn write_canonical(out: &mut DigestWriter, value: &Value) {
    match value {
        Value::Object(map) => write_object(out, map.iter()),
        Value::Array(items) => {
            out.0.update(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.0.update(b",");
                }
                write_canonical(out, item);
            }
            out.0.update(b"]");
        }
        // Writing to a digest cannot fail, and a scalar always serialises.
        scalar => {
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

/// Writes one object's entries sorted by key (keys are unique in a map).
fn write_object<'a>(
    out: &mut DigestWriter,
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
) {
    let mut entries: Vec<(&String, &Value)> = entries.collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.0.update(b"{");
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.0.update(b",");
        }
        let _ = serde_json::to_writer(&mut *out, key);
        out.0.update(b":");
        write_canonical(out, value);
    }
    out.0.update(b"}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn key_order_and_excluded_keys_do_not_matter() {
        let a =
            json!({"schema": "s", "hash": "x", "meta": {"henko": "1"}, "b": [ {"y": 1, "x": 2} ]});
        let b = json!({"b": [ {"x": 2, "y": 1} ], "schema": "s", "hash": "other"});
        assert_eq!(body_hash(&a), body_hash(&b));
        assert_eq!(body_hash(&a).len(), 64);
    }

    /// The canonical text as first defined: a sorted copy, then the string.
    fn oracle(value: &Value) -> String {
        fn sorted(value: &Value) -> Value {
            match value {
                Value::Object(map) => {
                    let mut keys: Vec<&String> = map.keys().collect();
                    keys.sort();
                    let mut out = serde_json::Map::new();
                    for key in keys {
                        out.insert(key.clone(), sorted(&map[key]));
                    }
                    Value::Object(out)
                }
                Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
                other => other.clone(),
            }
        }
        let body = match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| !EXCLUDED.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            other => other.clone(),
        };
        let text = serde_json::to_string(&sorted(&body)).unwrap();
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn a_known_body_keeps_its_hash() {
        // Approvals recorded in stores are bound to hashes made this way:
        // the canonical form must never change. (The same digest as
        // Python's json.dumps(sort_keys=True, separators=(",", ":"),
        // ensure_ascii=False) of the body.)
        let plan = json!({
            "schema": "henko.plan/1", "hash": "x", "meta": {"at": "now"},
            "devices": [{"name": "sw1", "steps": {"apply": ["interface Gi1", " no shutdown"]},
                         "risk": "low", "n": 3, "f": 0.5, "ok": true, "none": null}],
            "text": "quote \" back \\ tab \t é 日本",
        });
        assert_eq!(
            body_hash(&plan),
            "5037f55ad92d03fe4ab95dcf5c83e1759f92d6c7fe234f8d5f22cc2012b30902"
        );
        assert_eq!(body_hash(&plan), oracle(&plan));
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(Value::from),
            "[a-z\"\\ \t\né日\u{1}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\"é]{0,4}|hash|meta", inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_streamed_hash_is_the_hash_of_the_sorted_copy(value in json_value()) {
            prop_assert_eq!(body_hash(&value), oracle(&value));
        }
    }

    #[test]
    fn any_value_change_changes_the_hash() {
        let a = json!({"schema": "s", "devices": [{"steps": {"apply": ["no shutdown"]}}]});
        let b = json!({"schema": "s", "devices": [{"steps": {"apply": ["no shutdowm"]}}]});
        assert_ne!(body_hash(&a), body_hash(&b));
    }
}
