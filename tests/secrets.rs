//! No secret leaves henko. The secrets looked for are written by hand: the
//! catalogue of secret-bearing forms per platform (`secrets/catalogue.rs`,
//! each naming its vendor document) and the demo's known secrets. None of
//! them comes from henko's detector. Each is searched for in every byte of
//! every output format — diff text/json/markdown (plain, `--lines`,
//! `--stat`), plan text/json/markdown, HTML, every cell of the xlsx
//! workbook, JUnit, SARIF and the approval records committed in the store —
//! and in every git object of a store made with `--redact-secrets`.

mod apply_dir;
mod catalogue;
mod fingerprints;

use crate::common::TestEnv;
use catalogue::{Mode, DEMO_SECRETS, FORMS};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Fails when any secret appears in `bytes` (any encoding-neutral byte
/// match), naming every one that does.
fn assert_clean(bytes: &[u8], secrets: &BTreeSet<String>, what: &str) {
    let text = String::from_utf8_lossy(bytes);
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|secret| text.contains(secret.as_str()))
        .collect();
    assert!(
        leaked.is_empty(),
        "{what} leaks {} secret(s): {leaked:?}",
        leaked.len()
    );
}

/// Runs henko; any exit other than `codes` fails.
fn output(env: &TestEnv, args: &[&str], codes: &[i32]) -> std::process::Output {
    let out = env.henko().args(args).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        codes.contains(&code),
        "henko {args:?} exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs henko and returns stdout followed by stderr; any exit other than
/// `codes` fails.
fn run(env: &TestEnv, args: &[&str], codes: &[i32]) -> Vec<u8> {
    let out = output(env, args, codes);
    let mut bytes = out.stdout;
    bytes.extend_from_slice(&out.stderr);
    bytes
}

/// Every string of every cell of every sheet of an xlsx workbook.
fn xlsx_cells(path: &Path) -> Vec<u8> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for cell in range.rows().flat_map(|r| r.iter()) {
            out.extend_from_slice(cell.to_string().as_bytes());
            out.push(b'\n');
        }
    }
    out
}

/// Every byte of every object reachable from `refname` in the store.
fn objects_of(env: &TestEnv, refname: &str) -> Vec<u8> {
    let list = env.git(&["-C", "store", "rev-list", "--objects", refname]);
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(&list.stdout).lines() {
        let id = line.split_whitespace().next().unwrap();
        let object = env.git(&["-C", "store", "cat-file", "-p", id]);
        out.extend_from_slice(&object.stdout);
    }
    out
}

/// Runs every output format of diff, plan, check and approve from `from`
/// to `to` (revisions of `store/` or folders) and checks none leaks.
fn every_format(env: &TestEnv, from: &str, to: &str, secrets: &BTreeSet<String>) {
    let repo = ["--repo", "store"];
    for format in ["text", "json", "markdown"] {
        for extra in [&[][..], &["--lines"], &["--stat"]] {
            let mut args = repo.to_vec();
            args.extend(["diff", from, to, "--format", format]);
            args.extend_from_slice(extra);
            assert_clean(&run(env, &args, &[0]), secrets, &format!("{args:?}"));
        }
    }
    for format in ["text", "json", "markdown"] {
        let mut args = repo.to_vec();
        args.extend(["plan", from, to, "--format", format, "--keep-going"]);
        assert_clean(&run(env, &args, &[0]), secrets, &format!("{args:?}"));
    }
    let mut args = repo.to_vec();
    args.extend([
        "plan",
        from,
        to,
        "--keep-going",
        "-o",
        "plan.json",
        "--html",
        "plan.html",
        "--xlsx",
        "plan.xlsx",
    ]);
    run(env, &args, &[0]);
    for file in ["plan.json", "plan.html"] {
        assert_clean(&std::fs::read(env.join(file)).unwrap(), secrets, file);
    }
    let cells = xlsx_cells(&env.join("plan.xlsx"));
    assert!(!cells.is_empty(), "the workbook has cells");
    assert_clean(&cells, secrets, "plan.xlsx");

    // Approve first, so the check report covers the approved path too.
    let approve = [
        "--repo",
        "store",
        "approve",
        "plan.json",
        "--by",
        "alice",
        "--comment",
        "ok",
    ];
    assert_clean(&run(env, &approve, &[0]), secrets, "approve");
    let check = [
        "--repo",
        "store",
        "check",
        "plan.json",
        "--fail-on",
        "none",
        "--junit",
        "junit.xml",
        "--sarif",
        "sarif.json",
    ];
    assert_clean(&run(env, &check, &[0, 1]), secrets, "check");
    for file in ["junit.xml", "sarif.json"] {
        let bytes = std::fs::read(env.join(file)).unwrap();
        assert!(!bytes.is_empty(), "{file} was written");
        assert_clean(&bytes, secrets, file);
    }
    let record = objects_of(env, "refs/henko/approvals");
    assert!(
        String::from_utf8_lossy(&record).contains("alice"),
        "the approval record was committed"
    );
    assert_clean(&record, secrets, "the approval record");
}

/// The demo snapshot folders, oldest first.
fn demo_dates() -> Vec<PathBuf> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo");
    let mut dates: Vec<PathBuf> = std::fs::read_dir(demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dates.sort();
    dates
}

/// Every byte of every file under `dir`, recursively.
fn all_bytes(dir: &Path, out: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_bytes(&path, out);
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
}

