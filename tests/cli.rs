//! End-to-end tests of the command-line conventions: arguments that are
//! both a path and a revision, the bare store plain git cannot break,
//! snapshots of a broken inventory, completions and manual pages.

use crate::common::TestEnv;
use std::process::Output;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A store with two snapshots of `backup/` and, beside it, a folder named
/// like the store's branch (`snapshots/`), holding a third version.
fn store_and_a_folder_named_like_the_branch(env: &TestEnv) {
    env.init_store();
    env.write("backup/configs/r1.cfg", "hostname r1\n");
    env.snapshot("backup", "first");
    env.write("backup/configs/r1.cfg", "hostname r1-new\n");
    env.snapshot("backup", "second");
    env.write("snapshots/configs/r1.cfg", "hostname r1-folder\n");
}

#[test]
fn an_argument_that_is_a_path_and_a_revision_is_refused() {
    let env = TestEnv::new();
    store_and_a_folder_named_like_the_branch(&env);
    let out = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", "snapshots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains("`snapshots` is both an existing path and a revision"),
        "{message}"
    );
    assert!(message.contains("./snapshots"), "{message}");
    assert!(message.contains("rev:snapshots"), "{message}");
}

#[test]
fn dot_slash_is_the_folder_and_rev_prefix_is_the_revision() {
    let env = TestEnv::new();
    store_and_a_folder_named_like_the_branch(&env);
    let folder = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", "./snapshots"])
        .output()
        .unwrap();
    assert_eq!(folder.status.code(), Some(0), "{}", stderr(&folder));
    assert!(stdout(&folder).contains("r1-folder"), "{}", stdout(&folder));

    let revision = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", "rev:snapshots"])
        .output()
        .unwrap();
    assert_eq!(revision.status.code(), Some(0), "{}", stderr(&revision));
    let text = stdout(&revision);
    assert!(
        text.contains("r1-new") && !text.contains("r1-folder"),
        "{text}"
    );

    let absolute = env.join("snapshots").display().to_string();
    let out = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", &absolute])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("r1-folder"));

    let missing = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", "./nowhere"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn the_store_is_bare_so_plain_git_cannot_commit_a_deletion() {
    let env = TestEnv::new();
    env.init_store();
    env.write("backup/configs/r1.cfg", "hostname r1\n");
    let id = env.snapshot("backup", "first");
    let bare = env.git(&["-C", "store", "rev-parse", "--is-bare-repository"]);
    assert_eq!(stdout(&bare), "true\n");
    // No work tree, no index: git refuses instead of staging a deletion.
    let status = env.git(&["-C", "store", "status", "--porcelain"]);
    assert!(!status.status.success());
    assert!(stderr(&status).contains("work tree"), "{}", stderr(&status));
    let commit = env.git(&["-C", "store", "commit", "-qam", "oops"]);
    assert!(!commit.status.success());
    let head = env.git(&["-C", "store", "rev-parse", "snapshots"]);
    assert_eq!(stdout(&head).trim(), id);
    let log = env.git(&["-C", "store", "log", "--oneline"]);
    assert!(stdout(&log).contains("first"), "{}", stdout(&log));
}

#[test]
fn a_store_with_a_work_tree_keeps_working() {
    let env = TestEnv::new();
    assert!(env
        .git(&["init", "-q", "-b", "snapshots", "store"])
        .status
        .success());
    env.henko()
        .args(["init", "--existing", "store"])
        .assert()
        .success();
    env.write("backup/configs/r1.cfg", "hostname r1\n");
    env.snapshot("backup", "first");
    env.write("backup/configs/r1.cfg", "hostname r2\n");
    env.snapshot("backup", "second");
    let out = env
        .henko()
        .args(["--repo", "store", "diff", "snapshots~1", "rev:snapshots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("hostname r2"));
}

#[test]
fn a_broken_inventory_is_committed_with_located_warnings() {
    let env = TestEnv::new();
    env.init_store();
    env.write("backup/configs/fw1.cfg", "hostname fw1\n");
    env.write(
        "backup/inventory.yaml",
        "devices:\n  - name: fw1\n  - name: fw1\n",
    );
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim().len(), 40, "the commit id");
    let warning = stderr(&out);
    assert!(warning.contains("warning: backup committed"), "{warning}");
    assert!(warning.contains("duplicate_name"), "{warning}");
    assert!(warning.contains("inventory.yaml:3"), "{warning}");
    let log = env.git(&["-C", "store", "rev-parse", "snapshots"]);
    assert_eq!(stdout(&log).trim(), stdout(&out).trim());
}

#[test]
fn strict_refuses_a_broken_inventory_and_commits_nothing() {
    let env = TestEnv::new();
    env.init_store();
    env.write("backup/configs/fw1.cfg", "hostname fw1\n");
    env.write(
        "backup/inventory.yaml",
        "devices:\n  - name: fw1\n  - name: fw1\n",
    );
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "--strict", "backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let message = stderr(&out);
    assert!(message.contains("duplicate_name"), "{message}");
    assert!(message.contains("nothing committed"), "{message}");
    let head = env.git(&["-C", "store", "rev-parse", "--verify", "-q", "snapshots"]);
    assert!(
        !head.status.success(),
        "no branch yet: nothing was committed"
    );

    env.write("backup/inventory.yaml", "devices:\n  - name: fw1\n");
    let clean = env
        .henko()
        .args(["--repo", "store", "snapshot", "--strict", "backup"])
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(stderr(&clean).is_empty(), "{}", stderr(&clean));
}

#[test]
fn completions_are_generated_for_every_shell() {
    let env = TestEnv::new();
    for (shell, marker) in [
        ("bash", "_henko()"),
        ("zsh", "#compdef henko"),
        ("fish", "complete -c henko"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = env.henko().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("snapshot"), "{shell} completes subcommands");
    }
    let bad = env.henko().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_cover_every_subcommand() {
    let env = TestEnv::new();
    let out = env.henko().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie"),
        "roff: {}",
        &page[..page.len().min(80)]
    );
    assert!(page.contains(".TH henko 1"), "{page}");

    let listed = env.henko().args(["man", "--out", "man"]).output().unwrap();
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    for name in [
        "henko.1",
        "henko-snapshot.1",
        "henko-diff.1",
        "henko-plan.1",
    ] {
        let text = std::fs::read_to_string(env.join("man").join(name)).unwrap();
        assert!(text.contains(".SH"), "{name}");
    }
    let snapshot = std::fs::read_to_string(env.join("man/henko-snapshot.1")).unwrap();
    assert!(snapshot.contains("strict"), "{snapshot}");
}
