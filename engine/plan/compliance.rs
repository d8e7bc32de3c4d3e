//! Compliance: each templated device's backup against its intended
//! configuration, within the features' scopes — compliant or not, the
//! missing and extra lines per feature, the remediation (proved by the
//! same simulation as plans), and the share of compliant devices per
//! feature and per site.

use super::pipeline::PipelineError;
use super::remediate::{remediate_with, RemediateOptions};
use super::remediations::RulesCache;
use crate::config::ConfigTree;
use crate::diff::{diff_trees, Change, DiffOptions, Op};
use crate::intended::scope::{check_scopes, merge_keeps, owner};
use crate::intended::{BackedDevice, IntendedSet};
use crate::inventory::Device;
use crate::source::redact::snapshot_key;
use crate::source::Snapshot;
use serde::Serialize;
use std::collections::BTreeMap;

/// The compliance of a whole snapshot.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Compliance {
    /// `henko.compliance/v1`.
    pub schema: String,
    /// The snapshot as given and what it resolved to.
    pub snapshot: super::RevRef,
    /// One entry per templated device, in inventory order.
    pub devices: Vec<DeviceCompliance>,
    /// Per feature: how many of the devices it applies to comply.
    pub features: Vec<GroupSummary>,
    /// Per site: how many templated devices comply.
    pub sites: Vec<GroupSummary>,
}

/// One templated device.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DeviceCompliance {
    /// Device name.
    pub name: String,
    /// Site.
    pub site: String,
    /// Platform.
    pub platform: String,
    /// True when the backup matches the rendering in every owned part.
    pub compliant: bool,
    /// True when the snapshot has no backup for the device.
    pub backup_missing: bool,
    /// Per feature that applies.
    pub features: Vec<FeatureCompliance>,
    /// Commands that bring the device into compliance.
    pub apply: Vec<String>,
    /// Commands that undo them.
    pub rollback: Vec<String>,
    /// True when the commands were proved by simulation.
    pub verified: bool,
}

/// One feature on one device.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FeatureCompliance {
    /// Feature name.
    pub name: String,
    /// True when nothing is missing or extra.
    pub compliant: bool,
    /// Lines the rendering has and the backup lacks (`vlan 120 › name WEB`).
    pub missing: Vec<String>,
    /// Lines the backup has in the feature's scope that the rendering lacks.
    pub extra: Vec<String>,
}

/// Compliant devices among a group (a feature, or a site).
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupSummary {
    /// Feature or site name.
    pub name: String,
    /// Devices in the group.
    pub devices: usize,
    /// Of which compliant.
    pub compliant: usize,
    /// `compliant / devices` in percent, one decimal.
    pub percent: f64,
}

impl Compliance {
    /// Returns true when every device complies.
    pub fn all_compliant(&self) -> bool {
        self.devices.iter().all(|d| d.compliant)
    }
}

