//! Platform rule tables: the data that tells the remediation engines how a
//! platform's CLI behaves (which lines overwrite, how a line is negated,
//! which sections are ordered, rewritten, reset or left to a human).
//!
//! The built-in tables live in `engine/plan/platforms/*.yaml` and are compiled
//! in; operators extend them from the store (`.henko/platforms/ios.yaml`) with
//! [`PlatformRules::with_overrides`], whose entries take precedence.

use std::sync::{Arc, OnceLock};

use regex::Captures;

use super::pattern::Pattern;

pub(crate) use super::memo::LookupMemo;
pub(crate) use super::prefilter::{Prefilter, Prefilters};
use serde::Deserialize;

/// Which remediation engine (command syntax family) a platform uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Indented section CLI with `no` negation (ios, iosxe, nxos, eos, asa, acos).
    Ios,
    /// FortiOS `config` / `edit` / `set` / `unset` / `next` / `end`.
    Fortios,
    /// Junos `set` / `delete` full paths.
    Junos,
    /// No CLI: apply and rollback steps come from scripts.
    Structured,
}

/// An error in a rule table (built-in or operator supplied).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{source_name}: {message}")]
#[diagnostic(code(henko::plan::rules))]
pub struct RulesError {
    /// The file (or built-in table) the rule came from.
    pub source_name: String,
    /// What is wrong, with the line when the YAML parser knows it.
    pub message: String,
}

/// A regular expression (compiled on first use) with an optional
/// parent-section condition.
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    pub(crate) re: Arc<Pattern>,
    parent: Option<Arc<Pattern>>,
}

impl Matcher {
    /// Returns the captures when `text` matches and the parent condition holds.
    pub(crate) fn captures<'t>(&self, text: &'t str, parent: Option<&str>) -> Option<Captures<'t>> {
        if !self.applies_under(parent) {
            return None;
        }
        self.re.captures(text)
    }

    /// Returns true when the parent condition holds for lines under
    /// `parent` (always, for a rule without one).
    pub(crate) fn applies_under(&self, parent: Option<&str>) -> bool {
        self.parent
            .as_ref()
            .is_none_or(|cond| cond.is_match(parent.unwrap_or("")))
    }

    /// Returns true when `text` matches and the parent condition holds
    /// (no capture groups are filled).
    pub(crate) fn is_match(&self, text: &str, parent: Option<&str>) -> bool {
        self.applies_under(parent) && self.re.is_match(text)
    }

    /// Compiles both regexes now.
    #[cfg(test)]
    fn check(&self) -> Result<(), String> {
        self.re.check()?;
        self.parent.as_ref().map_or(Ok(()), |p| p.check())
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Templated {
    pub(crate) matcher: Matcher,
    pub(crate) template: String,
}

impl Templated {
    /// Returns true when this rule writes its [`literal_prefix`] followed by
    /// the line's start (template `L$1`, pattern `^(…)…`): a line it writes
    /// command `C` for then starts with what follows that literal in `C`.
    pub(crate) fn reads_backwards(&self) -> bool {
        let literal = literal_prefix(&self.template);
        matches!(&self.template[literal.len()..], "$1" | "${1}")
            && self.matcher.re.group_one_opens_line()
    }
}

/// Returns the part of a command template before its first `$` reference.
pub(crate) fn literal_prefix(template: &str) -> &str {
    &template[..template.find('$').unwrap_or(template.len())]
}

#[derive(Clone, Debug)]
pub(crate) struct Weighted {
    pub(crate) matcher: Matcher,
    pub(crate) weight: i32,
}

#[derive(Clone, Debug)]
pub(crate) struct ListRule {
    pub(crate) matcher: Matcher,
    pub(crate) split: bool,
    pub(crate) add_remove: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct GroupRule {
    pub(crate) matcher: Matcher,
    pub(crate) remove_group: Option<String>,
    pub(crate) line_numbers: bool,
}

/// The compiled rule table of one platform.
#[derive(Clone, Debug)]
pub struct PlatformRules {
    platform: String,
    pub(crate) engine: Engine,
    pub(crate) indent: usize,
    pub(crate) ignore: Vec<Matcher>,
    pub(crate) defaults: Vec<Matcher>,
    pub(crate) negated_state: Vec<Matcher>,
    pub(crate) idempotent: Vec<Matcher>,
    pub(crate) multi_valued: Vec<Matcher>,
    pub(crate) negate: Vec<Templated>,
    pub(crate) ordered_sections: Vec<Matcher>,
    pub(crate) ordered_groups: Vec<GroupRule>,
    pub(crate) reset_sections: Vec<Templated>,
    pub(crate) manual: Vec<Templated>,
    pub(crate) exits: Vec<Templated>,
    pub(crate) lists: Vec<ListRule>,
    pub(crate) order: Vec<Weighted>,
    pub(crate) filters: Prefilters,
    /// Answers of the costly lookups, shared by clones, reset when the
    /// lists change.
    pub(crate) memo: Arc<LookupMemo>,
    sources: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    inherit: Option<String>,
    #[serde(default)]
    indent: Option<usize>,
    #[serde(default)]
    ignore: Vec<RawMatch>,
    #[serde(default)]
    defaults: Vec<RawMatch>,
    #[serde(default)]
    negated_state: Vec<RawMatch>,
    #[serde(default)]
    idempotent: Vec<RawMatch>,
    #[serde(default)]
    multi_valued: Vec<RawMatch>,
    #[serde(default)]
    negate: Vec<RawMatch>,
    #[serde(default)]
    ordered_sections: Vec<RawMatch>,
    #[serde(default)]
    ordered_groups: Vec<RawMatch>,
    #[serde(default)]
    reset_sections: Vec<RawMatch>,
    #[serde(default)]
    manual: Vec<RawMatch>,
    #[serde(default)]
    exit: Vec<RawMatch>,
    #[serde(default)]
    lists: Vec<RawMatch>,
    #[serde(default)]
    order: Vec<RawMatch>,
}

/// One rule as written in YAML: a bare regex string or a map.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawMatch {
    Bare(String),
    Full(RawRule),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(rename = "match")]
    pattern: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default, rename = "with")]
    template: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    /// The reason in Japanese, for `--lang ja` reports (see `reasons.rs`).
    #[serde(default)]
    #[allow(dead_code)]
    reason_ja: Option<String>,
    #[serde(default)]
    weight: Option<i32>,
    #[serde(default)]
    split: bool,
    #[serde(default)]
    add_remove: bool,
    #[serde(default)]
    remove_group: Option<String>,
    #[serde(default)]
    line_numbers: bool,
}

