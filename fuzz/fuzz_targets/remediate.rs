//! Fuzzes remediation and its simulation: the first byte picks a platform
//! (ios, fortios, junos), the rest splits into FROM and TO at the first
//! `\n===\n` (or in the middle). Remediation never panics, and when it
//! claims `verified`, simulating its apply commands on FROM really gives TO
//! and its rollback commands on TO really give FROM.
#![no_main]

use henko::config::{parse, Dialect, ParseOptions};
use henko::diff::{diff_trees, Change, DiffOptions, Op};
use henko::plan::remediate::{remediate_with, simulate, PlatformRules, RemediateOptions};
use libfuzzer_sys::fuzz_target;

const PLATFORMS: [&str; 3] = ["ios", "fortios", "junos"];

/// Splits `data` at the first `\n===\n`, or in the middle when absent.
fn halves(data: &[u8]) -> (&[u8], &[u8]) {
    const SEP: &[u8] = b"\n===\n";
    match data.windows(SEP.len()).position(|w| w == SEP) {
        Some(at) => (&data[..at + 1], &data[at + SEP.len()..]),
        None => data.split_at(data.len() / 2),
    }
}

/// The changes left after dropping empty sections (interfaces, lines,
/// FortiOS tables) appearing or vanishing:
/// on these CLIs an emptied section (`default interface X`, `default line
/// vty 0 4`, every `delete` in a FortiOS `config` table) is how "absent"
/// looks, and the engine compares them so.
fn real(changes: Vec<Change>) -> Vec<Change> {
    changes
        .into_iter()
        .filter(|c| {
            let header = c.path.last().map_or("", String::as_str);
            let section = ["interface ", "line ", "config "]
                .iter()
                .any(|p| header.starts_with(p));
            !(matches!(c.op, Op::Add | Op::Remove) && c.body.is_empty() && section)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let platform = PLATFORMS[usize::from(pick) % PLATFORMS.len()];
    let dialect = Dialect::for_platform(platform).expect("known platform");
    let rules = PlatformRules::builtin(platform);
    let (a, b) = halves(rest);
    let options = ParseOptions::default();
    let from = parse(a, dialect, &options);
    let to = parse(b, dialect, &options);
    let clear = RemediateOptions {
        show_secrets: true,
        fingerprint_key: None,
    };
    let out = remediate_with(&from, &to, platform, &rules, &clear);
    if !out.verified || !out.manual.is_empty() {
        return;
    }
    // Verified: replay both directions independently of the engine's own check.
    let goal_to = simulate(&to, &[], platform, &rules).expect("empty replay");
    let goal_from = simulate(&from, &[], platform, &rules).expect("empty replay");
    let reached_to = simulate(&from, &out.apply, platform, &rules).expect("apply replays");
    let reached_from = simulate(&to, &out.rollback, platform, &rules).expect("rollback replays");
    let diff = DiffOptions::default();
    let apply_gap = real(diff_trees(&reached_to, &goal_to, &diff));
    assert!(
        apply_gap.is_empty(),
        "verified apply misses TO: {apply_gap:?}\n{:?}",
        out.apply
    );
    let rollback_gap = real(diff_trees(&reached_from, &goal_from, &diff));
    assert!(
        rollback_gap.is_empty(),
        "verified rollback misses FROM: {rollback_gap:?}\n{:?}",
        out.rollback
    );
});
