//! What scripts emit: risks, impacts, approvals, checks, steps and notes.
//!
//! A [`Finding`] is also what plan files record: it serialises flat (the
//! origin's `script` and `line` beside the payload) and reads back, so
//! `check` and `plan merge` use the same type the scripts produce.

use serde::{Deserialize, Serialize};

/// Risk levels, lowest first (so `max()` gives the overall risk).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing to worry about; recorded for the reviewer.
    #[default]
    Info,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical: stop unless approved.
    Critical,
}

impl Level {
    /// Every level's name, lowest first.
    pub const NAMES: &'static [&'static str] = &["info", "low", "medium", "high", "critical"];

    /// Returns the level's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// Parses a level name (case-insensitive).
    pub fn parse(name: &str) -> Option<Level> {
        match name.to_ascii_lowercase().as_str() {
            "info" => Some(Level::Info),
            "low" => Some(Level::Low),
            "medium" => Some(Level::Medium),
            "high" => Some(Level::High),
            "critical" => Some(Level::Critical),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding came from: the script file and the line of the call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Origin {
    /// Script name (file path relative to its scripts folder, or `builtin:NAME`).
    pub script: String,
    /// Line of the emitting call in the script, when known.
    pub line: Option<u32>,
}

/// The payload of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FindingKind {
    /// `ctx.risk(level, rule, message)`.
    Risk {
        /// How risky.
        level: Level,
        /// Short rule id, e.g. `routing.bgp-neighbor-removed`.
        rule: String,
        /// What the reviewer should know.
        message: String,
        /// `message` in Japanese, when the script gave it
        /// (`ctx.risk(level, rule, message, message_ja)`); `--lang ja`
        /// reports show it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_ja: Option<String>,
    },
    /// `ctx.impact(device, reason)`: another device is hit by this change.
    Impact {
        /// The device that is hit.
        target: String,
        /// Why.
        reason: String,
        /// Dependency path from the changed device to `target`.
        path: Vec<String>,
    },
    /// `ctx.require_approval(role, reason)`.
    Approval {
        /// Role whose approval is needed (e.g. `network-lead`).
        role: String,
        /// Why.
        reason: String,
        /// `reason` in Japanese, when the script gave it
        /// (`ctx.require_approval(role, reason, reason_ja)`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason_ja: Option<String>,
    },
    /// `ctx.precheck(cmd)`: run before applying.
    Precheck {
        /// Command to run.
        command: String,
    },
    /// `ctx.verify(cmd)`: run after applying.
    Verify {
        /// Command to run.
        command: String,
    },
    /// `ctx.apply(cmd)`: an apply step a dialect cannot derive.
    Apply {
        /// Command to run.
        command: String,
    },
    /// `ctx.rollback(cmd)`: the matching rollback step.
    Rollback {
        /// Command to run.
        command: String,
    },
    /// `ctx.note(text)` or `ctx.note(text, text_ja)`.
    Note {
        /// The note.
        text: String,
        /// The note in Japanese, when the script gave it; `--lang ja`
        /// reports show it, the plan keeps both.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text_ja: Option<String>,
    },
}

/// One finding, with the device it concerns and the script that made it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    /// Device the finding is about (`None` for plan-wide findings).
    pub device: Option<String>,
    /// What was found.
    #[serde(flatten)]
    pub kind: FindingKind,
    /// The script (and line) that emitted it; plan files record `script`
    /// and `line` beside the payload.
    #[serde(flatten)]
    pub origin: Origin,
}

impl Finding {
    /// Returns the risk level when this finding is a risk.
    pub fn level(&self) -> Option<Level> {
        match &self.kind {
            FindingKind::Risk { level, .. } => Some(*level),
            _ => None,
        }
    }

