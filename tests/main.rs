//! The one integration-test binary: each stage adds a module here.

mod common;
mod scripts;
mod store;
