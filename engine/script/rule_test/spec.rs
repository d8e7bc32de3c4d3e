//! The rule-test file format (`scripts/tests/*.yaml`) and its loading.
//!
//! ```yaml
//! device: {name: rt-west-01, kind: router, platform: ios, site: west, env: prod}
//! inventory:                      # optional: more devices (dependents, pairs)
//!   - {name: esx-west-01, kind: hypervisor, depends_on: [rt-west-01]}
//! tests:
//!   - name: bgp-neighbor-removed
//!     before: |
//!       router bgp 65001
//!        neighbor 10.0.0.2 remote-as 65002
//!     after: |
//!       router bgp 65001
//!     expect:
//!       - {rule: routing.bgp-neighbor-removed, level: high}
//!       - {precheck: show ip bgp summary}
//!     absent: [routing.as-changed]
//! ```

use crate::inventory::{Device, DeviceKind, Env};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A rule-test file could not be read or understood.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RuleTestError {
    /// The file or folder could not be read.
    #[error("cannot read rule tests {path}: {source}")]
    #[diagnostic(code(henko::script::test_io))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid rule-test file.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidTestFile>),
}

/// What is wrong with a rule-test file, and where.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(henko::script::test_file))]
pub struct InvalidTestFile {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The file's text.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("{message}")]
    pub span: Option<SourceSpan>,
}

impl RuleTestError {
    /// Returns the error for `message` about the file at `path` with `text`.
    pub fn invalid(path: &str, text: &str, message: String, span: Option<SourceSpan>) -> Self {
        RuleTestError::Invalid(Box::new(InvalidTestFile {
            path: path.to_string(),
            message,
            src: NamedSource::new(path, text.to_string()),
            span,
        }))
    }
}

/// A device as a test file describes it (inventory fields).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Name (required for the file's device and extra inventory devices).
    #[serde(default)]
    pub name: Option<String>,
    /// Kind.
    #[serde(default)]
    pub kind: Option<DeviceKind>,
    /// Platform (selects the dialect of `before`/`after`).
    #[serde(default)]
    pub platform: Option<String>,
    /// Site.
    #[serde(default)]
    pub site: Option<String>,
    /// Env.
    #[serde(default)]
    pub env: Option<Env>,
    /// Role.
    #[serde(default)]
    pub role: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Providers.
    #[serde(default)]
    pub depends_on: Option<Vec<String>>,
    /// HA/DR twin.
    #[serde(default)]
    pub pair: Option<String>,
    /// Free-form variables.
    #[serde(default)]
    pub vars: Option<BTreeMap<String, serde_json::Value>>,
}

impl DeviceSpec {
    /// Returns `self` with the fields `over` sets replaced.
    pub fn merged(&self, over: &DeviceSpec) -> DeviceSpec {
        macro_rules! pick {
            ($($field:ident),*) => {
                DeviceSpec { $($field: over.$field.clone().or_else(|| self.$field.clone())),* }
            };
        }
        pick!(name, kind, platform, site, env, role, tags, depends_on, pair, vars)
    }

    /// Returns the inventory device.
    pub fn device(&self) -> Device {
        Device {
            name: self.name.clone().unwrap_or_default(),
            kind: self.kind.unwrap_or_default(),
            platform: self.platform.clone().unwrap_or_default(),
            site: self.site.clone().unwrap_or_default(),
            env: self.env.unwrap_or_default(),
            role: self.role.clone().unwrap_or_default(),
            tags: self.tags.clone().unwrap_or_default(),
            depends_on: self.depends_on.clone().unwrap_or_default(),
            pair: self.pair.clone(),
            vars: self.vars.clone().unwrap_or_default(),
            ..Device::default()
        }
    }
}

/// A change written out by hand (instead of `before`/`after`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSpec {
    /// add, remove, modify or move.
    pub op: String,
    /// Section headers down to the line.
    pub path: Vec<String>,
    /// The line before.
    #[serde(default)]
    pub before: Option<String>,
    /// The line after.
    #[serde(default)]
    pub after: Option<String>,
    /// config (default), secret or inventory.
    #[serde(default)]
    pub category: Option<String>,
    /// For a section added or removed whole: the lines under it.
    #[serde(default)]
    pub body: Vec<String>,
}

/// What one device looks like before and after, in a test.
#[derive(Clone, Debug, Default)]
pub struct Sides {
    /// Configuration before, inline.
    pub before: Option<String>,
    /// Configuration after, inline.
    pub after: Option<String>,
    /// Configuration before, a file relative to the test file.
    pub before_file: Option<PathBuf>,
    /// Configuration after, a file relative to the test file.
    pub after_file: Option<PathBuf>,
    /// The changes, written out (instead of before/after).
    pub changes: Option<Vec<ChangeSpec>>,
}

macro_rules! sides_of {
    ($value:expr) => {
        Sides {
            before: $value.before.clone(),
            after: $value.after.clone(),
            before_file: $value.before_file.clone(),
            after_file: $value.after_file.clone(),
            changes: $value.changes.clone(),
        }
    };
}

