//! The one model of a plan's procedure behind every plan format: the
//! labelled step lists of a device or fleet group in procedure order
//! ([`step_lists`], what the text, Markdown and HTML sections show) and the
//! same steps flattened into procedure rows ([`rows`], the HTML procedure
//! table and the xlsx sheet); and the grouping of findings by device and
//! level.

use super::i18n::Msg;
use crate::plan::{Finding, FindingKind, Plan, Steps};

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

    /// Returns the kind's name, as the HTML page's classes use it.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Precheck => "precheck",
            StepKind::Apply => "apply",
            StepKind::Verify => "verify",
            StepKind::Manual => "manual",
            StepKind::Rollback => "rollback",
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

/// Returns the step lists of one procedure (a device's, or a fleet
/// group's) in the order an operator works through them: prechecks, the
/// apply block, the manual steps, the verifications, then the rollback
/// block. Every format shows a device's steps in this order.
pub fn step_lists<'a>(steps: &'a Steps, manual: &'a [String]) -> [(StepKind, &'a [String]); 5] {
    [
        (StepKind::Precheck, &steps.precheck),
        (StepKind::Apply, &steps.apply),
        (StepKind::Manual, manual),
        (StepKind::Verify, &steps.verify),
        (StepKind::Rollback, &steps.rollback),
    ]
}

/// Returns the procedure: for each device in execution order its
/// [`step_lists`] up to the verifications (the apply block as one row,
/// every other step a row of its own); then the rollback blocks in
/// rollback order.
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
        for (kind, lines) in step_lists(&device.steps, &device.manual) {
            match kind {
                StepKind::Rollback => {}
                StepKind::Apply if !lines.is_empty() => push(
                    device.wave,
                    &device.name,
                    kind,
                    lines.join("\n"),
                    device.steps.rollback.join("\n"),
                ),
                StepKind::Apply => {}
                _ => {
                    for line in lines {
                        push(device.wave, &device.name, kind, line.clone(), String::new());
                    }
                }
            }
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
