//! The inventory as a whole: lookups, the dependency graph, blast radius.

use super::Device;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// A device reached through the dependency graph, and how.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DependencyPath {
    /// The device reached.
    pub device: String,
    /// The chain from the starting device to `device`, both included.
    pub path: Vec<String>,
}

/// Every device of a snapshot, indexed by name.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    devices: Vec<Device>,
    by_name: HashMap<String, usize>,
    /// name → devices that list it in `depends_on`.
    dependents: HashMap<String, Vec<String>>,
    /// name → the first device (in name order) that names it as `pair`.
    paired_by: HashMap<String, usize>,
    /// True when built from the file list, not from `inventory.yaml`.
    pub(super) inferred: bool,
    /// The `drift:` settings, free-form (null when absent).
    drift: serde_json::Value,
    /// The `sheets:` settings, free-form (null when absent).
    sheets: serde_json::Value,
}

impl Inventory {
    /// Builds an inventory from devices (already validated: unique names).
    pub fn new(mut devices: Vec<Device>) -> Self {
        devices.sort_by(|a, b| a.name.cmp(&b.name));
        let by_name = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        let mut dependents: HashMap<String, Vec<String>> = HashMap::new();
        let mut paired_by: HashMap<String, usize> = HashMap::new();
        for (at, device) in devices.iter().enumerate() {
            if let Some(twin) = &device.pair {
                paired_by.entry(twin.clone()).or_insert(at);
            }
            for provider in &device.depends_on {
                dependents
                    .entry(provider.clone())
                    .or_default()
                    .push(device.name.clone());
            }
        }
        Inventory {
            devices,
            by_name,
            dependents,
            paired_by,
            inferred: false,
            drift: serde_json::Value::Null,
            sheets: serde_json::Value::Null,
        }
    }

    /// Returns the inventory with its `drift:` and `sheets:` settings.
    pub fn with_settings(mut self, drift: serde_json::Value, sheets: serde_json::Value) -> Self {
        self.drift = drift;
        self.sheets = sheets;
        self
    }

    /// Returns the `drift:` settings of `inventory.yaml` (null when absent).
    pub fn drift(&self) -> &serde_json::Value {
        &self.drift
    }

    /// Returns the `sheets:` settings of `inventory.yaml` (null when absent).
    pub fn sheets(&self) -> &serde_json::Value {
        &self.sheets
    }

    /// True when the snapshot had no `inventory.yaml` and the devices were
    /// inferred from its files.
    pub fn is_inferred(&self) -> bool {
        self.inferred
    }

    /// Returns every device with its providers before it (a device comes
    /// after everything in its `depends_on`); among devices free to go, name
    /// order. Devices caught in a cycle (which validation rejects) come last,
    /// in name order. To order a subset (the changed devices of a plan),
    /// keep this order and drop the others.
    pub fn topological_order(&self) -> Vec<&Device> {
        let mut waiting: Vec<usize> = self
            .devices
            .iter()
            .map(|d| {
                d.depends_on
                    .iter()
                    .filter(|p| self.by_name.contains_key(*p))
                    .count()
            })
            .collect();
        let mut ready: std::collections::BTreeSet<usize> = (0..self.devices.len())
            .filter(|&i| waiting[i] == 0)
            .collect();
        let mut order = Vec::with_capacity(self.devices.len());
        let mut placed = vec![false; self.devices.len()];
        while let Some(i) = ready.pop_first() {
            placed[i] = true;
            order.push(&self.devices[i]);
            for dependent in self
                .dependents
                .get(&self.devices[i].name)
                .into_iter()
                .flatten()
            {
                if let Some(&j) = self.by_name.get(dependent) {
                    waiting[j] -= 1;
                    if waiting[j] == 0 {
                        ready.insert(j);
                    }
                }
            }
        }
        order.extend(
            (0..self.devices.len())
                .filter(|&i| !placed[i])
                .map(|i| &self.devices[i]),
        );
        order
    }

    /// Returns every device, sorted by name.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// Returns the device called `name`.
    pub fn get(&self, name: &str) -> Option<&Device> {
        self.by_name.get(name).map(|&i| &self.devices[i])
    }

    /// Returns the HA/DR twin of `name`, whichever side declared the pair.
    pub fn pair(&self, name: &str) -> Option<&Device> {
        if let Some(twin) = self.get(name).and_then(|d| d.pair.as_deref()) {
            return self.get(twin);
        }
        self.paired_by.get(name).map(|&at| &self.devices[at])
    }

