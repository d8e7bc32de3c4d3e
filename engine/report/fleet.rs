//! Fleet grouping: the same change on many devices (a new NTP server on 240
//! switches) is shown once with its device list, and the devices of the
//! same platforms that did not get it are listed apart.

use crate::config::Dialect;
use crate::diff::{Change, DeviceDiff, DeviceStatus, Op, SnapshotDiff};
use std::collections::{BTreeSet, HashMap};

/// Default smallest number of devices sharing a change for it to be
/// grouped.
pub const DEFAULT_FLEET_MIN: usize = 3;

/// One change shared by many devices.
#[derive(Clone, Debug)]
pub struct FleetGroup<'a> {
    /// The change as it appears on the first device.
    pub change: &'a Change,
    /// The first device's dialect, which decides how the change's lines
    /// are indented.
    pub dialect: Dialect,
    /// Devices with this exact change, by name.
    pub devices: Vec<&'a str>,
    /// Changed devices of the same platforms that lack it: the exceptions.
    pub missing: Vec<&'a str>,
}

/// A diff split into fleet groups and what is left per device.
#[derive(Clone, Debug)]
pub struct FleetView<'a> {
    /// Shared changes, most widespread first.
    pub groups: Vec<FleetGroup<'a>>,
    /// Every device with the changes that are not in a group, in device
    /// order (devices whose changes are all grouped keep an empty list).
    pub devices: Vec<(&'a DeviceDiff, Vec<&'a Change>)>,
}

type Key<'a> = (Op, &'a [String], Option<&'a str>, Option<&'a str>);

fn key(change: &Change) -> Key<'_> {
    (
        change.op,
        &change.path,
        change.before.as_deref(),
        change.after.as_deref(),
    )
}

/// Groups the changes of `diff` that appear on at least `min_devices`
/// modified devices (0 or 1 turns grouping off). Added and removed devices
/// are never grouped: their whole configuration would be.
pub fn group(diff: &SnapshotDiff, min_devices: usize) -> FleetView<'_> {
    let mut seen: HashMap<Key<'_>, (usize, Vec<usize>)> = HashMap::new();
    if min_devices >= 2 {
        for (index, device) in diff.devices.iter().enumerate() {
            if device.status != DeviceStatus::Modified {
                continue;
            }
            for (position, change) in device.changes.iter().enumerate() {
                let entry = seen.entry(key(change)).or_insert((position, Vec::new()));
                if entry.1.last() != Some(&index) {
                    entry.1.push(index);
                }
            }
        }
    }
    let mut groups: Vec<(Key<'_>, Vec<usize>)> = seen
        .into_iter()
        .filter(|(_, (_, devices))| devices.len() >= min_devices)
        .map(|(k, (_, devices))| (k, devices))
        .collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let grouped: BTreeSet<Key<'_>> = groups.iter().map(|(k, _)| *k).collect();

    let fleet_groups = groups
        .iter()
        .map(|(k, members)| {
            let first = &diff.devices[members[0]];
            let change = first
                .changes
                .iter()
                .find(|c| key(c) == *k)
                .expect("grouped change comes from this device");
            let platforms: BTreeSet<&str> = members
                .iter()
                .map(|&i| diff.devices[i].platform.as_str())
                .collect();
            let missing = diff
                .devices
                .iter()
                .enumerate()
                .filter(|(i, d)| {
                    d.status == DeviceStatus::Modified
                        && platforms.contains(d.platform.as_str())
                        && members.binary_search(i).is_err()
                })
                .map(|(_, d)| d.name.as_str())
                .collect();
            FleetGroup {
                change,
                dialect: first.dialect,
                devices: members
                    .iter()
                    .map(|&i| diff.devices[i].name.as_str())
                    .collect(),
                missing,
            }
        })
        .collect();
    let devices = diff
        .devices
        .iter()
        .map(|device| {
            let rest = device
                .changes
                .iter()
                .filter(|c| device.status != DeviceStatus::Modified || !grouped.contains(&key(c)))
                .collect();
            (device, rest)
        })
        .collect();
    FleetView {
        groups: fleet_groups,
        devices,
    }
}

/// Returns `names` joined with `, `, at most `limit` of them, saying how
/// many more there are.
pub fn name_list(names: &[&str], limit: usize) -> String {
    if names.len() <= limit {
        return names.join(", ");
    }
    format!(
        "{}, … and {} more",
        names[..limit].join(", "),
        names.len() - limit
    )
}
