//! The intended configurations of a whole snapshot: the templates and
//! sheets of one snapshot rendered for its inventory, merged into the
//! backups of another (or the same) snapshot — in one parallel pass, each
//! device rendered, read, merged, used and dropped — and, for plans,
//! written out as a folder that the ordinary diff and plan pipeline reads
//! like any other snapshot.

use super::error::IntendedError;
use super::features::Feature;
use super::render::{DeviceRendering, Renderer};
use super::scope::{check_scopes, merge};
use crate::config::{self, serialize, ConfigTree, Dialect, ParseOptions};
use crate::inventory::{self, Device, Inventory};
use crate::source::{FileTree, Snapshot, SourceError};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// One templated device: its backup, its rendering, and the two merged.
#[derive(Clone, Debug)]
pub struct IntendedDevice {
    /// The device, its backup and its rendering.
    pub backed: BackedDevice,
    /// The backup with the owned parts replaced by the rendering.
    pub intended: ConfigTree,
}

/// One templated device's backup and rendering, before they are merged
/// (see [`BackedDevice::into_intended`]).
#[derive(Clone, Debug)]
pub struct BackedDevice {
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
}

impl BackedDevice {
    /// Merges the rendering into the backup ([`merge`]).
    pub fn into_intended(self, features: &[Feature]) -> Result<IntendedDevice, IntendedError> {
        let intended = merge(&self.backup, &self.rendering, features)?;
        Ok(IntendedDevice {
            backed: self,
            intended,
        })
    }
}

/// A snapshot's templates, compiled, ready to be rendered into the backups
/// of another (or the same) snapshot one device at a time: nothing of a
/// device is kept after the caller's function has seen it, so memory does
/// not grow with the device count.
pub struct IntendedSet<'b> {
    /// The compiled templates and the sheets they read.
    pub renderer: Renderer,
    /// The inventory the templates are rendered for.
    pub inventory: Inventory,
    backups: &'b Snapshot,
    // The backup side's inventory, when it is another snapshot: backups
    // are found where it puts them.
    backup_inventory: Option<Inventory>,
}

/// Loads `templates`' templates for rendering into the backups of
/// `backups`; `Ok(None)` when `templates` has no `templates/templates.yaml`.
pub fn intended_set<'b>(
    backups: &'b Snapshot,
    templates: &Snapshot,
) -> Result<Option<IntendedSet<'b>>, IntendedError> {
    let tree = templates.open()?;
    let inventory = inventory::load(tree.as_ref())?;
    let Some(renderer) = Renderer::load(tree.as_ref(), &inventory)? else {
        return Ok(None);
    };
    let backup_inventory = match backups.reference() == templates.reference() {
        true => None,
        false => inventory::load(&*backups.open()?).ok(),
    };
    Ok(Some(IntendedSet {
        renderer,
        inventory,
        backups,
        backup_inventory,
    }))
}

