//! The plan's content hash: SHA-256 over a canonical JSON body.
//!
//! The body is the plan without its `hash` and its volatile `meta`, keys
//! sorted at every level, no insignificant whitespace. Nothing in it depends
//! on time or on how many threads made the plan, so the same FROM/TO and the
//! same scripts always give the same hash, and any edit of the file shows.

use super::Plan;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

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
pub fn body_hash(value: &Value) -> String {
    let body = match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !EXCLUDED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    let canonical = canonical(&body);
    let text = serde_json::to_string(&canonical).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns `value` with every object's keys in sorted order.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), canonical(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_excluded_keys_do_not_matter() {
        let a =
            json!({"schema": "s", "hash": "x", "meta": {"henko": "1"}, "b": [ {"y": 1, "x": 2} ]});
        let b = json!({"b": [ {"x": 2, "y": 1} ], "schema": "s", "hash": "other"});
        assert_eq!(body_hash(&a), body_hash(&b));
        assert_eq!(body_hash(&a).len(), 64);
    }

    #[test]
    fn any_value_change_changes_the_hash() {
        let a = json!({"schema": "s", "devices": [{"steps": {"apply": ["no shutdown"]}}]});
        let b = json!({"schema": "s", "devices": [{"steps": {"apply": ["no shutdowm"]}}]});
        assert_ne!(body_hash(&a), body_hash(&b));
    }
}
