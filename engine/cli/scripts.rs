//! `henko scripts test [DIR]` runs rule tests; `henko scripts list` shows
//! the rules that would run.
//!
//! Exit codes: 0 every test passed, 1 a test failed, 2 a test file or a
//! script is broken.

use super::{print_out, Outcome};
use crate::config::ConfigTree;
use crate::diff::{self, Change, DiffOptions};
use crate::script::rule_test::{self, LoadedFile, TestResult};
use crate::script::{ScriptOptions, ScriptSet};
use crate::source::Snapshot;
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// Arguments of `henko scripts`.
#[derive(Debug, clap::Args)]
pub struct ScriptsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ScriptsCommand,
}

/// The `henko scripts` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScriptsCommand {
    /// Run rule tests: the shipped ones and `scripts/tests` (or DIR).
    Test(TestArgs),
    /// List the rule scripts that would run, and which entry points they define.
    List(RuleArgs),
}

/// Which rules to load.
#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A folder of rule scripts (`*.rhai`); repeatable; a rule with the
    /// same file name as a shipped one replaces it.
    #[arg(long = "scripts", value_name = "DIR")]
    pub scripts: Vec<PathBuf>,
    /// Leave the shipped rule library out.
    #[arg(long)]
    pub no_default_scripts: bool,
}

/// Arguments of `henko scripts test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// A folder of rule tests (`*.yaml`). When it is a `tests` folder
    /// inside a scripts folder, that scripts folder's rules are loaded too.
    /// Default: the shipped tests, then the `scripts/` folder (rules and
    /// `tests/`) of the store's latest snapshot when `--repo` is given,
    /// else `scripts/tests` under the current directory when there is one.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Which rules to load.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Also show what scripts printed in passing tests.
    #[arg(long)]
    pub verbose: bool,
}

/// Runs `henko scripts`.
pub fn run(args: ScriptsArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    match args.command {
        ScriptsCommand::Test(args) => test(args, repo),
        ScriptsCommand::List(args) => list(args),
    }
}

fn load(rules: &RuleArgs, extra: Option<PathBuf>) -> miette::Result<ScriptSet> {
    let mut dirs = rules.scripts.clone();
    if let Some(dir) = extra {
        if !dirs.contains(&dir) {
            // The tests' own scripts folder comes first, so `--scripts`
            // still overrides it.
            dirs.insert(0, dir);
        }
    }
    Ok(ScriptSet::load(&ScriptOptions {
        builtin: !rules.no_default_scripts,
        dirs,
        store_scripts: Vec::new(),
    })?)
}

fn list(args: RuleArgs) -> miette::Result<Outcome> {
    let set = load(&args, None)?;
    let mut out = String::new();
    for (name, on_device, on_plan) in set.entry_points() {
        let entries: Vec<&str> = [(on_device, "on_device"), (on_plan, "on_plan")]
            .iter()
            .filter(|(has, _)| *has)
            .map(|(_, name)| *name)
            .collect();
        out.push_str(&format!("{name}  ({})\n", entries.join(", ")));
    }
    out.push_str(&format!("{} rule script(s)\n", set.len()));
    print_out(&out)?;
    Ok(Outcome::Success)
}

/// The scripts folder a tests folder belongs to (`scripts/tests` → `scripts`).
fn scripts_folder_of(tests: &Path) -> Option<PathBuf> {
    let is_tests = tests.file_name().is_some_and(|n| n == "tests");
    let parent = tests.parent()?;
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let has_rules = std::fs::read_dir(parent)
        .ok()?
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "rhai"));
    (is_tests && has_rules).then(|| parent.to_path_buf())
}

/// The rules and tests of the store's latest snapshot (`snapshots` branch),
/// when it has a `scripts/tests` folder.
fn store_group(
    repo: &Path,
    rules: &RuleArgs,
) -> miette::Result<Option<(ScriptSet, Vec<LoadedFile>)>> {
    let Ok(snapshot) = Snapshot::resolve("snapshots", Some(repo)) else {
        return Ok(None);
    };
    let found = rule_test::load_from_tree(&*snapshot.open()?)?;
    if found.tests.is_empty() {
        return Ok(None);
    }
    let set = ScriptSet::load(&ScriptOptions {
        builtin: !rules.no_default_scripts,
        dirs: rules.scripts.clone(),
        store_scripts: found.scripts,
    })?;
    Ok(Some((set, found.tests)))
}

fn differ(from: &ConfigTree, to: &ConfigTree) -> Vec<Change> {
    diff::diff_trees(from, to, &DiffOptions::default())
}

fn test(args: TestArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    // (rule set, test files) groups, run in order.
    let mut groups: Vec<(ScriptSet, Vec<LoadedFile>)> = Vec::new();
    match &args.dir {
        Some(dir) => {
            let files = rule_test::load_dir(dir)?;
            if files.is_empty() {
                return Err(miette::miette!(
                    "no rule tests (*.yaml) in {}",
                    dir.display()
                ));
            }
            groups.push((load(&args.rules, scripts_folder_of(dir))?, files));
        }
        None => {
            // The shipped tests check the shipped rules, whatever overrides
            // the local folders hold.
            let shipped = ScriptSet::load(&ScriptOptions {
                builtin: true,
                ..ScriptOptions::default()
            })?;
            if !args.rules.no_default_scripts {
                groups.push((shipped, rule_test::shipped_tests()?));
            }
            if let Some(repo) = repo {
                if let Some(group) = store_group(repo, &args.rules)? {
                    groups.push(group);
                }
            } else if let Some(dir) = Some(PathBuf::from("scripts/tests")).filter(|p| p.is_dir()) {
                // In henko's own source tree `scripts/tests` is the shipped
                // set: do not run the same tests twice.
                let mut files = rule_test::load_dir(&dir)?;
                files.retain(|f| {
                    !crate::script::rule_test::is_shipped(&format!("{}.yaml", f.name), &f.text)
                });
                if !files.is_empty() {
                    groups.push((load(&args.rules, scripts_folder_of(&dir))?, files));
                }
            }
        }
    }

    let mut results: Vec<TestResult> = Vec::new();
    for (set, files) in &groups {
        for file in files {
            let mut out = String::new();
            for result in rule_test::run_file(set, file, &differ)? {
                let verdict = if result.passed() { "ok" } else { "FAILED" };
                out.push_str(&format!(
                    "test {}/{} ... {verdict}\n",
                    result.file, result.name
                ));
                if args.verbose && result.passed() {
                    for line in &result.output {
                        out.push_str(&format!("    | {line}\n"));
                    }
                }
                results.push(result);
            }
            print_out(&out)?;
        }
    }

    let failed: Vec<&TestResult> = results.iter().filter(|r| !r.passed()).collect();
    let mut out = String::new();
    if !failed.is_empty() {
        out.push_str("\nfailures:\n");
        for result in &failed {
            out.push_str(&format!("\n---- {}/{} ----\n", result.file, result.name));
            for problem in &result.problems {
                out.push_str(&format!("  {problem}\n"));
            }
            for line in &result.output {
                out.push_str(&format!("  | {line}\n"));
            }
        }
    }
    let passed = results.len() - failed.len();
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    out.push_str(&format!(
        "\ntest result: {verdict}. {passed} passed, {} failed\n",
        failed.len()
    ));
    print_out(&out)?;
    Ok(if failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}
