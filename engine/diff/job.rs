//! One device of a snapshot diff: which devices need reading
//! ([`plan_jobs`]), and reading, parsing, comparing and visiting one
//! ([`Job::run`]).

use super::inventory::inventory_changes;
use super::lines::unified_diff;
use super::visit::{DeferredVisit, OwnedSide, Side, Visited, Visiting, Visitor};
use super::{diff_trees, DeviceDiff, DeviceStatus, DiffError, DiffOptions};
use crate::config::{self, ConfigTree, Dialect, ParseOptions};
use crate::inventory::{Device, Inventory};
use crate::source::{FileEntry, FileTree};
use std::collections::{BTreeSet, HashMap};

/// One device whose configuration or inventory entry may have changed.
pub(super) struct Job<'a> {
    pub(super) name: &'a str,
    pub(super) status: DeviceStatus,
    pub(super) platform: String,
    /// Key column of a parameter sheet, from the inventory.
    pub(super) key_column: Option<String>,
    pub(super) from: Option<&'a FileEntry>,
    pub(super) to: Option<&'a FileEntry>,
    pub(super) config: String,
    pub(super) changes: Vec<super::Change>,
    pub(super) warnings: Vec<String>,
}

/// Lists the devices that need reading, in name order; devices whose
/// config blobs and inventory entries are identical are dropped here.
pub(super) fn plan_jobs<'a>(
    inventory_from: &'a Inventory,
    inventory_to: &'a Inventory,
    files_from: &HashMap<&str, &'a FileEntry>,
    files_to: &HashMap<&str, &'a FileEntry>,
    opts: &DiffOptions,
) -> Vec<Job<'a>> {
    let names: BTreeSet<&str> = inventory_from
        .devices()
        .iter()
        .chain(inventory_to.devices())
        .map(|d| d.name.as_str())
        .collect();
    let mut jobs = Vec::new();
    for name in names {
        let before = inventory_from.get(name);
        let after = inventory_to.get(name);
        let Some(device) = after.or(before) else {
            continue;
        };
        if !opts.filter.matches(device) {
            continue;
        }
        let lookup = |dev: Option<&Device>, files: &HashMap<&str, &'a FileEntry>| {
            dev.and_then(|d| files.get(d.config.as_str()).copied())
        };
        let from = lookup(before, files_from);
        let to = lookup(after, files_to);
        let (status, changes) = match (before, after) {
            (Some(b), Some(a)) => (DeviceStatus::Modified, inventory_changes(b, a, opts)),
            (None, _) => (DeviceStatus::Added, Vec::new()),
            (_, None) => (DeviceStatus::Removed, Vec::new()),
        };
        let same_blob = from.map(|e| e.id) == to.map(|e| e.id);
        if status == DeviceStatus::Modified && same_blob && changes.is_empty() {
            continue;
        }
        let mut warnings = Vec::new();
        for (side, dev, entry) in [("FROM", before, from), ("TO", after, to)] {
            if let (Some(dev), None) = (dev, entry) {
                if !dev.config.is_empty() {
                    warnings.push(format!("{side}: config file {} is missing", dev.config));
                }
            }
        }
        jobs.push(Job {
            name,
            status,
            platform: device.platform.clone(),
            key_column: device.key.clone(),
            from,
            to,
            config: device.config.clone(),
            changes,
            warnings,
        });
    }
    jobs
}

