//! `ctx.inventory`: lookups, searches and dependency walks over the
//! inventory, shared by every script call without copying it.

use super::values::{dependency_map, device_map};
use crate::inventory::{Device, DeviceFilter, DeviceKind, Env, Glob, Inventory};
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
        let filter = device_filter(filter).map_err(|message| {
            Box::new(EvalAltResult::ErrorRuntime(
                format!("inventory.find: {message}").into(),
                Position::NONE,
            ))
        })?;
        Ok(self
            .0
            .find(&filter)
            .into_iter()
            .map(|d| self.map_of(d))
            .collect())
    }
}

/// Returns the [`DeviceFilter`] a script's `#{site: .., name: "esx-*"}` map
/// asks for, or what is wrong with the map.
fn device_filter(map: &Map) -> Result<DeviceFilter, String> {
    const KEYS: &[&str] = &["site", "kind", "role", "tag", "env", "platform", "name"];
    let mut filter = DeviceFilter::default();
    for (key, value) in map {
        let value = value.to_string();
        match key.as_str() {
            "site" => filter.site = Some(value),
            "role" => filter.role = Some(value),
            "tag" => filter.tag = Some(value),
            "platform" => filter.platform = Some(value),
            "kind" => {
                filter.kind = Some(named(
                    "kind",
                    &value,
                    DeviceKind::from_name,
                    DeviceKind::NAMES,
                )?)
            }
            "env" => filter.env = Some(named("env", &value, Env::from_name, Env::NAMES)?),
            "name" => filter.name = Some(Glob::new(&value).map_err(|e| e.to_string())?),
            _ => {
                return Err(format!(
                    "unknown filter key `{key}`; expected one of {}",
                    KEYS.join(", ")
                ))
            }
        }
    }
    Ok(filter)
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

/// Parses a kind or env name, or says which names there are.
fn named<T>(
    what: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    names: &[&str],
) -> Result<T, String> {
    parse(value).ok_or_else(|| {
        format!(
            "unknown {what} `{value}`; expected one of {}",
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Map {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), Dynamic::from(v.to_string())))
            .collect()
    }

    #[test]
    fn find_keys_become_the_inventory_filter() {
        let filter = device_filter(&map(&[
            ("site", "west"),
            ("kind", "vm"),
            ("env", "prod"),
            ("name", "ESX-[0-9]*"),
        ]))
        .unwrap();
        assert_eq!(filter.site.as_deref(), Some("west"));
        assert_eq!(filter.kind, Some(DeviceKind::Vm));
        assert_eq!(filter.env, Some(Env::Prod));
        // The same glob as `--device`: classes, and case is ignored.
        assert!(filter.name.unwrap().matches("esx-01"));
    }

    #[test]
    fn unknown_keys_kinds_and_bad_globs_are_errors() {
        let error = device_filter(&map(&[("zone", "a")])).unwrap_err();
        assert!(error.contains("unknown filter key `zone`"), "{error}");
        let error = device_filter(&map(&[("kind", "toaster")])).unwrap_err();
        assert!(error.contains("unknown kind `toaster`"), "{error}");
        let error = device_filter(&map(&[("name", "sw[0-9")])).unwrap_err();
        assert!(error.contains("unclosed `[`"), "{error}");
    }
}
