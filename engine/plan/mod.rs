//! Changes + findings → plans: remediation and rollback commands,
//! simulation, safe ordering, the content hash and approvals.
pub mod remediate;

pub mod approval;
mod build;
mod error;
mod file;
pub mod gate;
mod hash;
mod model;
mod order;
pub mod pipeline;
mod shard;
#[cfg(test)]
pub(crate) mod testing;

pub use build::{
    assemble, at_or_above, base_device, build, device_diff, finish, graph_impacts, strip_to_base,
    DeviceRemediation, PlanInput, HENKO_ORIGIN,
};
pub use error::PlanError;
pub use file::{parse_plan, read_plan, LoadedPlan};
pub use hash::{body_hash, plan_hash};
pub use model::{
    ApprovalRequired, Impact, ManualStep, OrderFacts, Plan, PlanChange, PlanDevice, PlanFinding,
    PlanFindingKind, PlanMeta, RevRef, Risk, ScriptFailure, Steps, Wave, SCHEMA,
};
pub use order::order;
pub use shard::{check_parts, merge, shard_of, Merged, Part, Shard};
