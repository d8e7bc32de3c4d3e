//! What a diff is asked to do: secrets, line diffs, filters.

use super::glob::Glob;
use crate::inventory::{Device, DeviceKind};
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
    /// Which devices to diff.
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

/// Restricts a snapshot diff to some devices (`--device`, `--site`, `--kind`).
/// Every given criterion must hold.
#[derive(Clone, Debug, Default)]
pub struct DeviceFilter {
    /// Device name glob (`*`, `?`, `[a-z]`, `[!0-9]`).
    pub device: Option<Glob>,
    /// Site name, exact.
    pub site: Option<String>,
    /// Device kind.
    pub kind: Option<DeviceKind>,
    /// Only the devices of shard `index` of `count` (1-based; see
    /// [`shard_of`]), so a CI matrix splits one inventory deterministically.
    pub shard: Option<(u32, u32)>,
}

/// Returns the 1-based shard of `count` that the device `name` belongs to:
/// a stable hash of the name, the same on every machine and run.
pub fn shard_of(name: &str, count: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(head) % u64::from(count.max(1))) as u32 + 1
}

impl DeviceFilter {
    /// Returns true when no criterion is set.
    pub fn is_empty(&self) -> bool {
        self.device.is_none() && self.site.is_none() && self.kind.is_none() && self.shard.is_none()
    }

    /// Returns true when a device called `name` (with its inventory entry,
    /// if it has one) passes. A file outside the inventory has no site or
    /// kind, so a `--site`/`--kind` filter leaves it out.
    pub fn accepts(&self, name: &str, device: Option<&Device>) -> bool {
        if let Some((index, count)) = self.shard {
            if shard_of(name, count) != index {
                return false;
            }
        }
        if let Some(glob) = &self.device {
            if !glob.matches(name) {
                return false;
            }
        }
        if let Some(site) = &self.site {
            if device.is_none_or(|d| &d.site != site) {
                return false;
            }
        }
        if let Some(kind) = self.kind {
            if device.is_none_or(|d| d.kind != kind) {
                return false;
            }
        }
        true
    }
}
