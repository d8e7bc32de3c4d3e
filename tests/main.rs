//! The one integration-test binary: each stage adds a module here.

mod common;
mod corpus;
mod demo;
mod diff;
mod inventory;
mod plan;
mod remediate;
mod scripts;
mod store;