impl IntendedSet<'_> {
    /// Returns the templated devices `select` keeps, in inventory order.
    pub fn devices(&self, select: &(dyn Fn(&Device) -> bool + Sync)) -> Vec<&Device> {
        self.inventory
            .devices()
            .iter()
            .filter(|d| select(d) && !self.renderer.features_for(d).is_empty())
            .collect()
    }

    /// Renders every templated device `select` keeps, in parallel, and
    /// hands each rendering (checked against its features' scopes) to `f`;
    /// returns `f`'s results in inventory order. The first error in that
    /// order wins, so the same input always reports the same error.
    pub fn map_rendered<R, E>(
        &self,
        select: &(dyn Fn(&Device) -> bool + Sync),
        f: impl Fn(&Device, DeviceRendering) -> Result<R, E> + Sync,
    ) -> Result<Vec<R>, E>
    where
        R: Send,
        E: From<IntendedError> + Send,
    {
        let chosen = self.devices(select);
        let results: Vec<Result<Option<R>, E>> = chosen
            .par_iter()
            .with_max_len(PIECE)
            .map(|device| {
                let Some(rendering) = self.renderer.render_device(device)? else {
                    return Ok(None);
                };
                check_scopes(&rendering, &self.renderer.features)?;
                f(device, rendering).map(Some)
            })
            .collect();
        first_error(results)
    }

    /// Renders every templated device `select` keeps, reads and parses its
    /// backup and merges the two, in parallel, handing each
    /// [`IntendedDevice`] to `f` and dropping it after; returns `f`'s
    /// results in inventory order, the first error in that order winning.
    pub fn map_intended<R, E>(
        &self,
        select: &(dyn Fn(&Device) -> bool + Sync),
        f: impl Fn(IntendedDevice) -> Result<R, E> + Sync,
    ) -> Result<Vec<R>, E>
    where
        R: Send,
        E: From<IntendedError> + Send,
    {
        self.map_backed(select, |device| {
            f(device.into_intended(&self.renderer.features)?)
        })
    }

    /// Renders every templated device `select` keeps and reads and parses
    /// its backup, in parallel (one backup reader per worker), handing each
    /// [`BackedDevice`] to `f` unmerged and dropping it after; returns
    /// `f`'s results in inventory order, the first error in that order
    /// winning.
    pub fn map_backed<R, E>(
        &self,
        select: &(dyn Fn(&Device) -> bool + Sync),
        f: impl Fn(BackedDevice) -> Result<R, E> + Sync,
    ) -> Result<Vec<R>, E>
    where
        R: Send,
        E: From<IntendedError> + Send,
    {
        let chosen = self.devices(select);
        let results: Vec<Result<Option<R>, E>> = chosen
            .par_iter()
            .with_max_len(PIECE)
            .map_init(
                || None::<Box<dyn FileTree>>,
                |reader, device| {
                    let Some(backed) = self.backed_device(reader, device)? else {
                        return Ok(None);
                    };
                    f(backed).map(Some)
                },
            )
            .collect();
        first_error(results)
    }

    /// Renders one device and reads its backup, reusing (or opening) the
    /// worker's backup reader.
    fn backed_device(
        &self,
        reader: &mut Option<Box<dyn FileTree>>,
        device: &Device,
    ) -> Result<Option<BackedDevice>, IntendedError> {
        let Some(rendering) = self.renderer.render_device(device)? else {
            return Ok(None);
        };
        let tree = match reader.take() {
            Some(tree) => tree,
            None => self.backups.open()?,
        };
        let path = self
            .backup_inventory
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
        drop(bytes);
        Ok(Some(BackedDevice {
            name: device.name.clone(),
            config: device.config.clone(),
            platform: device.platform.clone(),
            site: device.site.clone(),
            backup,
            backup_missing: missing,
            rendering,
        }))
    }
}

/// Devices per rayon piece: small, so no core waits on a long last piece.
const PIECE: usize = 4;

/// Returns the results in order, or the first error among them.
fn first_error<R, E>(results: Vec<Result<Option<R>, E>>) -> Result<Vec<R>, E> {
    let mut out = Vec::with_capacity(results.len());
    for result in results {
        if let Some(r) = result? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Writes `to`'s files into `dir` with each templated device's config
/// replaced by its intended configuration, so the folder reads as the
/// intended side. Each device is rendered, merged, written and dropped in
/// one parallel pass; returns the names of the templated devices.
pub fn write_intended(
    to: &Snapshot,
    set: &IntendedSet<'_>,
    dir: &Path,
) -> Result<Vec<String>, IntendedError> {
    let write = |path: &str, bytes: &[u8]| -> Result<(), IntendedError> {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SourceError::io(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| SourceError::io(&target, e))?;
        Ok(())
    };
    let written = set.map_intended(&|_| true, |device| {
        write(
            &device.backed.config,
            serialize(&device.intended).as_bytes(),
        )?;
        Ok::<_, IntendedError>((device.backed.config, device.backed.name))
    })?;
    let replaced: HashSet<&str> = written.iter().map(|(config, _)| config.as_str()).collect();
    let tree = to.open()?;
    for entry in tree.files()? {
        if replaced.contains(entry.path.as_str()) {
            continue;
        }
        write(&entry.path, &tree.read_entry(&entry)?)?;
    }
    Ok(written.into_iter().map(|(_, name)| name).collect())
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
