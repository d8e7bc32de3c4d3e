//! Diff + findings + remediation → [`Plan`].
//!
//! [`build`] turns one run's inputs into per-device entries, then
//! [`assemble`] orders them, derives the plan-wide parts (risk, blast
//! radius, approvals, manual steps) and hashes the result. `plan merge` calls
//! [`assemble`] on the devices of several partial plans, so a merged plan and
//! an unsharded one go through exactly the same final step.

use super::model::*;
use super::{order, plan_hash};
use crate::diff::{DeviceDiff, DeviceStatus};
use crate::inventory::{Device, Inventory};
use crate::script::{DeviceStep, Finding, Level, Origin, StepKind};
use std::collections::{BTreeMap, BTreeSet};

/// The commands a dialect derived for one device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceRemediation {
    /// Lines that move the running config to the intended one.
    pub apply: Vec<String>,
    /// Lines that move it back.
    pub rollback: Vec<String>,
    /// What cannot be expressed safely and must be done by hand.
    pub manual: Vec<String>,
    /// True when both directions were proved by simulation.
    pub verified: bool,
    /// What the simulation found wrong, when it did.
    pub simulation_errors: Vec<String>,
    /// How the configurations were read where a reviewer should know
    /// (FortiOS sections closed by indentation), each with its side.
    pub reading_notes: Vec<String>,
}

/// Everything one plan run starts from.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The running side.
    pub from: &'a RevRef,
    /// The intended side.
    pub to: &'a RevRef,
    /// Changed devices (the diff).
    pub devices: &'a [DeviceDiff],
    /// The TO inventory.
    pub inventory: &'a Inventory,
    /// The FROM inventory (for removed devices).
    pub inventory_from: &'a Inventory,
    /// Every finding of the scripts (per device and plan-wide), in the
    /// order the script stage returns them.
    pub findings: &'a [Finding],
    /// Scripts that failed.
    pub failures: &'a [ScriptFailure],
    /// Dialect-derived commands, by device name.
    pub remediations: &'a BTreeMap<String, DeviceRemediation>,
    /// Steps the scripts recorded as data (`ctx.step`).
    pub steps: &'a [DeviceStep],
}

/// What the script stage produced for one plan: findings, steps as data,
/// and the scripts that failed.
#[derive(Clone, Copy, Debug)]
pub struct ScriptResults<'a> {
    /// Every finding, in the order the script stage returns them.
    pub findings: &'a [Finding],
    /// Steps recorded with `ctx.step`.
    pub steps: &'a [DeviceStep],
    /// Scripts that failed.
    pub failures: &'a [ScriptFailure],
}

/// The script name henko uses for findings it makes itself.
pub const HENKO_ORIGIN: &str = "henko:plan";

/// Builds a plan from one run's inputs.
pub fn build(input: &PlanInput<'_>, meta: PlanMeta) -> Plan {
    let bases = input
        .devices
        .iter()
        .map(|diff| {
            let inventory = match diff.status {
                DeviceStatus::Removed => input.inventory_from,
                _ => input.inventory,
            };
            base_device(diff, inventory, input.remediations.get(&diff.name))
        })
        .collect();
    let impacts = graph_impacts(input.devices, input.inventory, input.inventory_from);
    finish(
        input.from.clone(),
        input.to.clone(),
        bases,
        impacts,
        ScriptResults {
            findings: input.findings,
            steps: input.steps,
            failures: input.failures,
        },
        meta,
    )
}

/// Returns the blast radius the inventory graph gives: every device that
/// depends, transitively, on a changed one (FROM's graph for removed devices).
pub fn graph_impacts(
    devices: &[DeviceDiff],
    inventory: &Inventory,
    inventory_from: &Inventory,
) -> Vec<Impact> {
    let mut impacts = Vec::new();
    for diff in devices {
        let inventory = match diff.status {
            DeviceStatus::Removed => inventory_from,
            _ => inventory,
        };
        for hit in inventory.dependents(&diff.name) {
            let start = hit.path.first().cloned().unwrap_or_default();
            impacts.push(Impact {
                device: hit.device,
                reason: format!("depends on {start}"),
                path: hit.path,
            });
        }
    }
    impacts
}

