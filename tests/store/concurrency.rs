//! The store under concurrent and killed writers: no snapshot is ever lost,
//! no ref ever points at a missing object.

use super::{assert_fsck_clean, stderr, stdout};
use crate::common::TestEnv;
use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Starts `henko --repo store snapshot <folder>` without waiting for it.
fn spawn_snapshot(env: &TestEnv, folder: &str) -> Child {
    env.henko_process()
        .args(["--repo", "store", "snapshot", folder])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every commit on the snapshots branch.
fn history(env: &TestEnv) -> HashSet<String> {
    stdout(&env.git(&["-C", "store", "rev-list", "snapshots"]))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs `writers` snapshots of distinct folders at once, `rounds` times;
/// asserts each either committed (and its commit is in the history) or
/// failed cleanly with exit 2 naming the contention.
fn race(writers: usize, rounds: usize) {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let mut committed = Vec::new();
    for round in 0..rounds {
        for writer in 0..writers {
            env.write(
                format!("backup-{writer}/configs/sw{writer}.cfg"),
                format!("hostname sw{writer}\n! round {round}\n"),
            );
        }
        let children: Vec<Child> = (0..writers)
            .map(|writer| spawn_snapshot(&env, &format!("backup-{writer}")))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            match out.status.code() {
                Some(0) => committed.push(stdout(&out).trim().to_string()),
                Some(2) => assert!(
                    stderr(&out).contains("kept moving under concurrent writers"),
                    "unclean failure: {}",
                    stderr(&out)
                ),
                other => panic!("exit {other:?}: {}", stderr(&out)),
            }
        }
    }
    let history = history(&env);
    for id in &committed {
        assert!(history.contains(id), "snapshot {id} was lost");
    }
    assert!(
        committed.len() * 10 >= writers * rounds * 9,
        "too many writers gave up: {} of {}",
        writers * rounds - committed.len(),
        writers * rounds
    );
    assert_fsck_clean(&env);
}

#[test]
fn two_processes_snapshotting_at_once_both_land() {
    race(2, 5);
}

#[test]
fn eight_processes_fifty_rounds_lose_nothing() {
    race(8, 50);
}

#[test]
fn killing_a_snapshot_never_leaves_a_dangling_ref() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    for i in 0..1_000 {
        env.write(
            format!("backup/configs/d{:02}/dev{i}.cfg", i % 50),
            format!(
                "hostname dev{i}\ninterface e0\n ip address 10.0.{}.{} 255.255.255.0\n",
                i / 250,
                i % 250
            ),
        );
    }
    let out = spawn_snapshot(&env, "backup").wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Each run changes 150 files, enough to take the pack path (see
    // engine/source/store/write.rs). How long one takes, to spread the kills
    // over it (from process start to the ref move):
    let change = |marker: &str| {
        for i in 0..150 {
            env.write(
                format!("backup/configs/d{:02}/dev{i}.cfg", i % 50),
                format!("hostname dev{i}\n! {marker}\n"),
            );
        }
    };
    change("timing");
    let started = Instant::now();
    let out = spawn_snapshot(&env, "backup").wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let full = started.elapsed().max(Duration::from_millis(20));
    let mut tip = stdout(&out).trim().to_string();
    let kills = 12u32;
    for k in 0..kills {
        change(&format!("kill {k}"));
        let mut child = spawn_snapshot(&env, "backup");
        std::thread::sleep(full * k / kills);
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        // The ref is either where it was or at a complete new commit.
        let now = stdout(&env.git(&["-C", "store", "rev-parse", "snapshots"]))
            .trim()
            .to_string();
        if now != tip {
            assert_eq!(
                stdout(&out).trim(),
                now,
                "the ref moved to a commit nobody printed"
            );
            let parent = stdout(&env.git(&["-C", "store", "rev-parse", "snapshots~1"]));
            assert_eq!(parent.trim(), tip);
            tip = now;
        }
        assert_fsck_clean(&env);
    }
    // A killed writer may leave its ref lock behind, exactly like git;
    // otherwise the store takes the next snapshot normally.
    change("final");
    let out = spawn_snapshot(&env, "backup").wait_with_output().unwrap();
    assert!(
        out.status.success() || stderr(&out).contains("is locked"),
        "{}",
        stderr(&out)
    );
    assert_fsck_clean(&env);
}
