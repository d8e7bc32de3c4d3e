//! `henko diff` end to end: folders, single files, git revisions, filters,
//! formats, determinism across thread counts, and secrets never leaking.

use crate::common::{corpus, TestEnv};
use std::path::{Path, PathBuf};
use std::process::Output;

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `henko` with `args` in `env` and returns its output, asserting it
/// exited with `code`.
fn henko(env: &TestEnv, args: &[&str], code: i32) -> Output {
    let out = env.henko().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "henko {args:?}\nstdout:\n{}\nstderr:\n{}",
        text(&out),
        err(&out)
    );
    out
}

const R1_BEFORE: &str = "hostname r1
!
interface GigabitEthernet0/1
 description to core
 ip address 10.0.0.1 255.255.255.0
!
ip access-list extended EDGE
 permit tcp any any eq 22
 permit tcp any any eq 443
 deny ip any any
!
ntp server 10.0.0.1
";

const R1_AFTER: &str = "hostname r1
!
interface GigabitEthernet0/1
 description to core-2
 ip address 10.0.0.1 255.255.255.0
!
interface GigabitEthernet0/2
 shutdown
!
ip access-list extended EDGE
 permit tcp any any eq 22
 permit tcp any any eq 443
 deny ip any any
!
ntp server 10.0.0.2
";

/// Two folders: r1 changed, sw1..sw3 got the same NTP change, old1 gone,
/// new1 added.
fn two_folders(env: &TestEnv) {
    env.write("a/r1.cfg", R1_BEFORE);
    env.write("b/r1.cfg", R1_AFTER);
    for i in 1..=3 {
        env.write(
            format!("a/sw{i}.cfg"),
            format!("hostname sw{i}\nntp server 10.0.0.1\n"),
        );
        env.write(
            format!("b/sw{i}.cfg"),
            format!("hostname sw{i}\nntp server 10.0.0.9\n"),
        );
    }
    env.write("a/old1.cfg", "hostname old1\n");
    env.write("b/new1.cfg", "hostname new1\n");
    env.write("a/same.cfg", "hostname same\n");
    env.write("b/same.cfg", "hostname same\n");
}

#[test]
fn two_folders_as_text() {
    let env = TestEnv::new();
    two_folders(&env);
    let out = henko(&env, &["diff", "a", "b"], 0);
    insta::assert_snapshot!(text(&out));
}

#[test]
fn two_folders_as_json_has_the_documented_schema() {
    let env = TestEnv::new();
    two_folders(&env);
    let out = henko(&env, &["diff", "a", "b", "--format", "json"], 0);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["schema"], "henko.diff/v1");
    assert_eq!(value["from"]["rev"], "a");
    let names: Vec<&str> = value["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["new1", "old1", "r1", "sw1", "sw2", "sw3"]);
    let r1 = &value["devices"][2];
    assert_eq!(r1["status"], "modified");
    for change in r1["changes"].as_array().unwrap() {
        for key in ["op", "path", "before", "after", "category"] {
            assert!(change.get(key).is_some(), "{key} missing in {change}");
        }
    }
    assert_eq!(value["devices"][0]["status"], "added");
    assert_eq!(value["devices"][1]["status"], "removed");
    // r1 lost the same NTP server as the switches: four devices; the new
    // server went to the three switches only, and r1 is the exception.
    let fleet = value["fleet"].as_array().unwrap();
    assert_eq!(fleet[0]["devices"].as_array().unwrap().len(), 4);
    assert_eq!(fleet[1]["after"], "ntp server 10.0.0.9");
    assert_eq!(fleet[1]["not_on"], serde_json::json!(["r1"]));
}

#[test]
fn two_folders_stat_markdown_and_filters() {
    let env = TestEnv::new();
    two_folders(&env);
    let stat = text(&henko(&env, &["diff", "a", "b", "--stat"], 0));
    assert!(
        stat.lines()
            .any(|l| l.starts_with(" r1") && l.contains("+2 -1 ~1")),
        "{stat}"
    );
    let markdown = text(&henko(&env, &["diff", "a", "b", "--format", "markdown"], 0));
    assert!(
        markdown.contains("<details><summary><b>r1</b>"),
        "{markdown}"
    );
    let only = text(&henko(
        &env,
        &["diff", "a", "b", "--device", "sw[12]", "--format", "json"],
        0,
    ));
    let value: serde_json::Value = serde_json::from_str(&only).unwrap();
    assert_eq!(value["devices"].as_array().unwrap().len(), 2);
    // A site filter leaves out devices without an inventory entry's site.
    let none = text(&henko(&env, &["diff", "a", "b", "--site", "west"], 0));
    assert_eq!(none.trim(), "no changes");
}

