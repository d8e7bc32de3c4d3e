//! Sheet-driven plans (`plan FROM TO --intended`): the TO side is TO's
//! snapshot with every templated device's config replaced by FROM's backup
//! with the owned parts re-rendered from TO's templates and sheets. The
//! result is written to a temporary folder that the ordinary diff, scripts
//! and remediation (with its simulation proof) read like any snapshot, so
//! nothing about a sheet-driven plan is planned differently.

use super::pipeline::PipelineError;
use super::Plan;
use crate::diff::DeviceDiff;
use crate::intended::cause::{device_causes, Side};
use crate::intended::scope::owner;
use crate::intended::{
    intended_set, write_intended, DeviceRendering, IntendedError, IntendedSet, Renderer, Sheets,
};
use crate::inventory::{self, Inventory};
use crate::script::Causes;
use crate::source::{Snapshot, SnapshotRef};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The rendered TO side of a sheet-driven plan.
pub struct IntendedSide {
    // Keeps the folder alive as long as the snapshot that reads it.
    _dir: tempfile::TempDir,
    /// The intended side, readable as a folder snapshot that carries TO's
    /// revision and commit.
    pub snapshot: Snapshot,
    renderer: Renderer,
    inventory: Inventory,
    // The templated devices; their renderings are not kept from the
    // writing pass but made again, once each, for the changed devices
    // that scope checks and causes ask about.
    templated: HashSet<String>,
    renderings: Mutex<HashMap<String, Option<Arc<DeviceRendering>>>>,
    from_renderer: Option<(Renderer, Inventory)>,
    from_sheets: Sheets,
}

/// Renders TO's templates into FROM's backups and writes the intended side,
/// one device at a time.
pub fn prepare(from: &Snapshot, to: &Snapshot) -> Result<IntendedSide, PipelineError> {
    let set = intended_set(from, to)?.ok_or_else(|| IntendedError::NoTemplates {
        rev: to.reference().rev.clone(),
    })?;
    let dir =
        tempfile::tempdir().map_err(|e| crate::source::SourceError::io(std::env::temp_dir(), e))?;
    let templated = write_intended(to, &set, dir.path())?.into_iter().collect();
    let reference: SnapshotRef = to.reference().clone();
    let snapshot = Snapshot::Folder {
        root: dir.path().to_path_buf(),
        reference,
    };
    // FROM's own rendering, when it has templates, traces what is removed
    // back to the rows it came from; a FROM that does not render is only
    // missing that part of the causes.
    let from_tree = from.open()?;
    let from_renderer = inventory::load(from_tree.as_ref()).ok().and_then(|inv| {
        Renderer::load(from_tree.as_ref(), &inv)
            .ok()
            .flatten()
            .map(|r| (r, inv))
    });
    let from_sheets = match &from_renderer {
        Some(_) => Sheets::default(),
        None => Sheets::load(from_tree.as_ref()).unwrap_or_default(),
    };
    let IntendedSet {
        renderer,
        inventory,
        ..
    } = set;
    Ok(IntendedSide {
        _dir: dir,
        snapshot,
        renderer,
        inventory,
        templated,
        renderings: Mutex::new(HashMap::new()),
        from_renderer,
        from_sheets,
    })
}

impl IntendedSide {
    /// Returns TO's rendering of a templated device, made on first use.
    fn rendering(&self, device: &str) -> Option<Arc<DeviceRendering>> {
        if !self.templated.contains(device) {
            return None;
        }
        let mut cache = self.renderings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(device) {
            return found.clone();
        }
        // The writing pass rendered it without error, so this cannot fail.
        let made = self
            .inventory
            .get(device)
            .and_then(|d| self.renderer.render_device(d).ok().flatten())
            .map(Arc::new);
        cache.insert(device.to_string(), made.clone());
        made
    }

    /// Whether the top-level line or section `text` of `device` is inside
    /// one of the device's features' scopes (what the templates own);
    /// `None` for a device no template renders.
    pub fn in_scope(&self, device: &str, text: &str) -> Option<bool> {
        let rendering = self.rendering(device)?;
        Some(owner(text, &rendering, &self.renderer.features).is_some())
    }

    /// Returns the sheet rows behind each changed templated device.
    pub fn causes(&self, devices: &[DeviceDiff]) -> Causes {
        let mut causes = Causes::new();
        let from_sheets = self
            .from_renderer
            .as_ref()
            .map_or(&self.from_sheets, |(r, _)| &r.sheets);
        for diff in devices {
            let Some(rendering) = self.rendering(&diff.name) else {
                continue;
            };
            let from_rendering = self.from_renderer.as_ref().and_then(|(renderer, inv)| {
                let device = inv.get(&diff.name)?;
                renderer
                    .render_device(device)
                    .ok()
                    .flatten()
                    .map(|r| (r, renderer))
            });
            let to = Side {
                rendering: &rendering,
                sheets: &self.renderer.sheets,
            };
            let from = from_rendering.as_ref().map(|(rendering, renderer)| Side {
                rendering,
                sheets: &renderer.sheets,
            });
            let found = device_causes(&diff.changes, to, from, from_sheets, &self.inventory);
            if !found.is_empty() {
                causes.insert(diff.name.clone(), found);
            }
        }
        causes
    }
}

/// Puts each device's causes into the plan and hashes it again, so the
/// causes are covered by the approval like everything else.
pub fn attach_causes(plan: &mut Plan, causes: &Causes) {
    for device in &mut plan.devices {
        if let Some(found) = causes.get(&device.name) {
            device.cause = found.clone();
        }
    }
    plan.hash = super::plan_hash(plan);
}
