//! The inventory-wide diff: two snapshots → one [`DeviceDiff`] per changed
//! device, computed in parallel.
//!
//! Files whose blob ids are equal on both sides are never read. Changed
//! devices are read, parsed and diffed on rayon's pool, each worker with
//! its own snapshot readers (git handles are not `Sync`). Work is sorted
//! by device name before it is split, and rayon's indexed `collect` keeps
//! that order, so the result is the same whatever the thread count.

use super::job::{plan_jobs, Job};
use super::settings::StoreSettings;
use super::visit::{Visit, Visiting, Visitor, DEFERRED_BYTES};
use super::{DeviceDiff, DeviceStatus, DiffError, DiffOptions};
use crate::config::{Dialect, ParseOptions};
use crate::inventory::{self, Inventory};
use crate::source::{redact, FileEntry, FileTree, Listing, Snapshot, SnapshotRef};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A progress hook: called with (devices done, devices to do) from worker
/// threads as devices finish.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Every change between two snapshots.
#[derive(Clone, Debug)]
pub struct SnapshotDiff {
    /// The FROM snapshot as given and resolved.
    pub from: SnapshotRef,
    /// The TO snapshot as given and resolved.
    pub to: SnapshotRef,
    /// One entry per device with at least one change, sorted by name.
    pub devices: Vec<DeviceDiff>,
    /// The TO side's inventory.
    pub inventory: Inventory,
    /// The FROM side's inventory.
    pub inventory_from: Inventory,
}

/// Returns every change between `from` and `to`: see
/// [`diff_snapshots_with_progress`].
pub fn diff_snapshots(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
) -> Result<SnapshotDiff, DiffError> {
    diff_snapshots_with_progress(from, to, opts, None)
}

/// Returns every change between `from` and `to`, device by device, calling
/// `progress` as devices finish. Runs on the current rayon pool (install a
/// pool to choose the thread count).
///
/// Two single files are one device named by the TO file's stem. Otherwise
/// devices come from each side's inventory (or one per file when a side has
/// none); a device on one side only is added or removed; changes to its
/// inventory entry come first, then its configuration changes.
pub fn diff_snapshots_with_progress(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
    progress: Option<Progress<'_>>,
) -> Result<SnapshotDiff, DiffError> {
    Ok(diff_listed(from, to, opts, progress)?.0)
}

/// The file lists of both sides of a diff (FROM, TO), as the diff read
/// them; `None` for the two-file form, which lists nothing.
pub type Listings = Option<(Listing, Listing)>;

/// [`diff_snapshots_with_progress`], also returning the file lists it read,
/// so a caller that reads more files of the same snapshots (a plan) does
/// not list the trees again.
pub fn diff_listed(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
    progress: Option<Progress<'_>>,
) -> Result<(SnapshotDiff, Listings), DiffError> {
    let (diff, listings, _) = diff_visited(from, to, opts, progress, &|_, _, _| ())?;
    Ok((diff, listings))
}

/// [`diff_listed`], also calling `visit` on every changed device with its
/// files' bytes; the visits' results come back in the order of
/// [`SnapshotDiff::devices`], one per device.
pub fn diff_visited<R: Send>(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
    progress: Option<Progress<'_>>,
    visit: Visit<'_, R>,
) -> Result<(SnapshotDiff, Listings, Vec<R>), DiffError> {
    let (diff, listings, visits) = visited_or_deferred(from, to, opts, progress, visit, None)?;
    let results = visits.into_iter().map(|v| v.finish(visit)).collect();
    Ok((diff, listings, results))
}

/// [`diff_visited`], leaving the visit of each large device (both sides
/// together at least 256 KiB) to the caller: such a device comes back as
/// [`Visiting::Deferred`] with its files and trees, so the caller can make
/// the visit beside work that needs the whole diff (a plan's rule scripts).
/// Small devices are visited as in [`diff_visited`]. A large device whose
/// files differ only in noise is never visited. At most 32 MiB of files
/// are held for deferred devices; past that, large devices are visited as
/// the diff reads them ([`Visiting::Done`]).
pub fn diff_deferring<R: Send>(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
    progress: Option<Progress<'_>>,
    visit: Visit<'_, R>,
) -> Result<(SnapshotDiff, Listings, Vec<Visiting<R>>), DiffError> {
    visited_or_deferred(from, to, opts, progress, visit, Some(DEFERRED_BYTES))
}

/// A changed device and what became of its visit.
type DeviceVisit<R> = (DeviceDiff, Visiting<R>);