pub(super) const BUILTIN: &[(&str, &str)] = &[
    ("ios", include_str!("../platforms/ios.yaml")),
    ("iosxe", include_str!("../platforms/iosxe.yaml")),
    ("nxos", include_str!("../platforms/nxos.yaml")),
    ("eos", include_str!("../platforms/eos.yaml")),
    ("asa", include_str!("../platforms/asa.yaml")),
    ("acos", include_str!("../platforms/acos.yaml")),
    ("fortios", include_str!("../platforms/fortios.yaml")),
    ("junos", include_str!("../platforms/junos.yaml")),
    ("structured", include_str!("../platforms/structured.yaml")),
];

/// Returns the built-in table name for a platform or dialect name.
fn canonical_platform(platform: &str) -> &'static str {
    match platform.to_ascii_lowercase().as_str() {
        "ios" => "ios",
        "iosxe" | "ios-xe" => "iosxe",
        "nxos" | "nx-os" => "nxos",
        "eos" => "eos",
        "asa" => "asa",
        "acos" => "acos",
        "fortios" | "fortigate" => "fortios",
        "junos" | "panos-set" => "junos",
        other => match crate::config::Dialect::for_platform(other) {
            Some(crate::config::Dialect::Ios) => "ios",
            Some(crate::config::Dialect::Fortios) => "fortios",
            Some(crate::config::Dialect::Junos) => "junos",
            _ => "structured",
        },
    }
}

impl PlatformRules {
    /// Returns the built-in rule table for `platform` (an inventory platform
    /// name such as `iosxe` or `fortigate`). Unknown platforms get the table
    /// of their dialect family, or a table without CLI remediation.
    pub fn builtin(platform: &str) -> PlatformRules {
        let mut rules = Self::cached(canonical_platform(platform)).clone();
        rules.platform = platform.to_string();
        rules
    }

