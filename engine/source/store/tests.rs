//! Unit tests of the store: snapshots, records, redaction, concurrency.

use super::*;
use crate::source::{Snapshot, SnapshotOptions, SnapshotOutcome};
use std::path::Path;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Returns the content of every object in the store's object database.
fn all_objects(store: &Store) -> Vec<Vec<u8>> {
    let odb = store.repository().odb().unwrap();
    let mut ids = Vec::new();
    odb.foreach(|id| {
        ids.push(*id);
        true
    })
    .unwrap();
    ids.iter()
        .map(|id| odb.read(*id).unwrap().data().to_vec())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn snapshot_commits_then_reports_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let backup = dir.path().join("backup");
    write(&backup, "inventory.yaml", b"devices: []\n");
    write(
        &backup,
        "configs/west/fw1.conf",
        b"config system global\nend\n",
    );
    write(
        &backup,
        "configs/r1.cfg",
        b"hostname r1\n\xff\xfe not utf-8\n",
    );
    let options = SnapshotOptions::default();
    let first = store.snapshot(&backup, &options).unwrap();
    let SnapshotOutcome::Committed(id) = first else {
        panic!("first snapshot must commit: {first:?}");
    };
    assert_eq!(
        store.snapshot(&backup, &options).unwrap(),
        SnapshotOutcome::Unchanged(id)
    );
    // Bytes are bytes: the tree holds exactly what the folder holds.
    let snapshot = Snapshot::resolve(&id.to_string(), Some(store.path())).unwrap();
    let reader = snapshot.open().unwrap();
    let paths: Vec<_> = reader
        .files()
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert_eq!(
        paths,
        ["configs/r1.cfg", "configs/west/fw1.conf", "inventory.yaml"]
    );
    assert_eq!(
        reader.read("configs/r1.cfg").unwrap(),
        b"hostname r1\n\xff\xfe not utf-8\n"
    );

    write(&backup, "configs/r1.cfg", b"hostname r1-new\n");
    let second = store.snapshot(&backup, &options).unwrap();
    assert!(matches!(second, SnapshotOutcome::Committed(c) if c != id));
    let log = store.log(DEFAULT_BRANCH).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].id, second.commit().to_string());
    assert_eq!(log[0].files_changed, 1);
    assert_eq!(log[1].files_changed, 3);
    // HEAD names the snapshots branch, so HEAD~1 is the first snapshot.
    let previous = Snapshot::resolve("HEAD~1", Some(store.path())).unwrap();
    assert_eq!(previous.reference().commit, id.to_string());
}

#[test]
fn tags_are_created_and_never_moved() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let backup = dir.path().join("backup");
    write(&backup, "a.cfg", b"one\n");
    let tagged = SnapshotOptions {
        tag: Some("before-change"),
        ..SnapshotOptions::default()
    };
    let first = store.snapshot(&backup, &tagged).unwrap();
    // The same tag on the unchanged snapshot is fine.
    assert_eq!(
        store.snapshot(&backup, &tagged).unwrap(),
        SnapshotOutcome::Unchanged(first.commit())
    );
    write(&backup, "a.cfg", b"two\n");
    let err = store.snapshot(&backup, &tagged).unwrap_err();
    assert!(
        matches!(&err, SourceError::TagExists { committed: None, existing, .. } if *existing == first.commit().to_string()),
        "{err:?}"
    );
    assert!(matches!(
        store.snapshot(
            &backup,
            &SnapshotOptions {
                tag: Some("bad..name"),
                ..Default::default()
            }
        ),
        Err(SourceError::InvalidName { what: "tag", .. })
    ));
    let log = store.log(DEFAULT_BRANCH).unwrap();
    assert_eq!(log.len(), 1, "a refused tag must not commit");
    assert_eq!(log[0].tags, ["before-change"]);
}

