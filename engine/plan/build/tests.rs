//! Tests of plan building: steps, plan-wide parts, the hash.

use super::*;
use crate::plan::testing::Fixture;

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
    assert!(lab
        .findings
        .iter()
        .any(|f| f.level().map(Risk::from) == Some(Risk::High)));
    let core = plan.device("core1").unwrap();
    assert_eq!(core.manual.len(), 1);
    // Specific, never a bare "by hand": the file and the edit with its undo.
    assert_eq!(
        core.manual[0],
        "no rule gives commands for core1 (ios): edit configs/core1.cfg on the device: \
         add 'description uplink' under interface Gi0/1 (undo: remove it)"
    );
    assert!(plan.manual.iter().any(|m| m.device == "core1"));
}

#[test]
fn merged_shards_hash_like_the_whole() {
    let fx = Fixture::new();
    let whole = fx.plan(&fx.diffs, &fx.plan_findings);
    let count = 3;
    let mut sizes = Vec::new();
    let parts: Vec<crate::plan::Part> = (1..=count)
        .map(|index| {
            let shard = crate::plan::Shard { index, count };
            let diffs: Vec<DeviceDiff> = fx
                .diffs
                .iter()
                .filter(|d| shard.contains(&d.name))
                .cloned()
                .collect();
            sizes.push(diffs.len());
            // A shard's scripts see only its devices.
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
                findings: &findings,
                failures: &[],
                remediations: &fx.remediations,
                steps: &[],
            };
            let mut plan = build(&input, PlanMeta::default());
            plan.meta.shard = Some(shard.to_string());
            crate::plan::Part {
                path: format!("part{index}.json").into(),
                plan,
            }
        })
        .collect();
    assert!(sizes.iter().filter(|&&n| n > 0).count() > 1, "{sizes:?}");
    let merged = crate::plan::merge(&parts).unwrap();
    let diffs = merged.diffs();
    // What the scripts see again equals what they saw the first time.
    let mut original = fx.diffs.clone();
    original.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(diffs, original);
    let findings: Vec<Finding> = fx
        .plan_findings
        .iter()
        .chain(&fx.findings)
        .cloned()
        .collect();
    let plan = finish(
        merged.from.clone(),
        merged.to.clone(),
        merged.devices,
        graph_impacts(&diffs, &fx.inventory, &fx.inventory),
        ScriptResults {
            findings: &findings,
            steps: &[],
            failures: &[],
        },
        PlanMeta::default(),
    );
    assert_eq!(plan.devices, whole.devices);
    assert_eq!(plan.impact, whole.impact);
    assert_eq!(plan.hash, whole.hash);
}

#[test]
fn strip_to_base_undoes_script_steps() {
    let fx = Fixture::new();
    let plan = fx.plan(&fx.diffs, &fx.plan_findings);
    let vm = strip_to_base(plan.device("vm1").unwrap());
    assert!(vm.steps.apply.is_empty() && vm.findings.is_empty());
    let fw = strip_to_base(plan.device("fw1").unwrap());
    assert_eq!(fw.steps.apply.len(), 2);
    assert!(fw.steps.precheck.is_empty());
}