/// Compares every templated device of `snapshot` that `select` keeps with
/// its rendering by `set` (made from `snapshot` itself), each device
/// rendered, compared and dropped in one parallel pass. Remediation uses
/// the same rule tables as plans of `snapshot` (the built-in ones with its
/// `.henko/platforms/*.yaml` overrides), and masks secrets with the store's
/// fingerprint key ([`crate::source::redact::snapshot_key`]), so they show
/// the same fingerprints as the diff and plans of that store.
pub fn compliance(
    set: &IntendedSet<'_>,
    snapshot: &Snapshot,
    select: &(dyn Fn(&Device) -> bool + Sync),
) -> Result<Compliance, PipelineError> {
    let key = snapshot_key(snapshot);
    let rules = RulesCache::new(snapshot);
    let features = &set.renderer.features;
    let devices: Vec<DeviceCompliance> = set.map_backed(select, |backed| {
        // Most devices comply: when merging would give the backup back,
        // there is nothing to diff or remediate.
        check_scopes(&backed.rendering, features)?;
        if merge_keeps(&backed.backup, &backed.rendering, features) {
            return device(set, &backed, None, &rules, key.as_deref());
        }
        let merged = backed.into_intended(features)?;
        device(
            set,
            &merged.backed,
            Some(&merged.intended),
            &rules,
            key.as_deref(),
        )
    })?;
    let mut features: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut sites: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for d in &devices {
        for f in &d.features {
            let entry = features.entry(f.name.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(f.compliant);
        }
        let entry = sites.entry(d.site.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(d.compliant);
    }
    // Features in templates.yaml order; sites by name.
    let order: Vec<&str> = set
        .renderer
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let mut features: Vec<GroupSummary> = features.into_iter().map(summary).collect();
    features.sort_by_key(|g| order.iter().position(|n| *n == g.name));
    Ok(Compliance {
        schema: "henko.compliance/v1".to_string(),
        snapshot: super::RevRef::from(snapshot.reference()),
        devices,
        features,
        sites: sites.into_iter().map(summary).collect(),
    })
}

fn summary((name, (devices, compliant)): (String, (usize, usize))) -> GroupSummary {
    let percent = if devices == 0 {
        100.0
    } else {
        (compliant as f64 * 1000.0 / devices as f64).round() / 10.0
    };
    GroupSummary {
        name,
        devices,
        compliant,
        percent,
    }
}

/// The compliance of one device; `intended` is `None` when merging is
/// known to give the backup back ([`merge_keeps`]).
fn device(
    set: &IntendedSet<'_>,
    d: &BackedDevice,
    intended: Option<&ConfigTree>,
    rules: &RulesCache<'_>,
    key: Option<&[u8]>,
) -> Result<DeviceCompliance, PipelineError> {
    let options = DiffOptions {
        fingerprint_key: key.map(<[u8]>::to_vec),
        ..DiffOptions::default()
    };
    let changes = match intended {
        Some(intended) => diff_trees(&d.backup, intended, &options),
        None => Vec::new(),
    };
    let features = &set.renderer.features;
    let mut per_feature: Vec<FeatureCompliance> = d
        .rendering
        .features
        .iter()
        .map(|r| FeatureCompliance {
            name: features[r.feature].name.clone(),
            compliant: true,
            ..FeatureCompliance::default()
        })
        .collect();
    for change in &changes {
        let Some(top) = change.path.first() else {
            continue;
        };
        let Some(index) = owner(top, &d.rendering, features) else {
            continue;
        };
        let Some(slot) = d.rendering.features.iter().position(|r| r.feature == index) else {
            continue;
        };
        let entry = &mut per_feature[slot];
        entry.compliant = false;
        lines_of(change, &mut entry.missing, &mut entry.extra);
    }
    let compliant = changes.is_empty();
    let (apply, rollback, verified) = match intended {
        Some(intended) if !compliant => {
            let platform = if d.platform.is_empty() {
                d.backup.dialect.name()
            } else {
                d.platform.as_str()
            };
            let r = remediate_with(
                &d.backup,
                intended,
                platform,
                &*rules.get(platform)?,
                &RemediateOptions {
                    show_secrets: false,
                    fingerprint_key: key.map(<[u8]>::to_vec),
                },
            );
            (r.apply, r.rollback, r.verified)
        }
        _ => (Vec::new(), Vec::new(), true),
    };
    Ok(DeviceCompliance {
        name: d.name.clone(),
        site: d.site.clone(),
        platform: d.platform.clone(),
        compliant,
        backup_missing: d.backup_missing,
        features: per_feature,
        apply,
        rollback,
        verified,
    })
}

/// Adds a change's lines to `missing` (what the rendering adds) and
/// `extra` (what it takes away), each as `section › … › line`.
fn lines_of(change: &Change, missing: &mut Vec<String>, extra: &mut Vec<String>) {
    let parents = &change.path[..change.path.len().saturating_sub(1)];
    let at = |line: &str| {
        let mut parts: Vec<&str> = parents.iter().map(String::as_str).collect();
        parts.push(line);
        parts.join(" › ")
    };
    let whole = |out: &mut Vec<String>, line: &str| {
        out.push(at(line));
        for body in change.body_lines() {
            out.push(format!("{} › {}", at(line), body.trim_start()));
        }
    };
    let last = change.path.last().map(String::as_str).unwrap_or_default();
    match change.op {
        Op::Add => whole(missing, change.after.as_deref().unwrap_or(last)),
        Op::Remove => whole(extra, change.before.as_deref().unwrap_or(last)),
        Op::Modify | Op::Move => {
            if let Some(after) = &change.after {
                missing.push(at(after));
            }
            if let Some(before) = &change.before {
                extra.push(at(before));
            }
        }
    }
}
