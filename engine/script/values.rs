//! Inventory devices and changes as the Rhai values scripts see, converted
//! once per run (not once per script call).

use crate::config::Dialect;
use crate::diff::{Change, DeviceDiff};
use crate::inventory::{DependencyPath, Device, Inventory};
use rhai::{Array, Dynamic, ImmutableString, Map};

/// One changed device as scripts see it: its inventory map and its changes,
/// converted once and shared by every script call on the device.
#[derive(Debug)]
pub(crate) struct DeviceView {
    /// Device name.
    pub name: String,
    /// `ctx.device`.
    pub device: Map,
    /// `ctx.changes`.
    pub changes: Array,
    /// `ctx.status`: modified, added or removed.
    pub status: &'static str,
}

impl DeviceView {
    /// Builds the view of a changed device; the TO inventory describes it,
    /// or the FROM one when the device was removed.
    pub fn new(diff: &DeviceDiff, inventory: &Inventory, inventory_from: &Inventory) -> Self {
        let device = match inventory
            .get(&diff.name)
            .or_else(|| inventory_from.get(&diff.name))
        {
            Some(device) => device_map(device, inventory),
            None => loose_device_map(diff),
        };
        DeviceView {
            name: diff.name.clone(),
            device,
            changes: diff
                .changes
                .iter()
                .enumerate()
                .map(|(index, c)| {
                    let mut map = change_map(c);
                    map.insert("index".into(), (index as i64).into());
                    if matches!(diff.dialect, Dialect::Yaml | Dialect::Json) {
                        add_structured_values(&mut map, c);
                    }
                    Dynamic::from_map(map)
                })
                .collect(),
            status: match diff.status {
                crate::diff::DeviceStatus::Modified => "modified",
                crate::diff::DeviceStatus::Added => "added",
                crate::diff::DeviceStatus::Removed => "removed",
            },
        }
    }

    /// Returns the `ctx.devices` entry: `#{name, device, changes}`.
    pub fn entry(&self) -> Dynamic {
        let mut map = Map::new();
        map.insert("name".into(), self.name.clone().into());
        map.insert("device".into(), Dynamic::from_map(self.device.clone()));
        map.insert("changes".into(), Dynamic::from_array(self.changes.clone()));
        map.insert("status".into(), self.status.into());
        Dynamic::from_map(map)
    }
}

fn text(value: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(value))
}

fn opt_text(value: Option<&str>) -> Dynamic {
    value.map_or(Dynamic::UNIT, text)
}

fn strings(values: &[String]) -> Dynamic {
    Dynamic::from_array(values.iter().map(|v| text(v)).collect())
}

/// Returns `ctx.device`-shaped map of an inventory device.
pub(crate) fn device_map(device: &Device, inventory: &Inventory) -> Map {
    let mut map = Map::new();
    map.insert("name".into(), text(&device.name));
    map.insert("kind".into(), text(device.kind.as_str()));
    map.insert("platform".into(), text(&device.platform));
    map.insert("site".into(), text(&device.site));
    map.insert("env".into(), text(device.env.as_str()));
    map.insert("role".into(), text(&device.role));
    map.insert("tags".into(), strings(&device.tags));
    map.insert("depends_on".into(), strings(&device.depends_on));
    let pair = device
        .pair
        .clone()
        .or_else(|| inventory.pair(&device.name).map(|d| d.name.clone()));
    map.insert("pair".into(), opt_text(pair.as_deref()));
    map.insert("config".into(), text(&device.config));
    let mut vars = Map::new();
    for (key, value) in &device.vars {
        vars.insert(key.as_str().into(), json_value(value));
    }
    map.insert("vars".into(), Dynamic::from_map(vars));
    map
}

/// Returns the device map of a device that is not in any inventory (two
/// loose files): name and platform only, everything else empty.
fn loose_device_map(diff: &DeviceDiff) -> Map {
    let mut map = Map::new();
    map.insert("name".into(), text(&diff.name));
    map.insert("kind".into(), text(""));
    map.insert("platform".into(), text(&diff.platform));
    for key in ["site", "env", "role", "config"] {
        map.insert(key.into(), text(""));
    }
    map.insert("tags".into(), Dynamic::from_array(Array::new()));
    map.insert("depends_on".into(), Dynamic::from_array(Array::new()));
    map.insert("pair".into(), Dynamic::UNIT);
    map.insert("vars".into(), Dynamic::from_map(Map::new()));
    map
}