#[test]
fn branches_are_separate_histories() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let (west, east) = (dir.path().join("west"), dir.path().join("east"));
    write(&west, "fw.cfg", b"west\n");
    write(&east, "fw.cfg", b"east\n");
    store.snapshot(&west, &SnapshotOptions::default()).unwrap();
    let options = SnapshotOptions {
        branch: Some("east"),
        ..Default::default()
    };
    store.snapshot(&east, &options).unwrap();
    assert_eq!(store.log("east").unwrap().len(), 1);
    assert_eq!(store.log(DEFAULT_BRANCH).unwrap().len(), 1);
    assert!(matches!(
        store.log("north"),
        Err(SourceError::UnknownBranch { .. })
    ));
}

#[test]
fn init_refuses_a_repository_unless_adopting() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    assert!(matches!(
        Store::init(dir.path(), false),
        Err(SourceError::AlreadyARepository { .. })
    ));
    let store = Store::init(dir.path(), true).unwrap();
    assert!(redact::key_path(store.path()).is_file());
    store.fingerprinter().unwrap();
    assert!(matches!(
        Store::open(Some(&dir.path().join("nowhere"))),
        Err(SourceError::NotAStore { .. })
    ));
}

#[test]
fn redaction_keeps_secrets_out_of_every_object() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let backup = dir.path().join("backup");
    write(
        &backup,
        "r1.cfg",
        b"hostname r1\nenable secret 5 TopSecretValue\n",
    );
    // The store only offers the hook; any redactor will do here.
    let redactor = |_: &str, bytes: &[u8]| -> Vec<u8> {
        let text = String::from_utf8_lossy(bytes);
        text.replace("TopSecretValue", "<secret:0badc0de>")
            .into_bytes()
    };
    store
        .repository()
        .config()
        .unwrap()
        .set_bool(REDACT_SETTING, true)
        .unwrap();
    assert!(store.redacts_secrets());
    assert!(matches!(
        store.snapshot(&backup, &SnapshotOptions::default()),
        Err(SourceError::RedactionRequired { .. })
    ));
    let options = SnapshotOptions {
        redact: Some(&redactor),
        ..Default::default()
    };
    let first = store.snapshot(&backup, &options).unwrap();
    assert!(matches!(
        store.snapshot(&backup, &options).unwrap(),
        SnapshotOutcome::Unchanged(_)
    ));
    for object in all_objects(&store) {
        assert!(!contains(&object, b"TopSecretValue"));
    }
    let stored = Snapshot::resolve(&first.commit().to_string(), Some(store.path()))
        .unwrap()
        .open()
        .unwrap()
        .read("r1.cfg")
        .unwrap();
    assert!(contains(&stored, b"<secret:0badc0de>"));
}

#[test]
fn records_are_appended_and_attributed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let refname = "refs/henko/approvals";
    assert!(store.records(refname).unwrap().is_empty());
    let a = store
        .append_record(
            refname,
            "plans/abc/alice.json",
            b"{\"ok\":true}",
            "approve abc by alice",
        )
        .unwrap();
    let b = store
        .append_record(
            refname,
            "plans/abc/bob.json",
            b"{\"ok\":true}",
            "approve abc by bob",
        )
        .unwrap();
    let records = store.records(refname).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        (records[0].path.as_str(), records[0].commit),
        ("plans/abc/alice.json", a)
    );
    assert_eq!(
        (records[1].path.as_str(), records[1].commit),
        ("plans/abc/bob.json", b)
    );
    assert_eq!(records[1].message, "approve abc by bob");
    assert_eq!(records[1].bytes, b"{\"ok\":true}");
    // Replacing a record re-attributes it to the new commit.
    let c = store
        .append_record(
            refname,
            "plans/abc/alice.json",
            b"{\"ok\":false}",
            "withdraw",
        )
        .unwrap();
    let records = store.records(refname).unwrap();
    assert_eq!(records[0].commit, c);
    assert_eq!(records[0].bytes, b"{\"ok\":false}");
    assert_eq!(records[1].commit, b);
    for bad in ["", "a//b", "../x", "a/.git/b"] {
        assert!(
            store.append_record(refname, bad, b"", "m").is_err(),
            "{bad}"
        );
    }
    assert!(store.append_record("approvals", "a", b"", "m").is_err());
}

