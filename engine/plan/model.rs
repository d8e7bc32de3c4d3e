//! The plan as written to `plan.json` (`henko.plan/v1`): what changes, in
//! which order, with which commands, and who must approve it.
//!
//! These types serialise to the interface contract of DESIGN.md and read
//! back from it, so `check`, `approve` and `plan merge` work from files.

use crate::config::Node;
use crate::diff::{Change, ChangeCategory, Op};
use crate::script::Level;
/// Plan files record the scripts' findings as they are: one type, both ways.
pub use crate::script::{Finding, FindingKind};
pub use crate::script::{Phase, Step, StepKind};
use serde::{Deserialize, Serialize};

/// The schema name every plan file carries.
pub const SCHEMA: &str = "henko.plan/v1";

/// A change plan between two snapshots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The running side: revision given and what it resolved to.
    pub from: RevRef,
    /// The intended side.
    pub to: RevRef,
    /// SHA-256 of the canonical plan body (see [`crate::plan::plan_hash`]).
    pub hash: String,
    /// The highest risk among all findings, `none` when there is none.
    pub risk: Risk,
    /// Changed devices, in execution order.
    pub devices: Vec<PlanDevice>,
    /// Blast radius: devices hit by the change without being changed.
    pub impact: Vec<Impact>,
    /// Roles that must approve this plan before it may run.
    pub approvals_required: Vec<ApprovalRequired>,
    /// The waves, in execution order.
    pub waves: Vec<Wave>,
    /// Plan-wide findings (from `on_plan` scripts and from henko itself).
    pub findings: Vec<Finding>,
    /// Steps henko cannot express safely; an engineer does them by hand.
    pub manual: Vec<ManualStep>,
    /// Device names in rollback order (the execution order reversed).
    pub rollback_order: Vec<String>,
    /// Scripts that failed (the plan is then incomplete).
    pub script_failures: Vec<ScriptFailure>,
    /// Volatile data (how the plan was made); not part of the hash.
    #[serde(default)]
    pub meta: PlanMeta,
}

/// A revision as given and the commit (or content hash) it resolved to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevRef {
    /// The argument as given.
    pub rev: String,
    /// Commit id, or `sha256:<hex>` for a folder or file.
    pub commit: String,
}

impl From<&crate::source::SnapshotRef> for RevRef {
    fn from(r: &crate::source::SnapshotRef) -> Self {
        RevRef {
            rev: r.rev.clone(),
            commit: r.commit.clone(),
        }
    }
}

