//! The one integration-test binary: each stage adds a module here.
#![forbid(unsafe_code)]

mod cli;
mod common;
mod corpus;
mod demo;
mod diff;
mod hostile;
mod intended;
mod inventory;
mod plan;
mod platforms;
mod regression;
mod remediate;
mod scripts;
mod secrets;
mod sheets;
mod store;
mod verify;