/// Another device that changes in the same test (HA pairs, plan-wide rules).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDevice {
    /// Its name (it must be in the inventory).
    pub name: String,
    /// Configuration before, inline.
    #[serde(default)]
    pub before: Option<String>,
    /// Configuration after, inline.
    #[serde(default)]
    pub after: Option<String>,
    /// Configuration before, a file relative to the test file.
    #[serde(default)]
    pub before_file: Option<PathBuf>,
    /// Configuration after, a file relative to the test file.
    #[serde(default)]
    pub after_file: Option<PathBuf>,
    /// The changes, written out (instead of before/after).
    #[serde(default)]
    pub changes: Option<Vec<ChangeSpec>>,
}

impl OtherDevice {
    /// Returns its before/after or changes.
    pub fn sides(&self) -> Sides {
        sides_of!(self)
    }
}

/// One expected finding: every field given must match.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Risk rule id.
    pub rule: Option<String>,
    /// Risk level.
    pub level: Option<String>,
    /// Device the finding is about (default: any).
    pub device: Option<String>,
    /// A pre-check command, exactly.
    pub precheck: Option<String>,
    /// A verify command, exactly.
    pub verify: Option<String>,
    /// An apply step, exactly.
    pub apply: Option<String>,
    /// A rollback step, exactly.
    pub rollback: Option<String>,
    /// An impacted device.
    pub impact: Option<String>,
    /// An approval role.
    pub approval: Option<String>,
    /// A note containing this text.
    pub note: Option<String>,
    /// A manual step (`ctx.step(phase, #{kind: "manual", …})`) whose text
    /// contains this.
    pub manual: Option<String>,
}

/// One test case.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// Name, unique in the file.
    pub name: String,
    /// Overrides of the file's device fields (env, platform, vars…).
    #[serde(default)]
    pub device: Option<DeviceSpec>,
    /// Configuration before, inline.
    #[serde(default)]
    pub before: Option<String>,
    /// Configuration after, inline.
    #[serde(default)]
    pub after: Option<String>,
    /// Configuration before, a file relative to the test file.
    #[serde(default)]
    pub before_file: Option<PathBuf>,
    /// Configuration after, a file relative to the test file.
    #[serde(default)]
    pub after_file: Option<PathBuf>,
    /// The changes, written out (instead of before/after).
    #[serde(default)]
    pub changes: Option<Vec<ChangeSpec>>,
    /// Other devices changing in the same plan.
    #[serde(default)]
    pub also: Vec<OtherDevice>,
    /// More inventory devices for this test only.
    #[serde(default)]
    pub inventory: Vec<DeviceSpec>,
    /// Findings that must be present.
    #[serde(default)]
    pub expect: Vec<Expect>,
    /// Rule ids that must not fire.
    #[serde(default)]
    pub absent: Vec<String>,
    /// When true, the rules' steps must be proved on henko's model of the
    /// document: the changes the apply steps name turn `before` into
    /// `after`, and the rollback steps' inverses turn `after` back into
    /// `before` (needs `before`/`after`).
    #[serde(default)]
    pub proved: bool,
}

impl TestCase {
    /// Returns the file device's before/after or changes.
    pub fn sides(&self) -> Sides {
        sides_of!(self)
    }
}

/// A rule-test file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The device under test.
    pub device: DeviceSpec,
    /// More inventory devices for every test of the file.
    #[serde(default)]
    pub inventory: Vec<DeviceSpec>,
    /// The tests.
    pub tests: Vec<TestCase>,
}

/// A loaded test file with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    /// Name shown in results (file stem).
    pub name: String,
    /// Folder for `before_file`/`after_file` (None for shipped tests).
    pub dir: Option<PathBuf>,
    /// Display path for errors.
    pub path: String,
    /// The text (for diagnostics).
    pub text: String,
    /// The parsed file.
    pub file: TestFile,
}

/// Parses one rule-test file's text.
pub fn parse_file(
    path: &str,
    text: &str,
    dir: Option<PathBuf>,
) -> Result<LoadedFile, RuleTestError> {
    let invalid = |message: String, span: Option<SourceSpan>| {
        RuleTestError::invalid(path, text, message, span)
    };
    let file: TestFile = serde_yaml::from_str(text).map_err(|e| {
        let span = e.location().map(|l| SourceSpan::from((l.index(), 0)));
        invalid(e.to_string(), span)
    })?;
    if file.device.name.as_deref().unwrap_or("").is_empty() {
        return Err(invalid("`device` needs a `name`".into(), None));
    }
    let mut names = std::collections::BTreeSet::new();
    for test in &file.tests {
        if !names.insert(test.name.as_str()) {
            return Err(invalid(
                format!("two tests are called `{}`", test.name),
                None,
            ));
        }
        if test.expect.is_empty() && test.absent.is_empty() {
            return Err(invalid(
                format!(
                    "test `{}` expects nothing: add `expect` or `absent`",
                    test.name
                ),
                None,
            ));
        }
    }
    let name = Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned());
    Ok(LoadedFile {
        name,
        dir,
        path: path.to_string(),
        text: text.to_string(),
        file,
    })
}

/// Loads every `*.yaml`/`*.yml` file of `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedFile>, RuleTestError> {
    let io = |source| RuleTestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    paths.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|source| RuleTestError::Io {
                path: path.clone(),
                source,
            })?;
            parse_file(&path.display().to_string(), &text, Some(dir.to_path_buf()))
        })
        .collect()
}
