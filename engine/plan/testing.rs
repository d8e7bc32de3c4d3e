//! A small plan for tests: five devices over two sites, findings of every
//! kind, dialect commands and a script-driven VM change.

use super::*;
use crate::config::Dialect;
use crate::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
use crate::inventory::{Device, Env, Inventory};
use crate::script::{Finding, FindingKind, Level, Origin};
use std::collections::BTreeMap;

fn change(after: &str) -> Change {
    Change {
        op: Op::Add,
        path: vec!["interface Gi0/1".into(), after.into()],
        before: None,
        after: Some(after.into()),
        category: ChangeCategory::Config,
        line_before: None,
        line_after: Some(3),
        body: Vec::new(),
    }
}

fn diff(name: &str, platform: &str, dialect: Dialect) -> DeviceDiff {
    DeviceDiff {
        name: name.into(),
        platform: platform.into(),
        dialect,
        status: DeviceStatus::Modified,
        config: format!("configs/{name}.cfg"),
        changes: vec![change("description uplink")],
        lines: None,
        warnings: vec![],
    }
}

fn device(name: &str, env: Env, depends_on: &[&str], pair: Option<&str>) -> Device {
    Device {
        name: name.into(),
        platform: "ios".into(),
        env,
        depends_on: depends_on.iter().map(|s| s.to_string()).collect(),
        pair: pair.map(str::to_string),
        ..Device::default()
    }
}

fn finding(device: Option<&str>, kind: FindingKind) -> Finding {
    Finding {
        device: device.map(str::to_string),
        kind,
        origin: Origin {
            script: "test.rhai".into(),
            line: Some(1),
        },
    }
}

/// Inputs of a small plan.
pub(crate) struct Fixture {
    pub diffs: Vec<DeviceDiff>,
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub plan_findings: Vec<Finding>,
    pub remediations: BTreeMap<String, DeviceRemediation>,
    pub from: RevRef,
    pub to: RevRef,
}

impl Fixture {
    pub fn new() -> Self {
        let inventory = Inventory::new(vec![
            device("core1", Env::Prod, &[], None),
            device("fw1", Env::Prod, &["core1"], Some("fw2")),
            device("fw2", Env::Prod, &["core1"], None),
            device("esx1", Env::Prod, &["fw1"], None),
            device("vm1", Env::Prod, &["esx1"], None),
            device("lab1", Env::Verify, &[], None),
        ]);
        let diffs = vec![
            diff("fw1", "ios", Dialect::Ios),
            diff("fw2", "ios", Dialect::Ios),
            diff("core1", "ios", Dialect::Ios),
            diff("lab1", "ios", Dialect::Ios),
            diff("vm1", "vmware", Dialect::Yaml),
        ];
        let mut remediations = BTreeMap::new();
        for name in ["fw1", "fw2", "core1", "lab1"] {
            remediations.insert(
                name.to_string(),
                DeviceRemediation {
                    apply: vec!["interface Gi0/1".into(), " description uplink".into()],
                    rollback: vec!["interface Gi0/1".into(), " no description uplink".into()],
                    manual: vec![],
                    verified: true,
                    simulation_errors: vec![],
                    reading_notes: vec![],
                },
            );
        }
        let findings = vec![
            finding(
                Some("fw1"),
                FindingKind::Risk {
                    level: Level::High,
                    rule: "fw.ha".into(),
                    message: "HA member".into(),
                    message_ja: None,
                },
            ),
            finding(
                Some("fw1"),
                FindingKind::Approval {
                    role: "network-lead".into(),
                    reason: "firewall change".into(),
                    reason_ja: None,
                },
            ),
            finding(
                Some("fw1"),
                FindingKind::Precheck {
                    command: "show running-config".into(),
                },
            ),
            finding(
                Some("vm1"),
                FindingKind::Apply {
                    command: "govc vm.change -vm vm1 -c 4".into(),
                },
            ),
            finding(
                Some("vm1"),
                FindingKind::Rollback {
                    command: "govc vm.change -vm vm1 -c 2".into(),
                },
            ),
        ];
        let plan_findings = vec![finding(
            None,
            FindingKind::Note {
                text: "change window 22:00".into(),
                text_ja: None,
            },
        )];
        Fixture {
            diffs,
            inventory,
            findings,
            plan_findings,
            remediations,
            from: RevRef {
                rev: "v1".into(),
                commit: "a".repeat(40),
            },
            to: RevRef {
                rev: "v2".into(),
                commit: "b".repeat(40),
            },
        }
    }

    pub fn plan(&self, diffs: &[DeviceDiff], plan_findings: &[Finding]) -> Plan {
        let findings: Vec<Finding> = plan_findings
            .iter()
            .chain(&self.findings)
            .cloned()
            .collect();
        let input = PlanInput {
            from: &self.from,
            to: &self.to,
            devices: diffs,
            inventory: &self.inventory,
            inventory_from: &self.inventory,
            findings: &findings,
            failures: &[],
            remediations: &self.remediations,
            steps: &[],
        };
        build(&input, PlanMeta::default())
    }
}

/// Returns the fixture's whole plan.
pub(crate) fn sample_plan() -> Plan {
    let fx = Fixture::new();
    fx.plan(&fx.diffs, &fx.plan_findings)
}
