//! No secret leaves henko: every secret value found in the demo snapshots
//! and the corpus pairs (by the config stage's own detection, plus a
//! hand-written list of the demo's known secrets) is searched for in every
//! byte of every output format — diff text/json/markdown/--stat, plan
//! text/json/markdown, HTML, every cell of the xlsx workbook, JUnit, SARIF
//! and the approval record committed in the store.

use crate::common::{corpus, TestEnv};
use henko::config::{find_secrets_in_context, mask_tree, parse, serialize, sniff, Node};
use henko::config::{ConfigTree, Dialect, ParseOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Secrets written by hand into the demo snapshots (checked to be there, so
/// the list cannot silently go stale).
const DEMO_SECRETS: &[&str] = &[
    "$9$DB2ua3qqXrV0kG$g2yvkccydVZ.lsxNdjLCMX0zaheDXHK.FmprZ2wU9fe",
    "05CECA4C1D8362CF6E4E",
    "001CA292D3DDFA6A3C7F",
    "SH2LKv4MDTuyWPqtHiECidLaY6nGpcB5WC8n9wa2q7GR14WVAxlWA4eOZEH4Pgx=",
    "$5$OaWIBg3aWMY0cISQtxJEy6oRax8FVarx1229Sug5cZcDqKAP",
];

/// Collects the raw value of every secret in `nodes`.
fn secret_values(
    tree: &ConfigTree,
    nodes: &[Node],
    ancestors: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    for node in nodes {
        let context: Vec<&str> = ancestors.iter().map(String::as_str).collect();
        for span in find_secrets_in_context(tree.dialect, &context, &node.text) {
            out.push(node.text[span.start..span.end].to_string());
        }
        ancestors.push(node.text.clone());
        secret_values(tree, &node.children, ancestors, out);
        ancestors.pop();
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The secret values (length ≥ 4) of every config under `dirs` that henko
/// may never show. A value that also appears in the masked form of some
/// file (a user named like their password) cannot be told apart from
/// ordinary text and is left out.
fn secrets_under(dirs: &[&Path]) -> BTreeSet<String> {
    let mut values = Vec::new();
    let mut masked = String::new();
    for dir in dirs {
        let mut paths = Vec::new();
        files(dir, &mut paths);
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            let dialect = sniff(&path.to_string_lossy(), &bytes);
            if matches!(dialect, Dialect::Csv | Dialect::Xlsx) {
                // A sheet's `key` column names rows; it holds no credential.
                continue;
            }
            let tree = parse(&bytes, dialect, &ParseOptions::default());
            secret_values(&tree, &tree.roots, &mut Vec::new(), &mut values);
            masked.push_str(&serialize(&mask_tree(&tree, Some(b"secrets-test"))));
            masked.push('\n');
        }
    }
    values
        .into_iter()
        .map(|v| v.trim_matches('"').to_string())
        .filter(|v| v.chars().count() >= 4 && !masked.contains(v.as_str()))
        .collect()
}

/// Fails when any secret appears in `bytes` (any encoding-neutral byte match).
fn assert_clean(bytes: &[u8], secrets: &BTreeSet<String>, what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for secret in secrets {
        assert!(!text.contains(secret.as_str()), "{what} leaks `{secret}`");
    }
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

#[test]
fn no_output_format_leaks_a_demo_secret() {
    let dates = demo_dates();
    let dirs: Vec<&Path> = dates.iter().map(PathBuf::as_path).collect();
    let mut secrets = secrets_under(&dirs);
    assert!(secrets.len() >= 20, "the demo carries secrets: {secrets:?}");
    for known in DEMO_SECRETS {
        assert!(
            secrets.contains(*known),
            "detection misses the demo secret {known}"
        );
        secrets.insert(known.to_string());
    }
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    for date in &dates {
        let dir = date.to_str().unwrap();
        run(
            &env,
            &["--repo", "store", "snapshot", dir, "-m", "demo"],
            &[0],
        );
    }
    every_format(&env, "HEAD~3", "HEAD", &secrets);
}

#[test]
fn no_output_format_leaks_a_corpus_secret() {
    let Some(corpus) = corpus() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(corpus.join("pairs")) else {
        return;
    };
    let mut pairs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    pairs.sort();
    let mut checked = 0;
    for pair in pairs {
        let (before, after) = (pair.join("before"), pair.join("after"));
        if !before.is_dir() || !after.is_dir() {
            continue;
        }
        let secrets = secrets_under(&[&before, &after]);
        if secrets.is_empty() {
            continue;
        }
        let env = TestEnv::new();
        run(&env, &["init", "store"], &[0]);
        every_format(
            &env,
            before.to_str().unwrap(),
            after.to_str().unwrap(),
            &secrets,
        );
        checked += 1;
    }
    assert!(checked > 0, "some corpus pair carries secrets");
}

/// Secrets at rest: with `--redact-secrets` no secret value reaches any git
/// object of the store, and the diff still reports the rotations a plain
/// store reports. Skipped with a notice while the redactor is not built in.
#[test]
fn redacted_snapshots_hold_no_secret_and_still_show_rotations() {
    let dates = demo_dates();
    let dirs: Vec<&Path> = dates.iter().map(PathBuf::as_path).collect();
    let secrets = secrets_under(&dirs);
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    run(&env, &["init", "plain"], &[0]);
    for (i, date) in dates.iter().enumerate() {
        let dir = date.to_str().unwrap();
        let out = env
            .henko()
            .args(["--repo", "store", "snapshot", "--redact-secrets", dir])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if i == 0 && err.contains("secret redaction needs") {
            eprintln!("notice: henko snapshot --redact-secrets is not built in yet; skipping");
            return;
        }
        assert!(out.status.success(), "redacted snapshot of {dir}: {err}");
        run(&env, &["--repo", "plain", "snapshot", dir], &[0]);
    }
    let all = env.git(&["-C", "store", "cat-file", "--batch-all-objects", "--batch"]);
    assert!(all.status.success());
    assert!(all.stdout.len() > 10_000, "the store holds the demo");
    assert_clean(&all.stdout, &secrets, "a git object of the redacted store");

    // The same devices and the same number of changes, secrets included.
    let changes = |repo: &str| -> Vec<(String, usize)> {
        let args = ["--repo", repo, "diff", "HEAD~3", "HEAD", "--format", "json"];
        let stdout = output(&env, &args, &[0]).stdout;
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
    };
    assert_eq!(changes("store"), changes("plain"));
}
