//! Configurations built to break a parser or exhaust memory: every one is
//! diffed (exit 0) with the device named, or refused where the contract
//! says so (a symlink leaving the snapshot folder).

use super::{expect, expect_within, shorten, BUDGET};
use crate::common::TestEnv;
use std::time::Duration;

/// Folders `a/` and `b/` holding `configs/r1.cfg`: a small valid config in
/// `a`, `hostile` in `b`.
fn pair(env: &TestEnv, hostile: impl AsRef<[u8]>) {
    env.write(
        "a/configs/r1.cfg",
        "hostname r1\ninterface Gi0/1\n description up\n",
    );
    env.write("b/configs/r1.cfg", hostile);
}

/// Diffs `a` and `b` as JSON and returns the output; the device must be
/// reported as changed.
fn diffs(env: &TestEnv) -> String {
    let text = expect(env, &["diff", "a", "b", "--format", "json"], 0);
    assert!(
        text.contains("\"r1\""),
        "r1 not reported: {}",
        shorten(&text)
    );
    text
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_said_so() {
    let env = TestEnv::new();
    pair(
        &env,
        b"hostname r1\ninterface Gi0/1\n description caf\xe9 \xff\xfe\n".as_slice(),
    );
    env.write("a/configs/r2.cfg", "hostname r2\n");
    env.write("b/configs/r2.cfg", "hostname r2-new\n");
    let text = diffs(&env);
    assert!(
        text.contains("r2-new"),
        "the run went on: {}",
        shorten(&text)
    );
    let lower = text.to_lowercase();
    assert!(
        lower.contains("utf-8"),
        "no word about the encoding: {}",
        shorten(&text)
    );
    assert!(text.contains("r1"), "{}", shorten(&text));
}

/// A single line of `size` bytes (no newline at all).
fn one_line(size: usize) -> Vec<u8> {
    let mut bytes = b"description ".to_vec();
    bytes.resize(size, b'x');
    bytes
}

#[test]
fn a_10_mb_single_line_is_diffed() {
    let env = TestEnv::new();
    pair(&env, one_line(10 << 20));
    diffs(&env);
}

/// The full-size case of the issue; slow in a debug build, so run it with
/// `cargo test --test main hostile -- --ignored`.
#[test]
#[ignore = "100 MB input: run with --ignored"]
fn a_100_mb_single_line_is_diffed() {
    let env = TestEnv::new();
    pair(&env, one_line(100 << 20));
    let args = ["diff", "a", "b", "--stat"];
    expect_within(&env, &args, 0, Duration::from_secs(600));
}

/// `lines` distinct `ip host` lines.
fn many_lines(lines: u32) -> String {
    let mut text = String::with_capacity(lines as usize * 24);
    for i in 0..lines {
        let (a, b, c) = (i >> 16, (i >> 8) & 255, i & 255);
        text.push_str(&format!("ip host h{i} 10.{a}.{b}.{c}\n"));
    }
    text
}

/// Asserts `henko diff a b --stat` counts `lines` additions for r1.
fn counts_additions(env: &TestEnv, lines: u32, budget: Duration) {
    let text = expect_within(env, &["diff", "a", "b", "--stat"], 0, budget);
    assert!(
        text.contains(&format!("+{lines} ")),
        "every line counted: {}",
        shorten(&text)
    );
}

#[test]
fn two_hundred_thousand_lines_are_diffed() {
    let env = TestEnv::new();
    pair(&env, many_lines(200_000));
    counts_additions(&env, 200_000, BUDGET);
}

/// The full size: about a minute in a debug build, so run it with
/// `cargo test --test main hostile -- --ignored` (a release build takes
/// seconds).
#[test]
#[ignore = "1,000,000 lines: run with --ignored"]
fn a_million_lines_are_diffed() {
    let env = TestEnv::new();
    pair(&env, many_lines(1_000_000));
    counts_additions(&env, 1_000_000, Duration::from_secs(600));
}

#[test]
fn ten_thousand_levels_of_indentation_are_diffed() {
    let env = TestEnv::new();
    let mut text = String::new();
    for depth in 0..10_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str(&format!("level {depth}\n"));
    }
    pair(&env, text);
    let out = diffs(&env);
    assert!(
        out.contains("level 9999"),
        "the deepest line is kept: {}",
        shorten(&out)
    );
}

#[test]
fn nul_bytes_are_diffed() {
    let env = TestEnv::new();
    pair(
        &env,
        b"hostname r1\n\0\0\0\ninterface Gi0/1\n description \0up\n".as_slice(),
    );
    diffs(&env);
}

#[test]
fn an_empty_config_is_a_removal_of_everything() {
    let env = TestEnv::new();
    pair(&env, "");
    let text = diffs(&env);
    assert!(text.contains("description up"), "{}", shorten(&text));
}

#[cfg(unix)]
#[test]
fn a_symlink_leaving_the_folder_is_never_read() {
    let env = TestEnv::new();
    pair(&env, "hostname r1\n");
    env.write("outside/secret.cfg", "enable secret 0 TopSecretOutside\n");
    std::os::unix::fs::symlink(
        env.join("outside/secret.cfg"),
        env.join("b/configs/leak.cfg"),
    )
    .unwrap();
    env.henko().args(["init", "store"]).assert().success();
    let text = expect(&env, &["--repo", "store", "snapshot", "b"], 2);
    assert!(text.contains("leak.cfg"), "{}", shorten(&text));
    let out = env
        .henko()
        .args(["diff", "a", "b", "--show-secrets"])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !all.contains("TopSecretOutside"),
        "diff read outside the folder: {all}"
    );
    assert!(all.contains("leak.cfg"), "the symlink is named: {all}");
}