/// Files the script findings under their devices (adding their steps),
/// keeps the rest plan-wide, and assembles the plan. `bases` come from
/// [`base_device`] (or [`strip_to_base`] when merging).
pub fn finish(
    from: RevRef,
    to: RevRef,
    mut bases: Vec<PlanDevice>,
    impacts: Vec<Impact>,
    scripts: ScriptResults<'_>,
    meta: PlanMeta,
) -> Plan {
    let ScriptResults {
        findings,
        steps,
        failures,
    } = scripts;
    bases.sort_by(|a, b| a.name.cmp(&b.name));
    let index: BTreeMap<String, usize> = bases
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.clone(), i))
        .collect();
    let mut plan_findings = Vec::new();
    for finding in findings {
        let finding = finding.clone();
        match finding.device.as_ref().and_then(|d| index.get(d)) {
            Some(&i) => add_device_finding(&mut bases[i], finding),
            // Plan-wide, or about a device that did not change: kept
            // plan-wide rather than lost.
            None => plan_findings.push(finding),
        }
    }
    for step in steps {
        if let Some(&i) = step.device.as_ref().and_then(|d| index.get(d)) {
            add_device_step(&mut bases[i], &step.step);
        }
    }
    for device in &mut bases {
        add_missing_commands_note(device);
    }
    assemble(
        from,
        to,
        bases,
        impacts,
        plan_findings,
        failures.to_vec(),
        meta,
    )
}

/// Orders devices and derives the plan-wide parts. `plan_findings` that
/// name a device in the plan are filed under that device.
pub fn assemble(
    from: RevRef,
    to: RevRef,
    devices: Vec<PlanDevice>,
    impacts: Vec<Impact>,
    plan_findings: Vec<Finding>,
    mut failures: Vec<ScriptFailure>,
    meta: PlanMeta,
) -> Plan {
    let (mut devices, waves, rollback_order) = order::order(devices);
    let index: BTreeMap<String, usize> = devices
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.clone(), i))
        .collect();
    let mut findings = Vec::new();
    for finding in plan_findings {
        match finding.device.as_ref().and_then(|d| index.get(d)) {
            Some(&i) => add_device_finding(&mut devices[i], finding),
            None => findings.push(finding),
        }
    }
    let changed: BTreeSet<&str> = devices.iter().map(|d| d.name.as_str()).collect();
    let mut best: BTreeMap<String, Impact> = BTreeMap::new();
    let script_impacts = devices
        .iter()
        .flat_map(|d| d.findings.iter())
        .chain(findings.iter())
        .filter_map(|f| match &f.kind {
            FindingKind::Impact {
                target,
                reason,
                path,
            } => Some(Impact {
                device: target.clone(),
                reason: reason.clone(),
                path: path.clone(),
            }),
            _ => None,
        });
    for impact in impacts.into_iter().chain(script_impacts) {
        if changed.contains(impact.device.as_str()) {
            continue;
        }
        let key = (
            impact.path.len(),
            impact.path.clone(),
            impact.reason.clone(),
        );
        let keep = best
            .get(&impact.device)
            .is_none_or(|old| key < (old.path.len(), old.path.clone(), old.reason.clone()));
        if keep {
            best.insert(impact.device.clone(), impact);
        }
    }
    let mut approvals = BTreeSet::new();
    for finding in devices
        .iter()
        .flat_map(|d| d.findings.iter())
        .chain(&findings)
    {
        if let FindingKind::Approval { role, reason, .. } = &finding.kind {
            approvals.insert(ApprovalRequired {
                role: role.clone(),
                reason: reason.clone(),
                device: finding.device.clone(),
            });
        }
    }
    let risk = devices
        .iter()
        .flat_map(|d| d.findings.iter())
        .chain(&findings)
        .filter_map(|f| f.level().map(Risk::from))
        .max()
        .unwrap_or(Risk::None);
    let manual = devices
        .iter()
        .flat_map(|d| {
            d.manual.iter().map(|text| ManualStep {
                device: d.name.clone(),
                text: text.clone(),
            })
        })
        .collect();
    failures.sort();
    failures.dedup();
    let mut plan = Plan {
        schema: SCHEMA.to_string(),
        from,
        to,
        hash: String::new(),
        risk,
        devices,
        impact: best.into_values().collect(),
        approvals_required: approvals.into_iter().collect(),
        waves,
        findings,
        manual,
        rollback_order,
        script_failures: failures,
        meta,
    };
    plan.hash = plan_hash(&plan);
    plan
}

/// Files a finding under its device, adding its step to the step lists.
fn add_device_finding(device: &mut PlanDevice, finding: Finding) {
    match &finding.kind {
        FindingKind::Precheck { command } => device.steps.precheck.push(command.clone()),
        FindingKind::Verify { command } => device.steps.verify.push(command.clone()),
        FindingKind::Apply { command } => device.steps.apply.push(command.clone()),
        FindingKind::Rollback { command } => device.steps.rollback.push(command.clone()),
        _ => {}
    }
    device.findings.push(finding);
}

