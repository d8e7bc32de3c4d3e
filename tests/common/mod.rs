//! The shared integration-test harness: a temporary folder per test and a
//! `henko` command with a hermetic environment.
//!
//! ```ignore
//! let env = TestEnv::new();
//! env.init_store();                                   // henko init store
//! env.write("backup/configs/r1.cfg", "hostname r1\n");
//! let before = env.snapshot("backup", "before");      // commit id
//! env.write("backup/configs/r1.cfg", "hostname r1-new\n");
//! let after = env.snapshot("backup", "after");
//! let out = env.henko().args(["--repo", "store", "diff", &before, &after]).output().unwrap();
//! insta::assert_snapshot!(env.normalize(&String::from_utf8_lossy(&out.stdout)));
//! ```
//!
//! Every command runs with the temporary folder as its working directory,
//! git's global and system configuration switched off, fixed author and
//! committer identities and dates, and `NO_COLOR=1`, so output is the same
//! on every machine. `HENKO_CORPUS` is passed through (see [`corpus`]).
#![allow(dead_code)] // each test module uses a different part of the harness

use std::path::{Path, PathBuf};
use std::process::Output;

/// The fixed author/committer date every test commit carries.
pub const GIT_DATE: &str = "2024-01-02T03:04:05+00:00";

/// A temporary folder for one test; removed when dropped.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    /// Creates an empty temporary folder.
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::Builder::new()
                .prefix("henko-test-")
                .tempdir()
                .expect("create temp dir"),
        }
    }

    /// Returns the temporary folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Returns `rel` inside the temporary folder.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating its parent folders) and returns its path.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folders");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Creates a folder (and its parents) and returns its path.
    pub fn mkdir(&self, rel: impl AsRef<Path>) -> PathBuf {
        let path = self.join(rel);
        std::fs::create_dir_all(&path).expect("create folder");
        path
    }

    /// Removes a file.
    pub fn remove(&self, rel: impl AsRef<Path>) {
        std::fs::remove_file(self.join(rel)).expect("remove file");
    }

    /// Returns the `henko` binary as a command running in the temporary
    /// folder with a hermetic environment.
    pub fn henko(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("henko").expect("henko binary");
        cmd.current_dir(self.path());
        hermetic(cmd.env_clear());
        cmd
    }

    /// Creates a store at `store/` (`henko init store`) and returns its path.
    pub fn init_store(&self) -> PathBuf {
        let out = self
            .henko()
            .args(["init", "store"])
            .output()
            .expect("run henko init");
        assert!(
            out.status.success(),
            "henko init: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.join("store")
    }

    /// Snapshots `folder` (relative to the temporary folder) into the store
    /// at `store/` with `message`, and returns the commit id.
    pub fn snapshot(&self, folder: &str, message: &str) -> String {
        let out = self
            .henko()
            .args(["--repo", "store", "snapshot", folder, "-m", message])
            .output()
            .expect("run henko snapshot");
        assert!(
            out.status.success(),
            "henko snapshot: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Returns the `henko` binary as a plain [`std::process::Command`] with
    /// the same working directory and environment as [`TestEnv::henko`], for
    /// tests that spawn several processes at once or kill one.
    pub fn henko_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("henko"));
        cmd.current_dir(self.path()).env_clear();
        for (key, value) in hermetic_vars() {
            cmd.env(key, value);
        }
        cmd
    }

    /// Runs the `git` binary in the temporary folder with the same
    /// environment as [`TestEnv::henko`] and returns its output.
    pub fn git(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(self.path()).args(args).env_clear();
        for (key, value) in hermetic_vars() {
            cmd.env(key, value);
        }
        cmd.output().expect("run git")
    }

    /// Replaces what differs between runs with stable placeholders: the
    /// temporary folder becomes `[TMP]`, 40-hex ids become `[ID]` and 64-hex
    /// hashes `[HASH]`.
    pub fn normalize(&self, text: &str) -> String {
        let mut text = text.to_string();
        // The canonical form first: macOS temp folders live behind a symlink.
        if let Ok(real) = self.path().canonicalize() {
            text = text.replace(&real.display().to_string(), "[TMP]");
        }
        text = text.replace(&self.path().display().to_string(), "[TMP]");
        normalize_fingerprints(&normalize_ids(&text))
    }
}

