//! Scale-out: choosing a shard's devices and merging partial plans.
//!
//! A device belongs to shard `1 + h mod n`, where `h` is the first eight
//! bytes of SHA-256 of its name: stable across machines, runs and versions.
//! Merging re-assembles the parts with [`assemble`](super::assemble), the same
//! final step an unsharded run takes, so the merged hash equals the
//! unsharded one.

use super::build::{device_diff, strip_to_base};
use super::{Plan, PlanDevice, PlanError, RevRef};
use crate::diff::DeviceDiff;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// One shard of `count`, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `1..=count`.
    pub index: u32,
    /// How many shards there are.
    pub count: u32,
}

impl Shard {
    /// Parses `i/n`.
    pub fn parse(spec: &str) -> Result<Shard, PlanError> {
        let bad = || PlanError::BadShard {
            spec: spec.to_string(),
        };
        let (i, n) = spec.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Returns true when the device called `name` belongs to this shard.
    pub fn contains(&self, name: &str) -> bool {
        shard_of(name, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

pub use crate::inventory::shard_of;

/// One partial plan and the file it came from (for error messages).
#[derive(Clone, Debug)]
pub struct Part {
    /// Where the part was read from.
    pub path: PathBuf,
    /// The partial plan.
    pub plan: Plan,
}

/// Checks that `parts` belong to one run and returns every device's name.
pub fn check_parts(parts: &[Part]) -> Result<BTreeSet<String>, PlanError> {
    let mut names = BTreeSet::new();
    let Some(first) = parts.first() else {
        return Ok(names);
    };
    let span = |p: &Plan| format!("{}..{}", p.from.commit, p.to.commit);
    let mut shards = BTreeSet::new();
    let mut count = None;
    for part in parts {
        if part.plan.from != first.plan.from || part.plan.to != first.plan.to {
            return Err(PlanError::MismatchedParts {
                path: part.path.clone(),
                found: span(&part.plan),
                expected: span(&first.plan),
            });
        }
        if let Some(shard) = part
            .plan
            .meta
            .shard
            .as_deref()
            .and_then(|s| Shard::parse(s).ok())
        {
            shards.insert(shard.index);
            count = Some(shard.count);
        }
        for device in &part.plan.devices {
            if !names.insert(device.name.clone()) {
                return Err(PlanError::DuplicateDevice {
                    device: device.name.clone(),
                    path: part.path.clone(),
                });
            }
        }
    }
    if let Some(count) = count {
        let missing: Vec<String> = (1..=count)
            .filter(|i| !shards.contains(i))
            .map(|i| i.to_string())
            .collect();
        if !missing.is_empty() {
            let have: Vec<String> = shards.iter().map(|i| i.to_string()).collect();
            return Err(PlanError::MissingShards {
                have: have.join(","),
                count,
                missing: missing.join(","),
            });
        }
    }
    Ok(names)
}

/// The parts of a sharded run, joined: FROM/TO and every device as
/// [`strip_to_base`] returns it, ready for the scripts to run over the whole
/// change set and for [`finish`](super::finish) to assemble the plan.
#[derive(Clone, Debug)]
pub struct Merged {
    /// The running side.
    pub from: RevRef,
    /// The intended side.
    pub to: RevRef,
    /// Every device of every part, without script findings, by name.
    pub devices: Vec<PlanDevice>,
}

impl Merged {
    /// Returns the diffs of the merged devices, for the scripts.
    pub fn diffs(&self) -> Vec<DeviceDiff> {
        self.devices.iter().map(device_diff).collect()
    }
}

/// Joins partial plans after checking they belong to one run.
pub fn merge(parts: &[Part]) -> Result<Merged, PlanError> {
    check_parts(parts)?;
    let (from, to) = match parts.first() {
        Some(p) => (p.plan.from.clone(), p.plan.to.clone()),
        None => Default::default(),
    };
    let mut devices: Vec<PlanDevice> = parts
        .iter()
        .flat_map(|p| p.plan.devices.iter().map(strip_to_base))
        .collect();
    devices.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Merged { from, to, devices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing_and_bounds() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_name_lands_in_exactly_one_shard() {
        for name in ["fw1", "west-core-01", "東京-sw", ""] {
            let hits: Vec<u32> = (1..=5)
                .filter(|&i| Shard { index: i, count: 5 }.contains(name))
                .collect();
            assert_eq!(hits.len(), 1, "{name}");
        }
        assert_eq!(shard_of("fw1", 1), 1);
    }
}