#[test]
fn concurrent_writers_never_lose_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    Store::init(&store_path, false).unwrap();
    let refname = "refs/henko/approvals";
    let (threads, rounds) = (8, 6);
    let committed: Vec<Vec<git2::Oid>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (store_path, root) = (&store_path, dir.path());
                scope.spawn(move || {
                    let store = Store::open(Some(store_path)).unwrap();
                    let folder = root.join(format!("backup-{t}"));
                    let mut snapshots = Vec::new();
                    for round in 0..rounds {
                        write(&folder, "dev.cfg", format!("{t} {round}\n").as_bytes());
                        let outcome = store
                            .snapshot(&folder, &SnapshotOptions::default())
                            .unwrap();
                        snapshots.push(outcome.commit());
                        let path = format!("r/{t}-{round}.json");
                        store.append_record(refname, &path, b"{}", &path).unwrap();
                    }
                    snapshots
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let store = Store::open(Some(&store_path)).unwrap();
    let history: Vec<String> = store
        .log(DEFAULT_BRANCH)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    for id in committed.iter().flatten() {
        assert!(history.contains(&id.to_string()), "lost snapshot {id}");
    }
    assert_eq!(store.records(refname).unwrap().len(), threads * rounds);
}

#[test]
fn a_stale_lock_is_reported_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(&dir.path().join("store"), false).unwrap();
    let backup = dir.path().join("backup");
    write(&backup, "a.cfg", b"one\n");
    store
        .snapshot(&backup, &SnapshotOptions::default())
        .unwrap();
    let lock = store.path().join("refs/heads/snapshots.lock");
    let file = std::fs::File::create(&lock).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(60))
        .unwrap();
    write(&backup, "a.cfg", b"two\n");
    let started = std::time::Instant::now();
    let err = store
        .snapshot(&backup, &SnapshotOptions::default())
        .unwrap_err();
    assert!(matches!(err, SourceError::RefLocked { .. }), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// Regression: creating a ref used `force = false`, which libgit2 checks
/// before taking the lock, so two writers creating the same new ref could
/// both "win" and one commit was lost.
#[test]
fn racing_creators_of_a_new_ref_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    Store::init(&store_path, false).unwrap();
    for round in 0..20 {
        let refname = format!("refs/henko/race-{round}");
        let barrier = std::sync::Barrier::new(4);
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (store_path, refname, barrier) = (&store_path, &refname, &barrier);
                scope.spawn(move || {
                    let store = Store::open(Some(store_path)).unwrap();
                    barrier.wait();
                    store
                        .append_record(refname, &format!("{t}.json"), b"{}", "race")
                        .unwrap();
                });
            }
        });
        let store = Store::open(Some(&store_path)).unwrap();
        assert_eq!(store.records(&refname).unwrap().len(), 4, "round {round}");
    }
}

#[test]
fn add_record_never_overwrites_under_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    Store::init(&store_path, false).unwrap();
    let refname = "refs/henko/approvals";
    let chosen: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let store_path = &store_path;
                scope.spawn(move || {
                    let store = Store::open(Some(store_path)).unwrap();
                    (0..5)
                        .map(|round| {
                            let body = format!("{t}-{round}");
                            let (_, path) = store
                                .add_record(
                                    refname,
                                    |n| format!("plans/abc/alice-{n}.json"),
                                    body.as_bytes(),
                                    &body,
                                )
                                .unwrap();
                            path
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let store = Store::open(Some(&store_path)).unwrap();
    let records = store.records(refname).unwrap();
    assert_eq!(records.len(), 40);
    let mut paths: Vec<_> = records.iter().map(|r| r.path.clone()).collect();
    paths.sort();
    let mut chosen = chosen;
    chosen.sort();
    assert_eq!(paths, chosen);
    let bodies: std::collections::HashSet<_> = records.iter().map(|r| r.bytes.clone()).collect();
    assert_eq!(bodies.len(), 40, "a record was overwritten");
}