    /// Returns every device that depends on `name`, transitively, each with
    /// the shortest chain that explains why (breadth-first, name order).
    pub fn dependents(&self, name: &str) -> Vec<DependencyPath> {
        self.walk(name, |n| {
            self.dependents.get(n).cloned().unwrap_or_default()
        })
    }

    /// Returns every device `name` depends on, transitively, each with the
    /// shortest chain that explains why.
    pub fn dependencies(&self, name: &str) -> Vec<DependencyPath> {
        self.walk(name, |n| {
            self.get(n)
                .map(|d| d.depends_on.clone())
                .unwrap_or_default()
        })
    }

    /// Returns the blast radius of a set of changed devices: every device
    /// that depends on one of them, with the shortest explaining chain.
    pub fn blast_radius<'a>(
        &self,
        changed: impl IntoIterator<Item = &'a str>,
    ) -> Vec<DependencyPath> {
        let mut best: BTreeMap<String, DependencyPath> = BTreeMap::new();
        for start in changed {
            for hit in self.dependents(start) {
                let keep = best
                    .get(&hit.device)
                    .is_none_or(|old| hit.path.len() < old.path.len());
                if keep {
                    best.insert(hit.device.clone(), hit);
                }
            }
        }
        best.into_values().collect()
    }

    fn walk(&self, start: &str, next: impl Fn(&str) -> Vec<String>) -> Vec<DependencyPath> {
        let mut seen: HashMap<String, Vec<String>> = HashMap::new();
        let mut queue = VecDeque::from([vec![start.to_string()]]);
        let mut found = Vec::new();
        while let Some(chain) = queue.pop_front() {
            let last = chain.last().cloned().unwrap_or_default();
            let mut neighbours = next(&last);
            neighbours.sort();
            for neighbour in neighbours {
                if neighbour == start || seen.contains_key(&neighbour) {
                    continue;
                }
                let mut path = chain.clone();
                path.push(neighbour.clone());
                seen.insert(neighbour.clone(), path.clone());
                found.push(DependencyPath {
                    device: neighbour,
                    path: path.clone(),
                });
                queue.push_back(path);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(name: &str, depends_on: &[&str]) -> Device {
        Device {
            name: name.into(),
            depends_on: depends_on.iter().map(|s| s.to_string()).collect(),
            ..Device::default()
        }
    }

    #[test]
    fn dependents_are_transitive_with_paths() {
        let inventory = Inventory::new(vec![
            device("core", &[]),
            device("leaf", &["core"]),
            device("esx", &["leaf"]),
            device("vm", &["esx"]),
        ]);
        let hits = inventory.dependents("core");
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[2].device, "vm");
        assert_eq!(hits[2].path, ["core", "leaf", "esx", "vm"]);
        assert_eq!(inventory.dependencies("vm").len(), 3);
    }

    #[test]
    fn topological_order_puts_providers_first() {
        let inventory = Inventory::new(vec![
            device("vm", &["esx"]),
            device("esx", &["leaf1", "leaf2"]),
            device("leaf2", &["core"]),
            device("leaf1", &["core"]),
            device("core", &[]),
            device("lone", &["ghost"]),
        ]);
        let order: Vec<&str> = inventory
            .topological_order()
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(order, ["core", "leaf1", "leaf2", "esx", "lone", "vm"]);
    }

    #[test]
    fn topological_order_keeps_cycle_members() {
        let inventory = Inventory::new(vec![
            device("a", &["b"]),
            device("b", &["a"]),
            device("c", &[]),
        ]);
        let order: Vec<&str> = inventory
            .topological_order()
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(order, ["c", "a", "b"]);
    }

    #[test]
    fn inventory_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Inventory>();
    }

    #[test]
    fn pair_is_found_from_either_side() {
        let mut a = device("a", &[]);
        a.pair = Some("b".into());
        let mut z = device("z", &[]);
        z.pair = Some("b".into());
        let inventory = Inventory::new(vec![z, device("b", &[]), a, device("c", &[])]);
        assert_eq!(inventory.pair("a").map(|d| d.name.as_str()), Some("b"));
        // b declares nothing: its twin is the first device naming it.
        assert_eq!(inventory.pair("b").map(|d| d.name.as_str()), Some("a"));
        assert!(inventory.pair("c").is_none());
    }

    #[test]
    fn cycles_terminate() {
        let inventory = Inventory::new(vec![device("a", &["b"]), device("b", &["a"])]);
        assert_eq!(inventory.dependents("a").len(), 1);
    }
}
