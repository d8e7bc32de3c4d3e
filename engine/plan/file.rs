//! Reading plan files back: the plan, and the hash of the file's own body.

use super::{body_hash, Plan, PlanError, SCHEMA};
use std::path::Path;

/// A plan read from a file.
#[derive(Clone, Debug)]
pub struct LoadedPlan {
    /// The plan.
    pub plan: Plan,
    /// The hash of the file's body as written (which differs from
    /// `plan.hash` when the file was edited).
    pub body_hash: String,
}

/// Reads and validates the plan file at `path`.
pub fn read_plan(path: &Path) -> Result<LoadedPlan, PlanError> {
    let bytes = std::fs::read(path).map_err(|source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_plan(&bytes, path)
}

/// Parses plan JSON; `path` names the source in errors.
pub fn parse_plan(bytes: &[u8], path: &Path) -> Result<LoadedPlan, PlanError> {
    let not_a_plan = |message: String| PlanError::NotAPlan {
        path: path.to_path_buf(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| not_a_plan(e.to_string()))?;
    let schema = value
        .get("schema")
        .and_then(|s| s.as_str())
        .ok_or_else(|| not_a_plan("no `schema` key".to_string()))?;
    if schema != SCHEMA {
        return Err(PlanError::Schema {
            path: path.to_path_buf(),
            found: schema.to_string(),
            expected: SCHEMA,
        });
    }
    let plan: Plan =
        serde_json::from_value(value.clone()).map_err(|e| not_a_plan(e.to_string()))?;
    Ok(LoadedPlan {
        plan,
        body_hash: body_hash(&value),
    })
}
