//! Safe ordering: waves by environment, HA pairs split, dependency order
//! inside a wave, and the rollback order.
//!
//! Waves run dev/verify first, then standby (East), then production (West).
//! The two members of an HA pair never share a wave: the member that goes
//! first (the standby one) keeps its wave and the other moves to a wave of
//! its own right after. Inside a wave, providers come before the devices
//! that depend on them; a device being removed goes before its providers
//! (dependents are taken away first), and so does the dependent of a
//! provider whose changes only take things away (`withdraws`: a FlashArray
//! losing a host connection goes after the ESXi host that stops using it; a
//! port group removed from an ESXi host goes after the VM moved off it),
//! while a provider that adds (a new port group) goes before the VM moved
//! onto it. Ties break by name, so the order never depends on input order
//! or thread count.

use super::{PlanDevice, Wave};
use std::collections::{BTreeMap, BTreeSet};

/// Returns the rank of an environment: lower runs earlier.
fn env_rank(env: &str) -> u32 {
    match env {
        "dev" | "verify" => 0,
        "standby" => 1,
        _ => 2,
    }
}

/// Orders `devices`, sets each device's `wave`, and returns the devices in
/// execution order, the waves, and the device names in rollback order.
pub fn order(devices: Vec<PlanDevice>) -> (Vec<PlanDevice>, Vec<Wave>, Vec<String>) {
    let present: BTreeMap<String, (u32, bool)> = devices
        .iter()
        .map(|d| (d.name.clone(), (env_rank(&d.env), d.order.pair_first)))
        .collect();
    // (rank, second-of-pair) → devices; BTreeMap keeps the slots in order.
    let mut slots: BTreeMap<(u32, u32), Vec<PlanDevice>> = BTreeMap::new();
    for device in devices {
        let rank = env_rank(&device.env);
        let twin_here = device
            .order
            .pair
            .as_ref()
            .and_then(|p| present.get(p))
            .is_some_and(|(twin_rank, _)| *twin_rank == rank);
        let second = u32::from(twin_here && !device.order.pair_first);
        slots.entry((rank, second)).or_default().push(device);
    }
    let mut ordered = Vec::new();
    let mut waves = Vec::new();
    for (index, (_, members)) in slots.into_iter().enumerate() {
        let number = index as u32 + 1;
        let members = dependency_order(members);
        let envs: BTreeSet<&str> = members.iter().map(|d| d.env.as_str()).collect();
        waves.push(Wave {
            number,
            env: envs.into_iter().collect::<Vec<_>>().join("/"),
            devices: members.iter().map(|d| d.name.clone()).collect(),
        });
        for mut device in members {
            device.wave = number;
            ordered.push(device);
        }
    }
    let rollback = ordered.iter().rev().map(|d| d.name.clone()).collect();
    (ordered, waves, rollback)
}

