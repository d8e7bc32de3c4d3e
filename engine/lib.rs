//! henko (変更, "change"): a configuration diff and change-planning engine.
//!
//! The modules follow the data's path through the program:
//! [`source`] → [`inventory`] → [`config`] → [`diff`] → [`script`] → [`plan`]
//! → [`verify`] → [`report`], with [`demo`] (the embedded end-to-end demo) and
//! [`cli`] on top. A later stage depends only on earlier
//! ones; no stage prints (only `cli` and `report` talk to the user).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod demo;
pub mod diff;
pub mod intended;
pub mod inventory;
pub mod plan;
pub mod report;
pub mod script;
pub mod source;
pub mod verify;

/// Drops `value` on a pool thread, so the caller does not wait while a
/// large structure is freed (a process that exits first leaves it to the
/// system).
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
