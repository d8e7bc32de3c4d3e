//! Execution records: the outcome of a change, bound to the plan's hash,
//! with who did it, who checked it, and the hashes of the evidence files.
//!
//! Each record is one JSON file committed on [`RECORDS_REF`] in the store
//! at `<plan hash>/record-<by>-<n>.json`, through the same numbered,
//! compare-and-swap record machinery as approvals
//! ([`crate::source::Store::add_record`]), so two engineers recording at
//! once never overwrite each other and the audit trail is git history.

use super::{Outcome, Verification, VerifyError};
use crate::plan::approval::{path_safe, rfc3339_utc, short};
use crate::plan::RevRef;
use crate::source::{Snapshot, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The ref execution records are committed on.
pub const RECORDS_REF: &str = "refs/henko/records";

/// The schema name of an execution record.
pub const RECORD_SCHEMA: &str = "henko.record/v1";

/// One evidence file (command output saved before or after the change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    /// Path inside the evidence folder, `/`-separated
    /// (`<device>/pre/<n>.txt` for an exported Ansible project).
    pub path: String,
    /// `sha256:<hex>` of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// What was done, when, by whom, and what the next backup showed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// Always [`RECORD_SCHEMA`].
    pub schema: String,
    /// The executed plan's hash.
    pub plan_hash: String,
    /// The plan's FROM.
    pub from: RevRef,
    /// The plan's TO.
    pub to: RevRef,
    /// The backup the outcome was read from.
    pub after: RevRef,
    /// Who carried out the change (作業者).
    pub by: String,
    /// Who checked it (確認者).
    pub checked_by: Option<String>,
    /// Free text.
    pub comment: Option<String>,
    /// When the record was made, RFC 3339 UTC.
    pub time: String,
    /// True when every planned device landed and nothing else changed.
    pub passed: bool,
    /// The verification itself.
    pub verification: Verification,
    /// The evidence files, sorted by path.
    pub evidence: Vec<EvidenceFile>,
}

impl ExecutionRecord {
    /// Returns a record of `verification`, made now.
    pub fn new(
        verification: &Verification,
        by: &str,
        checked_by: Option<String>,
        comment: Option<String>,
        evidence: Vec<EvidenceFile>,
    ) -> Self {
        ExecutionRecord {
            schema: RECORD_SCHEMA.to_string(),
            plan_hash: verification.plan_hash.clone(),
            from: verification.from.clone(),
            to: verification.to.clone(),
            after: verification.after.clone(),
            by: by.to_string(),
            checked_by,
            comment,
            time: rfc3339_utc(std::time::SystemTime::now()),
            passed: verification.passed(),
            verification: verification.clone(),
            evidence,
        }
    }

    /// Returns the record as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Returns the path of the `n`th record (1-based) by this person for
    /// this hash.
    pub fn path(&self, n: u32) -> String {
        format!("{}/record-{}-{n}.json", self.plan_hash, path_safe(&self.by))
    }

    /// Returns the commit message recording this outcome.
    pub fn message(&self) -> String {
        let counts: Vec<String> = self
            .verification
            .counts()
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| format!("{n} {o}"))
            .collect();
        let mut message = format!(
            "record {} by {}: {}\n\nafter {} ({})\n{}\n",
            short(&self.plan_hash),
            self.by,
            if self.passed {
                "landed"
            } else {
                "needs attention"
            },
            self.after.rev,
            self.after.commit,
            counts.join(", ")
        );
        if let Some(checker) = &self.checked_by {
            message.push_str(&format!("checked by {checker}\n"));
        }
        if let Some(comment) = &self.comment {
            message.push('\n');
            message.push_str(comment);
            message.push('\n');
        }
        message
    }
}