/// Replaces secret fingerprints (`<secret:1a2b3c4d>`) with `<secret:[FP]>`:
/// they are keyed with each store's own random key, so they differ from
/// one test store to the next.
pub fn normalize_fingerprints(text: &str) -> String {
    let pattern = regex::Regex::new(r"<secret:[0-9a-f]{8}>").expect("valid pattern");
    pattern.replace_all(text, "<secret:[FP]>").into_owned()
}

/// Replaces runs of exactly 64 hex digits with `[HASH]` and of exactly 40
/// with `[ID]`.
pub fn normalize_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts_word && (run == 40 || run == 64) {
            let ends_word = bytes
                .get(i + run)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
            if ends_word {
                out.push_str(if run == 40 { "[ID]" } else { "[HASH]" });
                i += run;
                continue;
            }
        }
        let step = run.max(1);
        // A run of hex digits is ASCII; otherwise copy one whole character.
        let end = if run > 0 {
            i + step
        } else {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        };
        out.push_str(&text[i..end]);
        i = end;
    }
    out
}

/// Returns the public corpus folder (`$HENKO_CORPUS`, else
/// `../shared/corpus` next to the crate), or `None` after printing a notice
/// when it is absent, so corpus tests skip on a developer's machine.
///
/// In CI (`CI=true`) a missing corpus is a failure instead: a green run
/// there must mean the corpus tests ran.
pub fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("HENKO_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    corpus_at(&path, std::env::var("CI").is_ok_and(|v| v == "true"))
}

/// [`corpus`] for a given folder and CI setting.
pub fn corpus_at(path: &Path, ci: bool) -> Option<PathBuf> {
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    assert!(
        !ci,
        "corpus not found at {} and CI=true: the corpus tests must run in CI (set HENKO_CORPUS)",
        path.display()
    );
    eprintln!(
        "notice: corpus not found at {}; skipping (set HENKO_CORPUS)",
        path.display()
    );
    None
}

/// The environment every command of a test runs with.
fn hermetic_vars() -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("GIT_CONFIG_GLOBAL", "/dev/null".to_string()),
        ("GIT_CONFIG_SYSTEM", "/dev/null".to_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".to_string()),
        ("GIT_AUTHOR_NAME", "Test Author".to_string()),
        ("GIT_AUTHOR_EMAIL", "author@example.com".to_string()),
        ("GIT_AUTHOR_DATE", GIT_DATE.to_string()),
        ("GIT_COMMITTER_NAME", "Test Committer".to_string()),
        ("GIT_COMMITTER_EMAIL", "committer@example.com".to_string()),
        ("GIT_COMMITTER_DATE", GIT_DATE.to_string()),
        ("NO_COLOR", "1".to_string()),
        ("TZ", "UTC".to_string()),
        ("HOME", "/nonexistent".to_string()),
    ];
    for key in ["PATH", "HENKO_CORPUS", "RUST_BACKTRACE", "TMPDIR"] {
        if let Ok(value) = std::env::var(key) {
            vars.push((key, value));
        }
    }
    if std::env::var_os("HENKO_CORPUS").is_none() {
        let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        vars.push(("HENKO_CORPUS", default.display().to_string()));
    }
    vars
}

fn hermetic(cmd: &mut assert_cmd::Command) {
    for (key, value) in hermetic_vars() {
        cmd.env(key, value);
    }
}

#[test]
fn normalize_replaces_ids_and_temp_paths() {
    let env = TestEnv::new();
    let id = "0123456789abcdef0123456789abcdef01234567";
    let text = format!(
        "{id} at {}/store, short 0123abc, {id}x",
        env.path().display()
    );
    assert_eq!(
        env.normalize(&text),
        format!("[ID] at [TMP]/store, short 0123abc, {id}x")
    );
    assert_eq!(normalize_ids(&"ab".repeat(32)), "[HASH]");
}