/// Files a step under its device: its data in `actions`, and a manual
/// step's text in `manual` (the other kinds reached the step lists as
/// findings already).
fn add_device_step(device: &mut PlanDevice, step: &crate::script::Step) {
    if step.kind == StepKind::Manual {
        let text = step.manual_text();
        if !device.manual.contains(&text) {
            device.manual.push(text);
        }
    }
    device.actions.push(step.clone());
}

/// Returns the text a manual step shows in `manual`: rollback ones say so
/// (the wording is [`crate::script::Step::manual_text`]'s).
pub fn manual_text(step: &crate::script::Step) -> String {
    step.manual_text()
}

/// Builds one device's entry from its diff and the commands its dialect
/// derived, before script findings and ordering.
pub fn base_device(
    diff: &DeviceDiff,
    inventory: &Inventory,
    remediation: Option<&DeviceRemediation>,
) -> PlanDevice {
    let known = inventory.get(&diff.name);
    let mut requires: Vec<String> = inventory
        .dependencies(&diff.name)
        .into_iter()
        .map(|hit| hit.device)
        .collect();
    requires.sort();
    let pair = inventory.pair(&diff.name);
    let pair_first = match (known, pair) {
        (Some(me), Some(twin)) => goes_first(me, twin),
        _ => false,
    };
    let mut device = PlanDevice {
        name: diff.name.clone(),
        platform: diff.platform.clone(),
        dialect: diff.dialect.name().to_string(),
        site: known.map(|d| d.site.clone()).unwrap_or_default(),
        env: known
            .map(|d| d.env.as_str().to_string())
            .unwrap_or_else(|| "prod".to_string()),
        status: status_name(diff.status).to_string(),
        config: diff.config.clone(),
        wave: 0,
        order: OrderFacts {
            requires,
            pair: pair.map(|t| t.name.clone()),
            pair_first,
            withdraws: withdraws(diff),
        },
        changes: diff.changes.iter().map(PlanChange::from).collect(),
        findings: Vec::new(),
        steps: Steps::default(),
        manual: Vec::new(),
        verified: None,
        actions: Vec::new(),
        cause: Vec::new(),
    };
    if let Some(remediation) = remediation {
        device.steps.apply.extend(remediation.apply.iter().cloned());
        device
            .steps
            .rollback
            .extend(remediation.rollback.iter().cloned());
        device.manual.extend(remediation.manual.iter().cloned());
        device.verified = Some(remediation.verified);
        for note in &remediation.reading_notes {
            device.findings.push(Finding {
                device: Some(diff.name.clone()),
                kind: FindingKind::Risk {
                    level: Level::Low,
                    rule: "henko.config-structure".to_string(),
                    message: format!("{note}; check that the commands belong where they stand"),
                    message_ja: None,
                },
                origin: Origin {
                    script: HENKO_ORIGIN.to_string(),
                    line: None,
                },
            });
        }
        if !remediation.verified {
            let detail = if remediation.simulation_errors.is_empty() {
                String::from("the simulation could not prove the commands")
            } else {
                remediation.simulation_errors.join("; ")
            };
            device.findings.push(Finding {
                device: Some(diff.name.clone()),
                kind: FindingKind::Risk {
                    level: Level::High,
                    rule: "henko.remediation-unverified".to_string(),
                    message: format!(
                        "apply/rollback commands were not proved by simulation: {detail}"
                    ),
                    message_ja: None,
                },
                origin: Origin {
                    script: HENKO_ORIGIN.to_string(),
                    line: None,
                },
            });
        }
    }
    device
}

/// The manual step henko adds when nothing says how to apply a change: the
/// file, and each change as the edit to make and the value to restore (the
/// first few; the plan's change list has them all).
fn missing_commands_note(device: &PlanDevice) -> String {
    const SHOWN: usize = 5;
    let config: Vec<&PlanChange> = device
        .changes
        .iter()
        .filter(|c| c.category != "inventory")
        .collect();
    let quote = |text: &Option<String>| format!("'{}'", text.as_deref().unwrap_or_default());
    let edits: Vec<String> = config
        .iter()
        .take(SHOWN)
        .map(|c| {
            let headers = &c.path[..c.path.len().saturating_sub(1)];
            let at = if headers.is_empty() {
                String::new()
            } else {
                format!(" under {}", headers.join(" > "))
            };
            match c.op.as_str() {
                "add" => format!("add {}{at} (undo: remove it)", quote(&c.after)),
                "remove" => format!("remove {}{at} (undo: put it back)", quote(&c.before)),
                "move" => format!(
                    "move {}{at} to its intended position (undo: move it back)",
                    quote(&c.after)
                ),
                _ => format!(
                    "change {} to {}{at} (undo: set {} again)",
                    quote(&c.before),
                    quote(&c.after),
                    quote(&c.before)
                ),
            }
        })
        .collect();
    let more = match config.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!("; and {n} more change(s), as listed in the plan"),
    };
    format!(
        "no rule gives commands for {} ({}): edit {} on the device: {}{more}",
        device.name,
        device.dialect,
        device.config,
        edits.join("; ")
    )
}

