//! End-to-end tests of the snapshot store: `init`, `snapshot`, `log`, and
//! the store's behaviour under hostile conditions (concurrent writers,
//! killed writers, locks, corrupt objects, shallow clones).

mod concurrency;
mod secrets;

use crate::common::TestEnv;
use henko::source::{Snapshot, SourceError};
use std::process::Output;

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A store at `store/` with one snapshot of `backup/`; returns its id.
fn store_with_snapshot(env: &TestEnv) -> String {
    env.init_store();
    env.write("backup/inventory.yaml", "devices: []\n");
    env.write("backup/configs/r1.cfg", "hostname r1\n");
    env.snapshot("backup", "first")
}

/// Asserts `git fsck` finds nothing wrong with the store.
pub(crate) fn assert_fsck_clean(env: &TestEnv) {
    let out = env.git(&["-C", "store", "fsck", "--strict"]);
    assert!(
        out.status.success(),
        "fsck: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let report = stderr(&out) + stdout(&out).as_str();
    for problem in ["error", "missing", "broken", "corrupt"] {
        assert!(!report.contains(problem), "fsck: {report}");
    }
}

#[test]
fn help_lists_the_store_commands() {
    let env = TestEnv::new();
    let out = env.henko().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for command in ["init", "snapshot", "log"] {
        assert!(text.contains(command), "{command} missing from:\n{text}");
    }
}

#[test]
fn init_creates_a_store_with_a_private_key() {
    let env = TestEnv::new();
    let out = env.henko().args(["init", "store"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        env.normalize(&stdout(&out)),
        "created henko store at [TMP]/store/\n"
    );
    let key = env.join("store/henko/redact.key");
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
    let head = env.git(&["-C", "store", "symbolic-ref", "HEAD"]);
    assert_eq!(stdout(&head), "refs/heads/snapshots\n");
}

#[test]
fn init_defaults_to_the_current_folder() {
    let env = TestEnv::new();
    env.henko().arg("init").assert().success();
    assert!(env.join("henko/redact.key").is_file());
    assert_eq!(
        stdout(&env.git(&["rev-parse", "--is-bare-repository"])),
        "true\n"
    );
}

#[test]
fn init_refuses_a_repository_unless_adopting_it() {
    let env = TestEnv::new();
    assert!(env.git(&["init", "-q", "repo"]).status.success());
    let out = env.henko().args(["init", "repo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("repo already is a git repository"),
        "{message}"
    );
    assert!(message.contains("--existing"), "{message}");
    assert!(!env.join("repo/.git/henko").exists());

    let out = env
        .henko()
        .args(["init", "--existing", "repo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.join("repo/.git/henko/redact.key").is_file());
}

#[test]
fn snapshot_prints_the_commit_and_skips_an_unchanged_folder() {
    let env = TestEnv::new();
    let first = store_with_snapshot(&env);
    assert_eq!(first.len(), 40, "{first}");
    assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));

    let again = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(stdout(&again).trim(), first);
    assert!(
        stderr(&again).contains("nothing changed in backup"),
        "{}",
        stderr(&again)
    );

    env.write("backup/configs/r2.cfg", "hostname r2\n");
    let next = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert!(next.status.success());
    assert_ne!(stdout(&next).trim(), first);
    let parent = env.git(&["-C", "store", "rev-parse", "snapshots~1"]);
    assert_eq!(stdout(&parent).trim(), first);
    // The work tree and index of the store are never touched.
    assert!(!env.join("store/index").exists());
    assert_fsck_clean(&env);
}

#[test]
fn snapshot_finds_the_store_around_the_current_folder() {
    let env = TestEnv::new();
    env.henko().arg("init").assert().success();
    env.write("backup/r1.cfg", "hostname r1\n");
    env.henko().args(["snapshot", "backup"]).assert().success();
    let out = env
        .henko()
        .args(["log", "--format", "json"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
}

#[test]
fn log_lists_snapshots_newest_first_with_tags_and_counts() {
    let env = TestEnv::new();
    store_with_snapshot(&env);
    env.write("backup/configs/r1.cfg", "hostname r1-renamed\n");
    env.henko()
        .args([
            "--repo",
            "store",
            "snapshot",
            "backup",
            "-m",
            "rename r1",
            "--tag",
            "v2",
        ])
        .assert()
        .success();
    let text = env
        .henko()
        .args(["--repo", "store", "log"])
        .output()
        .unwrap();
    assert!(text.status.success());
    insta::assert_snapshot!(env.normalize(&stdout(&text)), @r"
    [ID]  2024-01-02T03:04:05+00:00      1 file   (tag: v2)  rename r1
    [ID]  2024-01-02T03:04:05+00:00      2 files  first
    ");
    let json = env
        .henko()
        .args(["--repo", "store", "log", "--format", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!(env.normalize(&stdout(&json)), @r#"
    [
      {
        "id": "[ID]",
        "time": "2024-01-02T03:04:05+00:00",
        "message": "rename r1",
        "tags": [
          "v2"
        ],
        "files_changed": 1,
        "records": []
      },
      {
        "id": "[ID]",
        "time": "2024-01-02T03:04:05+00:00",
        "message": "first",
        "tags": [],
        "files_changed": 2,
        "records": []
      }
    ]
    "#);
}

#[test]
fn log_of_a_new_store_is_empty_and_an_unknown_branch_is_an_error() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let out = env
        .henko()
        .args(["--repo", "store", "log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no snapshots yet"));
    let out = env
        .henko()
        .args(["--repo", "store", "log", "--branch", "east"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("branch `east` does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn snapshot_on_another_branch_and_tag_collision() {
    let env = TestEnv::new();
    let first = store_with_snapshot(&env);
    env.write("east/configs/r1.cfg", "hostname east-r1\n");
    env.henko()
        .args([
            "--repo", "store", "snapshot", "east", "--branch", "east", "--tag", "east-1",
        ])
        .assert()
        .success();
    let out = env.git(&["-C", "store", "log", "--format=%s", "east"]);
    assert_eq!(stdout(&out), "snapshot of east\n");
    assert_eq!(
        stdout(&env.git(&["-C", "store", "rev-parse", "snapshots"])).trim(),
        first
    );

    env.write("east/configs/r1.cfg", "hostname east-r1b\n");
    let out = env
        .henko()
        .args([
            "--repo", "store", "snapshot", "east", "--branch", "east", "--tag", "east-1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tag `east-1` already exists"),
        "{}",
        stderr(&out)
    );
    let count = env.git(&["-C", "store", "rev-list", "--count", "east"]);
    assert_eq!(stdout(&count).trim(), "1", "a refused tag must not commit");
}

#[test]
fn missing_folder_not_a_store_and_unknown_revision_are_clean_errors() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "no-such-folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-folder is not a folder"),
        "{}",
        stderr(&out)
    );

    env.mkdir("plain");
    env.write("backup/r1.cfg", "hostname r1\n");
    for args in [
        &["--repo", "plain", "snapshot", "backup"][..],
        &["--repo", "plain", "log"][..],
    ] {
        let out = env.henko().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let message = stderr(&out);
        assert!(message.contains("plain is not a henko store"), "{message}");
        assert!(message.lines().count() < 25, "not one screen: {message}");
    }
    let err = Snapshot::resolve("no-such-rev", Some(&env.join("store"))).unwrap_err();
    assert!(
        matches!(err, SourceError::UnknownRevision { .. }),
        "{err:?}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_stored_byte_for_byte() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    let bytes = b"hostname r1\n\xff\xfe\x00 banner \x80\n";
    env.write("backup/r1.cfg", bytes);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"latin1-\xe9.cfg");
        std::fs::write(env.join("backup").join(name), b"x\n").unwrap();
    }
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = env.git(&["-C", "store", "cat-file", "blob", "snapshots:r1.cfg"]);
    assert_eq!(shown.stdout, bytes);
    #[cfg(unix)]
    {
        let names = env.git(&["-C", "store", "ls-tree", "-z", "--name-only", "snapshots"]);
        assert!(names.stdout.windows(9).any(|w| w == b"latin1-\xe9."));
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_outside_the_folder_is_refused() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    env.write("outside/secret.txt", "not yours\n");
    env.write("backup/r1.cfg", "hostname r1\n");
    std::os::unix::fs::symlink(env.join("outside/secret.txt"), env.join("backup/leak.cfg"))
        .unwrap();
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("leak.cfg is a symlink that leads outside"),
        "{}",
        stderr(&out)
    );
    assert!(env
        .git(&["-C", "store", "rev-parse", "--verify", "-q", "snapshots"])
        .stdout
        .is_empty());

    // A link that stays inside is followed.
    std::fs::remove_file(env.join("backup/leak.cfg")).unwrap();
    std::os::unix::fs::symlink("r1.cfg", env.join("backup/alias.cfg")).unwrap();
    env.henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .assert()
        .success();
    let alias = env.git(&["-C", "store", "cat-file", "blob", "snapshots:alias.cfg"]);
    assert_eq!(stdout(&alias), "hostname r1\n");
}

#[test]
fn a_locked_ref_is_a_clean_error() {
    let env = TestEnv::new();
    store_with_snapshot(&env);
    let lock = env.write("store/refs/heads/snapshots.lock", "");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(&lock)
        .unwrap()
        .set_modified(old)
        .unwrap();
    env.write("backup/configs/r1.cfg", "hostname changed\n");
    let started = std::time::Instant::now();
    let out = env
        .henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("refs/heads/snapshots is locked"),
        "{message}"
    );
    assert!(message.contains("snapshots.lock"), "{message}");
    // It gives up instead of waiting for the lock forever.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_corrupt_object_is_a_clean_error() {
    let env = TestEnv::new();
    let id = store_with_snapshot(&env);
    let object = env.join(format!("store/objects/{}/{}", &id[..2], &id[2..]));
    let mut permissions = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).unwrap();
    std::fs::write(&object, b"this is not a zlib stream").unwrap();
    for args in [
        &["--repo", "store", "log"][..],
        &["--repo", "store", "snapshot", "backup"][..],
    ] {
        let out = env.henko().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("git error"), "{}", stderr(&out));
    }
}

#[test]
fn revisions_resolve_in_detached_and_shallow_stores() {
    let env = TestEnv::new();
    let first = store_with_snapshot(&env);
    env.write("backup/configs/r1.cfg", "hostname r1b\n");
    env.henko()
        .args(["--repo", "store", "snapshot", "backup"])
        .assert()
        .success();
    let store = env.join("store");
    for rev in ["HEAD~1", "snapshots~1", "snapshots^"] {
        let snapshot = Snapshot::resolve(rev, Some(&store)).unwrap();
        assert_eq!(snapshot.reference().commit, first, "{rev}");
    }
    // Detached HEAD: HEAD~1 still means the first snapshot.
    let second = stdout(&env.git(&["-C", "store", "rev-parse", "snapshots"]));
    assert!(env
        .git(&[
            "-C",
            "store",
            "update-ref",
            "--no-deref",
            "HEAD",
            second.trim()
        ])
        .status
        .success());
    let snapshot = Snapshot::resolve("HEAD~1", Some(&store)).unwrap();
    assert_eq!(snapshot.reference().commit, first);

    // A shallow clone has only the tip: HEAD resolves, HEAD~1 is unknown.
    let url = format!("file://{}", store.display());
    let clone = env.git(&[
        "clone",
        "-q",
        "--bare",
        "--depth",
        "1",
        "--branch",
        "snapshots",
        &url,
        "shallow",
    ]);
    assert!(clone.status.success(), "{}", stderr(&clone));
    let shallow = env.join("shallow");
    let head = Snapshot::resolve("HEAD", Some(&shallow)).unwrap();
    assert_eq!(head.reference().commit, second.trim());
    let files = head.open().unwrap().files().unwrap();
    assert_eq!(files.len(), 2);
    assert!(matches!(
        Snapshot::resolve("HEAD~1", Some(&shallow)),
        Err(SourceError::UnknownRevision { .. })
    ));
    let log = env
        .henko()
        .args(["--repo", "shallow", "log"])
        .output()
        .unwrap();
    assert!(log.status.success(), "{}", stderr(&log));
    assert_eq!(stdout(&log).lines().count(), 1);
}

#[test]
fn an_unreadable_author_date_is_a_clean_error() {
    let env = TestEnv::new();
    env.henko().args(["init", "store"]).assert().success();
    env.write("backup/r1.cfg", "hostname r1\n");
    let out = env
        .henko()
        .env("GIT_AUTHOR_DATE", "yesterday")
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("GIT_AUTHOR_DATE=\"yesterday\""),
        "{}",
        stderr(&out)
    );
    let unix = env
        .henko()
        .env("GIT_AUTHOR_DATE", "@1700000000 +0900")
        .args(["--repo", "store", "snapshot", "backup"])
        .output()
        .unwrap();
    assert!(unix.status.success(), "{}", stderr(&unix));
    let date = env.git(&["-C", "store", "log", "-1", "--format=%aI", "snapshots"]);
    assert_eq!(stdout(&date), "2023-11-15T07:13:20+09:00\n");
}
