//! Fuzzes the tree diff: the first byte picks a dialect, the rest splits
//! into two configurations at the first `\n===\n` (or in the middle); their
//! diff never panics, and each tree's diff with itself is empty.
#![no_main]

use henko::config::{parse, Dialect, ParseOptions};
use henko::diff::{diff_trees, DiffOptions};
use libfuzzer_sys::fuzz_target;

/// Splits `data` at the first `\n===\n`, or in the middle when absent.
fn halves(data: &[u8]) -> (&[u8], &[u8]) {
    const SEP: &[u8] = b"\n===\n";
    match data.windows(SEP.len()).position(|w| w == SEP) {
        Some(at) => (&data[..at + 1], &data[at + SEP.len()..]),
        None => data.split_at(data.len() / 2),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let dialect = Dialect::ALL[usize::from(pick) % Dialect::ALL.len()];
    let (a, b) = halves(rest);
    let options = ParseOptions::default();
    let from = parse(a, dialect, &options);
    let to = parse(b, dialect, &options);
    let diff = DiffOptions::default();
    let _ = diff_trees(&from, &to, &diff);
    let _ = diff_trees(&to, &from, &diff);
    assert!(diff_trees(&from, &from, &diff).is_empty());
});
