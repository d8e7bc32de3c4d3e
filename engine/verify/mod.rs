//! Plan × the next backup → what happened on each device; execution records.
//!
//! [`verify`] holds the backup taken after a change window (AFTER) against
//! an approved plan: for every planned device, did AFTER reach the plan's
//! intended side ([`Outcome::Landed`]), part of it ([`Outcome::Partial`]),
//! none of it ([`Outcome::NotApplied`]), or is it back at the running side
//! ([`Outcome::RolledBack`])? Devices the plan does not touch that changed
//! between the plan's FROM and AFTER are [`Outcome::Unplanned`].
//! [`record`] stores such a verification, bound to the plan hash, on its
//! own ref beside the approvals.

mod compare;
mod error;
mod outcome;
pub mod record;

pub use compare::verify;
pub use error::VerifyError;
pub use outcome::{DeviceOutcome, Outcome, Verification, VERIFY_SCHEMA};
