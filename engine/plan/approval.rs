//! Approval records: who approved which plan hash, in which role, when.
//!
//! Each approval is one JSON file committed on [`APPROVALS_REF`] in the
//! store, at `<plan hash>/<role>-<by>-<n>.json`, so the audit trail is the
//! ref's git history and a plan's approvals are one folder.

use super::{Plan, RevRef};
use serde::{Deserialize, Serialize};

/// The ref approvals are committed on.
pub const APPROVALS_REF: &str = "refs/henko/approvals";

/// The schema name of an approval record.
pub const APPROVAL_SCHEMA: &str = "henko.approval/v1";

/// The role recorded when `--role` is not given.
pub const DEFAULT_ROLE: &str = "reviewer";

/// One approval of one plan hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    /// Always [`APPROVAL_SCHEMA`].
    pub schema: String,
    /// The approved plan's hash.
    pub plan_hash: String,
    /// The plan's FROM.
    pub from: RevRef,
    /// The plan's TO.
    pub to: RevRef,
    /// Who approved.
    pub by: String,
    /// In which role.
    pub role: String,
    /// Free text.
    pub comment: Option<String>,
    /// When, as RFC 3339 UTC.
    pub time: String,
}

impl ApprovalRecord {
    /// Returns a record approving `plan`, made now.
    pub fn new(plan: &Plan, by: &str, role: &str, comment: Option<String>) -> Self {
        ApprovalRecord {
            schema: APPROVAL_SCHEMA.to_string(),
            plan_hash: plan.hash.clone(),
            from: plan.from.clone(),
            to: plan.to.clone(),
            by: by.to_string(),
            role: role.to_string(),
            comment,
            time: rfc3339_utc(std::time::SystemTime::now()),
        }
    }

    /// Returns the record as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Returns the path of the `n`th record (1-based) of this role and
    /// person for this hash.
    pub fn path(&self, n: usize) -> String {
        format!(
            "{}/{}-{}-{n}.json",
            self.plan_hash,
            path_safe(&self.role),
            path_safe(&self.by)
        )
    }

    /// Returns the commit message recording this approval.
    pub fn message(&self) -> String {
        let mut message = format!(
            "approve {} as {} by {}\n\nfrom {} ({})\nto {} ({})\n",
            short(&self.plan_hash),
            self.role,
            self.by,
            self.from.rev,
            self.from.commit,
            self.to.rev,
            self.to.commit
        );
        if let Some(comment) = &self.comment {
            message.push('\n');
            message.push_str(comment);
            message.push('\n');
        }
        message
    }
}

/// Returns the first 12 characters of a hash, for messages.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Replaces anything but letters, digits, `.`, `_` and `-` by `_`, so a
/// name can be one path component.
pub fn path_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match safe.trim_start_matches('.') {
        "" => "_".to_string(),
        rest => rest.to_string(),
    }
}

/// Formats a time as `YYYY-MM-DDTHH:MM:SSZ` (the store's calendar, see
/// [`crate::source::store::rfc3339_utc`]).
pub fn rfc3339_utc(time: std::time::SystemTime) -> String {
    crate::source::store::rfc3339_utc(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_one_folder_per_hash() {
        let record = ApprovalRecord {
            schema: APPROVAL_SCHEMA.into(),
            plan_hash: "ab".repeat(32),
            from: RevRef::default(),
            to: RevRef::default(),
            by: "Taro Yamada".into(),
            role: "../network-lead".into(),
            comment: None,
            time: String::new(),
        };
        assert_eq!(
            record.path(2),
            format!("{}/_network-lead-Taro_Yamada-2.json", "ab".repeat(32))
        );
    }
}
