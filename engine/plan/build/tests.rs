//! Tests of plan building: steps, plan-wide parts, the hash.

use super::*;
use crate::config::Dialect;
use crate::diff::{Change, ChangeCategory, Op};
use crate::inventory::{Device, Env};
use crate::script::{FindingKind, Level, Origin};

fn change(after: &str) -> Change {
    Change {
        op: Op::Add,
        path: vec!["interface Gi0/1".into(), after.into()],
        before: None,
        after: Some(after.into()),
        category: ChangeCategory::Config,
        line_before: None,
        line_after: Some(3),
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
                },
            ),
            finding(
                Some("fw1"),
                FindingKind::Approval {
                    role: "network-lead".into(),
                    reason: "firewall change".into(),
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
        let input = PlanInput {
            from: &self.from,
            to: &self.to,
            devices: diffs,
            inventory: &self.inventory,
            inventory_from: &self.inventory,
            device_findings: &self.findings,
            plan_findings,
            failures: &[],
            remediations: &self.remediations,
        };
        build(&input, PlanMeta::default())
    }
}

#[test]
fn builds_ordered_steps_and_plan_wide_parts() {
    let fx = Fixture::new();
    let plan = fx.plan(&fx.diffs, &fx.plan_findings);
    let order: Vec<&str> = plan.devices.iter().map(|d| d.name.as_str()).collect();
    // lab first (verify), then prod: core1 before the firewalls, fw1 (the
    // first of its pair by name) before vm1 that sits behind it, fw2 later.
    assert_eq!(order, ["lab1", "core1", "fw1", "vm1", "fw2"]);
    assert_eq!(plan.risk, Risk::High);
    assert_eq!(plan.approvals_required.len(), 1);
    assert_eq!(plan.approvals_required[0].device.as_deref(), Some("fw1"));
    let fw1 = plan.device("fw1").unwrap();
    assert_eq!(fw1.steps.precheck, ["show running-config"]);
    assert_eq!(fw1.steps.apply[1], " description uplink");
    let vm1 = plan.device("vm1").unwrap();
    assert_eq!(vm1.steps.apply, ["govc vm.change -vm vm1 -c 4"]);
    assert_eq!(vm1.steps.rollback, ["govc vm.change -vm vm1 -c 2"]);
    // esx1 is hit through fw1 without being changed.
    assert_eq!(plan.impact.len(), 1);
    assert_eq!(plan.impact[0].device, "esx1");
    assert_eq!(plan.findings.len(), 1);
    assert_eq!(plan.rollback_order.first().map(String::as_str), Some("fw2"));
}

#[test]
fn hash_is_stable_and_input_order_free() {
    let fx = Fixture::new();
    let a = fx.plan(&fx.diffs, &fx.plan_findings);
    let mut reversed = fx.diffs.clone();
    reversed.reverse();
    let b = fx.plan(&reversed, &fx.plan_findings);
    assert_eq!(a.hash, b.hash);
    assert_eq!(a.hash, plan_hash(&a));
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(crate::plan::body_hash(&json), a.hash);
    let mut edited = a.clone();
    edited.devices[0].steps.apply[0].push('x');
    assert_ne!(plan_hash(&edited), a.hash);
    let mut volatile = a.clone();
    volatile.meta.henko = "9.9.9".into();
    assert_eq!(plan_hash(&volatile), a.hash);
}

#[test]
fn unverified_remediation_is_a_high_risk_and_missing_commands_are_manual() {
    let mut fx = Fixture::new();
    fx.remediations.get_mut("lab1").unwrap().verified = false;
    fx.remediations.remove("core1");
    let plan = fx.plan(&fx.diffs, &[]);
    let lab = plan.device("lab1").unwrap();
    assert!(lab.findings.iter().any(|f| f.level() == Some(Risk::High)));
    let core = plan.device("core1").unwrap();
    assert_eq!(core.manual.len(), 1);
    assert!(plan.manual.iter().any(|m| m.device == "core1"));
}

#[test]
fn merged_shards_hash_like_the_whole() {
    let fx = Fixture::new();
    let whole = fx.plan(&fx.diffs, &fx.plan_findings);
    let count = 3;
    let parts: Vec<crate::plan::Part> = (1..=count)
        .map(|index| {
            let shard = crate::plan::Shard { index, count };
            let diffs: Vec<DeviceDiff> = fx
                .diffs
                .iter()
                .filter(|d| shard.contains(&d.name))
                .cloned()
                .collect();
            let findings: Vec<Finding> = fx
                .findings
                .iter()
                .filter(|f| f.device.as_deref().is_some_and(|d| shard.contains(d)))
                .cloned()
                .collect();
            let input = PlanInput {
                from: &fx.from,
                to: &fx.to,
                devices: &diffs,
                inventory: &fx.inventory,
                inventory_from: &fx.inventory,
                device_findings: &findings,
                plan_findings: &[],
                failures: &[],
                remediations: &fx.remediations,
            };
            let mut plan = build(&input, PlanMeta::default());
            plan.meta.shard = Some(shard.to_string());
            crate::plan::Part {
                path: format!("part{index}.json").into(),
                plan,
            }
        })
        .collect();
    let plan_findings: Vec<PlanFinding> = fx.plan_findings.iter().map(PlanFinding::from).collect();
    let merged = crate::plan::merge(parts, plan_findings, vec![], PlanMeta::default()).unwrap();
    assert_eq!(merged.devices, whole.devices);
    assert_eq!(merged.impact, whole.impact);
    assert_eq!(merged.hash, whole.hash);
}