/// Converts a JSON value (inventory `vars`) to a Rhai value.
fn json_value(value: &serde_json::Value) -> Dynamic {
    use serde_json::Value;
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or_default().into(),
        },
        Value::String(s) => text(s),
        Value::Array(items) => Dynamic::from_array(items.iter().map(json_value).collect()),
        Value::Object(fields) => Dynamic::from_map(
            fields
                .iter()
                .map(|(k, v)| (k.as_str().into(), json_value(v)))
                .collect(),
        ),
    }
}

/// Returns the `ctx.changes` entry of one change.
pub(crate) fn change_map(change: &Change) -> Map {
    let mut map = Map::new();
    map.insert("op".into(), text(change.op.as_str()));
    map.insert("path".into(), strings(&change.path));
    map.insert("before".into(), opt_text(change.before.as_deref()));
    map.insert("after".into(), opt_text(change.after.as_deref()));
    let current = change
        .after
        .as_deref()
        .or(change.before.as_deref())
        .or(change.path.last().map(String::as_str));
    map.insert("text".into(), opt_text(current));
    let category = match change.category {
        crate::diff::ChangeCategory::Config => "config",
        crate::diff::ChangeCategory::Secret => "secret",
        crate::diff::ChangeCategory::Inventory => "inventory",
    };
    map.insert("category".into(), text(category));
    let body: Array = change
        .body_lines()
        .iter()
        .map(|line| text(line.trim_start()))
        .collect();
    map.insert("body".into(), Dynamic::from_array(body));
    let line = change.line_after.or(change.line_before);
    map.insert(
        "line".into(),
        line.map_or(Dynamic::UNIT, |l| i64::from(l).into()),
    );
    for (key, value) in [
        ("line_before", change.line_before),
        ("line_after", change.line_after),
    ] {
        map.insert(
            key.into(),
            value.map_or(Dynamic::UNIT, |l| i64::from(l).into()),
        );
    }
    map
}

/// Adds `value` (what the changed node holds in TO, else in FROM) and
/// `old_value` (in FROM) to a yaml/json change: a keyed list item as a map
/// of its entries, a leaf as its scalar. API bodies are built from these.
fn add_structured_values(map: &mut Map, change: &Change) {
    let node = |text: &str| crate::config::Node {
        text: text.to_string(),
        children: change.body.clone(),
        ..crate::config::Node::leaf("", 0)
    };
    let json = |text: Option<&str>| {
        text.map_or(Dynamic::UNIT, |t| {
            let value = crate::config::structured::node_value(&node(t));
            rhai::serde::to_dynamic(value).unwrap_or(Dynamic::UNIT)
        })
    };
    let now = change.after.as_deref().or(change.before.as_deref());
    map.insert("value".into(), json(now));
    map.insert("old_value".into(), json(change.before.as_deref()));
}

/// Returns `#{device, path}` for one dependency walk hit.
pub(crate) fn dependency_map(hit: &DependencyPath) -> Dynamic {
    let mut map = Map::new();
    map.insert("device".into(), text(&hit.device));
    map.insert("path".into(), strings(&hit.path));
    Dynamic::from_map(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ChangeCategory, Op};

    #[test]
    fn change_maps_carry_every_contract_key() {
        let change = Change {
            op: Op::Remove,
            path: vec![
                "router bgp 65001".into(),
                "neighbor 10.0.0.2 remote-as 65002".into(),
            ],
            before: Some("neighbor 10.0.0.2 remote-as 65002".into()),
            after: None,
            category: ChangeCategory::Config,
            line_before: Some(12),
            line_after: None,
            body: vec![crate::config::Node::leaf("password ****", 13)],
        };
        let map = change_map(&change);
        for key in [
            "op", "path", "before", "after", "category", "line", "text", "body",
        ] {
            assert!(map.contains_key(key), "missing {key}");
        }
        assert_eq!(map["op"].clone().into_string().unwrap(), "remove");
        assert!(map["after"].is_unit());
        assert_eq!(map["line"].as_int().unwrap(), 12);
        assert_eq!(map["path"].clone().into_array().unwrap().len(), 2);
        let body = map["body"].clone().into_array().unwrap();
        assert_eq!(body[0].clone().into_string().unwrap(), "password ****");
    }

    #[test]
    fn vars_become_nested_rhai_values() {
        let mut device = Device {
            name: "vm1".into(),
            ..Device::default()
        };
        device
            .vars
            .insert("vlans".into(), serde_json::json!([120, "x", {"a": 1.5}]));
        let map = device_map(&device, &Inventory::new(vec![device.clone()]));
        let vars = map["vars"].clone().cast::<Map>();
        let vlans = vars["vlans"].clone().into_array().unwrap();
        assert_eq!(vlans[0].as_int().unwrap(), 120);
        assert!(map["pair"].is_unit());
    }
}
