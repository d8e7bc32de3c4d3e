//! Fleet grouping of a plan: devices whose procedure (prechecks, apply,
//! verify, rollback and manual steps) is the same once each device's own
//! values are replaced by a placeholder form one group, shown once with its
//! device list. The same NTP server added to 480 switches is one group of
//! 480, not 480 copies of the same four lines.
//!
//! The device's own values are its name and its configuration file; they
//! are written as [`DEVICE`] and [`CONFIG`] in a group's steps.

use crate::plan::{Plan, PlanDevice, Steps};
use std::collections::HashMap;

/// Placeholder for the device's name in a group's steps.
pub const DEVICE: &str = "{device}";

/// Placeholder for the device's configuration file in a group's steps.
pub const CONFIG: &str = "{config}";

/// Smallest number of devices with the same procedure that form a group.
pub const GROUP_MIN: usize = 3;

/// Devices that share one procedure.
#[derive(Clone, Debug)]
pub struct StepGroup<'a> {
    /// The devices, in plan (execution) order.
    pub devices: Vec<&'a PlanDevice>,
    /// Platform of every device of the group.
    pub platform: &'a str,
    /// The shared steps, with [`DEVICE`] and [`CONFIG`] in place of each
    /// device's own values.
    pub steps: Steps,
    /// The shared manual steps, with the same placeholders.
    pub manual: Vec<String>,
}

impl StepGroup<'_> {
    /// The devices' names, in plan order.
    pub fn names(&self) -> Vec<&str> {
        self.devices.iter().map(|d| d.name.as_str()).collect()
    }
}

/// The plan split into groups and the devices that are in none.
#[derive(Clone, Debug, Default)]
pub struct Grouped<'a> {
    /// Groups of at least `min` devices, largest first (then by the first
    /// device's position in the plan).
    pub groups: Vec<StepGroup<'a>>,
    /// Devices in no group, in plan order.
    pub single: Vec<&'a PlanDevice>,
}

impl Grouped<'_> {
    /// The index of the group `device` belongs to, if any.
    pub fn group_of(&self, device: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.devices.iter().any(|d| d.name == device))
    }
}

/// Replaces the device's own values in `line` by the placeholders.
fn template(line: &str, device: &PlanDevice) -> String {
    let mut out = line.to_string();
    if !device.config.is_empty() {
        out = out.replace(&device.config, CONFIG);
    }
    if !device.name.is_empty() {
        out = out.replace(&device.name, DEVICE);
    }
    out
}

fn template_all(lines: &[String], device: &PlanDevice) -> Vec<String> {
    lines.iter().map(|l| template(l, device)).collect()
}

/// The procedure of one device with its own values replaced.
fn templated(device: &PlanDevice) -> (Steps, Vec<String>) {
    (
        Steps {
            precheck: template_all(&device.steps.precheck, device),
            apply: template_all(&device.steps.apply, device),
            verify: template_all(&device.steps.verify, device),
            rollback: template_all(&device.steps.rollback, device),
        },
        template_all(&device.manual, device),
    )
}

/// Groups the devices of `plan` whose templated procedure and platform are
/// the same, when at least `min` devices share it (`min` below 2 turns
/// grouping off). Devices with no step at all are never grouped.
pub fn group(plan: &Plan, min: usize) -> Grouped<'_> {
    type Key = (String, Steps, Vec<String>);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut members: Vec<(Key, Vec<&PlanDevice>)> = Vec::new();
    for device in &plan.devices {
        let (steps, manual) = templated(device);
        let empty = steps.precheck.is_empty()
            && steps.apply.is_empty()
            && steps.verify.is_empty()
            && steps.rollback.is_empty()
            && manual.is_empty();
        if empty || min < 2 {
            members.push(((String::new(), steps, manual), vec![device]));
            continue;
        }
        let key = (device.platform.clone(), steps, manual);
        match index.get(&key) {
            Some(&i) => members[i].1.push(device),
            None => {
                index.insert(key.clone(), members.len());
                members.push((key, vec![device]));
            }
        }
    }
    let mut grouped = Grouped::default();
    for ((_, steps, manual), devices) in members {
        if min >= 2 && devices.len() >= min {
            grouped.groups.push(StepGroup {
                platform: devices[0].platform.as_str(),
                devices,
                steps,
                manual,
            });
        }
    }
    grouped
        .groups
        .sort_by_key(|g| std::cmp::Reverse(g.devices.len()));
    grouped.single = plan
        .devices
        .iter()
        .filter(|d| grouped.group_of(&d.name).is_none())
        .collect();
    grouped
}

/// The rollback order as runs of consecutive devices of the same wave:
/// `(wave, devices)`, in rollback order.
pub fn rollback_waves(plan: &Plan) -> Vec<(u32, Vec<&str>)> {
    let mut runs: Vec<(u32, Vec<&str>)> = Vec::new();
    for name in &plan.rollback_order {
        let wave = plan.device(name).map_or(0, |d| d.wave);
        match runs.last_mut() {
            Some((last, names)) if *last == wave => names.push(name),
            _ => runs.push((wave, vec![name])),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::sample_plan;

    fn fleet(count: usize) -> Plan {
        let mut plan = sample_plan();
        let template = plan.devices[0].clone();
        plan.devices.clear();
        for i in 0..count {
            let mut device = template.clone();
            device.name = format!("leaf{i:03}");
            device.config = format!("configs/leaf{i:03}.cfg");
            device.steps = Steps {
                precheck: vec!["show ntp associations".into()],
                apply: vec![format!("hostname leaf{i:03}"), "ntp server 10.0.0.1".into()],
                verify: vec!["show ntp associations".into()],
                rollback: vec!["no ntp server 10.0.0.1".into()],
            };
            device.manual = vec![format!("check configs/leaf{i:03}.cfg by hand")];
            plan.devices.push(device);
        }
        plan
    }

    #[test]
    fn devices_with_the_same_procedure_but_their_own_names_form_one_group() {
        let mut plan = fleet(5);
        plan.devices[4].steps.rollback.push("reload".into());
        let grouped = group(&plan, GROUP_MIN);
        assert_eq!(grouped.groups.len(), 1);
        let group = &grouped.groups[0];
        assert_eq!(
            group.names(),
            vec!["leaf000", "leaf001", "leaf002", "leaf003"]
        );
        assert_eq!(group.steps.apply[0], "hostname {device}");
        assert_eq!(group.manual, vec!["check {config} by hand"]);
        assert_eq!(grouped.single.len(), 1);
        assert_eq!(grouped.single[0].name, "leaf004");
        assert_eq!(grouped.group_of("leaf002"), Some(0));
        assert_eq!(grouped.group_of("leaf004"), None);
    }

    #[test]
    fn too_few_devices_or_grouping_off_leaves_every_device_single() {
        let plan = fleet(2);
        assert!(group(&plan, GROUP_MIN).groups.is_empty());
        let plan = fleet(5);
        let off = group(&plan, 0);
        assert!(off.groups.is_empty());
        assert_eq!(off.single.len(), 5);
    }

    #[test]
    fn rollback_order_runs_by_wave() {
        let mut plan = fleet(4);
        plan.devices[0].wave = 1;
        plan.devices[1].wave = 2;
        plan.devices[2].wave = 2;
        plan.devices[3].wave = 2;
        plan.rollback_order = vec![
            "leaf003".into(),
            "leaf002".into(),
            "leaf001".into(),
            "leaf000".into(),
        ];
        assert_eq!(
            rollback_waves(&plan),
            vec![
                (2, vec!["leaf003", "leaf002", "leaf001"]),
                (1, vec!["leaf000"])
            ]
        );
    }
}
