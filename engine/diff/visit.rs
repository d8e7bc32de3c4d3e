//! What a diff does on each changed device while it holds the device's
//! files ([`Visit`]), and a large device's visit left for the caller to
//! make later ([`Visiting::Deferred`]), so other work can run beside it.

use super::DeviceStatus;
use crate::config::{ConfigTree, Dialect};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Work done on each changed device while the diff holds its files: called
/// from worker threads with the device and the path and bytes of its FROM
/// and TO configuration (`None` for a side it is missing from). A plan
/// computes its remediation here, so no configuration is read twice.
///
/// A large device's visit runs while the diff compares its two trees (on
/// the other core when one is idle), so the visit learns what the device
/// is, not what changed. Such a visit is made before the diff knows
/// whether anything beyond noise changed; when nothing did, its result is
/// dropped with the device.
pub type Visit<'a, R> = &'a (dyn Fn(&Visited<'_>, Option<Side<'_>>, Option<Side<'_>>) -> R + Sync);

/// The device a [`Visit`] is made for.
#[derive(Clone, Copy, Debug)]
pub struct Visited<'a> {
    /// Device name, as in [`DeviceDiff::name`].
    pub name: &'a str,
    /// Platform, as in [`DeviceDiff::platform`] (empty when unknown).
    pub platform: &'a str,
    /// Dialect the configuration is parsed with.
    pub dialect: Dialect,
    /// Added, removed or modified.
    pub status: DeviceStatus,
}

/// One side of a changed device as the diff read it.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// The file's path in its snapshot.
    pub path: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// The diff's own parse of the file, offered when it was made with the
    /// default [`ParseOptions`] (no store ignore patterns, no key column)
    /// and its structure was read unambiguously; `None` otherwise.
    pub tree: Option<&'a ConfigTree>,
}

/// How a diff visits the devices it reads: the visit, and for a diff that
/// leaves large devices' visits to the caller, how many more file bytes
/// it may still hold for them.
pub(super) struct Visitor<'a, R> {
    pub(super) visit: Visit<'a, R>,
    pub(super) defer_budget: Option<&'a AtomicUsize>,
}

/// A deferring diff holds at most this many bytes of deferred devices'
/// files (their trees take a few times that); past it, large devices are
/// visited as the diff reads them, so a fleet of large configurations is
/// not all kept in memory at once.
pub(super) const DEFERRED_BYTES: usize = 32 << 20;

impl<R> Visitor<'_, R> {
    /// Returns true when a large device of `size` bytes is left to the
    /// caller: the diff defers, and `size` still fits its budget (taken).
    pub(super) fn defers(&self, size: usize) -> bool {
        self.defer_budget.is_some_and(|budget| {
            budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(size)
                })
                .is_ok()
        })
    }

    /// Gives back what [`Visitor::defers`] took for a device that is not
    /// deferred after all (nothing but noise changed).
    pub(super) fn release(&self, size: usize) {
        if let Some(budget) = self.defer_budget {
            budget.fetch_add(size, Ordering::Relaxed);
        }
    }
}

impl<R> Clone for Visitor<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Visitor<'_, R> {}

/// What became of one changed device's [`Visit`].
#[derive(Debug)]
pub enum Visiting<R> {
    /// Made while the diff held the device's files.
    Done(R),
    /// Left to the caller (a large device, when the diff was asked to
    /// defer): the files and trees are kept for [`DeferredVisit::visit`].
    Deferred(Box<DeferredVisit>),
}

impl<R> Visiting<R> {
    /// The visit's result, making a deferred visit now.
    pub fn finish(self, visit: Visit<'_, R>) -> R {
        match self {
            Visiting::Done(result) => result,
            Visiting::Deferred(deferred) => {
                let result = deferred.visit(visit);
                // Its files and trees are freed off the way to the result.
                crate::drop_in_background(deferred);
                result
            }
        }
    }
}

/// A large device's visit, left for later with everything it needs: the
/// device, and each side's path, bytes and (when offered) parsed tree.
#[derive(Debug)]
pub struct DeferredVisit {
    pub(super) name: String,
    pub(super) platform: String,
    pub(super) dialect: Dialect,
    pub(super) status: DeviceStatus,
    pub(super) from: Option<OwnedSide>,
    pub(super) to: Option<OwnedSide>,
}

impl DeferredVisit {
    /// The device's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes the visit, as the diff would have made it.
    pub fn visit<R>(&self, visit: Visit<'_, R>) -> R {
        let head = Visited {
            name: &self.name,
            platform: &self.platform,
            dialect: self.dialect,
            status: self.status,
        };
        visit(
            &head,
            self.from.as_ref().map(OwnedSide::side),
            self.to.as_ref().map(OwnedSide::side),
        )
    }
}

/// One side of a deferred visit, owned.
#[derive(Debug)]
pub(super) struct OwnedSide {
    pub(super) path: String,
    pub(super) bytes: Vec<u8>,
    pub(super) tree: Option<ConfigTree>,
}

impl OwnedSide {
    fn side(&self) -> Side<'_> {
        Side {
            path: &self.path,
            bytes: &self.bytes,
            tree: self.tree.as_ref(),
        }
    }
}
