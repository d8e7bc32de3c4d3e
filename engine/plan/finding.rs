//! Findings as plan files record them: the script stage's [`Finding`] with
//! a serialisation that also reads back (`check`, `plan merge`).

use super::Risk;
use crate::script::{Finding, FindingKind, Level, Origin};
use serde::{Deserialize, Serialize};

/// One finding, as plan files record it (the script's [`Finding`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlanFinding {
    /// Device concerned (`None` for plan-wide findings).
    pub device: Option<String>,
    /// What was found.
    #[serde(flatten)]
    pub kind: PlanFindingKind,
    /// Script that emitted it.
    pub script: String,
    /// Line of the emitting call, when known.
    pub line: Option<u32>,
}

/// The payload of a [`PlanFinding`]; mirrors [`FindingKind`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlanFindingKind {
    /// A risk.
    Risk {
        /// How risky.
        level: Risk,
        /// Rule id.
        rule: String,
        /// Message.
        message: String,
    },
    /// Another device is hit.
    Impact {
        /// The device hit.
        target: String,
        /// Why.
        reason: String,
        /// Dependency path.
        path: Vec<String>,
    },
    /// An approval is needed.
    Approval {
        /// Role.
        role: String,
        /// Why.
        reason: String,
    },
    /// A check before applying.
    Precheck {
        /// Command.
        command: String,
    },
    /// A check after applying.
    Verify {
        /// Command.
        command: String,
    },
    /// An apply step.
    Apply {
        /// Command.
        command: String,
    },
    /// A rollback step.
    Rollback {
        /// Command.
        command: String,
    },
    /// A note.
    Note {
        /// Text.
        text: String,
    },
}

impl PlanFinding {
    /// Returns the risk level when this finding is a risk.
    pub fn level(&self) -> Option<Risk> {
        match &self.kind {
            PlanFindingKind::Risk { level, .. } => Some(*level),
            _ => None,
        }
    }

    /// Returns a short kind name (`risk`, `impact`, …).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            PlanFindingKind::Risk { .. } => "risk",
            PlanFindingKind::Impact { .. } => "impact",
            PlanFindingKind::Approval { .. } => "approval",
            PlanFindingKind::Precheck { .. } => "precheck",
            PlanFindingKind::Verify { .. } => "verify",
            PlanFindingKind::Apply { .. } => "apply",
            PlanFindingKind::Rollback { .. } => "rollback",
            PlanFindingKind::Note { .. } => "note",
        }
    }

    /// Returns the one-line text a report shows for this finding.
    pub fn summary(&self) -> String {
        match &self.kind {
            PlanFindingKind::Risk { rule, message, .. } => format!("{rule}: {message}"),
            PlanFindingKind::Impact { target, reason, .. } => format!("{target}: {reason}"),
            PlanFindingKind::Approval { role, reason } => format!("{role}: {reason}"),
            PlanFindingKind::Precheck { command }
            | PlanFindingKind::Verify { command }
            | PlanFindingKind::Apply { command }
            | PlanFindingKind::Rollback { command } => command.clone(),
            PlanFindingKind::Note { text } => text.clone(),
        }
    }

    /// Returns the engine's [`Finding`] again.
    pub fn to_finding(&self) -> Finding {
        let kind = match &self.kind {
            PlanFindingKind::Risk {
                level,
                rule,
                message,
            } => FindingKind::Risk {
                level: Level::parse(level.as_str()).unwrap_or_default(),
                rule: rule.clone(),
                message: message.clone(),
            },
            PlanFindingKind::Impact {
                target,
                reason,
                path,
            } => FindingKind::Impact {
                target: target.clone(),
                reason: reason.clone(),
                path: path.clone(),
            },
            PlanFindingKind::Approval { role, reason } => FindingKind::Approval {
                role: role.clone(),
                reason: reason.clone(),
            },
            PlanFindingKind::Precheck { command } => FindingKind::Precheck {
                command: command.clone(),
            },
            PlanFindingKind::Verify { command } => FindingKind::Verify {
                command: command.clone(),
            },
            PlanFindingKind::Apply { command } => FindingKind::Apply {
                command: command.clone(),
            },
            PlanFindingKind::Rollback { command } => FindingKind::Rollback {
                command: command.clone(),
            },
            PlanFindingKind::Note { text } => FindingKind::Note { text: text.clone() },
        };
        Finding {
            device: self.device.clone(),
            kind,
            origin: Origin {
                script: self.script.clone(),
                line: self.line,
            },
        }
    }
}

impl From<&Finding> for PlanFinding {
    fn from(f: &Finding) -> Self {
        let kind = match &f.kind {
            FindingKind::Risk {
                level,
                rule,
                message,
            } => PlanFindingKind::Risk {
                level: (*level).into(),
                rule: rule.clone(),
                message: message.clone(),
            },
            FindingKind::Impact {
                target,
                reason,
                path,
            } => PlanFindingKind::Impact {
                target: target.clone(),
                reason: reason.clone(),
                path: path.clone(),
            },
            FindingKind::Approval { role, reason } => PlanFindingKind::Approval {
                role: role.clone(),
                reason: reason.clone(),
            },
            FindingKind::Precheck { command } => PlanFindingKind::Precheck {
                command: command.clone(),
            },
            FindingKind::Verify { command } => PlanFindingKind::Verify {
                command: command.clone(),
            },
            FindingKind::Apply { command } => PlanFindingKind::Apply {
                command: command.clone(),
            },
            FindingKind::Rollback { command } => PlanFindingKind::Rollback {
                command: command.clone(),
            },
            FindingKind::Note { text } => PlanFindingKind::Note { text: text.clone() },
        };
        PlanFinding {
            device: f.device.clone(),
            kind,
            script: f.origin.script.clone(),
            line: f.origin.line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_round_trip_through_json() {
        let finding = Finding {
            device: Some("fw1".into()),
            kind: FindingKind::Risk {
                level: Level::High,
                rule: "fw.policy-removed".into(),
                message: "policy 10 removed".into(),
            },
            origin: Origin {
                script: "builtin:firewall".into(),
                line: Some(12),
            },
        };
        let plan_finding = PlanFinding::from(&finding);
        let json = serde_json::to_value(&plan_finding).unwrap();
        assert_eq!(json["type"], "risk");
        assert_eq!(json["level"], "high");
        let back: PlanFinding = serde_json::from_value(json).unwrap();
        assert_eq!(back.to_finding(), finding);
    }
}
