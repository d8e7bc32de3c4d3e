//! The one integration-test binary: each stage adds a module here.

mod common;
mod corpus;
mod demo;
mod diff;
mod plan;
mod remediate;
mod store;
