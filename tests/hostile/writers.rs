//! Snapshots and approvals written by many processes at once into one
//! store: nothing is lost and `git fsck` stays clean. (`tests/store` races
//! snapshots alone; this mixes in `henko approve`, including the same
//! person approving twice at the same moment.)

use crate::common::TestEnv;
use std::collections::HashSet;
use std::process::{Child, Stdio};

/// Output of a git command in the store, as text.
fn git(env: &TestEnv, args: &[&str]) -> String {
    let mut all = vec!["-C", "store"];
    all.extend_from_slice(args);
    let out = env.git(&all);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    env.henko_process()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `processes` writers per round, half snapshotting their own folder and
/// half approving one plan (two of them under the same name and role),
/// for `rounds` rounds.
fn race(processes: usize, rounds: usize) {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    env.write("v1/configs/r1.cfg", "hostname r1\n");
    env.write("v2/configs/r1.cfg", "hostname r1-new\n");
    env.henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "-o",
            "plan.json",
        ])
        .assert()
        .success();
    let mut snapshots = Vec::new();
    let mut approvals = 0;
    for round in 0..rounds {
        let mut children = Vec::new();
        for writer in 0..processes {
            let child = if writer % 2 == 0 {
                env.write(
                    format!("backup-{writer}/configs/sw{writer}.cfg"),
                    format!("hostname sw{writer}\n! round {round}\n"),
                );
                let folder = format!("backup-{writer}");
                (true, spawn(&env, &["--repo", "store", "snapshot", &folder]))
            } else {
                // Writers 1 and 3 approve as the same person in the same role.
                let by = if writer <= 3 {
                    "alice".to_string()
                } else {
                    format!("approver{writer}")
                };
                let args = ["--repo", "store", "approve", "plan.json", "--by", &by];
                (false, spawn(&env, &args))
            };
            children.push(child);
        }
        for (is_snapshot, child) in children {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) if is_snapshot => {
                    snapshots.push(String::from_utf8_lossy(&out.stdout).trim().to_string())
                }
                Some(0) => approvals += 1,
                Some(2) => assert!(err.contains("concurrent"), "unclean failure: {err}"),
                other => panic!("exit {other:?}: {err}"),
            }
        }
    }
    let history: HashSet<String> = git(&env, &["rev-list", "snapshots"])
        .lines()
        .map(str::to_string)
        .collect();
    for id in &snapshots {
        assert!(history.contains(id), "snapshot {id} was lost");
    }
    let records = git(
        &env,
        &["ls-tree", "-r", "--name-only", "refs/henko/approvals"],
    );
    assert_eq!(
        records.lines().count(),
        approvals,
        "approvals committed vs recorded:\n{records}"
    );
    let attempts = processes * rounds;
    assert!(
        (snapshots.len() + approvals) * 10 >= attempts * 9,
        "too many writers gave up: {} of {attempts}",
        attempts - snapshots.len() - approvals
    );
    let fsck = env.git(&["-C", "store", "fsck", "--strict"]);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&fsck.stdout),
        String::from_utf8_lossy(&fsck.stderr)
    );
    assert!(fsck.status.success(), "fsck: {report}");
    for problem in ["error", "missing", "broken", "corrupt"] {
        assert!(!report.contains(problem), "fsck: {report}");
    }
}

#[test]
fn eight_processes_snapshotting_and_approving_lose_nothing() {
    race(8, 10);
}

/// The issue's full size; run with `cargo test --test main writers -- --ignored`.
#[test]
#[ignore = "50 rounds of 8 processes: run with --ignored"]
fn eight_processes_fifty_rounds_snapshotting_and_approving() {
    race(8, 50);
}
