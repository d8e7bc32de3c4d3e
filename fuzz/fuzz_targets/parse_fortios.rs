//! Fuzzes the fortios parser: any bytes parse without panicking, the tree
//! serialises, and a tree never differs from itself.
#![no_main]

use henko::config::{parse, serialize, Dialect, ParseOptions};
use henko::diff::{diff_trees, DiffOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tree = parse(data, Dialect::Fortios, &ParseOptions::default());
    let _ = serialize(&tree);
    let changes = diff_trees(&tree, &tree, &DiffOptions::default());
    assert!(changes.is_empty(), "a tree differs from itself: {changes:?}");
});
