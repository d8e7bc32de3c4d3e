//! Changes + findings → plans: remediation and rollback commands,
//! simulation, safe ordering, the content hash and approvals.
//!
//! - [`pipeline`] runs the whole job: snapshots → diff → scripts →
//!   [`remediate`] → [`build`] (and [`pipeline::merge_plans`] for shards).
//! - [`build`]/[`finish`]/[`assemble`] turn diffs, findings and commands into
//!   a [`Plan`]; [`order`] sets waves and the execution order.
//! - [`plan_hash`] is the SHA-256 of the canonical body that approvals bind to;
//!   [`approval`] records approvals, [`gate`] decides what `check` says.
pub mod remediate;

pub mod approval;
mod build;
pub mod compliance;
mod error;
pub mod executable;
mod file;
pub mod gate;
mod hash;
pub mod intended;
mod model;
mod order;
pub mod pipeline;
mod prove;
mod remediations;
mod shard;
#[cfg(test)]
pub(crate) mod testing;

pub use build::{
    assemble, at_or_above, base_device, build, device_diff, finish, graph_impacts, manual_text,
    strip_to_base, DeviceRemediation, PlanInput, ScriptResults, HENKO_ORIGIN,
};
pub use error::PlanError;
pub use file::{parse_plan, read_plan, LoadedPlan};
pub use hash::{body_hash, plan_hash};
pub use model::{
    ApprovalRequired, Finding, FindingKind, Impact, ManualStep, OrderFacts, Phase, Plan,
    PlanChange, PlanDevice, PlanMeta, RevRef, Risk, ScriptFailure, Step, StepKind, Steps, Wave,
    SCHEMA,
};
pub use order::order;
pub use shard::{check_parts, merge, shard_of, Merged, Part, Shard};