    /// Returns the built-in table `name`, loaded once per process and only
    /// when first asked for; clones share its patterns, each compiled on
    /// first use.
    fn cached(name: &str) -> &'static PlatformRules {
        static TABLES: [OnceLock<PlatformRules>; BUILTIN.len()] =
            [const { OnceLock::new() }; BUILTIN.len()];
        let at = BUILTIN
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no built-in rule table {name}"));
        TABLES[at].get_or_init(|| {
            Self::load_builtin(name)
                .unwrap_or_else(|e| panic!("built-in rule table {name} is invalid: {e}"))
        })
    }

    /// Returns the names of the built-in tables.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    fn load_builtin(name: &str) -> Result<PlatformRules, RulesError> {
        let text = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| RulesError {
                source_name: format!("builtin:{name}"),
                message: "no such built-in table".into(),
            })?;
        let source = format!("builtin:{name}.yaml");
        let raw = parse_raw(text, &source)?;
        let base = match raw.inherit.as_deref() {
            Some(parent) => Self::cached(parent).clone(),
            None => PlatformRules::empty(name),
        };
        base.extend(raw, &source, false)
    }

    fn empty(platform: &str) -> PlatformRules {
        PlatformRules {
            platform: platform.to_string(),
            engine: Engine::Structured,
            indent: 1,
            ignore: Vec::new(),
            defaults: Vec::new(),
            negated_state: Vec::new(),
            idempotent: Vec::new(),
            multi_valued: Vec::new(),
            negate: Vec::new(),
            ordered_sections: Vec::new(),
            ordered_groups: Vec::new(),
            reset_sections: Vec::new(),
            manual: Vec::new(),
            exits: Vec::new(),
            lists: Vec::new(),
            order: Vec::new(),
            filters: Prefilters::default(),
            memo: Arc::default(),
            sources: Vec::new(),
        }
    }

    /// Returns these rules extended by an operator's YAML table (same format
    /// as the built-in ones). Its rules are consulted before the existing
    /// ones; `engine` and `indent`, when given, replace the current values.
    pub fn with_overrides(
        self,
        yaml_text: &str,
        source_name: &str,
    ) -> Result<PlatformRules, RulesError> {
        let raw = parse_raw(yaml_text, source_name)?;
        if raw.inherit.is_some() {
            return Err(RulesError {
                source_name: source_name.to_string(),
                message: "`inherit` is only allowed in built-in tables".into(),
            });
        }
        self.extend(raw, source_name, true)
    }

    /// Returns the platform name the rules were built for.
    pub fn platform(&self) -> &str {
        &self.platform
    }

    /// Returns the engine (command syntax family) the rules select.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Returns the tables these rules were assembled from, base first.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Adds `raw`'s rules before the current ones; `eager` compiles every
    /// new pattern now (operators' tables, so errors show at load).
    fn extend(
        mut self,
        raw: RawRules,
        source: &str,
        eager: bool,
    ) -> Result<PlatformRules, RulesError> {
        let err = |message: String| RulesError {
            source_name: source.to_string(),
            message,
        };
        if let Some(p) = raw.platform {
            self.platform = p;
        }
        if let Some(engine) = raw.engine.as_deref() {
            self.engine = match engine {
                "ios" => Engine::Ios,
                "fortios" => Engine::Fortios,
                "junos" => Engine::Junos,
                "structured" => Engine::Structured,
                other => {
                    return Err(err(format!(
                        "unknown engine `{other}` (ios, fortios, junos, structured)"
                    )))
                }
            };
        }
        if let Some(indent) = raw.indent {
            if indent == 0 || indent > 8 {
                return Err(err(format!("indent must be 1..=8, not {indent}")));
            }
            self.indent = indent;
        }
        let c = Compiler { source, eager };
        prepend(&mut self.ignore, c.matchers("ignore", raw.ignore)?);
        prepend(&mut self.defaults, c.matchers("defaults", raw.defaults)?);
        prepend(
            &mut self.negated_state,
            c.matchers("negated_state", raw.negated_state)?,
        );
        prepend(
            &mut self.idempotent,
            c.matchers("idempotent", raw.idempotent)?,
        );
        prepend(
            &mut self.multi_valued,
            c.matchers("multi_valued", raw.multi_valued)?,
        );
        prepend(&mut self.negate, c.templated("negate", raw.negate, true)?);
        prepend(
            &mut self.ordered_sections,
            c.matchers("ordered_sections", raw.ordered_sections)?,
        );
        prepend(
            &mut self.reset_sections,
            c.templated("reset_sections", raw.reset_sections, true)?,
        );
        prepend(&mut self.manual, c.templated("manual", raw.manual, false)?);
        prepend(&mut self.exits, c.templated("exit", raw.exit, true)?);
        let mut groups = Vec::new();
        for (i, entry) in raw.ordered_groups.into_iter().enumerate() {
            let rule = into_rule(entry);
            let matcher = c.matcher("ordered_groups", i, &rule)?;
            if matcher.re.captures_len() < 2 {
                return Err(err(format!(
                    "ordered_groups[{i}]: the pattern needs a capture group naming the group"
                )));
            }
            groups.push(GroupRule {
                matcher,
                remove_group: rule.remove_group,
                line_numbers: rule.line_numbers,
            });
        }
        prepend(&mut self.ordered_groups, groups);
        let mut lists = Vec::new();
        for (i, entry) in raw.lists.into_iter().enumerate() {
            let rule = into_rule(entry);
            let matcher = c.matcher("lists", i, &rule)?;
            if matcher.re.captures_len() != 3 {
                return Err(err(format!(
                    "lists[{i}]: the pattern needs two capture groups (prefix, list)"
                )));
            }
            lists.push(ListRule {
                matcher,
                split: rule.split,
                add_remove: rule.add_remove,
            });
        }
        prepend(&mut self.lists, lists);
        let mut order = Vec::new();
        for (i, entry) in raw.order.into_iter().enumerate() {
            let rule = into_rule(entry);
            let matcher = c.matcher("order", i, &rule)?;
            let weight = rule
                .weight
                .ok_or_else(|| err(format!("order[{i}]: `weight` is required")))?;
            order.push(Weighted { matcher, weight });
        }
        prepend(&mut self.order, order);
        self.sources.push(source.to_string());
        self.filters = self.prefilters();
        self.memo = Arc::default();
        Ok(self)
    }
}

