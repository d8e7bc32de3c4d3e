//! The one integration-test binary: each stage adds a module here.

mod inventory;
