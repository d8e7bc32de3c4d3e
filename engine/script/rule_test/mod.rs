//! Rule tests (`henko scripts test`): small YAML files that give a device's
//! configuration before and after (or the changes themselves) and the
//! findings the rules must, and must not, produce.

mod proof;
mod spec;

pub use spec::{
    load_dir, parse_file, ChangeSpec, DeviceSpec, Expect, InvalidTestFile, LoadedFile, OtherDevice,
    RuleTestError, Sides, TestCase, TestFile,
};

use super::{AssessInput, AssessOptions, Finding, FindingKind, Level, ScriptSet};
use crate::config::{ConfigTree, Dialect, ParseOptions};
use crate::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
use crate::inventory::{Device, Inventory};

/// The diff stage as the runner needs it: two parsed configurations → changes.
pub type Differ<'a> = &'a (dyn Fn(&ConfigTree, &ConfigTree) -> Vec<Change> + Sync);

/// The outcome of one test case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// Test file name (its stem).
    pub file: String,
    /// Test case name.
    pub name: String,
    /// Why it failed; empty when it passed.
    pub problems: Vec<String>,
    /// What the scripts printed while it ran (shown for failed tests).
    pub output: Vec<String>,
}

impl TestResult {
    /// Returns true when every expectation held.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Returns the rule tests shipped with the library (compiled in).
pub fn shipped_tests() -> Result<Vec<LoadedFile>, RuleTestError> {
    super::builtin::TESTS
        .iter()
        .map(|(name, text)| parse_file(&format!("builtin:tests/{name}"), text, None))
        .collect()
}

/// Rules and rule tests read from a snapshot's `scripts/` folder.
#[derive(Debug, Default)]
pub struct StoreScripts {
    /// `(name relative to scripts/, source)`, as [`ScriptOptions::store_scripts`](super::ScriptOptions) wants them.
    pub scripts: Vec<(String, String)>,
    /// The test files of `scripts/tests/`.
    pub tests: Vec<LoadedFile>,
}

/// Reads `scripts/*.rhai` (and modules below it) and `scripts/tests/*.yaml`
/// from a snapshot's file tree.
pub fn load_from_tree(tree: &dyn crate::source::FileTree) -> Result<StoreScripts, RuleTestError> {
    let io = |e: crate::source::SourceError| RuleTestError::Io {
        path: "scripts".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let is_test = |name: &str| {
        name.starts_with("tests/") && (name.ends_with(".yaml") || name.ends_with(".yml"))
    };
    let files =
        super::set::read_scripts_folder(tree, |name| is_test(name) || name.ends_with(".rhai"))
            .map_err(io)?;
    let mut found = StoreScripts::default();
    for (name, text) in files {
        if is_test(&name) {
            found
                .tests
                .push(parse_file(&format!("scripts/{name}"), &text, None)?);
        } else {
            found.scripts.push((name, text));
        }
    }
    found.tests.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Returns true when `text` is the shipped test file called `file_name`.
pub fn is_shipped(file_name: &str, text: &str) -> bool {
    super::builtin::TESTS
        .iter()
        .any(|(name, shipped)| *name == file_name && *shipped == text)
}

/// Runs every test of `file` against `set`.
pub fn run_file(
    set: &ScriptSet,
    file: &LoadedFile,
    differ: Differ<'_>,
) -> Result<Vec<TestResult>, RuleTestError> {
    file.file
        .tests
        .iter()
        .map(|test| run_case(set, file, test, differ))
        .collect()
}

fn invalid(file: &LoadedFile, message: String) -> RuleTestError {
    RuleTestError::invalid(&file.path, &file.text, message, None)
}

fn run_case(
    set: &ScriptSet,
    file: &LoadedFile,
    test: &TestCase,
    differ: Differ<'_>,
) -> Result<TestResult, RuleTestError> {
    let fail = |message: String| invalid(file, format!("test `{}`: {message}", test.name));
    for expect in &test.expect {
        check_expect(expect).map_err(fail)?;
    }
    let main = match &test.device {
        Some(over) => file.file.device.merged(over),
        None => file.file.device.clone(),
    };
    let main_device = main.device();
    let mut devices: std::collections::BTreeMap<String, Device> = std::collections::BTreeMap::new();
    for spec in file.file.inventory.iter().chain(&test.inventory) {
        let device = spec.device();
        if device.name.is_empty() {
            return Err(fail("an inventory device has no name".into()));
        }
        devices.insert(device.name.clone(), device);
    }
    // The device under test wins over an inventory entry of the same name.
    devices.insert(main_device.name.clone(), main_device.clone());
    let devices: Vec<Device> = devices.into_values().collect();
    let inventory = Inventory::new(devices);
    let mut diffs = vec![device_diff(file, &main_device, &test.sides(), differ).map_err(fail)?];
    for other in &test.also {
        let device = inventory.get(&other.name).ok_or_else(|| {
            fail(format!(
                "`also` names {}, which is not in the inventory",
                other.name
            ))
        })?;
        diffs.push(device_diff(file, device, &other.sides(), differ).map_err(fail)?);
    }
    let input = AssessInput {
        tables: &Default::default(),
        devices: &diffs,
        inventory: &inventory,
        inventory_from: &inventory,
    };
    let assessment = set.assess(&input, &AssessOptions::default());
    let mut problems: Vec<String> = assessment.failures.iter().map(|f| f.to_string()).collect();
    for expect in &test.expect {
        if let Some(want) = &expect.manual {
            let found = assessment.steps.iter().any(|s| {
                s.step.kind == super::StepKind::Manual
                    && s.step.text.contains(want.as_str())
                    && expect
                        .device
                        .as_ref()
                        .is_none_or(|d| s.device.as_ref() == Some(d))
            });
            if !found {
                problems.push(format!(
                    "expected a manual step containing `{want}`, but none was recorded"
                ));
            }
            continue;
        }
        if !assessment.findings.iter().any(|f| matches(expect, f)) {
            problems.push(format!(
                "expected {}, but it was not found{}",
                describe(expect),
                found(&assessment.findings)
            ));
        }
    }
    for rule in &test.absent {
        let fired: Vec<&Finding> = assessment
            .findings
            .iter()
            .filter(|f| matches!(&f.kind, FindingKind::Risk { rule: r, .. } if r == rule))
            .collect();
        if let Some(first) = fired.first() {
            let message = match &first.kind {
                FindingKind::Risk { level, message, .. } => format!("{level}: {message}"),
                _ => String::new(),
            };
            problems.push(format!(
                "expected {rule} not to fire, but it did ({message})"
            ));
        }
    }
    if test.proved {
        problems.extend(
            proof::prove_case(
                file,
                &main_device,
                test,
                &diffs[0],
                &assessment.steps,
                differ,
            )
            .map_err(fail)?,
        );
    }
    Ok(TestResult {
        file: file.name.clone(),
        name: test.name.clone(),
        problems,
        output: assessment.output.into_iter().map(|o| o.text).collect(),
    })
}

fn check_expect(expect: &Expect) -> Result<(), String> {
    let kinds = [
        expect.rule.is_some(),
        expect.precheck.is_some(),
        expect.verify.is_some(),
        expect.apply.is_some(),
        expect.rollback.is_some(),
        expect.impact.is_some(),
        expect.approval.is_some(),
        expect.note.is_some(),
        expect.manual.is_some(),
    ];
    if kinds.iter().filter(|&&k| k).count() != 1 {
        return Err("each `expect` entry names exactly one of rule, precheck, verify, apply, rollback, impact, approval, note, manual".into());
    }
    if let Some(level) = &expect.level {
        if expect.rule.is_none() {
            return Err("`level` goes with `rule`".into());
        }
        if Level::parse(level).is_none() {
            return Err(format!(
                "unknown level `{level}`; expected one of {}",
                Level::NAMES.join(", ")
            ));
        }
    }
    Ok(())
}

fn matches(expect: &Expect, finding: &Finding) -> bool {
    if expect
        .device
        .as_ref()
        .is_some_and(|d| finding.device.as_ref() != Some(d))
    {
        return false;
    }
    let same = |want: &Option<String>, got: &str| want.as_deref() == Some(got);
    match &finding.kind {
        FindingKind::Risk { level, rule, .. } => {
            same(&expect.rule, rule)
                && expect
                    .level
                    .as_deref()
                    .is_none_or(|l| Level::parse(l) == Some(*level))
        }
        FindingKind::Precheck { command } => same(&expect.precheck, command),
        FindingKind::Verify { command } => same(&expect.verify, command),
        FindingKind::Apply { command } => same(&expect.apply, command),
        FindingKind::Rollback { command } => same(&expect.rollback, command),
        FindingKind::Impact { target, .. } => same(&expect.impact, target),
        FindingKind::Approval { role, .. } => same(&expect.approval, role),
        FindingKind::Note { text, .. } => expect.note.as_deref().is_some_and(|n| text.contains(n)),
    }
}

fn describe(expect: &Expect) -> String {
    let what = match expect {
        Expect {
            rule: Some(rule),
            level,
            ..
        } => match level {
            Some(level) => format!("{rule} ({level})"),
            None => rule.clone(),
        },
        Expect {
            precheck: Some(c), ..
        } => format!("precheck `{c}`"),
        Expect {
            verify: Some(c), ..
        } => format!("verify `{c}`"),
        Expect { apply: Some(c), .. } => format!("apply `{c}`"),
        Expect {
            rollback: Some(c), ..
        } => format!("rollback `{c}`"),
        Expect {
            impact: Some(d), ..
        } => format!("impact on {d}"),
        Expect {
            approval: Some(r), ..
        } => format!("approval by {r}"),
        Expect { note: Some(n), .. } => format!("a note containing `{n}`"),
        _ => "a finding".into(),
    };
    match &expect.device {
        Some(device) => format!("{what} on {device}"),
        None => what,
    }
}

fn found(findings: &[Finding]) -> String {
    let risks: Vec<String> = findings
        .iter()
        .filter_map(|f| match &f.kind {
            FindingKind::Risk { level, rule, .. } => Some(format!("{rule} ({level})")),
            _ => None,
        })
        .collect();
    if risks.is_empty() {
        "; no risk fired".into()
    } else {
        format!("; fired: {}", risks.join(", "))
    }
}

fn device_diff(
    file: &LoadedFile,
    device: &Device,
    sides: &Sides,
    differ: Differ<'_>,
) -> Result<DeviceDiff, String> {
    let dialect = Dialect::for_platform(&device.platform).ok_or_else(|| {
        format!(
            "device {} has unknown platform `{}`",
            device.name, device.platform
        )
    })?;
    let changes = match &sides.changes {
        Some(specs) => specs
            .iter()
            .map(change_from_spec)
            .collect::<Result<Vec<_>, _>>()?,
        None => {
            let before = side_text(file, &sides.before, &sides.before_file)?;
            let after = side_text(file, &sides.after, &sides.after_file)?;
            if before.is_none() && after.is_none() {
                return Err(format!(
                    "device {} needs `before`/`after` or `changes`",
                    device.name
                ));
            }
            let parse = |text: Option<String>| {
                crate::config::parse(
                    text.unwrap_or_default().as_bytes(),
                    dialect,
                    &ParseOptions::default(),
                )
            };
            differ(&parse(before), &parse(after))
        }
    };
    Ok(DeviceDiff {
        name: device.name.clone(),
        platform: device.platform.clone(),
        dialect,
        status: DeviceStatus::Modified,
        config: String::new(),
        changes,
        lines: None,
        warnings: Vec::new(),
    })
}

pub(super) fn side_text(
    file: &LoadedFile,
    inline: &Option<String>,
    path: &Option<std::path::PathBuf>,
) -> Result<Option<String>, String> {
    match (inline, path) {
        (Some(_), Some(_)) => Err("give a side inline or as a file, not both".into()),
        (Some(text), None) => Ok(Some(text.clone())),
        (None, Some(path)) => {
            if path.is_absolute()
                || path
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(format!(
                    "{}: config files must sit beside the test file",
                    path.display()
                ));
            }
            let dir = file
                .dir
                .as_ref()
                .ok_or_else(|| "tests shipped in the binary or read from a store cannot use before_file/after_file".to_string())?;
            std::fs::read_to_string(dir.join(path))
                .map(Some)
                .map_err(|e| format!("cannot read {}: {e}", dir.join(path).display()))
        }
        (None, None) => Ok(None),
    }
}

fn change_from_spec(spec: &ChangeSpec) -> Result<Change, String> {
    let op = match spec.op.as_str() {
        "add" => Op::Add,
        "remove" => Op::Remove,
        "modify" => Op::Modify,
        "move" => Op::Move,
        other => {
            return Err(format!(
                "unknown op `{other}`; expected add, remove, modify or move"
            ))
        }
    };
    let category = match spec.category.as_deref().unwrap_or("config") {
        "config" => ChangeCategory::Config,
        "secret" => ChangeCategory::Secret,
        "inventory" => ChangeCategory::Inventory,
        other => {
            return Err(format!(
                "unknown category `{other}`; expected config, secret or inventory"
            ))
        }
    };
    if spec.path.is_empty() {
        return Err("a change needs a non-empty `path`".into());
    }
    let mut change = Change::new(
        op,
        spec.path.clone(),
        spec.before.clone(),
        spec.after.clone(),
        category,
    );
    change.body = spec
        .body
        .iter()
        .map(|line| crate::config::Node::leaf(line.as_str(), 0))
        .collect();
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::ScriptOptions;

    fn shipped_set() -> ScriptSet {
        ScriptSet::load(&ScriptOptions {
            builtin: true,
            ..ScriptOptions::default()
        })
        .expect("shipped rules compile")
    }

    fn no_diff(_: &ConfigTree, _: &ConfigTree) -> Vec<Change> {
        panic!("hand-written cases need no diff")
    }

    #[test]
    fn shipped_cases_with_written_out_changes_pass() {
        let set = shipped_set();
        let mut failures = Vec::new();
        let mut ran = 0;
        for mut file in shipped_tests().unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e))) {
            file.file
                .tests
                .retain(|t| t.changes.is_some() && t.also.iter().all(|o| o.changes.is_some()));
            for result in run_file(&set, &file, &no_diff).expect("valid test file") {
                ran += 1;
                if !result.passed() {
                    failures.push(format!(
                        "{}/{}: {:?} {:?}",
                        result.file, result.name, result.problems, result.output
                    ));
                }
            }
        }
        assert!(ran > 40, "only {ran} cases ran");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The diff stage, as `henko scripts test` runs it.
    fn real_diff(from: &ConfigTree, to: &ConfigTree) -> Vec<Change> {
        crate::diff::diff_trees(from, to, &crate::diff::DiffOptions::default())
    }

