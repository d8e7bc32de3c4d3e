//! What a verification found, as written to `verify.json`
//! (`henko.verify/v1`) and read back from execution records.

use crate::plan::{PlanChange, RevRef};
use serde::{Deserialize, Serialize};

/// The schema name of a verification.
pub const VERIFY_SCHEMA: &str = "henko.verify/v1";

/// What the AFTER backup shows for one device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// AFTER equals the plan's intended side for this device.
    Landed,
    /// Some of the planned change is in AFTER, some is not, or AFTER holds
    /// more than was planned.
    Partial,
    /// None of the planned change is in AFTER, and AFTER differs from the
    /// plan's running side in other ways (or the device is missing).
    NotApplied,
    /// AFTER equals the plan's running side: the change was undone (or
    /// never made).
    RolledBack,
    /// A device outside the plan that changed between FROM and AFTER.
    Unplanned,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Landed,
        Outcome::Partial,
        Outcome::NotApplied,
        Outcome::RolledBack,
        Outcome::Unplanned,
    ];

    /// Returns the name as written in JSON (`not_applied`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Landed => "landed",
            Outcome::Partial => "partial",
            Outcome::NotApplied => "not_applied",
            Outcome::RolledBack => "rolled_back",
            Outcome::Unplanned => "unplanned",
        }
    }

    /// Returns the name for people (`not applied`).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Landed => "landed",
            Outcome::Partial => "partial",
            Outcome::NotApplied => "not applied",
            Outcome::RolledBack => "rolled back",
            Outcome::Unplanned => "unplanned",
        }
    }

    /// True only for [`Outcome::Landed`]: the one outcome that passes.
    pub fn is_success(self) -> bool {
        self == Outcome::Landed
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The verdict on one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceOutcome {
    /// Device name.
    pub name: String,
    /// Platform (selects the dialect).
    pub platform: String,
    /// Site.
    pub site: String,
    /// Environment.
    pub env: String,
    /// The plan's wave (`None` for an unplanned device).
    pub wave: Option<u32>,
    /// What AFTER shows.
    pub outcome: Outcome,
    /// Lines of the intended side that AFTER lacks (`section > line`),
    /// secrets masked.
    pub missing: Vec<String>,
    /// Lines of AFTER that the intended side lacks, secrets masked.
    pub extra: Vec<String>,
    /// For an unplanned device: its changes from FROM to AFTER.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PlanChange>,
    /// How many changes the plan makes on the device.
    pub planned_changes: usize,
    /// How many of the planned changes AFTER holds.
    pub landed_changes: usize,
    /// Why, when the outcome needs a word more (a device missing from AFTER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A plan held against the backup taken after its change window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Always [`VERIFY_SCHEMA`].
    pub schema: String,
    /// The verified plan's hash.
    pub plan_hash: String,
    /// The plan's running side.
    pub from: RevRef,
    /// The plan's intended side.
    pub to: RevRef,
    /// The backup after the change window, as given and resolved.
    pub after: RevRef,
    /// Planned devices in plan order, then unplanned ones by name.
    pub devices: Vec<DeviceOutcome>,
}

impl Verification {
    /// True when every planned device landed and nothing else changed.
    pub fn passed(&self) -> bool {
        self.devices.iter().all(|d| d.outcome.is_success())
    }

    /// Returns how many devices have each outcome, in [`Outcome::ALL`] order.
    pub fn counts(&self) -> [(Outcome, usize); 5] {
        Outcome::ALL.map(|o| (o, self.devices.iter().filter(|d| d.outcome == o).count()))
    }

    /// Returns the verification as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_have_json_and_human_names() {
        assert_eq!(
            serde_json::to_value(Outcome::NotApplied).unwrap(),
            "not_applied"
        );
        assert_eq!(Outcome::RolledBack.to_string(), "rolled back");
        for outcome in Outcome::ALL {
            let json = serde_json::to_value(outcome).unwrap();
            assert_eq!(json, outcome.as_str());
            assert_eq!(serde_json::from_value::<Outcome>(json).unwrap(), outcome);
        }
    }
}
