//! What a diff is asked to do: secrets, line diffs, filters.

use crate::inventory::DeviceFilter;
use std::time::Duration;

/// Options of [`diff_trees`](super::diff_trees) and
/// [`diff_snapshots`](super::diff_snapshots).
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Show secret values instead of masking them with a fingerprint.
    pub show_secrets: bool,
    /// Leave out changes that only re-encrypt a secret (same setting, new
    /// ciphertext): FortiOS re-encrypts on every export.
    pub ignore_secret_churn: bool,
    /// Add a unified line diff to every changed device.
    pub lines: bool,
    /// Platform for loose files (`--platform`), selecting their dialect.
    pub platform: Option<String>,
    /// Which devices to diff (`--device`, `--site`, `--kind`, `--shard`).
    pub filter: DeviceFilter,
    /// Key for secret fingerprints (the store's key, so a fingerprint
    /// cannot be brute-forced from a short password); plain SHA-256 when
    /// `None`. [`diff_snapshots`](super::diff_snapshots) reads the store's
    /// key itself when a side is a git revision and none is given.
    pub fingerprint_key: Option<Vec<u8>>,
    /// Time budget of one line-level diff (ordered sections, `--lines`);
    /// past it, the diff falls back to a coarser but still correct answer.
    pub deadline: Duration,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            show_secrets: false,
            ignore_secret_churn: false,
            lines: false,
            platform: None,
            filter: DeviceFilter::default(),
            fingerprint_key: None,
            deadline: Duration::from_secs(1),
        }
    }
}