    #[test]
    fn every_shipped_case_passes() {
        let set = shipped_set();
        let mut failures = Vec::new();
        for file in shipped_tests().expect("shipped tests parse") {
            for result in run_file(&set, &file, &real_diff).expect("valid test file") {
                if !result.passed() {
                    failures.push(format!(
                        "{}/{}: {:?}",
                        result.file, result.name, result.problems
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_shipped_rule_has_a_firing_and_a_quiet_test() {
        let call = regex::Regex::new(r#"risk\([^,]+,\s*"([a-z]+\.[a-z0-9-]+)""#).unwrap();
        let mut rules = std::collections::BTreeSet::new();
        for (_, text) in crate::script::builtin::RULES {
            rules.extend(call.captures_iter(text).map(|c| c[1].to_string()));
        }
        assert!(rules.len() > 30, "{rules:?}");
        let files = shipped_tests().expect("shipped tests parse");
        let cases = files.iter().flat_map(|f| &f.file.tests);
        let (mut fired, mut quiet) = (
            std::collections::BTreeSet::new(),
            std::collections::BTreeSet::new(),
        );
        for case in cases {
            fired.extend(case.expect.iter().filter_map(|e| e.rule.clone()));
            quiet.extend(case.absent.iter().cloned());
        }
        let missing: Vec<String> = rules
            .iter()
            .filter_map(|r| match (fired.contains(r), quiet.contains(r)) {
                (true, true) => None,
                (f, q) => Some(format!("{r} (firing test: {f}, quiet test: {q})")),
            })
            .collect();
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn a_broken_test_file_is_an_error_with_its_location() {
        let err = parse_file(
            "t.yaml",
            "device: {name: x}\ntests:\n  - name: a\n    expekt: []\n",
            None,
        )
        .unwrap_err();
        let text = format!("{:?}", miette::Report::new(err));
        assert!(text.contains("expekt"), "{text}");
        let err = parse_file(
            "t.yaml",
            "device: {name: x}\ntests:\n  - name: a\n    before: x\n",
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("expects nothing"), "{err}");
    }

    #[test]
    fn a_failing_expectation_says_what_fired() {
        let set = shipped_set();
        let file = parse_file(
            "t.yaml",
            "device: {name: r1, platform: ios, env: prod}\ntests:\n  - name: wrong\n    changes: [{op: remove, path: [router bgp 1, neighbor 1.1.1.1 remote-as 2], before: neighbor 1.1.1.1 remote-as 2}]\n    expect: [{rule: routing.bgp-neighbor-removed, level: low}]\n    absent: [routing.bgp-neighbor-removed]\n",
            None,
        )
        .unwrap();
        let results = run_file(&set, &file, &no_diff).unwrap();
        assert_eq!(results.len(), 1);
        let problems = &results[0].problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("routing.bgp-neighbor-removed (high)"),
            "{problems:?}"
        );
        assert!(problems[1].contains("not to fire"), "{problems:?}");
    }
}