impl Job<'_> {
    /// Reads, parses and diffs one device; `None` when nothing is left
    /// after noise filtering.
    pub(super) fn run<R: Send>(
        &self,
        from_reader: &dyn FileTree,
        to_reader: &dyn FileTree,
        opts: &DiffOptions,
        parse: &ParseOptions,
        visitor: Visitor<'_, R>,
    ) -> Result<Option<(DeviceDiff, Visiting<R>)>, DiffError> {
        let visit = visitor.visit;
        let mut from_bytes = self.from.map(|e| from_reader.read_entry(e)).transpose()?;
        let mut to_bytes = self.to.map(|e| to_reader.read_entry(e)).transpose()?;
        let mut changes = self.changes.clone();
        let mut warnings = self.warnings.clone();
        let platform = if self.platform.is_empty() {
            opts.platform.clone().unwrap_or_default()
        } else {
            self.platform.clone()
        };
        let sample = to_bytes
            .as_deref()
            .or(from_bytes.as_deref())
            .unwrap_or_default();
        let dialect = dialect_for(&platform, &self.config, sample);
        let same = from_bytes == to_bytes;
        let keyed;
        let parse = match &self.key_column {
            Some(column) => {
                keyed = ParseOptions {
                    key_column: Some(column.clone()),
                    ..parse.clone()
                };
                &keyed
            }
            None => parse,
        };
        let visited = Visited {
            name: self.name,
            platform: &platform,
            dialect,
            status: self.status,
        };
        let mut trees = None;
        let mut seen = None;
        let mut large = false;
        // The bytes a deferred device holds of the diff's budget.
        let mut deferred = None;
        if !same {
            let from_side = || parse_side(from_bytes.as_deref(), dialect, parse, "FROM");
            let to_side = || parse_side(to_bytes.as_deref(), dialect, parse, "TO");
            // A large device parses its two sides on both cores; small ones
            // (the fleet case, already parallel per device) stay on one.
            let size =
                from_bytes.as_ref().map_or(0, Vec::len) + to_bytes.as_ref().map_or(0, Vec::len);
            let ((from_tree, from_ok, from_warnings), (to_tree, to_ok, to_warnings)) =
                if size >= PARALLEL_PARSE_BYTES {
                    rayon::join(from_side, to_side)
                } else {
                    (from_side(), to_side())
                };
            warnings.extend(from_warnings);
            warnings.extend(to_warnings);
            let default_parse = parse.ignore.is_empty() && parse.key_column.is_none();
            large = size >= PARALLEL_PARSE_BYTES;
            deferred = (large && visitor.defers(size)).then_some(size);
            if large && deferred.is_none() {
                // A large device is visited while its trees are compared:
                // the comparison is sequential, and the visit (a plan's
                // remediation) takes the other core meanwhile.
                let offered = |ok: bool, tree| (default_parse && ok).then_some(tree);
                let (tree_changes, visit_result) = rayon::join(
                    || diff_trees(&from_tree, &to_tree, opts),
                    || {
                        visit(
                            &visited,
                            side(self.from, &from_bytes, offered(from_ok, &from_tree)),
                            side(self.to, &to_bytes, offered(to_ok, &to_tree)),
                        )
                    },
                );
                changes.extend(tree_changes);
                seen = Some(visit_result);
            } else {
                changes.extend(diff_trees(&from_tree, &to_tree, opts));
            }
            trees = Some((
                from_tree,
                to_tree,
                default_parse && from_ok,
                default_parse && to_ok,
            ));
        }
        let lines = if !same && (opts.lines || dialect == Dialect::Lines) {
            let from_text = String::from_utf8_lossy(from_bytes.as_deref().unwrap_or_default());
            let to_text = String::from_utf8_lossy(to_bytes.as_deref().unwrap_or_default());
            let from_name = self.from.map_or(self.config.as_str(), |e| e.path.as_str());
            let to_name = self.to.map_or(self.config.as_str(), |e| e.path.as_str());
            Some(unified_diff(
                dialect, from_name, to_name, &from_text, &to_text, opts,
            ))
            .filter(|l| !l.is_empty())
        } else {
            None
        };
        if changes.is_empty() && lines.is_none() && self.status == DeviceStatus::Modified {
            if let Some(size) = deferred {
                visitor.release(size);
            }
            return Ok(None);
        }
        let seen = match seen {
            Some(seen) => Visiting::Done(seen),
            None if deferred.is_some() => {
                let owned = |entry: Option<&FileEntry>, bytes: Option<Vec<u8>>, tree| {
                    entry.zip(bytes).map(|(e, bytes)| OwnedSide {
                        path: e.path.clone(),
                        bytes,
                        tree,
                    })
                };
                let (from_tree, to_tree) = match trees.take() {
                    Some((f, t, f_ok, t_ok)) => (f_ok.then_some(f), t_ok.then_some(t)),
                    None => (None, None),
                };
                Visiting::Deferred(Box::new(DeferredVisit {
                    name: self.name.to_string(),
                    platform: platform.clone(),
                    dialect,
                    status: self.status,
                    from: owned(self.from, from_bytes.take(), from_tree),
                    to: owned(self.to, to_bytes.take(), to_tree),
                }))
            }
            None => Visiting::Done({
                let (from_tree, to_tree) = match &trees {
                    Some((f, t, f_ok, t_ok)) => (f_ok.then_some(f), t_ok.then_some(t)),
                    None => (None, None),
                };
                visit(
                    &visited,
                    side(self.from, &from_bytes, from_tree),
                    side(self.to, &to_bytes, to_tree),
                )
            }),
        };
        if large {
            // Freeing a large device's trees takes a while (tens of
            // thousands of nodes): not on the way to the result.
            crate::drop_in_background((trees, from_bytes, to_bytes));
        }
        let device = DeviceDiff {
            name: self.name.to_string(),
            platform,
            dialect,
            status: self.status,
            config: self.config.clone(),
            changes,
            lines,
            warnings,
        };
        Ok(Some((device, seen)))
    }
}

/// One side's path and bytes for a [`Visit`], when the side has a file.
fn side<'a>(
    entry: Option<&'a FileEntry>,
    bytes: &'a Option<Vec<u8>>,
    tree: Option<&'a ConfigTree>,
) -> Option<Side<'a>> {
    entry.zip(bytes.as_deref()).map(|(e, bytes)| Side {
        path: e.path.as_str(),
        bytes,
        tree,
    })
}

/// Both sides of a device together at least this large are parsed in parallel.
pub(super) const PARALLEL_PARSE_BYTES: usize = 256 * 1024;

/// Parses one side; returns the tree, whether it is readable with default
/// options, and its warnings prefixed with the side's name.
fn parse_side(
    bytes: Option<&[u8]>,
    dialect: Dialect,
    parse: &ParseOptions,
    side: &str,
) -> (ConfigTree, bool, Vec<String>) {
    let (tree, readable) = config::parse_readable(bytes.unwrap_or_default(), dialect, parse);
    let warnings = tree
        .warnings
        .iter()
        .map(|w| format!("{side}: {w}"))
        .collect();
    (tree, readable, warnings)
}

/// The dialect of a device: from its platform, else sniffed from the file.
fn dialect_for(platform: &str, path: &str, bytes: &[u8]) -> Dialect {
    Dialect::for_platform(platform).unwrap_or_else(|| config::sniff(path, bytes))
}