#[test]
fn two_single_files_with_a_platform() {
    let env = TestEnv::new();
    env.write("old/edge.cfg", R1_BEFORE);
    env.write("new/edge.cfg", R1_AFTER);
    let out = henko(
        &env,
        &[
            "diff",
            "old/edge.cfg",
            "new/edge.cfg",
            "--platform",
            "ios",
            "--lines",
        ],
        0,
    );
    insta::assert_snapshot!(text(&out));
}

#[test]
fn unknown_platform_and_missing_input_exit_2_naming_them() {
    let env = TestEnv::new();
    env.write("a.cfg", "x\n");
    let out = henko(&env, &["diff", "a.cfg", "a.cfg", "--platform", "nope"], 2);
    assert!(err(&out).contains("nope"), "{}", err(&out));
    let out = henko(&env, &["diff", "a.cfg", "missing.cfg"], 2);
    assert!(err(&out).contains("missing.cfg"), "{}", err(&out));
    env.write("d/r1.cfg", "x\n");
    let out = henko(&env, &["diff", "a.cfg", "d"], 2);
    assert!(err(&out).contains("a.cfg"), "{}", err(&out));
}

#[test]
fn a_bad_ignore_pattern_is_an_input_error_naming_the_file() {
    let env = TestEnv::new();
    two_folders(&env);
    env.write("b/.henko/ignore", "# noise\n^ntp (\n");
    let out = henko(&env, &["diff", "a", "b"], 2);
    assert!(err(&out).contains(".henko/ignore:2"), "{}", err(&out));
}

#[test]
fn store_ignore_patterns_drop_lines() {
    let env = TestEnv::new();
    two_folders(&env);
    env.write("b/.henko/ignore", "^ntp server\n");
    let out = text(&henko(&env, &["diff", "a", "b", "--format", "json"], 0));
    assert!(!out.contains("ntp server"), "{out}");
}

#[test]
fn secret_churn_is_left_out_by_flag_or_store_setting() {
    let env = TestEnv::new();
    env.write("c/fw.conf", "config system admin\n    edit \"admin\"\n        set password ENC AAAAone\n    next\nend\n");
    env.write("d/fw.conf", "config system admin\n    edit \"admin\"\n        set password ENC AAAAtwo\n    next\nend\n");
    let churn = text(&henko(
        &env,
        &["diff", "c", "d", "--platform", "fortios", "--stat"],
        0,
    ));
    assert!(churn.contains("1 change"), "{churn}");
    let quiet = text(&henko(
        &env,
        &[
            "diff",
            "c",
            "d",
            "--platform",
            "fortios",
            "--ignore-secret-churn",
        ],
        0,
    ));
    assert_eq!(quiet.trim(), "no changes");
    env.write("d/.henko/settings.yaml", "ignore_secret_churn: true\n");
    let quiet = text(&henko(
        &env,
        &["diff", "c", "d", "--platform", "fortios"],
        0,
    ));
    assert_eq!(quiet.trim(), "no changes");
}

/// Builds a store with the three demo snapshots committed in order and
/// returns their commit ids.
fn demo_store(env: &TestEnv) -> Vec<String> {
    henko(env, &["init", "store"], 0);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo");
    let mut dates: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dates.sort();
    let mut commits = Vec::new();
    for date in dates {
        let dir = date.display().to_string();
        let out = henko(env, &["--repo", "store", "snapshot", &dir, "-m", "demo"], 0);
        commits.push(text(&out).trim().to_string());
    }
    commits
}

#[test]
fn two_git_revisions_of_the_demo_store() {
    let env = TestEnv::new();
    let commits = demo_store(&env);
    // The fourth point in time is the backup after the last window.
    assert_eq!(commits.len(), 4);
    let out = henko(
        &env,
        &[
            "--repo", "store", "diff", "HEAD~3", "HEAD~2", "--format", "json",
        ],
        0,
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["from"]["rev"], "HEAD~3");
    assert_eq!(value["from"]["commit"].as_str().unwrap().len(), 40);
    assert!(!value["devices"].as_array().unwrap().is_empty());
    let out = henko(&env, &["--repo", "store", "diff", "HEAD~3", "HEAD~2"], 0);
    // Fingerprints are keyed with the store's random key: stable within a
    // store, different in every new one.
    let fingerprint = regex::Regex::new("<secret:[0-9a-f]{8}>").unwrap();
    let shown = env.normalize(&text(&out));
    insta::assert_snapshot!(fingerprint.replace_all(&shown, "<secret:[FP]>"));
}