/// Returns every file under `dir` with its SHA-256, sorted by path.
pub fn evidence_files(dir: &Path) -> Result<Vec<EvidenceFile>, VerifyError> {
    let folder = Snapshot::resolve(&dir.to_string_lossy(), None)?;
    if !matches!(folder, Snapshot::Folder { .. }) {
        return Err(VerifyError::EvidenceNotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let tree = folder.open()?;
    let mut files = Vec::new();
    for entry in tree.files()? {
        let bytes = tree.read(&entry.path)?;
        files.push(EvidenceFile {
            sha256: format!("sha256:{:x}", Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
            path: entry.path,
        });
    }
    Ok(files)
}

/// Stores `record` on [`RECORDS_REF`] and returns the commit id and path.
pub fn store_record(
    store: &Store,
    record: &ExecutionRecord,
) -> Result<(git2::Oid, String), VerifyError> {
    Ok(store.add_record(
        RECORDS_REF,
        |n| record.path(n),
        record.to_json().as_bytes(),
        &record.message(),
    )?)
}

/// An execution record read back, with the commit that stored it.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    /// The record.
    pub record: ExecutionRecord,
    /// The commit that stored it.
    pub commit: String,
    /// That commit's time, seconds since the epoch (orders records).
    pub timestamp: i64,
    /// The record's path on the ref.
    pub path: String,
}

/// Returns every execution record in the store, oldest first. Files on the
/// ref that are not records of this schema are left out.
pub fn read_records(store: &Store) -> Result<Vec<StoredRecord>, VerifyError> {
    let mut records: Vec<StoredRecord> = store
        .records(RECORDS_REF)?
        .into_iter()
        .filter_map(|r| {
            let record: ExecutionRecord = serde_json::from_slice(&r.bytes).ok()?;
            (record.schema == RECORD_SCHEMA).then(|| StoredRecord {
                record,
                commit: r.commit.to_string(),
                timestamp: r.timestamp,
                path: r.path,
            })
        })
        .collect();
    records.sort_by(|a, b| {
        (a.timestamp, &a.record.time, &a.path).cmp(&(b.timestamp, &b.record.time, &b.path))
    });
    Ok(records)
}

/// Why `check --require-record` refuses a plan, or `None` when its newest
/// record says every device landed.
pub fn record_problem(records: &[StoredRecord], plan_hash: &str) -> Option<String> {
    let newest = records
        .iter()
        .rev()
        .find(|r| r.record.plan_hash == plan_hash);
    let Some(stored) = newest else {
        return Some(format!(
            "no execution record for plan {} (record one with `henko verify PLAN AFTER --record --by NAME`)",
            short(plan_hash)
        ));
    };
    if stored.record.passed {
        return None;
    }
    let open: Vec<String> = stored
        .record
        .verification
        .devices
        .iter()
        .filter(|d| d.outcome != Outcome::Landed)
        .map(|d| format!("{} {}", d.name, d.outcome))
        .collect();
    Some(format!(
        "the newest execution record ({} by {}) says not every device landed: {}",
        &stored.commit[..12.min(stored.commit.len())],
        stored.record.by,
        open.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{DeviceOutcome, VERIFY_SCHEMA};

    fn verification(outcome: Outcome) -> Verification {
        Verification {
            schema: VERIFY_SCHEMA.into(),
            plan_hash: "cd".repeat(32),
            from: RevRef::default(),
            to: RevRef::default(),
            after: RevRef::default(),
            devices: vec![DeviceOutcome {
                name: "r1".into(),
                platform: "ios".into(),
                site: "west".into(),
                env: "prod".into(),
                wave: Some(1),
                outcome,
                missing: Vec::new(),
                extra: Vec::new(),
                changes: Vec::new(),
                planned_changes: 1,
                landed_changes: 1,
                note: None,
            }],
        }
    }

    fn stored(outcome: Outcome, timestamp: i64) -> StoredRecord {
        StoredRecord {
            record: ExecutionRecord::new(&verification(outcome), "Taro", None, None, Vec::new()),
            commit: "0".repeat(40),
            timestamp,
            path: String::new(),
        }
    }

    #[test]
    fn the_newest_record_of_the_hash_decides() {
        let hash = "cd".repeat(32);
        assert!(record_problem(&[], &hash)
            .unwrap()
            .starts_with("no execution record"));
        let landed = stored(Outcome::Landed, 1);
        let partial = stored(Outcome::Partial, 2);
        assert_eq!(
            record_problem(&[partial.clone(), landed.clone()], &hash),
            None
        );
        let problem = record_problem(&[landed, partial], &hash).unwrap();
        assert!(problem.ends_with("r1 partial"), "{problem}");
        assert!(record_problem(&[stored(Outcome::Landed, 1)], "other").is_some());
    }

    #[test]
    fn paths_are_numbered_per_person_under_the_hash() {
        let record = ExecutionRecord::new(
            &verification(Outcome::Landed),
            "山田 太郎",
            Some("Hanako".into()),
            None,
            Vec::new(),
        );
        assert_eq!(
            record.path(2),
            format!("{}/record-山田_太郎-2.json", "cd".repeat(32))
        );
        assert!(record.message().contains("checked by Hanako"));
    }

    #[test]
    fn evidence_files_are_hashed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("r1/pre")).unwrap();
        std::fs::write(dir.path().join("r1/pre/1.txt"), "abc").unwrap();
        let files = evidence_files(dir.path()).unwrap();
        // `printf abc | sha256sum`
        assert_eq!(
            files,
            [EvidenceFile {
                path: "r1/pre/1.txt".into(),
                sha256: "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                    .into(),
                bytes: 3,
            }]
        );
    }
}