fn visited_or_deferred<R: Send>(
    from: &Snapshot,
    to: &Snapshot,
    opts: &DiffOptions,
    progress: Option<Progress<'_>>,
    visit: Visit<'_, R>,
    defer_budget: Option<usize>,
) -> Result<(SnapshotDiff, Listings, Vec<Visiting<R>>), DiffError> {
    let budget = AtomicUsize::new(defer_budget.unwrap_or(0));
    let visitor = Visitor {
        visit,
        defer_budget: defer_budget.map(|_| &budget),
    };
    let from_tree = from.open()?;
    let to_tree = to.open()?;
    let mut opts = opts.clone();
    if opts.fingerprint_key.is_none() {
        opts.fingerprint_key = redact::snapshot_key(to).or_else(|| redact::snapshot_key(from));
    }
    let opts = &opts;
    match (from, to) {
        (Snapshot::File { .. }, Snapshot::File { .. }) => {
            let (diff, visited) = two_files(from, to, &*from_tree, &*to_tree, opts, visitor)?;
            return Ok((diff, None, visited));
        }
        (Snapshot::File { .. }, other) | (other, Snapshot::File { .. }) => {
            let file = if matches!(from, Snapshot::File { .. }) {
                from
            } else {
                to
            };
            return Err(DiffError::MixedSides {
                file: file.reference().rev.clone(),
                other: other.reference().rev.clone(),
            });
        }
        _ => {}
    }
    let from_files = from_tree.files()?;
    let to_files = to_tree.files()?;
    let settings = StoreSettings::read(&*to_tree, &to_files)?;
    let mut opts = opts.clone();
    opts.ignore_secret_churn |= settings.ignore_secret_churn;
    let parse = ParseOptions {
        ignore: settings.ignore,
        ..ParseOptions::default()
    };
    let inventory_to = load_inventory(&*to_tree, &to_files)?;
    let inventory_from = if same_inventory(&from_files, &to_files) {
        inventory_to.clone()
    } else {
        load_inventory(&*from_tree, &from_files)?
    };
    drop((from_tree, to_tree));

    // Like git's own plain reads, skip re-hashing every object read (a
    // fifth of the CPU time of a large diff); `git fsck` is the integrity
    // check, not a diff.
    git2::opts::strict_hash_verification(false);
    let jobs = plan_jobs(
        &inventory_from,
        &inventory_to,
        &index(&from_files),
        &index(&to_files),
        &opts,
    );
    let total = jobs.len();
    let done = AtomicUsize::new(0);
    // Devices cost very different amounts (a FortiOS backup takes a few
    // times an IOS one of the same size): small pieces keep every worker
    // busy to the end instead of leaving one with the last big chunk.
    // Each worker keeps its readers for the whole diff (opening a store
    // costs more than reading a small file), tagged with this call.
    let call = DIFF_CALLS.fetch_add(1, Ordering::Relaxed);
    let results: Vec<Result<Option<DeviceVisit<R>>, DiffError>> = jobs
        .par_iter()
        .with_max_len(4)
        .map(|job| {
            let mut readers = take_readers(call, from, to);
            let result = run_with(&mut readers, from, to, job, &opts, &parse, visitor);
            WORKER_READERS.with(|cell| *cell.borrow_mut() = Some((call, readers)));
            if let Some(progress) = progress {
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            }
            result
        })
        .collect();
    // Close every worker's store handles now, not at its next diff.
    rayon::broadcast(|_| WORKER_READERS.with(|cell| drop(cell.borrow_mut().take())));
    let mut devices = Vec::new();
    let mut visited = Vec::new();
    for result in results {
        if let Some((device, seen)) = result? {
            devices.push(device);
            visited.push(seen);
        }
    }
    drop(jobs);
    let diff = SnapshotDiff {
        from: from.reference().clone(),
        to: to.reference().clone(),
        devices,
        inventory: inventory_to,
        inventory_from,
    };
    let listings = (
        Listing::from_files(from_files),
        Listing::from_files(to_files),
    );
    Ok((diff, Some(listings), visited))
}

/// One worker's readers of FROM and TO, opened lazily.
type Readers = (Option<Box<dyn FileTree>>, Option<Box<dyn FileTree>>);

/// Numbers the diffs of this process, so a worker never reuses the readers
/// of another diff.
static DIFF_CALLS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The readers this worker thread opened for diff number `.0`.
    static WORKER_READERS: RefCell<Option<(u64, Readers)>> = const { RefCell::new(None) };
}