#[test]
fn the_same_diff_with_one_and_many_threads_is_byte_identical() {
    let env = TestEnv::new();
    demo_store(&env);
    let run = |threads: &str| {
        let args = [
            "--repo",
            "store",
            "diff",
            "HEAD~3",
            "HEAD",
            "--format",
            "json",
            "--threads",
            threads,
        ];
        henko(&env, &args, 0).stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    for threads in ["2", "4", "8"] {
        assert_eq!(one, run(threads), "{threads} threads differ from 1");
    }
}

/// Every secret value of the files under `dir` (the value after a secret
/// keyword), at least 6 characters so a short word cannot match by chance.
fn known_secrets(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            known_secrets(&path, out);
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for (i, word) in words.iter().enumerate() {
                // `community` names a secret only in SNMP settings
                // (`match community LIST` names a community list).
                let keyword = matches!(
                    *word,
                    "password" | "secret" | "ENC" | "passwd" | "psksecret"
                ) || (*word == "community" && words[0].starts_with("snmp"));
                if !keyword {
                    continue;
                }
                let value = words[i + 1..]
                    .iter()
                    .find(|w| !matches!(**w, "0" | "5" | "7" | "8" | "9" | "ENC" | "sha512"));
                if let Some(value) = value {
                    let value = value.trim_matches('"');
                    // `username arista … secret arista`: the name is not secret.
                    let elsewhere = words
                        .iter()
                        .filter(|w| w.trim_matches('"') == value)
                        .count()
                        > 1;
                    if value.len() >= 6 && !value.starts_with('<') && !elsewhere {
                        out.push(value.to_string());
                    }
                }
            }
        }
    }
}

fn assert_no_secret(output: &str, secrets: &[String], what: &str) {
    for secret in secrets {
        assert!(!output.contains(secret.as_str()), "{what} leaks `{secret}`");
    }
}

#[test]
fn no_output_format_leaks_a_demo_secret() {
    let env = TestEnv::new();
    demo_store(&env);
    let mut secrets = Vec::new();
    known_secrets(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo"),
        &mut secrets,
    );
    assert!(secrets.len() >= 5, "the demo carries secrets: {secrets:?}");
    for (from, to) in [
        ("HEAD~3", "HEAD~2"),
        ("HEAD~2", "HEAD~1"),
        ("HEAD~1", "HEAD"),
        ("HEAD~3", "HEAD"),
    ] {
        for format in ["text", "json", "markdown"] {
            for extra in [&[][..], &["--lines"], &["--stat"]] {
                let mut args = vec!["--repo", "store", "diff", from, to, "--format", format];
                args.extend_from_slice(extra);
                let out = henko(&env, &args, 0);
                assert_no_secret(&text(&out), &secrets, &format!("{args:?}"));
            }
        }
    }
    // An empty FROM makes every demo line an addition, bodies included.
    env.mkdir("empty");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo/2023-06-30");
    for format in ["text", "json", "markdown"] {
        let args = [
            "diff",
            "empty",
            demo.to_str().unwrap(),
            "--format",
            format,
            "--lines",
        ];
        let out = henko(&env, &args, 0);
        assert_no_secret(&text(&out), &secrets, &format!("{args:?}"));
    }
}

#[test]
fn no_output_format_leaks_a_corpus_secret() {
    let Some(corpus) = corpus() else {
        return;
    };
    let pairs = corpus.join("pairs");
    let Ok(entries) = std::fs::read_dir(&pairs) else {
        return;
    };
    let env = TestEnv::new();
    for entry in entries.flatten() {
        let (before, after) = (entry.path().join("before"), entry.path().join("after"));
        if !before.is_dir() || !after.is_dir() {
            continue;
        }
        let mut secrets = Vec::new();
        known_secrets(&entry.path(), &mut secrets);
        for format in ["text", "json", "markdown"] {
            let args = [
                "diff",
                before.to_str().unwrap(),
                after.to_str().unwrap(),
                "--format",
                format,
                "--lines",
            ];
            let out = henko(&env, &args, 0);
            assert_no_secret(
                &text(&out),
                &secrets,
                &format!("{}", entry.path().display()),
            );
        }
    }
}

