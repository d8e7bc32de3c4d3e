//! Stores in odd states, through the commands that read revisions: each
//! answers with exit 2 naming what is wrong, or works where it should.

use super::{expect, shorten};
use crate::common::TestEnv;

/// A store at `store/` with two snapshots of `backup/`.
fn two_snapshots(env: &TestEnv) {
    env.henko().args(["init", "store"]).assert().success();
    env.write("backup/configs/r1.cfg", "hostname r1\n");
    env.henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .assert()
        .success();
    env.write("backup/configs/r1.cfg", "hostname r1b\n");
    env.henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .assert()
        .success();
}

#[test]
fn reading_revisions_outside_a_store_is_a_clean_error() {
    let env = TestEnv::new();
    env.mkdir("plain");
    for args in [
        &["--repo", "plain", "diff", "HEAD~1", "HEAD"][..],
        &["--repo", "plain", "plan", "HEAD~1", "HEAD"][..],
        &["--repo", "plain", "validate", "HEAD"][..],
    ] {
        let text = expect(&env, args, 2);
        assert!(text.contains("plain"), "{args:?}: {}", shorten(&text));
    }
}

#[test]
fn a_revision_that_does_not_exist_is_named() {
    let env = TestEnv::new();
    two_snapshots(&env);
    for args in [
        &["--repo", "store", "diff", "no-such-rev", "HEAD"][..],
        &["--repo", "store", "plan", "HEAD", "no-such-rev"][..],
    ] {
        let text = expect(&env, args, 2);
        assert!(text.contains("no-such-rev"), "{args:?}: {}", shorten(&text));
    }
}

#[test]
fn a_shallow_clone_diffs_what_it_has_and_names_what_it_lacks() {
    let env = TestEnv::new();
    two_snapshots(&env);
    let url = format!("file://{}", env.join("store").display());
    let clone = env.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "snapshots",
        &url,
        "shallow",
    ]);
    assert!(
        clone.status.success(),
        "{}",
        String::from_utf8_lossy(&clone.stderr)
    );
    expect(&env, &["--repo", "shallow", "diff", "HEAD", "HEAD"], 0);
    let text = expect(&env, &["--repo", "shallow", "diff", "HEAD~1", "HEAD"], 2);
    assert!(text.contains("HEAD~1"), "{}", shorten(&text));
}

#[test]
fn a_detached_head_store_still_diffs_and_snapshots() {
    let env = TestEnv::new();
    two_snapshots(&env);
    let tip = env.git(&["-C", "store", "rev-parse", "snapshots"]);
    let tip = String::from_utf8_lossy(&tip.stdout).trim().to_string();
    let detach = env.git(&["-C", "store", "update-ref", "--no-deref", "HEAD", &tip]);
    assert!(detach.status.success());
    let text = expect(&env, &["--repo", "store", "diff", "HEAD~1", "HEAD"], 0);
    assert!(text.contains("r1b"), "{}", shorten(&text));
    env.write("backup/configs/r1.cfg", "hostname r1c\n");
    expect(&env, &["--repo", "store", "snapshot", "backup"], 0);
    let log = env.git(&["-C", "store", "log", "--format=%s", "snapshots"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 3);
}

#[test]
fn a_corrupt_object_stops_diff_and_plan_cleanly() {
    let env = TestEnv::new();
    two_snapshots(&env);
    let blob = env.git(&["-C", "store", "rev-parse", "snapshots:configs/r1.cfg"]);
    let blob = String::from_utf8_lossy(&blob.stdout).trim().to_string();
    let object = env.join(format!("store/objects/{}/{}", &blob[..2], &blob[2..]));
    let mut permissions = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).unwrap();
    std::fs::write(&object, b"not a zlib stream").unwrap();
    for args in [
        &["--repo", "store", "diff", "HEAD~1", "HEAD"][..],
        &["--repo", "store", "plan", "HEAD~1", "HEAD"][..],
    ] {
        let text = expect(&env, args, 2);
        assert!(text.contains("git"), "{args:?}: {}", shorten(&text));
    }
}
