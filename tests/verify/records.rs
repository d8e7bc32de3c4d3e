//! Execution records: `verify --record`, `check --require-record`, `log`,
//! and concurrent writers. Expected hashes come from the `sha256sum` tool,
//! not from henko.

use super::fixture::*;

fn run(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env
        .henko()
        .args(["--repo", "store"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_requires_a_record_that_says_landed_and_log_shows_it() {
    let env = setup();
    let (code, out, _) = run(&env, &["check", "plan.json", "--require-record"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not verified: no execution record"), "{out}");

    // A partial outcome recorded: still refused, naming the device.
    let mut configs = to_configs();
    configs[0].1 = ios("r1", " ip ospf cost 20\n");
    let partial = after(&env, &configs);
    let (code, _, err) = run(
        &env,
        &[
            "verify",
            "plan.json",
            &partial,
            "--record",
            "--by",
            "Taro Yamada",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("recorded the outcome"), "{err}");
    let (code, out, _) = run(
        &env,
        &[
            "check",
            "plan.json",
            "--require-record",
            "--junit",
            "gate.xml",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.contains("r1 partial"), "{out}");
    let junit = std::fs::read_to_string(env.join("gate.xml")).unwrap();
    assert!(junit.contains("change landed on every device"), "{junit}");

    // The fix lands; its record, with evidence, makes the gate pass.
    env.write("evidence/r1/post/1.txt", "Gi0/1 is administratively down\n");
    let landed = after(&env, &to_configs());
    let (code, _, err) = run(
        &env,
        &[
            "verify",
            "plan.json",
            &landed,
            "--record",
            "--by",
            "Taro Yamada",
            "--checked-by",
            "Hanako Suzuki",
            "--comment",
            "second window",
            "--evidence",
            "evidence",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(&env, &["check", "plan.json", "--require-record"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every device landed"), "{out}");
    // Without the flag nothing changes for plans never recorded.
    let (code, _, _) = run(&env, &["check", "plan.json"]);
    assert_eq!(code, 0);

    // The record holds the evidence hash (`printf 'Gi0/1 is administratively down\n' | sha256sum`).
    let show = env.git(&[
        "-C",
        "store",
        "show",
        "refs/henko/records",
        "--name-only",
        "--format=%s",
    ]);
    let show = String::from_utf8_lossy(&show.stdout);
    let path = show
        .lines()
        .find(|l| l.ends_with(".json"))
        .unwrap()
        .to_string();
    let blob = env.git(&["-C", "store", "show", &format!("refs/henko/records:{path}")]);
    let record: serde_json::Value = serde_json::from_slice(&blob.stdout).unwrap();
    assert_eq!(record["schema"], "henko.record/v1");
    assert_eq!(record["checked_by"], "Hanako Suzuki");
    assert_eq!(record["evidence"][0]["path"], "r1/post/1.txt");
    assert_eq!(
        record["evidence"][0]["sha256"],
        sha256_of("Gi0/1 is administratively down\n").as_str()
    );

    // `log` shows each record under the snapshot it was read from.
    let (code, log, _) = run(&env, &["log"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = log.lines().collect();
    let landed_line = lines.iter().position(|l| l.starts_with(&landed)).unwrap();
    assert!(
        lines[landed_line + 1].contains("record of plan")
            && lines[landed_line + 1].contains("by Taro Yamada, checked by Hanako Suzuki: landed"),
        "{log}"
    );
    let partial_line = lines.iter().position(|l| l.starts_with(&partial)).unwrap();
    assert!(
        lines[partial_line + 1].contains("needs attention (4 landed, 1 partial)"),
        "{log}"
    );
    let (_, json, _) = run(&env, &["log", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json[0]["id"], landed);
    assert_eq!(json[0]["records"][0]["passed"], true);
}

fn sha256_of(text: &str) -> String {
    let out = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .expect("sha256sum");
    format!(
        "sha256:{}",
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
    )
}

#[test]
fn concurrent_records_lose_nothing() {
    let env = setup();
    let landed = after(&env, &to_configs());
    let writers = 8;
    let children: Vec<_> = (0..writers)
        .map(|i| {
            env.henko_process()
                .args([
                    "--repo",
                    "store",
                    "verify",
                    "plan.json",
                    &landed,
                    "--record",
                    "--by",
                ])
                // Half the writers share a name, so they race for the same numbered path.
                .arg(if i % 2 == 0 {
                    "same".to_string()
                } else {
                    format!("writer{i}")
                })
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let tree = env.git(&[
        "-C",
        "store",
        "ls-tree",
        "-r",
        "--name-only",
        "refs/henko/records",
    ]);
    let files: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(files.len(), writers, "{files:?}");
    assert_eq!(
        files.iter().filter(|f| f.contains("/record-same-")).count(),
        writers / 2
    );
    let commits = env.git(&["-C", "store", "rev-list", "--count", "refs/henko/records"]);
    assert_eq!(
        String::from_utf8_lossy(&commits.stdout).trim(),
        writers.to_string()
    );
}