fn prepend<T>(list: &mut Vec<T>, mut first: Vec<T>) {
    first.append(list);
    *list = first;
}

fn into_rule(entry: RawMatch) -> RawRule {
    match entry {
        RawMatch::Full(rule) => rule,
        RawMatch::Bare(pattern) => RawRule {
            pattern,
            parent: None,
            template: None,
            reason: None,
            reason_ja: None,
            weight: None,
            split: false,
            add_remove: false,
            remove_group: None,
            line_numbers: false,
        },
    }
}

fn parse_raw(text: &str, source: &str) -> Result<RawRules, RulesError> {
    if text.trim().is_empty() {
        return Ok(RawRules::default());
    }
    serde_yaml::from_str(text).map_err(|e| RulesError {
        source_name: source.to_string(),
        message: match e.location() {
            Some(loc) => format!("line {}, column {}: {e}", loc.line(), loc.column()),
            None => e.to_string(),
        },
    })
}

struct Compiler<'a> {
    source: &'a str,
    /// Compile now rather than on first use.
    eager: bool,
}

impl Compiler<'_> {
    fn regex(&self, list: &str, index: usize, pattern: &str) -> Result<Arc<Pattern>, RulesError> {
        let parsed = if self.eager {
            Pattern::eager(pattern)
        } else {
            Pattern::lazy(pattern)
        };
        parsed.map(Arc::new).map_err(|e| RulesError {
            source_name: self.source.to_string(),
            message: format!("{list}[{index}]: invalid pattern `{pattern}`: {e}"),
        })
    }

    fn matcher(&self, list: &str, index: usize, rule: &RawRule) -> Result<Matcher, RulesError> {
        Ok(Matcher {
            re: self.regex(list, index, &rule.pattern)?,
            parent: rule
                .parent
                .as_deref()
                .map(|p| self.regex(list, index, p))
                .transpose()?,
        })
    }

    fn matchers(&self, list: &str, entries: Vec<RawMatch>) -> Result<Vec<Matcher>, RulesError> {
        entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| self.matcher(list, i, &into_rule(e)))
            .collect()
    }

    fn templated(
        &self,
        list: &str,
        entries: Vec<RawMatch>,
        command: bool,
    ) -> Result<Vec<Templated>, RulesError> {
        let mut out = Vec::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let rule = into_rule(entry);
            let matcher = self.matcher(list, i, &rule)?;
            let template = if command {
                rule.template.clone()
            } else {
                rule.reason.clone()
            };
            let template = template.ok_or_else(|| RulesError {
                source_name: self.source.to_string(),
                message: format!(
                    "{list}[{i}]: `{}` is required",
                    if command { "with" } else { "reason" }
                ),
            })?;
            out.push(Templated { matcher, template });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles every pattern of every list.
    fn check_all(rules: &PlatformRules) -> Result<(), String> {
        let templated = [
            &rules.negate,
            &rules.reset_sections,
            &rules.manual,
            &rules.exits,
        ];
        let plain = [
            &rules.ignore,
            &rules.defaults,
            &rules.negated_state,
            &rules.idempotent,
            &rules.multi_valued,
            &rules.ordered_sections,
        ];
        let matchers = plain
            .into_iter()
            .flatten()
            .chain(templated.into_iter().flatten().map(|t| &t.matcher))
            .chain(rules.ordered_groups.iter().map(|g| &g.matcher))
            .chain(rules.lists.iter().map(|l| &l.matcher))
            .chain(rules.order.iter().map(|w| &w.matcher));
        matchers.into_iter().try_for_each(|m| m.check())
    }

    #[test]
    fn every_builtin_table_compiles() {
        for name in PlatformRules::builtin_names() {
            let rules = PlatformRules::load_builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            // Built-in patterns compile on first use: compile them all here.
            check_all(&rules).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn platform_names_select_their_family() {
        assert_eq!(PlatformRules::builtin("iosxe").engine(), Engine::Ios);
        assert_eq!(
            PlatformRules::builtin("fortigate").engine(),
            Engine::Fortios
        );
        assert_eq!(PlatformRules::builtin("panos-set").engine(), Engine::Junos);
        assert_eq!(
            PlatformRules::builtin("vmware").engine(),
            Engine::Structured
        );
        assert_eq!(PlatformRules::builtin("fortios").indent, 4);
    }

    #[test]
    fn overrides_take_precedence() {
        let rules = PlatformRules::builtin("ios");
        assert_eq!(
            rules.negate("logging host 10.0.0.1", None),
            "no logging host 10.0.0.1"
        );
        let rules = rules
            .with_overrides(
                "negate:\n  - match: '^logging host (\\S+)$'\n    with: 'no logging $1'\nidempotent:\n  - '^(banner-text) '\n",
                ".henko/platforms/ios.yaml",
            )
            .unwrap();
        assert_eq!(
            rules.negate("logging host 10.0.0.1", None),
            "no logging 10.0.0.1"
        );
        assert_eq!(
            rules.idempotent_key("banner-text hi", None).as_deref(),
            Some("banner-text")
        );
        assert_eq!(
            rules.sources().last().map(String::as_str),
            Some(".henko/platforms/ios.yaml")
        );
    }

    #[test]
    fn bad_override_names_its_file_and_line() {
        let err = PlatformRules::builtin("ios")
            .with_overrides("negate:\n  - match: '('\n    with: x\n", "ops.yaml")
            .unwrap_err();
        assert!(err.to_string().starts_with("ops.yaml: negate[0]"), "{err}");
        let err = PlatformRules::builtin("ios")
            .with_overrides("negate: [\n", "ops.yaml")
            .unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
        let err = PlatformRules::builtin("ios")
            .with_overrides("negat: []\n", "ops.yaml")
            .unwrap_err();
        assert!(err.to_string().contains("negat"), "{err}");
    }

    #[test]
    fn negation_defaults_to_no_and_back() {
        let rules = PlatformRules::builtin("ios");
        assert_eq!(
            rules.negate("no ip domain-lookup", None),
            "ip domain-lookup"
        );
        assert_eq!(
            rules.negate("interface Loopback9", None),
            "no interface Loopback9"
        );
        assert_eq!(
            rules.negate("description uplink to core", Some("interface Gi0/1")),
            "no description"
        );
    }
}
