//! The plan flattened into procedure rows (one per step), shared by the
//! reports that print a step-by-step procedure (text, HTML, xlsx), and the
//! grouping of findings by device and level.

use super::i18n::Msg;
use crate::plan::{Finding, FindingKind, Plan};

/// The kind of a procedure step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Check before applying.
    Precheck,
    /// Apply the change.
    Apply,
    /// Check after applying.
    Verify,
    /// Something done by hand.
    Manual,
    /// Undo the change.
    Rollback,
}

impl StepKind {
    /// Returns the step kind's label key.
    pub fn label(self) -> Msg {
        match self {
            StepKind::Precheck => Msg::StepPrecheck,
            StepKind::Apply => Msg::StepApply,
            StepKind::Verify => Msg::StepVerify,
            StepKind::Manual => Msg::StepManual,
            StepKind::Rollback => Msg::StepRollback,
        }
    }

    /// Returns the expected-result key for this kind.
    pub fn expected(self) -> Msg {
        match self {
            StepKind::Precheck => Msg::ExpectPrecheck,
            StepKind::Apply => Msg::ExpectApply,
            StepKind::Verify => Msg::ExpectVerify,
            StepKind::Manual => Msg::ExpectManual,
            StepKind::Rollback => Msg::ExpectRollback,
        }
    }
}

/// One row of the work procedure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based step number.
    pub number: usize,
    /// Wave number (0 for the rollback section).
    pub wave: u32,
    /// Device name.
    pub device: String,
    /// Step kind.
    pub kind: StepKind,
    /// The command, or the whole configuration block (lines joined by `\n`).
    pub command: String,
    /// The matching rollback block, on apply rows.
    pub rollback: String,
}

/// Returns the procedure: for each device in execution order its
/// prechecks, its apply block, its manual steps and its verifications;
/// then the rollback blocks in rollback order.
pub fn rows(plan: &Plan) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut push = |wave: u32, device: &str, kind: StepKind, command: String, rollback: String| {
        rows.push(Row {
            number: rows.len() + 1,
            wave,
            device: device.to_string(),
            kind,
            command,
            rollback,
        });
    };
    for device in &plan.devices {
        for command in &device.steps.precheck {
            push(
                device.wave,
                &device.name,
                StepKind::Precheck,
                command.clone(),
                String::new(),
            );
        }
        if !device.steps.apply.is_empty() {
            push(
                device.wave,
                &device.name,
                StepKind::Apply,
                device.steps.apply.join("\n"),
                device.steps.rollback.join("\n"),
            );
        }
        for text in &device.manual {
            push(
                device.wave,
                &device.name,
                StepKind::Manual,
                text.clone(),
                String::new(),
            );
        }
        for command in &device.steps.verify {
            push(
                device.wave,
                &device.name,
                StepKind::Verify,
                command.clone(),
                String::new(),
            );
        }
    }
    for name in &plan.rollback_order {
        let Some(device) = plan.device(name) else {
            continue;
        };
        if !device.steps.rollback.is_empty() {
            push(
                device.wave,
                &device.name,
                StepKind::Rollback,
                device.steps.rollback.join("\n"),
                String::new(),
            );
        }
    }
    rows
}

/// Returns the findings a reviewer reads per device (risks, approvals,
/// notes — not the step commands, and not the impacts, which the blast
/// radius section shows once per device hit), highest risk first.
pub fn review_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut list: Vec<&Finding> = findings
        .into_iter()
        .filter(|f| {
            !matches!(
                f.kind,
                FindingKind::Precheck { .. }
                    | FindingKind::Impact { .. }
                    | FindingKind::Verify { .. }
                    | FindingKind::Apply { .. }
                    | FindingKind::Rollback { .. }
            )
        })
        .collect();
    let rank = |f: &Finding| match &f.kind {
        FindingKind::Risk { level, .. } => 10 - *level as i32,
        FindingKind::Approval { .. } => 20,
        FindingKind::Impact { .. } => 21,
        _ => 22,
    };
    list.sort_by_key(|f| rank(f));
    list
}

/// Returns `script:line` for a finding's origin.
pub fn origin(finding: &Finding) -> String {
    match finding.origin.line {
        Some(line) => format!("{}:{line}", finding.origin.script),
        None => finding.origin.script.clone(),
    }
}
