//! `ctx.inventory`: lookups, searches and dependency walks over the
//! inventory, shared by every script call without copying it.

use super::values::{dependency_map, device_map};
use crate::inventory::{Device, Inventory};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, Position};
use std::sync::Arc;

/// The inventory as scripts see it (one `Arc` per run, cloned per access).
#[derive(Clone, Debug)]
pub(crate) struct InventoryView(Arc<Inventory>);

impl InventoryView {
    /// Wraps an inventory.
    pub fn new(inventory: Arc<Inventory>) -> Self {
        InventoryView(inventory)
    }

    /// Returns the inventory.
    pub fn inner(&self) -> &Inventory {
        &self.0
    }

    fn map_of(&self, device: &Device) -> Dynamic {
        Dynamic::from_map(device_map(device, &self.0))
    }

    fn find(&self, filter: &Map) -> Result<Array, Box<EvalAltResult>> {
        const KEYS: &[&str] = &["site", "kind", "role", "tag", "env", "platform", "name"];
        let mut wanted = Vec::new();
        for (key, value) in filter {
            if !KEYS.contains(&key.as_str()) {
                return Err(EvalAltResult::ErrorRuntime(
                    format!(
                        "inventory.find: unknown filter key `{key}`; expected one of {}",
                        KEYS.join(", ")
                    )
                    .into(),
                    Position::NONE,
                )
                .into());
            }
            wanted.push((key.as_str(), value.to_string()));
        }
        let matches = |device: &Device| {
            wanted.iter().all(|(key, value)| match *key {
                "site" => device.site == *value,
                "kind" => device.kind.as_str() == value,
                "role" => device.role == *value,
                "env" => device.env.as_str() == value,
                "platform" => device.platform == *value,
                "tag" => device.tags.iter().any(|t| t == value),
                _ => super::helpers::glob_match(&device.name, value),
            })
        };
        Ok(self
            .0
            .devices()
            .iter()
            .filter(|d| matches(d))
            .map(|d| self.map_of(d))
            .collect())
    }
}

/// Registers the inventory type and its methods on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_type_with_name::<InventoryView>("Inventory");
    engine.register_fn("get", |inv: &mut InventoryView, name: &str| -> Dynamic {
        inv.0.get(name).map_or(Dynamic::UNIT, |d| inv.map_of(d))
    });
    engine.register_fn("contains", |inv: &mut InventoryView, name: &str| {
        inv.0.get(name).is_some()
    });
    engine.register_fn("find", |inv: &mut InventoryView, filter: Map| {
        inv.find(&filter)
    });
    engine.register_fn(
        "dependents",
        |inv: &mut InventoryView, name: &str| -> Array {
            inv.0.dependents(name).iter().map(dependency_map).collect()
        },
    );
    engine.register_fn(
        "dependencies",
        |inv: &mut InventoryView, name: &str| -> Array {
            inv.0
                .dependencies(name)
                .iter()
                .map(dependency_map)
                .collect()
        },
    );
    engine.register_fn("pair", |inv: &mut InventoryView, name: &str| -> Dynamic {
        inv.0.pair(name).map_or(Dynamic::UNIT, |d| inv.map_of(d))
    });
    engine.register_get("len", |inv: &mut InventoryView| {
        inv.0.devices().len() as i64
    });
}