/// Sorts one wave: providers first, removed devices before their providers,
/// name order among equals; a dependency cycle is broken at the smallest name.
fn dependency_order(mut members: Vec<PlanDevice>) -> Vec<PlanDevice> {
    members.sort_by(|a, b| a.name.cmp(&b.name));
    let names: BTreeSet<String> = members.iter().map(|d| d.name.clone()).collect();
    let withdrawing: BTreeSet<&str> = members
        .iter()
        .filter(|d| d.order.withdraws)
        .map(|d| d.name.as_str())
        .collect();
    // before[x] = devices that must run before x.
    let mut before: BTreeMap<String, BTreeSet<String>> =
        names.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    for device in &members {
        let removed = device.status == "removed";
        for provider in device.order.requires.iter().filter(|p| names.contains(*p)) {
            if provider == &device.name {
                continue;
            }
            if removed || withdrawing.contains(provider.as_str()) {
                before
                    .entry(provider.clone())
                    .or_default()
                    .insert(device.name.clone());
            } else {
                before
                    .entry(device.name.clone())
                    .or_default()
                    .insert(provider.clone());
            }
        }
    }
    // Kahn's algorithm: the smallest name whose predecessors are all done
    // goes next; when none is free (a cycle), the smallest name left.
    let mut waiting: BTreeMap<&str, usize> = before
        .iter()
        .map(|(name, preds)| (name.as_str(), preds.len()))
        .collect();
    let mut after: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, preds) in &before {
        for pred in preds {
            after.entry(pred.as_str()).or_default().push(name.as_str());
        }
    }
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(name, _)| *name)
        .collect();
    let mut remaining: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let mut done: Vec<String> = Vec::with_capacity(names.len());
    while let Some(next) = ready.pop_first().or_else(|| remaining.first().copied()) {
        remaining.remove(next);
        ready.remove(next);
        done.push(next.to_string());
        for dependent in after.get(next).into_iter().flatten() {
            let count = waiting.get_mut(dependent).expect("every name waits");
            *count = count.saturating_sub(1);
            if *count == 0 && remaining.contains(dependent) {
                ready.insert(dependent);
            }
        }
    }
    let mut by_name: BTreeMap<String, PlanDevice> =
        members.into_iter().map(|d| (d.name.clone(), d)).collect();
    done.iter().filter_map(|n| by_name.remove(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::OrderFacts;

    fn dev(name: &str, env: &str, requires: &[&str]) -> PlanDevice {
        PlanDevice {
            name: name.into(),
            env: env.into(),
            status: "modified".into(),
            order: OrderFacts {
                requires: requires.iter().map(|s| s.to_string()).collect(),
                ..OrderFacts::default()
            },
            ..PlanDevice::default()
        }
    }

    fn names(devices: &[PlanDevice]) -> Vec<&str> {
        devices.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn waves_follow_environment() {
        let (devices, waves, rollback) = order(vec![
            dev("w-core", "prod", &[]),
            dev("e-core", "standby", &[]),
            dev("lab", "verify", &[]),
            dev("dev1", "dev", &[]),
        ]);
        assert_eq!(names(&devices), ["dev1", "lab", "e-core", "w-core"]);
        assert_eq!(waves.len(), 3);
        assert_eq!(waves[0].env, "dev/verify");
        assert_eq!(devices[3].wave, 3);
        assert_eq!(rollback, ["w-core", "e-core", "lab", "dev1"]);
    }

    #[test]
    fn providers_first_and_removals_reversed() {
        let (devices, _, _) = order(vec![
            dev("a-vm", "prod", &["m-esx", "z-core"]),
            dev("m-esx", "prod", &["z-core"]),
            dev("z-core", "prod", &[]),
        ]);
        assert_eq!(names(&devices), ["z-core", "m-esx", "a-vm"]);

        let mut vm = dev("z-vm", "prod", &["a-esx"]);
        vm.status = "removed".into();
        let (devices, _, _) = order(vec![dev("a-esx", "prod", &[]), vm]);
        assert_eq!(names(&devices), ["z-vm", "a-esx"]);
    }

    #[test]
    fn a_provider_that_only_takes_away_goes_after_its_dependents() {
        // The array loses a host connection: the ESXi host stops using the
        // LUN first. The ESXi host gains a port group: it goes before the VM
        // moved onto it.
        let mut array = dev("a-pure", "prod", &[]);
        array.order.withdraws = true;
        let esx = dev("b-esx", "prod", &["a-pure"]);
        let (devices, _, rollback) = order(vec![array, esx]);
        assert_eq!(names(&devices), ["b-esx", "a-pure"]);
        assert_eq!(rollback, ["a-pure", "b-esx"]);

        let (devices, _, _) = order(vec![
            dev("z-esx", "prod", &[]),
            dev("a-vm", "prod", &["z-esx"]),
        ]);
        assert_eq!(names(&devices), ["z-esx", "a-vm"]);
        let mut esx = dev("z-esx", "prod", &[]);
        esx.order.withdraws = true;
        let (devices, _, _) = order(vec![esx, dev("a-vm", "prod", &["z-esx"])]);
        assert_eq!(names(&devices), ["a-vm", "z-esx"]);
    }

    #[test]
    fn ha_pair_members_never_share_a_wave() {
        let mut fw1 = dev("fw1", "prod", &[]);
        fw1.order.pair = Some("fw2".into());
        let mut fw2 = dev("fw2", "prod", &[]);
        fw2.order.pair = Some("fw1".into());
        fw2.order.pair_first = true;
        let (devices, waves, _) = order(vec![fw1, fw2, dev("sw", "prod", &[])]);
        assert_eq!(names(&devices), ["fw2", "sw", "fw1"]);
        assert_eq!(waves.len(), 2);
        assert_ne!(devices[0].wave, devices[2].wave);
    }

    #[test]
    fn cycles_still_give_every_device_once() {
        let (devices, _, _) = order(vec![dev("a", "prod", &["b"]), dev("b", "prod", &["a"])]);
        assert_eq!(names(&devices), ["a", "b"]);
    }
}
