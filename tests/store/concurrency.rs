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

/// Issue 6's data-safety case: 8 processes at once, 4 taking snapshots and
/// 4 recording approvals (`henko approve`), 50 rounds: every snapshot and
/// every approval is there afterwards and `git fsck` is clean.
#[test]
fn eight_processes_snapshotting_and_approving_fifty_rounds_lose_nothing() {
    let env = TestEnv::new();
    env.init_store();
    let inventory = "devices:\n  - name: core1\n    kind: router\n    platform: ios\n    site: west\n    env: prod\n";
    for v in ["v1", "v2"] {
        env.write(format!("{v}/inventory.yaml"), inventory);
        env.write(
            format!("{v}/configs/core1.cfg"),
            format!("hostname core1\n!\ninterface Gi0/1\n description {v}\n!\nend\n"),
        );
    }
    let (from, to) = (env.snapshot("v1", "v1"), env.snapshot("v2", "v2"));
    let plan = env
        .henko()
        .args([
            "--repo",
            "store",
            "plan",
            &from,
            &to,
            "-o",
            "plan.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(plan.status.success(), "{}", stderr(&plan));

    let (rounds, writers) = (50, 4);
    let mut snapshots = Vec::new();
    let mut approvals = 0;
    for round in 0..rounds {
        for w in 0..writers {
            env.write(
                format!("b{w}/configs/core1.cfg"),
                format!("hostname core1\n! {w} {round}\n"),
            );
        }
        let mut children: Vec<(bool, Child)> = (0..writers)
            .map(|w| (true, spawn_snapshot(&env, &format!("b{w}"))))
            .collect();
        for w in 0..writers {
            let child = env
                .henko_process()
                .args([
                    "--repo",
                    "store",
                    "approve",
                    "plan.json",
                    "--by",
                    &format!("approver{w}"),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            children.push((false, child));
        }
        for (is_snapshot, child) in children {
            let out = child.wait_with_output().unwrap();
            match out.status.code() {
                Some(0) if is_snapshot => snapshots.push(stdout(&out).trim().to_string()),
                Some(0) => approvals += 1,
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
    for id in &snapshots {
        assert!(history.contains(id), "snapshot {id} was lost");
    }
    let recorded = stdout(&env.git(&[
        "-C",
        "store",
        "ls-tree",
        "-r",
        "--name-only",
        "refs/henko/approvals",
    ]));
    assert_eq!(recorded.lines().count(), approvals, "an approval was lost");
    assert!(
        approvals * 10 >= rounds * writers * 9,
        "only {approvals} approvals landed"
    );
    assert!(
        snapshots.len() * 10 >= rounds * writers * 9,
        "only {} snapshots landed",
        snapshots.len()
    );
    assert_fsck_clean(&env);
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
            // Killed after the ref moved but before printing is fine; a
            // printed id must be the new tip.
            let printed = stdout(&out);
            assert!(
                printed.is_empty() || printed.trim() == now,
                "printed {printed:?}, ref at {now}"
            );
            let marker = env.git(&["-C", "store", "show", "snapshots:configs/d00/dev0.cfg"]);
            assert_eq!(stdout(&marker), format!("hostname dev0\n! kill {k}\n"));
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
