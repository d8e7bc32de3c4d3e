//! Secrets at rest: with redaction on, no secret value reaches any object of
//! the store, and a rotated secret still shows as a change.

use super::{stderr, stdout};
use crate::common::{corpus, TestEnv};
use henko::config::{find_secrets_in_context, parse, sniff, Node, ParseOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every secret value (of 6 bytes or more: shorter ones occur by chance in
/// unrelated bytes) the config stage finds in the files under `root`, keeping
/// only values that occur nowhere else in those files: a community string
/// `public` that is also a word in a description is not expected to vanish
/// from the description, nor a value that is also a YAML key.
fn secret_values(roots: &[&Path]) -> BTreeSet<String> {
    fn walk(
        dialect: henko::config::Dialect,
        nodes: &[Node],
        up: &mut Vec<String>,
        out: &mut BTreeMap<String, usize>,
    ) {
        for node in nodes {
            let ancestors: Vec<&str> = up.iter().map(String::as_str).collect();
            for span in find_secrets_in_context(dialect, &ancestors, &node.text) {
                let value = &node.text[span.start..span.end];
                if value.len() >= 6 {
                    *out.entry(value.to_string()).or_default() += 1;
                }
            }
            up.push(node.text.clone());
            walk(dialect, &node.children, up, out);
            up.pop();
        }
    }
    let mut found = BTreeMap::new();
    let mut contents = Vec::new();
    let mut pending: Vec<_> = roots.iter().map(|r| r.to_path_buf()).collect();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let name = path.to_string_lossy();
            let dialect = sniff(&name, &bytes);
            let tree = parse(&bytes, dialect, &ParseOptions::default());
            walk(dialect, &tree.roots, &mut Vec::new(), &mut found);
            contents.push(bytes);
        }
    }
    found
        .into_iter()
        .filter(|(value, seen)| {
            let everywhere: usize = contents
                .iter()
                .map(|c| occurrences(c, value.as_bytes()))
                .sum();
            // A value that is also a key (`VLAN ID:`) stays as the key.
            let as_key = format!("{value}:");
            let is_key = contents
                .iter()
                .any(|c| occurrences(c, as_key.as_bytes()) > 0);
            everywhere == *seen && !is_key
        })
        .map(|(value, _)| value)
        .collect()
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// The content of every object in the store, concatenated.
fn every_object(env: &TestEnv) -> Vec<u8> {
    let out = env.git(&["-C", "store", "cat-file", "--batch-all-objects", "--batch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    out.stdout
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Snapshots each folder with `--redact-secrets` and returns the commits.
fn snapshot_redacted(env: &TestEnv, folders: &[&Path]) -> Vec<String> {
    folders
        .iter()
        .map(|folder| {
            let out = env
                .henko()
                .args(["--repo", "store", "snapshot", "--redact-secrets"])
                .arg(folder)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            stdout(&out).trim().to_string()
        })
        .collect()
}

fn changed_files(env: &TestEnv, store: &str, from: &str, to: &str) -> String {
    stdout(&env.git(&["-C", store, "diff", "--name-only", from, to]))
}

#[test]
fn no_secret_of_the_demo_reaches_an_object_and_rotations_still_show() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    env.henko().args(["init", "plain"]).assert().success();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo");
    let dates = ["2023-04-01", "2023-05-15", "2023-06-30"];
    let folders: Vec<_> = dates.iter().map(|d| demo.join(d)).collect();
    let folder_refs: Vec<&Path> = folders.iter().map(|p| p.as_path()).collect();
    let secrets = secret_values(&folder_refs);
    assert!(
        secrets.len() >= 5,
        "the demo should hold secrets: {secrets:?}"
    );

    let redacted = snapshot_redacted(&env, &folder_refs);
    let objects = every_object(&env);
    for secret in &secrets {
        assert!(
            !contains(&objects, secret.as_bytes()),
            "secret {secret:?} is in the store"
        );
    }
    assert!(contains(&objects, b"<secret:"));

    // `henko diff` between redacted snapshots still reports the rotations.
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "diff",
            &redacted[0],
            &redacted[1],
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rotations = diff["devices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|device| device["changes"].as_array().unwrap())
        .filter(|change| {
            change["op"] == "modify"
                && change["before"] != change["after"]
                && change["before"].as_str().unwrap_or("").contains("<secret")
        })
        .count();
    assert!(rotations >= 2, "no secret rotation reported: {diff}");

    // The same history without redaction: the same files change.
    let plain: Vec<String> = folders
        .iter()
        .map(|folder| {
            let out = env
                .henko()
                .args(["--repo", "plain", "snapshot"])
                .arg(folder)
                .output()
                .unwrap();
            stdout(&out).trim().to_string()
        })
        .collect();
    for i in 1..dates.len() {
        assert_eq!(
            changed_files(&env, "store", &redacted[i - 1], &redacted[i]),
            changed_files(&env, "plain", &plain[i - 1], &plain[i]),
            "{} -> {}",
            dates[i - 1],
            dates[i]
        );
    }
}

#[test]
fn the_store_setting_turns_redaction_on_for_every_snapshot() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let set = env.git(&["-C", "store", "config", "henko.redactSecrets", "true"]);
    assert!(set.status.success());
    env.write(
        "backup/r1.cfg",
        "hostname r1\nusername admin secret 5 $1$abcd$VerySecretHash\n",
    );
    env.henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .assert()
        .success();
    let objects = every_object(&env);
    assert!(!contains(&objects, b"VerySecretHash"));
    assert!(contains(&objects, b"username admin secret 5 <secret:"));
}

#[test]
fn no_secret_of_the_corpus_reaches_an_object() {
    let Some(corpus) = corpus() else { return };
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let secrets = secret_values(&[corpus.as_path()]);
    snapshot_redacted(&env, &[corpus.as_path()]);
    let objects = every_object(&env);
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| contains(&objects, s.as_bytes()))
        .collect();
    assert!(
        leaked.is_empty(),
        "{} of {} secrets leaked: {leaked:?}",
        leaked.len(),
        secrets.len()
    );
}