/// `--shard i/n` splits the changed devices into disjoint parts that
/// together are the whole diff, the same way on every run.
#[test]
fn shards_partition_the_changed_devices() {
    let env = TestEnv::new();
    for i in 0..12 {
        env.write(
            format!("a/configs/r{i:02}.cfg"),
            format!("hostname r{i:02}\nntp server 10.0.0.1\n"),
        );
        env.write(
            format!("b/configs/r{i:02}.cfg"),
            format!("hostname r{i:02}\nntp server 10.0.0.2\n"),
        );
    }
    let names = |args: &[&str]| -> Vec<String> {
        let out = env.henko().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        value["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = names(&["diff", "a", "b", "--format", "json"]);
    let one = names(&["diff", "a", "b", "--format", "json", "--shard", "1/2"]);
    let two = names(&["diff", "a", "b", "--format", "json", "--shard", "2/2"]);
    assert_eq!(all.len(), 12);
    assert!(!one.is_empty() && !two.is_empty(), "{one:?} {two:?}");
    assert!(one.iter().all(|n| !two.contains(n)));
    let mut joined: Vec<String> = one.into_iter().chain(two).collect();
    joined.sort();
    assert_eq!(joined, all);
    env.henko()
        .args(["diff", "a", "b", "--shard", "3/2"])
        .assert()
        .code(2);
}

/// A removed entry of a nested YAML list showed as `- - name: …` over
/// `-  lun: 10`: the entry's lines were indented one space, not under the
/// entry's first key as YAML writes them.
#[test]
fn a_removed_nested_yaml_list_item_lines_up_under_its_key() {
    let env = TestEnv::new();
    let before = "hosts:\n  - name: esx02\n    connections:\n      - name: vol-db01-data\n        lun: 10\n      - name: vol-db01-redo\n        lun: 11\n";
    let after =
        "hosts:\n  - name: esx02\n    connections:\n      - name: vol-db01-redo\n        lun: 11\n";
    env.write("old/w-pure01.yaml", before);
    env.write("new/w-pure01.yaml", after);
    let args = ["diff", "old/w-pure01.yaml", "new/w-pure01.yaml"];
    let out = henko(
        &env,
        &[&args[..], &["--platform", "purestorage"]].concat(),
        0,
    );
    insta::assert_snapshot!("yaml_item_text", text(&out));
    let markdown = [
        &args[..],
        &["--platform", "purestorage", "--format", "markdown"],
    ]
    .concat();
    let out = henko(&env, &markdown, 0);
    insta::assert_snapshot!("yaml_item_markdown", text(&out));
}

/// A Junos `ntp server` that gained a sibling showed as removed and
/// re-added (`- server 10.0.0.40`, `+ server`, `+  10.0.0.40`, `+
/// 10.0.0.41`): one server is folded into one leaf, two are a section.
#[test]
fn a_junos_server_that_gains_a_sibling_is_one_addition() {
    let env = TestEnv::new();
    env.write(
        "old/r1.conf",
        "system {\n    host-name r1;\n    ntp {\n        server 10.0.0.40;\n    }\n}\n",
    );
    env.write(
        "new/r1.conf",
        "system {\n    host-name r1;\n    ntp {\n        server 10.0.0.40;\n        server 10.0.0.41;\n    }\n}\n",
    );
    let out = henko(
        &env,
        &["diff", "old/r1.conf", "new/r1.conf", "--platform", "junos"],
        0,
    );
    insta::assert_snapshot!("junos_sibling_text", text(&out));
    // And back: losing the sibling is one removal.
    let out = henko(
        &env,
        &[
            "diff",
            "new/r1.conf",
            "old/r1.conf",
            "--platform",
            "junos",
            "--format",
            "json",
        ],
        0,
    );
    let json: serde_json::Value = serde_json::from_str(&text(&out)).unwrap();
    let changes = &json["devices"][0]["changes"];
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(changes[0]["op"], "remove");
    assert_eq!(
        changes[0]["path"],
        serde_json::json!(["system", "ntp", "server", "10.0.0.41"])
    );
}
