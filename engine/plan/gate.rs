//! The CI gate: is a plan fresh, approved, and under the risk threshold?

use super::approval::ApprovalRecord;
use super::build::at_or_above;
use super::{Finding, Plan, Risk};
use std::collections::BTreeSet;

/// Why a plan does not pass the gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The file's body does not match its own `hash`: it was edited.
    Edited {
        /// The hash written in the file.
        recorded: String,
        /// The hash of the file's body.
        actual: String,
    },
    /// Recomputing from FROM/TO gives another plan (a branch moved, a
    /// script changed, or the file was edited consistently).
    Stale {
        /// The hash written in the file.
        recorded: String,
        /// The hash of the recomputed plan.
        recomputed: String,
    },
    /// A required role has not approved this hash (one reason per role,
    /// listing every requirement it leaves open).
    MissingApproval {
        /// The role.
        role: String,
        /// Each open requirement: the device concerned (`None` for the
        /// plan as a whole) and why the role is required.
        open: Vec<(Option<String>, String)>,
    },
    /// A finding at or above the threshold and nobody approved the plan.
    UnapprovedRisk {
        /// The finding.
        finding: Finding,
    },
    /// Scripts failed while the plan was made, so the plan is incomplete.
    ScriptFailures {
        /// How many.
        count: usize,
    },
    /// An execution record was required (`--require-record`) and none says
    /// the change landed on every device.
    NotVerified {
        /// What the records say (from the verify stage).
        detail: String,
    },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Edited { recorded, actual } => write!(
                f,
                "stale: the plan file was edited (its hash says {recorded}, its content hashes to {actual})"
            ),
            Reason::Stale {
                recorded,
                recomputed,
            } => write!(
                f,
                "stale: FROM/TO now give plan {recomputed}, not {recorded}; make and approve a new plan"
            ),
            Reason::MissingApproval { role, open } => {
                let items: Vec<String> = open
                    .iter()
                    .map(|(device, reason)| match device {
                        // Scripts often repeat the device in the reason.
                        Some(d) if !reason.starts_with(d.as_str()) => format!("{d}: {reason}"),
                        _ => reason.clone(),
                    })
                    .collect();
                write!(f, "missing approval by {role} ({})", items.join("; "))
            }
            Reason::UnapprovedRisk { finding } => {
                let level = finding.level().unwrap_or_default();
                let device = finding.device.as_deref().unwrap_or("plan");
                write!(f, "unapproved {level} risk on {device}: {}", finding.summary())
            }
            Reason::ScriptFailures { count } => {
                write!(f, "{count} script(s) failed while the plan was made; the plan is incomplete")
            }
            Reason::NotVerified { detail } => write!(f, "not verified: {detail}"),
        }
    }
}

/// What the gate decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Every reason the plan fails; empty when it passes.
    pub reasons: Vec<Reason>,
    /// Roles that approved this hash.
    pub approved_roles: BTreeSet<String>,
    /// Approvals of this hash.
    pub approvals: usize,
    /// True when an execution record was required (`--require-record`).
    pub record_required: bool,
}