/// Takes this worker's readers for diff `call`, opening them when it has
/// none for it. They are taken out of the slot while a device runs, so work
/// stolen by the same thread meanwhile opens its own instead of sharing.
fn take_readers(call: u64, from: &Snapshot, to: &Snapshot) -> Readers {
    match WORKER_READERS.with(|cell| cell.borrow_mut().take()) {
        Some((owner, readers)) if owner == call => readers,
        _ => (from.open().ok(), to.open().ok()),
    }
}

/// Runs one job with the worker's readers, opening them again if the
/// first attempt failed (so the error is reported with its cause).
fn run_with<R: Send>(
    readers: &mut Readers,
    from: &Snapshot,
    to: &Snapshot,
    job: &Job<'_>,
    opts: &DiffOptions,
    parse: &ParseOptions,
    visitor: Visitor<'_, R>,
) -> Result<Option<(DeviceDiff, Visiting<R>)>, DiffError> {
    let from_reader = match &mut readers.0 {
        Some(reader) => reader,
        slot => slot.insert(from.open()?),
    };
    let to_reader = match &mut readers.1 {
        Some(reader) => reader,
        slot => slot.insert(to.open()?),
    };
    job.run(&**from_reader, &**to_reader, opts, parse, visitor)
}

fn index(files: &[FileEntry]) -> HashMap<&str, &FileEntry> {
    files.iter().map(|e| (e.path.as_str(), e)).collect()
}

/// Loads a snapshot's inventory from its already-listed files (the same as
/// [`inventory::load`], without walking the tree again).
fn load_inventory(tree: &dyn FileTree, files: &[FileEntry]) -> Result<Inventory, DiffError> {
    let paths: Vec<String> = files.iter().map(|e| e.path.clone()).collect();
    match files.iter().find(|e| e.path == inventory::INVENTORY_FILE) {
        None => Ok(Inventory::infer(&paths)),
        Some(entry) => {
            let bytes = tree.read_entry(entry)?;
            let text = inventory::decode(&bytes, inventory::INVENTORY_FILE)?;
            Ok(inventory::parse(text, inventory::INVENTORY_FILE, &paths)?)
        }
    }
}

/// True when both sides carry the very same `inventory.yaml` blob and the
/// same file list, so the FROM inventory need not be parsed again (the file
/// list matters: the loader checks that `config` files exist).
fn same_inventory(from: &[FileEntry], to: &[FileEntry]) -> bool {
    let blob = |files: &[FileEntry]| {
        files
            .iter()
            .find(|e| e.path == inventory::INVENTORY_FILE)
            .map(|e| e.id)
    };
    blob(from).is_some()
        && blob(from) == blob(to)
        && from.len() == to.len()
        && from.iter().zip(to).all(|(a, b)| a.path == b.path)
}

/// The two-file form: one device named by the TO file's stem.
fn two_files<R: Send>(
    from: &Snapshot,
    to: &Snapshot,
    from_tree: &dyn FileTree,
    to_tree: &dyn FileTree,
    opts: &DiffOptions,
    visitor: Visitor<'_, R>,
) -> Result<(SnapshotDiff, Vec<Visiting<R>>), DiffError> {
    let platform = opts.platform.clone().unwrap_or_default();
    if !platform.is_empty() && Dialect::for_platform(&platform).is_none() {
        return Err(DiffError::UnknownPlatform { platform });
    }
    // Both files are read whole: their entries need no blob id (hashing
    // a large file costs more than diffing it).
    let (Some(from_entry), Some(to_entry)) = (from.loose_entry(), to.loose_entry()) else {
        return Ok((empty(from, to), Vec::new()));
    };
    let (from_entry, to_entry) = (&from_entry, &to_entry);
    let name = to_entry
        .path
        .rsplit_once('.')
        .map_or(to_entry.path.as_str(), |(stem, _)| stem)
        .to_string();
    let job = Job {
        name: &name,
        status: DeviceStatus::Modified,
        platform,
        key_column: None,
        from: Some(from_entry),
        to: Some(to_entry),
        config: to_entry.path.clone(),
        changes: Vec::new(),
        warnings: Vec::new(),
    };
    let (devices, visited) = job
        .run(from_tree, to_tree, opts, &ParseOptions::default(), visitor)?
        .into_iter()
        .unzip();
    Ok((
        SnapshotDiff {
            devices,
            ..empty(from, to)
        },
        visited,
    ))
}

