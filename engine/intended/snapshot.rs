//! The intended configurations of a whole snapshot: the templates and
//! sheets of one snapshot rendered for its inventory, merged into the
//! backups of another (or the same) snapshot — in parallel, one pair of
//! readers per worker — and, for plans, written out as a folder that the
//! ordinary diff and plan pipeline reads like any other snapshot.

use super::error::IntendedError;
use super::render::{DeviceRendering, Renderer};
use super::scope::merge;
use crate::config::{self, serialize, ConfigTree, Dialect, ParseOptions};
use crate::inventory::{self, Device, Inventory};
use crate::source::{FileTree, Snapshot, SourceError};
use rayon::prelude::*;
use std::path::Path;

/// One templated device: its backup, its rendering, and the two merged.
#[derive(Clone, Debug)]
pub struct IntendedDevice {
    /// Device name.
    pub name: String,
    /// Config path in the templates' snapshot inventory.
    pub config: String,
    /// Platform from the inventory.
    pub platform: String,
    /// Site from the inventory.
    pub site: String,
    /// The backup, parsed (empty when the backup snapshot has no file).
    pub backup: ConfigTree,
    /// True when the backup snapshot has no config for the device.
    pub backup_missing: bool,
    /// What the templates rendered.
    pub rendering: DeviceRendering,
    /// The backup with the owned parts replaced by the rendering.
    pub intended: ConfigTree,
}

/// Every templated device of a snapshot, with the renderer that made it.
pub struct IntendedSet {
    /// The compiled templates and the sheets they read.
    pub renderer: Renderer,
    /// The inventory the templates were rendered for.
    pub inventory: Inventory,
    /// Templated devices, in inventory order.
    pub devices: Vec<IntendedDevice>,
}

/// Renders `templates`' templates for the devices `select` keeps and merges
/// each rendering into the device's backup in `backups`; `Ok(None)` when
/// `templates` has no `templates/templates.yaml`.
pub fn intended_set(
    backups: &Snapshot,
    templates: &Snapshot,
    select: &(dyn Fn(&Device) -> bool + Sync),
) -> Result<Option<IntendedSet>, IntendedError> {
    let tree = templates.open()?;
    let inventory = inventory::load(tree.as_ref())?;
    let Some(renderer) = Renderer::load(tree.as_ref(), &inventory)? else {
        return Ok(None);
    };
    // Backups are found where the backup side's inventory puts them.
    let backup_inventory = match backups.reference() == templates.reference() {
        true => None,
        false => inventory::load(&*backups.open()?).ok(),
    };
    let chosen: Vec<&Device> = inventory
        .devices()
        .iter()
        .filter(|d| select(d) && !renderer.features_for(d).is_empty())
        .collect();
    let renderings = renderer.render_all(&chosen)?;
    let results: Vec<Result<IntendedDevice, IntendedError>> = chosen
        .par_iter()
        .zip(renderings.into_par_iter())
        .map_init(
            || None::<Box<dyn FileTree>>,
            |reader, (device, rendering)| {
                let tree = match reader.take() {
                    Some(tree) => tree,
                    None => backups.open()?,
                };
                let path = backup_inventory
                    .as_ref()
                    .and_then(|inv| inv.get(&device.name))
                    .map_or(device.config.as_str(), |d| d.config.as_str());
                let (bytes, missing) = match tree.read(path) {
                    Ok(bytes) => (bytes, false),
                    Err(SourceError::MissingFile { .. }) => (Vec::new(), true),
                    Err(e) => return Err(e.into()),
                };
                *reader = Some(tree);
                let backup = config::parse(&bytes, rendering.dialect, &ParseOptions::default());
                let intended = merge(&backup, &rendering, &renderer.features)?;
                Ok(IntendedDevice {
                    name: device.name.clone(),
                    config: device.config.clone(),
                    platform: device.platform.clone(),
                    site: device.site.clone(),
                    backup,
                    backup_missing: missing,
                    rendering,
                    intended,
                })
            },
        )
        .collect();
    let devices = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(Some(IntendedSet {
        renderer,
        inventory,
        devices,
    }))
}

/// Writes `to`'s files into `dir`, each templated device's config replaced
/// by its intended configuration, so the folder reads as the intended side.
pub fn write_intended(to: &Snapshot, set: &IntendedSet, dir: &Path) -> Result<(), IntendedError> {
    let tree = to.open()?;
    let write = |path: &str, bytes: &[u8]| -> Result<(), IntendedError> {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SourceError::io(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| SourceError::io(&target, e))?;
        Ok(())
    };
    let replaced: std::collections::HashMap<&str, &IntendedDevice> =
        set.devices.iter().map(|d| (d.config.as_str(), d)).collect();
    for entry in tree.files()? {
        if replaced.contains_key(entry.path.as_str()) {
            continue;
        }
        write(&entry.path, &tree.read_entry(&entry)?)?;
    }
    for device in &set.devices {
        write(&device.config, serialize(&device.intended).as_bytes())?;
    }
    Ok(())
}

/// The file extension a rendered config is written with: the backup's own,
/// else the dialect's usual one.
pub fn extension(config_path: &str, dialect: Dialect) -> String {
    let file = config_path.rsplit('/').next().unwrap_or(config_path);
    match file.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() => ext.to_string(),
        _ => match dialect {
            Dialect::Fortios => "conf".into(),
            Dialect::Junos => "conf".into(),
            Dialect::PanosXml => "xml".into(),
            _ => "cfg".into(),
        },
    }
}