/// Adds [`missing_commands_note`] to a device whose configuration changed
/// but that has neither apply commands nor manual steps.
fn add_missing_commands_note(device: &mut PlanDevice) {
    let has_commands = !device.steps.apply.is_empty() || !device.manual.is_empty();
    let has_config_changes = device.changes.iter().any(|c| c.category != "inventory");
    if !has_commands && has_config_changes {
        let note = missing_commands_note(device);
        device.manual.push(note);
    }
}

/// Returns a device of a finished plan as [`base_device`] made it: script
/// findings and the steps they added are taken out again, so a merge can
/// re-run the scripts over the whole change set.
pub fn strip_to_base(device: &PlanDevice) -> PlanDevice {
    let mut base = device.clone();
    let count = |kind: &str| {
        device
            .findings
            .iter()
            .filter(|f| f.origin.script != HENKO_ORIGIN && f.kind_name() == kind)
            .count()
    };
    let keep = |steps: &[String], added: usize| steps[..steps.len().saturating_sub(added)].to_vec();
    base.steps = Steps {
        precheck: Vec::new(),
        apply: keep(&device.steps.apply, count("apply")),
        verify: Vec::new(),
        rollback: keep(&device.steps.rollback, count("rollback")),
    };
    base.findings.retain(|f| f.origin.script == HENKO_ORIGIN);
    let note = missing_commands_note(device);
    let from_steps: Vec<String> = device
        .actions
        .iter()
        .filter(|s| s.kind == StepKind::Manual)
        .map(|s| s.manual_text())
        .collect();
    base.manual
        .retain(|m| *m != note && !from_steps.contains(m));
    base.actions.clear();
    base.wave = 0;
    base
}

/// Returns the [`DeviceDiff`] a plan device was made from (without the
/// optional line diff and warnings, which plans do not keep).
pub fn device_diff(device: &PlanDevice) -> DeviceDiff {
    let dialect = crate::config::Dialect::ALL
        .into_iter()
        .find(|d| d.name() == device.dialect)
        .unwrap_or_default();
    let status = match device.status.as_str() {
        "added" => DeviceStatus::Added,
        "removed" => DeviceStatus::Removed,
        _ => DeviceStatus::Modified,
    };
    DeviceDiff {
        name: device.name.clone(),
        platform: device.platform.clone(),
        dialect,
        status,
        config: device.config.clone(),
        changes: device
            .changes
            .iter()
            .filter_map(PlanChange::to_change)
            .collect(),
        lines: None,
        warnings: Vec::new(),
    }
}

/// Returns true when `me` goes before its HA twin: a standby member goes
/// first (by env, then by a `standby`/`secondary`/`passive` role or tag),
/// and names break ties.
fn goes_first(me: &Device, twin: &Device) -> bool {
    fn standby_score(d: &Device) -> u8 {
        let words = ["standby", "secondary", "passive", "backup"];
        let marked = words.iter().any(|w| {
            d.role.to_ascii_lowercase().contains(w)
                || d.tags.iter().any(|t| t.eq_ignore_ascii_case(w))
        });
        u8::from(d.env == crate::inventory::Env::Standby) * 2 + u8::from(marked)
    }
    let (mine, theirs) = (standby_score(me), standby_score(twin));
    mine > theirs || (mine == theirs && me.name < twin.name)
}

/// True when the device stays but every configuration change of it is a
/// removal: what it provides shrinks, so its dependents go first.
fn withdraws(diff: &DeviceDiff) -> bool {
    let mut config = diff
        .changes
        .iter()
        .filter(|c| c.category != crate::diff::ChangeCategory::Inventory)
        .peekable();
    diff.status == DeviceStatus::Modified
        && config.peek().is_some()
        && config.all(|c| c.op == crate::diff::Op::Remove)
}

fn status_name(status: DeviceStatus) -> &'static str {
    match status {
        DeviceStatus::Modified => "modified",
        DeviceStatus::Added => "added",
        DeviceStatus::Removed => "removed",
    }
}

/// Returns true when `finding` is a risk at or above `level`.
pub fn at_or_above(finding: &Finding, level: Risk) -> bool {
    finding.level().map(Risk::from).is_some_and(|l| l >= level)
}

#[cfg(test)]
mod tests;