    /// Returns a short kind name (`risk`, `impact`, …).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            FindingKind::Risk { .. } => "risk",
            FindingKind::Impact { .. } => "impact",
            FindingKind::Approval { .. } => "approval",
            FindingKind::Precheck { .. } => "precheck",
            FindingKind::Verify { .. } => "verify",
            FindingKind::Apply { .. } => "apply",
            FindingKind::Rollback { .. } => "rollback",
            FindingKind::Note { .. } => "note",
        }
    }

    /// Returns the one-line text a report shows for this finding.
    pub fn summary(&self) -> String {
        match &self.kind {
            FindingKind::Risk { rule, message, .. } => format!("{rule}: {message}"),
            FindingKind::Impact { target, reason, .. } => format!("{target}: {reason}"),
            FindingKind::Approval { role, reason, .. } => format!("{role}: {reason}"),
            FindingKind::Precheck { command }
            | FindingKind::Verify { command }
            | FindingKind::Apply { command }
            | FindingKind::Rollback { command } => command.clone(),
            FindingKind::Note { text, .. } => text.clone(),
        }
    }

    /// Puts the Japanese texts the script gave in place of the English
    /// ones (for `--lang ja` reports); returns whether anything changed.
    pub fn use_japanese(&mut self) -> bool {
        let (english, japanese) = match &mut self.kind {
            FindingKind::Risk {
                message,
                message_ja,
                ..
            } => (message, message_ja),
            FindingKind::Approval {
                reason, reason_ja, ..
            } => (reason, reason_ja),
            FindingKind::Note { text, text_ja } => (text, text_ja),
            _ => return false,
        };
        match japanese {
            Some(ja) if ja != english => {
                english.clone_from(ja);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk() -> Finding {
        Finding {
            device: Some("fw1".into()),
            kind: FindingKind::Risk {
                level: Level::High,
                rule: "fw.policy-removed".into(),
                message: "policy 10 removed".into(),
                message_ja: None,
            },
            origin: Origin {
                script: "builtin:firewall".into(),
                line: Some(12),
            },
        }
    }

    #[test]
    fn findings_serialise_flat_as_plan_files_record_them() {
        let json = serde_json::to_string(&risk()).unwrap();
        assert_eq!(
            json,
            r#"{"device":"fw1","type":"risk","level":"high","rule":"fw.policy-removed","message":"policy 10 removed","script":"builtin:firewall","line":12}"#
        );
    }

    #[test]
    fn findings_round_trip_through_json() {
        let plan_wide = Finding {
            device: None,
            kind: FindingKind::Impact {
                target: "sw2".into(),
                reason: "uplink".into(),
                path: vec!["sw1".into(), "sw2".into()],
            },
            origin: Origin {
                script: "rules/x.rhai".into(),
                line: None,
            },
        };
        for finding in [risk(), plan_wide] {
            let json = serde_json::to_value(&finding).unwrap();
            let back: Finding = serde_json::from_value(json).unwrap();
            assert_eq!(back, finding);
        }
    }

    #[test]
    fn a_note_in_both_languages_keeps_text_and_adds_text_ja() {
        let note = |text_ja: Option<&str>| Finding {
            device: None,
            kind: FindingKind::Note {
                text: "change window 22:00".into(),
                text_ja: text_ja.map(str::to_string),
            },
            origin: Origin::default(),
        };
        let json = serde_json::to_value(note(Some("作業時間帯 22:00"))).unwrap();
        assert_eq!(json["text"], "change window 22:00");
        assert_eq!(json["text_ja"], "作業時間帯 22:00");
        assert_eq!(
            serde_json::from_value::<Finding>(json).unwrap(),
            note(Some("作業時間帯 22:00"))
        );
        // One language: no new key, and files written before it read back.
        let json = serde_json::to_value(note(None)).unwrap();
        assert!(json.get("text_ja").is_none(), "{json}");
        assert_eq!(serde_json::from_value::<Finding>(json).unwrap(), note(None));
        let mut ja = note(Some("作業時間帯 22:00"));
        assert!(ja.use_japanese());
        assert_eq!(ja.summary(), "作業時間帯 22:00");
        assert!(!note(None).use_japanese());
    }
}
