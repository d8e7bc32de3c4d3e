//! `henko verify`, `export` and execution records end to end, on one small
//! store with an IOS router, a FortiGate, a Junos router and a VM spec.

mod export;
mod fixture;
mod outcomes;
mod records;
mod reports;
