//! Hostile input end to end: inventories built to exhaust the YAML reader,
//! configurations built to exhaust the parsers, scripts built to never
//! stop, and stores in odd states. Each case asserts the documented exit
//! code, a message naming the culprit, and that henko answered within a
//! few seconds. Big inputs are generated in the test's temporary folder.
//!
//! Store cases already covered by `tests/store.rs` at the library level
//! (locked ref, corrupt object on `log`/`snapshot`, shallow and detached
//! revision resolution) are exercised here only through the commands that
//! read revisions (`diff`, `plan`, `validate`).

mod configs;
mod scripts;
mod stores;
mod writers;

use crate::common::TestEnv;
use std::process::Output;
use std::time::{Duration, Instant};

/// A hang guard, not a performance target (those live in `benches/`): a
/// hostile case that blows up exponentially runs far longer than this, while a
/// debug build on two loaded cores stays well inside it.
pub(crate) const BUDGET: Duration = Duration::from_secs(300);

/// Runs henko with `args`, asserts it exits `code` within [`BUDGET`], and
/// returns stdout + stderr as text.
pub(crate) fn expect(env: &TestEnv, args: &[&str], code: i32) -> String {
    expect_within(env, args, code, BUDGET)
}

/// [`expect`] with another time budget (the `#[ignore]`d full-size cases).
pub(crate) fn expect_within(env: &TestEnv, args: &[&str], code: i32, budget: Duration) -> String {
    let started = Instant::now();
    let out: Output = env.henko().args(args).output().unwrap();
    let elapsed = started.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "henko {args:?}: {}",
        shorten(&text)
    );
    assert!(elapsed < budget, "henko {args:?} took {elapsed:?}");
    text
}

/// The first 2,000 characters of `text`, for assertion messages.
pub(crate) fn shorten(text: &str) -> String {
    text.chars().take(2000).collect()
}

/// A snapshot folder `dir` with one IOS config and `inventory` as its
/// inventory.yaml.
fn inventory_folder(env: &TestEnv, dir: &str, inventory: impl AsRef<[u8]>) {
    env.write(format!("{dir}/configs/r1.cfg"), "hostname r1\n");
    env.write(format!("{dir}/inventory.yaml"), inventory);
}

/// Asserts that `henko validate` and `henko diff` both refuse the inventory
/// of `bad/` with exit 2 and a message naming `inventory.yaml` and `what`.
fn refused(env: &TestEnv, what: &str) {
    let good = "devices:\n  - name: r1\n    platform: ios\n    config: configs/r1.cfg\n";
    inventory_folder(env, "good", good);
    for args in [&["validate", "bad"][..], &["diff", "good", "bad"][..]] {
        let text = expect(env, args, 2);
        assert!(
            text.contains("inventory.yaml"),
            "{args:?}: {}",
            shorten(&text)
        );
        assert!(
            text.to_lowercase().contains(what),
            "{args:?} does not say `{what}`: {}",
            shorten(&text)
        );
    }
}

#[test]
fn an_inventory_alias_bomb_is_refused() {
    let env = TestEnv::new();
    // Billion laughs: nine levels of nine references each.
    let mut yaml = String::from(
        "lol0: &lol0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..=9 {
        let prev = format!("*lol{}", level - 1);
        let refs = [prev.as_str(); 9].join(",");
        yaml.push_str(&format!("lol{level}: &lol{level} [{refs}]\n"));
    }
    yaml.push_str("devices: *lol9\n");
    inventory_folder(&env, "bad", yaml);
    refused(&env, "inventory");
}

#[test]
fn a_deeply_nested_inventory_is_refused() {
    let env = TestEnv::new();
    let depth = 100_000;
    let yaml = format!("devices: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    inventory_folder(&env, "bad", yaml);
    refused(&env, "recursion");
}

#[test]
fn duplicate_inventory_keys_are_refused() {
    let env = TestEnv::new();
    let yaml = "devices:\n  - name: r1\n    platform: ios\n    platform: junos\n    config: configs/r1.cfg\n";
    inventory_folder(&env, "bad", yaml);
    refused(&env, "duplicate");
}

#[test]
fn tabs_in_an_inventory_are_refused_at_their_line() {
    let env = TestEnv::new();
    let yaml = "devices:\n\t- name: r1\n\t  platform: ios\n";
    inventory_folder(&env, "bad", yaml);
    refused(&env, "tabs");
}

#[test]
fn a_50_mb_inventory_is_refused_by_size() {
    let env = TestEnv::new();
    let mut yaml = String::from("devices: []\n");
    let comment = format!("# {}\n", "x".repeat(1022));
    yaml.push_str(&comment.repeat(50 << 10));
    assert!(yaml.len() >= 50 << 20);
    inventory_folder(&env, "bad", yaml);
    refused(&env, "large");
}

#[test]
fn a_binary_inventory_is_refused() {
    let env = TestEnv::new();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    inventory_folder(&env, "bad", bytes);
    refused(&env, "binary");
}
