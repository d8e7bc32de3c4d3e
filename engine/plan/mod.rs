//! Changes + findings → plans: remediation and rollback commands,
//! simulation, safe ordering, the content hash and approvals.
pub mod remediate;