impl Verdict {
    /// Returns true when the plan passes.
    pub fn passed(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Inputs of the gate besides the plan itself.
#[derive(Clone, Debug)]
pub struct GateInput<'a> {
    /// Hash of the plan file's own body.
    pub body_hash: &'a str,
    /// Hash of the plan recomputed from its FROM/TO.
    pub recomputed_hash: &'a str,
    /// Every approval record in the store (any hash).
    pub approvals: &'a [ApprovalRecord],
    /// Findings at or above this level need an approval.
    pub fail_on: Risk,
}

/// Returns true when `finding` blocks the plan at `fail_on` unless approved.
pub fn is_blocking(finding: &Finding, fail_on: Risk) -> bool {
    fail_on != Risk::None && at_or_above(finding, fail_on)
}

/// Decides whether `plan` passes.
pub fn evaluate(plan: &Plan, input: &GateInput<'_>) -> Verdict {
    let mut verdict = Verdict::default();
    if input.body_hash != plan.hash {
        verdict.reasons.push(Reason::Edited {
            recorded: plan.hash.clone(),
            actual: input.body_hash.to_string(),
        });
    }
    if input.recomputed_hash != plan.hash {
        verdict.reasons.push(Reason::Stale {
            recorded: plan.hash.clone(),
            recomputed: input.recomputed_hash.to_string(),
        });
    }
    // Only approvals of the hash that is both recorded and recomputed count.
    let valid: Vec<&ApprovalRecord> = input
        .approvals
        .iter()
        .filter(|a| a.plan_hash == plan.hash && a.plan_hash == input.recomputed_hash)
        .collect();
    verdict.approvals = valid.len();
    verdict.approved_roles = valid.iter().map(|a| a.role.clone()).collect();
    let mut open: std::collections::BTreeMap<&str, Vec<(Option<String>, String)>> =
        Default::default();
    for required in &plan.approvals_required {
        if !verdict.approved_roles.contains(&required.role) {
            open.entry(&required.role)
                .or_default()
                .push((required.device.clone(), required.reason.clone()));
        }
    }
    for (role, open) in open {
        verdict.reasons.push(Reason::MissingApproval {
            role: role.to_string(),
            open,
        });
    }
    if valid.is_empty() {
        for finding in plan.all_findings() {
            if is_blocking(finding, input.fail_on) {
                verdict.reasons.push(Reason::UnapprovedRisk {
                    finding: finding.clone(),
                });
            }
        }
    }
    if !plan.script_failures.is_empty() {
        verdict.reasons.push(Reason::ScriptFailures {
            count: plan.script_failures.len(),
        });
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::approval::APPROVAL_SCHEMA;
    use crate::plan::testing::sample_plan;

    fn approval(plan: &Plan, role: &str) -> ApprovalRecord {
        ApprovalRecord {
            schema: APPROVAL_SCHEMA.into(),
            plan_hash: plan.hash.clone(),
            from: plan.from.clone(),
            to: plan.to.clone(),
            by: "someone".into(),
            role: role.into(),
            comment: None,
            time: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn run(plan: &Plan, body: &str, recomputed: &str, approvals: &[ApprovalRecord]) -> Verdict {
        evaluate(
            plan,
            &GateInput {
                body_hash: body,
                recomputed_hash: recomputed,
                approvals,
                fail_on: Risk::High,
            },
        )
    }

    #[test]
    fn passes_only_fresh_and_approved_by_the_required_role() {
        let plan = sample_plan();
        let h = plan.hash.clone();
        let none = run(&plan, &h, &h, &[]);
        assert!(matches!(none.reasons[0], Reason::MissingApproval { .. }));
        assert!(none
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::UnapprovedRisk { .. })));
        let wrong = run(&plan, &h, &h, &[approval(&plan, "security")]);
        assert_eq!(wrong.reasons.len(), 1, "{:?}", wrong.reasons);
        let right = run(&plan, &h, &h, &[approval(&plan, "network-lead")]);
        assert!(right.passed(), "{:?}", right.reasons);
    }

    #[test]
    fn edited_or_recomputed_differently_is_stale_and_old_approvals_do_not_count() {
        let plan = sample_plan();
        let h = plan.hash.clone();
        let approvals = [approval(&plan, "network-lead")];
        let edited = run(&plan, "0000", &h, &approvals);
        assert!(matches!(edited.reasons[..], [Reason::Edited { .. }]));
        let moved = run(&plan, &h, "1111", &approvals);
        assert!(moved
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::Stale { .. })));
        assert!(moved
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::MissingApproval { .. })));
        assert!(moved.reasons[0].to_string().starts_with("stale:"));
    }

    #[test]
    fn missing_approvals_are_grouped_by_role() {
        let mut plan = sample_plan();
        plan.approvals_required.push(crate::plan::ApprovalRequired {
            role: "network-lead".into(),
            reason: "fw2: HA peer".into(),
            device: Some("fw2".into()),
        });
        let h = plan.hash.clone();
        let verdict = run(&plan, &h, &h, &[approval(&plan, "security")]);
        let missing: Vec<String> = verdict
            .reasons
            .iter()
            .filter(|r| matches!(r, Reason::MissingApproval { .. }))
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            missing,
            ["missing approval by network-lead (fw1: firewall change; fw2: HA peer)"]
        );
    }
}