/// A risk level, or `none` for a plan without risk findings.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// No risk finding at all.
    #[default]
    None,
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Risk {
    /// Returns the name as written in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Info => "info",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

impl From<Level> for Risk {
    fn from(level: Level) -> Self {
        match level {
            Level::Info => Risk::Info,
            Level::Low => Risk::Low,
            Level::Medium => Risk::Medium,
            Level::High => Risk::High,
            Level::Critical => Risk::Critical,
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One changed device and everything the plan does to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanDevice {
    /// Device name.
    pub name: String,
    /// Platform (selects the dialect).
    pub platform: String,
    /// Dialect name the configuration was parsed with.
    pub dialect: String,
    /// Site (data centre).
    pub site: String,
    /// Environment (`dev`, `verify`, `standby`, `prod`).
    pub env: String,
    /// `modified`, `added` or `removed`.
    pub status: String,
    /// Config file inside the snapshot.
    pub config: String,
    /// 1-based wave number.
    pub wave: u32,
    /// Ordering facts, kept so partial plans can be merged and re-ordered.
    pub order: OrderFacts,
    /// The changes.
    pub changes: Vec<PlanChange>,
    /// Findings about this device.
    pub findings: Vec<Finding>,
    /// Commands, in the order they run.
    pub steps: Steps,
    /// Steps to do by hand for this device.
    pub manual: Vec<String>,
    /// Whether the apply/rollback commands were proved by simulation
    /// (`None` when they do not come from a dialect and no rule step names
    /// the changes it carries out).
    pub verified: Option<bool>,
    /// The rule steps of `steps` (and of `manual`) as data: kind, command or
    /// API call (method, path, body), file edit, arguments, and the changes
    /// each carries out or undoes. See `docs/platforms.md`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Step>,
    /// Sheet-driven plans (`--intended`): the parameter-sheet rows and
    /// cells whose edit produced this device's changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cause: Vec<crate::intended::cause::Cause>,
}

impl PlanDevice {
    /// Returns the dialect of the device's configuration: from its
    /// platform, else from its configuration file's name, as the diff
    /// chooses it (the plan holds no configuration text to sniff).
    pub fn dialect(&self) -> crate::config::Dialect {
        crate::config::Dialect::for_platform(&self.platform)
            .unwrap_or_else(|| crate::config::sniff(&self.config, b""))
    }
}

/// What ordering needs to know about a device, independent of the inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    /// Every device this one depends on, transitively, sorted.
    pub requires: Vec<String>,
    /// The HA/DR twin, if any.
    pub pair: Option<String>,
    /// True when this device goes first within its HA pair (the standby member).
    pub pair_first: bool,
    /// True when every configuration change of this device takes something
    /// away (a port group, a host connection): the devices that depend on
    /// it then go first, so nothing still uses what is removed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdraws: bool,
}

/// The four step lists of a device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Steps {
    /// Checks to run before applying.
    pub precheck: Vec<String>,
    /// Configuration lines or commands that apply the change.
    pub apply: Vec<String>,
    /// Checks to run after applying.
    pub verify: Vec<String>,
    /// Lines or commands that undo the change.
    pub rollback: Vec<String>,
}

/// One change, as plan files record it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChange {
    /// `add`, `remove`, `modify` or `move`.
    pub op: String,
    /// Section headers down to the changed line.
    pub path: Vec<String>,
    /// The FROM line (masked when secret).
    pub before: Option<String>,
    /// The TO line (masked when secret).
    pub after: Option<String>,
    /// `config`, `secret` or `inventory`.
    pub category: String,
    /// Line in the FROM file.
    pub line_before: Option<u32>,
    /// Line in the TO file.
    pub line_after: Option<u32>,
    /// For a section added or removed whole: the lines under its header,
    /// indented one space per level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<String>,
}

impl From<&Change> for PlanChange {
    fn from(c: &Change) -> Self {
        PlanChange {
            op: c.op.as_str().to_string(),
            path: c.path.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
            category: category_name(c.category).to_string(),
            line_before: c.line_before,
            line_after: c.line_after,
            body: c.body_lines(),
        }
    }
}

impl PlanChange {
    /// Returns the lines of [`PlanChange::body`] as the diff reports show
    /// them for `dialect` ([`Change::display_body_lines`]): two spaces per
    /// level for YAML and JSON, so a nested list item's entries line up
    /// under its first key.
    pub fn display_body(&self, dialect: crate::config::Dialect) -> Vec<String> {
        if self.body.is_empty() {
            return Vec::new();
        }
        match self.to_change() {
            Some(change) => change.display_body_lines(dialect),
            None => self.body.clone(),
        }
    }

    /// Returns the engine's [`Change`] again (`None` for an unknown op).
    pub fn to_change(&self) -> Option<Change> {
        let op = match self.op.as_str() {
            "add" => Op::Add,
            "remove" => Op::Remove,
            "modify" => Op::Modify,
            "move" => Op::Move,
            _ => return None,
        };
        let category = match self.category.as_str() {
            "secret" => ChangeCategory::Secret,
            "inventory" => ChangeCategory::Inventory,
            _ => ChangeCategory::Config,
        };
        Some(Change {
            op,
            path: self.path.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            category,
            line_before: self.line_before,
            line_after: self.line_after,
            body: body_nodes(&self.body),
        })
    }
}

/// Rebuilds nodes from lines indented one space per level (starting at one).
fn body_nodes(lines: &[String]) -> Vec<Node> {
    fn insert(nodes: &mut Vec<Node>, depth: usize, node: Node) {
        match nodes.last_mut() {
            Some(last) if depth > 1 => insert(&mut last.children, depth - 1, node),
            _ => nodes.push(node),
        }
    }
    let mut roots = Vec::new();
    for line in lines {
        let depth = line.len() - line.trim_start_matches(' ').len();
        insert(
            &mut roots,
            depth.max(1),
            Node::leaf(line.trim_start_matches(' '), 0),
        );
    }
    roots
}

fn category_name(c: ChangeCategory) -> &'static str {
    match c {
        ChangeCategory::Config => "config",
        ChangeCategory::Secret => "secret",
        ChangeCategory::Inventory => "inventory",
    }
}

/// A device hit by the change (blast radius).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Impact {
    /// The device hit.
    pub device: String,
    /// Why it is hit.
    pub reason: String,
    /// Dependency path from a changed device to `device`, both included.
    pub path: Vec<String>,
}

/// An approval the plan needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApprovalRequired {
    /// The role that must approve.
    pub role: String,
    /// Why.
    pub reason: String,
    /// The device concerned (`None` for plan-wide requirements).
    pub device: Option<String>,
}

/// One wave of the rollout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wave {
    /// 1-based wave number.
    pub number: u32,
    /// Environment of the wave (`verify`, `standby`, `prod`).
    pub env: String,
    /// Devices, in execution order.
    pub devices: Vec<String>,
}

/// A step an engineer does by hand.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ManualStep {
    /// The device concerned.
    pub device: String,
    /// What to do, and why henko does not do it.
    pub text: String,
}

/// A script that failed while the plan was made.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScriptFailure {
    /// The script.
    pub script: String,
    /// The device being assessed (`None` for `on_plan`).
    pub device: Option<String>,
    /// The error message (file, line and column when known).
    pub message: String,
}

/// Volatile facts about how a plan was made; excluded from the hash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMeta {
    /// henko version that wrote the plan.
    #[serde(default)]
    pub henko: String,
    /// `i/n` for a partial plan, absent for a whole one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Script folders given with `--scripts`.
    #[serde(default)]
    pub scripts: Vec<String>,
    /// False when `--no-default-scripts` was given.
    #[serde(default = "yes")]
    pub default_scripts: bool,
    /// `--platform` given for two loose files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// True for a sheet-driven plan (`--intended`), so `check` recomputes
    /// it the same way.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intended: bool,
}

fn yes() -> bool {
    true
}

impl Plan {
    /// Returns every finding: per device in plan order, then plan-wide.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.devices
            .iter()
            .flat_map(|d| d.findings.iter())
            .chain(self.findings.iter())
    }

    /// Returns the device called `name`.
    pub fn device(&self, name: &str) -> Option<&PlanDevice> {
        self.devices.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_orders_none_lowest() {
        assert!(Risk::None < Risk::Info);
        assert!(Risk::High < Risk::Critical);
        assert_eq!(serde_json::to_value(Risk::None).unwrap(), "none");
    }
}