fn empty(from: &Snapshot, to: &Snapshot) -> SnapshotDiff {
    SnapshotDiff {
        from: from.reference().clone(),
        to: to.reference().clone(),
        devices: Vec::new(),
        inventory: Inventory::default(),
        inventory_from: Inventory::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::job::PARALLEL_PARSE_BYTES;
    use crate::diff::visit::{Side, Visited};
    use std::path::Path;
    use std::sync::Mutex;

    fn folder(root: &Path, files: &[(&str, &str)]) -> Snapshot {
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Snapshot::resolve_path(root.to_str().unwrap()).unwrap()
    }

    #[test]
    fn visits_each_changed_device_once_with_both_sides_in_device_order() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let from = folder(
            a.path(),
            &[
                ("configs/r1.cfg", "hostname r1\n"),
                ("configs/r2.cfg", "hostname r2\n"),
                ("configs/r3.cfg", "hostname r3\n"),
            ],
        );
        let to = folder(
            b.path(),
            &[
                ("configs/r1.cfg", "hostname r1\n"),
                ("configs/r2.cfg", "hostname r2-new\n"),
                ("configs/r4.cfg", "hostname r4\n"),
            ],
        );
        let calls = Mutex::new(Vec::new());
        let visit = |d: &Visited<'_>, f: Option<Side<'_>>, t: Option<Side<'_>>| {
            let text = |s: Option<Side<'_>>| {
                s.map(|side| {
                    // The diff's parse comes along: its root is the file's line.
                    let root = side.tree.map(|t| t.roots[0].text.trim().to_string());
                    assert_eq!(
                        root.as_deref(),
                        Some(String::from_utf8_lossy(side.bytes).trim())
                    );
                    format!(
                        "{}={}",
                        side.path,
                        String::from_utf8_lossy(side.bytes).trim()
                    )
                })
            };
            calls.lock().unwrap().push(d.name.to_string());
            (d.name.to_string(), text(f), text(t))
        };
        let (diff, _, seen) =
            diff_visited(&from, &to, &DiffOptions::default(), None, &visit).unwrap();
        let names: Vec<&str> = diff.devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["r2", "r3", "r4"],
            "the unchanged r1 is never visited"
        );
        assert_eq!(calls.into_inner().unwrap().len(), 3);
        assert_eq!(
            seen,
            [
                (
                    "r2".to_string(),
                    Some("configs/r2.cfg=hostname r2".to_string()),
                    Some("configs/r2.cfg=hostname r2-new".to_string())
                ),
                (
                    "r3".to_string(),
                    Some("configs/r3.cfg=hostname r3".to_string()),
                    None
                ),
                (
                    "r4".to_string(),
                    None,
                    Some("configs/r4.cfg=hostname r4".to_string())
                ),
            ]
        );
    }

    /// An IOS configuration over half of [`PARALLEL_PARSE_BYTES`]: both
    /// sides together take the large-device path.
    fn large_ios(hostname: &str, clock_period: u32, shut_port: Option<usize>) -> String {
        let mut text = format!("hostname {hostname}\n!\nntp clock-period {clock_period}\n!\n");
        for port in 0..2500 {
            text +=
                &format!("interface GigabitEthernet1/0/{port}\n description access port {port}\n");
            if shut_port == Some(port) {
                text += " shutdown\n";
            }
            text += "!\n";
        }
        assert!(text.len() > PARALLEL_PARSE_BYTES / 2);
        text
    }

    #[test]
    fn large_devices_are_visited_while_compared_and_noise_only_visits_are_dropped() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let from = folder(
            a.path(),
            &[
                ("configs/big.cfg", &large_ios("big", 1, None)),
                ("configs/noisy.cfg", &large_ios("noisy", 1, None)),
            ],
        );
        let to = folder(
            b.path(),
            &[
                ("configs/big.cfg", &large_ios("big", 1, Some(7))),
                // Only the noise line differs: the blobs differ, nothing changed.
                ("configs/noisy.cfg", &large_ios("noisy", 2, None)),
            ],
        );
        let visit = |d: &Visited<'_>, f: Option<Side<'_>>, t: Option<Side<'_>>| {
            let parsed = |s: Option<Side<'_>>| s.and_then(|s| s.tree).map(|t| t.roots.len());
            (d.name.to_string(), d.status, parsed(f), parsed(t))
        };
        let (diff, _, seen) =
            diff_visited(&from, &to, &DiffOptions::default(), None, &visit).unwrap();
        let names: Vec<&str> = diff.devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["big"], "noise alone is no change");
        assert_eq!(
            diff.devices[0].changes.len(),
            1,
            "{:?}",
            diff.devices[0].changes
        );
        // One result per listed device: the noisy device's visit is dropped.
        assert_eq!(seen.len(), 1);
        let (name, status, from_roots, to_roots) = &seen[0];
        assert_eq!((name.as_str(), *status), ("big", DeviceStatus::Modified));
        assert!(from_roots.is_some_and(|n| n > 100), "{from_roots:?}");
        assert_eq!(from_roots, to_roots, "the diff's own parse of both sides");
    }

    #[test]
    fn deferring_holds_no_more_files_than_its_budget() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let names = ["big1", "big2", "big3"];
        let files = |shut: Option<usize>| -> Vec<(String, String)> {
            names
                .iter()
                .map(|n| (format!("configs/{n}.cfg"), large_ios(n, 1, shut)))
                .collect()
        };
        let (before, after) = (files(None), files(Some(3)));
        let one_device = before[0].1.len() + after[0].1.len();
        fn borrowed(files: &[(String, String)]) -> Vec<(&str, &str)> {
            files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect()
        }
        let from = folder(a.path(), &borrowed(&before));
        let to = folder(b.path(), &borrowed(&after));
        let visit = |d: &Visited<'_>, f: Option<Side<'_>>, t: Option<Side<'_>>| {
            let parsed = |s: Option<Side<'_>>| s.and_then(|s| s.tree).map(|t| t.roots.len());
            (d.name.to_string(), parsed(f), parsed(t))
        };
        let opts = DiffOptions::default();
        // Room for one device's files: one is deferred, the others visited.
        let (diff, _, visits) =
            visited_or_deferred(&from, &to, &opts, None, &visit, Some(one_device)).unwrap();
        assert_eq!(diff.devices.len(), 3);
        let deferred = visits
            .iter()
            .filter(|v| matches!(v, Visiting::Deferred(_)))
            .count();
        assert_eq!(deferred, 1);
        let (_, _, eager) = diff_visited(&from, &to, &opts, None, &visit).unwrap();
        let late: Vec<_> = visits.into_iter().map(|v| v.finish(&visit)).collect();
        assert_eq!(late, eager, "the same visits either way");
        // No room at all: nothing is deferred.
        let (_, _, visits) = visited_or_deferred(&from, &to, &opts, None, &visit, Some(0)).unwrap();
        assert!(visits.iter().all(|v| matches!(v, Visiting::Done(_))));
    }

    #[test]
    fn deferring_leaves_large_devices_to_the_caller_and_visits_small_ones() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let from = folder(
            a.path(),
            &[
                ("configs/big.cfg", &large_ios("big", 1, None)),
                ("configs/noisy.cfg", &large_ios("noisy", 1, None)),
                (
                    "configs/small.cfg",
                    "hostname small\ninterface Gi1\n shutdown\n",
                ),
            ],
        );
        let to = folder(
            b.path(),
            &[
                ("configs/big.cfg", &large_ios("big", 1, Some(7))),
                ("configs/noisy.cfg", &large_ios("noisy", 2, None)),
                (
                    "configs/small.cfg",
                    "hostname small\ninterface Gi1\n no shutdown\n",
                ),
            ],
        );
        let calls = AtomicUsize::new(0);
        let visit = |d: &Visited<'_>, f: Option<Side<'_>>, t: Option<Side<'_>>| {
            calls.fetch_add(1, Ordering::Relaxed);
            let parsed = |s: Option<Side<'_>>| s.and_then(|s| s.tree).map(|t| t.roots.len());
            let bytes = |s: Option<Side<'_>>| s.map(|s| (s.path.to_string(), s.bytes.len()));
            (d.name.to_string(), parsed(f), parsed(t), bytes(f), bytes(t))
        };
        let opts = DiffOptions::default();
        let (diff, _, visits) = diff_deferring(&from, &to, &opts, None, &visit).unwrap();
        let names: Vec<&str> = diff.devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["big", "small"], "noise alone is no change");
        assert_eq!(visits.len(), 2);
        // Only the small device was visited by the diff; the noisy large
        // one never is.
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert!(matches!(&visits[1], Visiting::Done(seen) if seen.0 == "small"));
        let Visiting::Deferred(big) = &visits[0] else {
            panic!("the large device is left to the caller: {:?}", visits[0]);
        };
        assert_eq!(big.name(), "big");
        // Made later, the visit sees what the diff would have offered.
        let (_, _, eager) = diff_visited(&from, &to, &opts, None, &visit).unwrap();
        let late: Vec<_> = visits.into_iter().map(|v| v.finish(&visit)).collect();
        assert_eq!(late, eager);
        assert!(late[0].1.is_some_and(|n| n > 100), "{:?}", late[0].1);
        assert_eq!(
            late[0].3.as_ref().map(|b| b.0.as_str()),
            Some("configs/big.cfg")
        );
    }
}