/// The demo's hand-listed secrets, each checked to be in the demo (so the
/// list cannot go stale).
fn demo_secrets() -> BTreeSet<String> {
    let mut bytes = Vec::new();
    for date in demo_dates() {
        all_bytes(&date, &mut bytes);
    }
    let text = String::from_utf8_lossy(&bytes);
    for secret in DEMO_SECRETS {
        assert!(text.contains(secret), "the demo no longer holds {secret}");
    }
    DEMO_SECRETS.iter().map(|s| s.to_string()).collect()
}

/// Every catalogue token.
fn catalogue_secrets() -> BTreeSet<String> {
    let tokens: BTreeSet<String> = catalogue::tokens().into_iter().collect();
    assert!(tokens.len() > 3 * FORMS.len(), "{}", tokens.len());
    tokens
}

/// Snapshots the demo (oldest first) into `store`, redacted or not.
fn snapshot_demo(env: &TestEnv, store: &str, redact: bool) {
    for date in demo_dates() {
        let mut args = vec!["--repo", store, "snapshot"];
        if redact {
            args.push("--redact-secrets");
        }
        args.extend([date.to_str().unwrap(), "-m", "demo"]);
        run(env, &args, &[0]);
    }
}

/// Writes the catalogue's FROM and TO folders and snapshots them into
/// `store` (redacted or not); returns the two commits.
fn snapshot_catalogue(env: &TestEnv, store: &str, redact: bool) -> (String, String) {
    for side in ['a', 'b'] {
        let dir = env.mkdir(format!("catalogue-{side}"));
        catalogue::write_side(&dir, side);
    }
    let mut commits = Vec::new();
    for side in ['a', 'b'] {
        let folder = format!("catalogue-{side}");
        let mut args = vec!["--repo", store, "snapshot"];
        if redact {
            args.push("--redact-secrets");
        }
        args.extend([folder.as_str(), "-m", "catalogue"]);
        let out = output(env, &args, &[0]);
        commits.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    (commits[0].clone(), commits[1].clone())
}

/// The changed devices of a diff and how many changes each has.
fn changes(env: &TestEnv, store: &str, from: &str, to: &str) -> Vec<(String, usize)> {
    let args = ["--repo", store, "diff", from, to, "--format", "json"];
    let stdout = output(env, &args, &[0]).stdout;
    let json: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    json["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let name = d["name"].as_str().unwrap().to_string();
            (name, d["changes"].as_array().map_or(0, Vec::len))
        })
        .collect()
}

/// Fails unless every device of the catalogue shows as changed.
fn assert_every_form_changes(found: &[(String, usize)]) {
    for (index, form) in FORMS.iter().enumerate() {
        for mode in Mode::ALL {
            let name = catalogue::device(index, mode);
            let changed = found.iter().any(|(n, count)| *n == name && *count > 0);
            assert!(
                changed,
                "{name} ({} `{}`, {mode:?}; {}) shows no change",
                form.platform,
                form.text.lines().last().unwrap_or(""),
                form.source
            );
        }
    }
}

#[test]
fn no_output_format_leaks_a_demo_secret() {
    let secrets = demo_secrets();
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    snapshot_demo(&env, "store", false);
    every_format(&env, "HEAD~3", "HEAD", &secrets);
}

/// Secrets at rest: with `--redact-secrets` no demo secret reaches any git
/// object of the store, and the diff reports the same changes per device
/// as a plain store's.
#[test]
fn redacted_snapshots_hold_no_demo_secret_and_still_show_rotations() {
    let secrets = demo_secrets();
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    run(&env, &["init", "plain"], &[0]);
    snapshot_demo(&env, "store", true);
    snapshot_demo(&env, "plain", false);
    let all = env.git(&["-C", "store", "cat-file", "--batch-all-objects", "--batch"]);
    assert!(all.status.success());
    assert!(all.stdout.len() > 10_000, "the store holds the demo");
    assert_clean(&all.stdout, &secrets, "a git object of the redacted store");
    assert_eq!(
        changes(&env, "store", "HEAD~3", "HEAD"),
        changes(&env, "plain", "HEAD~3", "HEAD")
    );
    every_format(&env, "HEAD~3", "HEAD", &secrets);
}

/// Every catalogue form, changed, removed and added, through every output
/// format of a plain store (keyed fingerprints).
#[test]
fn no_output_format_leaks_a_catalogue_secret() {
    let secrets = catalogue_secrets();
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    let (from, to) = snapshot_catalogue(&env, "store", false);
    assert_every_form_changes(&changes(&env, "store", &from, &to));
    every_format(&env, &from, &to, &secrets);
}

/// Every catalogue form at rest: no token in any git object of a redacted
/// store, every form still shows as changed, and no output leaks either.
#[test]
fn no_catalogue_secret_reaches_a_git_object_of_a_redacted_store() {
    let secrets = catalogue_secrets();
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    let (from, to) = snapshot_catalogue(&env, "store", true);
    let all = env.git(&["-C", "store", "cat-file", "--batch-all-objects", "--batch"]);
    assert!(all.status.success());
    assert_clean(&all.stdout, &secrets, "a git object of the redacted store");
    assert!(String::from_utf8_lossy(&all.stdout).contains("<secret:"));
    assert_every_form_changes(&changes(&env, "store", &from, &to));
    every_format(&env, &from, &to, &secrets);
}
