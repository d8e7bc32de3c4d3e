//! Site-pair drift: compare a device with its HA/DR twin after mapping away
//! what is meant to differ (names, site addresses, declared substitutions).
//!
//! Each side's lines are rewritten before the diff: every string value of a
//! `vars` key that both devices define becomes `{{KEY}}`, each device's own
//! name becomes `{{name}}`, then the declared regex substitutions apply; lines
//! matching an `ignore` pattern are dropped. What still differs is drift.

use crate::config::{ConfigTree, Node};
use crate::inventory::Device;
use regex::Regex;
use serde::Deserialize;

/// Declared drift rules (inventory `drift:` section or `.henko/drift.yaml`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftRules {
    /// Regex substitutions applied to both sides' lines.
    #[serde(default)]
    pub substitutions: Vec<Substitution>,
    /// Lines matching any of these regexes are never drift.
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// One regex substitution.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Substitution {
    /// Regular expression.
    pub pattern: String,
    /// Replacement (`$1` refers to groups).
    pub replace: String,
}

/// Drift rules compiled for one pair of devices.
#[derive(Debug)]
pub struct PairNormalizer {
    left: Vec<(String, String)>,
    right: Vec<(String, String)>,
    substitutions: Vec<(Regex, String)>,
    ignore: Vec<Regex>,
}

/// A drift rule that does not compile.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("drift rule `{pattern}` is not a valid regular expression: {reason}")]
#[diagnostic(code(henko::drift::pattern))]
pub struct DriftRuleError {
    /// The pattern.
    pub pattern: String,
    /// Why it does not compile.
    pub reason: String,
}

fn compile(pattern: &str) -> Result<Regex, DriftRuleError> {
    Regex::new(pattern).map_err(|e| DriftRuleError {
        pattern: pattern.to_string(),
        reason: e.to_string(),
    })
}

impl PairNormalizer {
    /// Builds the normaliser for `left` (usually production) and `right`.
    pub fn new(left: &Device, right: &Device, rules: &DriftRules) -> Result<Self, DriftRuleError> {
        let mut left_map = vec![(left.name.clone(), "{{name}}".to_string())];
        let mut right_map = vec![(right.name.clone(), "{{name}}".to_string())];
        for (key, value) in &left.vars {
            let (Some(a), Some(b)) = (scalar(value), right.vars.get(key).and_then(scalar)) else {
                continue;
            };
            if a != b && !a.is_empty() && !b.is_empty() {
                left_map.push((a, format!("{{{{{key}}}}}")));
                right_map.push((b, format!("{{{{{key}}}}}")));
            }
        }
        // Longest first, so `10.1.20` wins over `10.1`.
        for map in [&mut left_map, &mut right_map] {
            map.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Ok(PairNormalizer {
            left: left_map,
            right: right_map,
            substitutions: rules
                .substitutions
                .iter()
                .map(|s| Ok((compile(&s.pattern)?, s.replace.clone())))
                .collect::<Result<_, DriftRuleError>>()?,
            ignore: rules
                .ignore
                .iter()
                .map(|p| compile(p))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Rewrites the left device's tree.
    pub fn left(&self, tree: &ConfigTree) -> ConfigTree {
        self.apply(tree, &self.left)
    }

    /// Rewrites the right device's tree.
    pub fn right(&self, tree: &ConfigTree) -> ConfigTree {
        self.apply(tree, &self.right)
    }

    fn apply(&self, tree: &ConfigTree, values: &[(String, String)]) -> ConfigTree {
        let mut out = tree.clone();
        let mut stack: Vec<&mut Vec<Node>> = vec![&mut out.roots];
        while let Some(nodes) = stack.pop() {
            nodes.retain(|n| !self.ignore.iter().any(|re| re.is_match(&n.text)));
            for node in nodes.iter_mut() {
                node.text = self.rewrite(&node.text, values);
                stack.push(&mut node.children);
            }
        }
        out
    }

    fn rewrite(&self, text: &str, values: &[(String, String)]) -> String {
        let mut line = text.to_string();
        for (value, placeholder) in values {
            line = replace_bounded(&line, value, placeholder);
        }
        for (re, replacement) in &self.substitutions {
            line = re.replace_all(&line, replacement.as_str()).into_owned();
        }
        line
    }
}

/// Returns a var's value as text when it is a string or a number.
fn scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Replaces `needle` in `haystack` where it stands as a token of its own:
/// not glued to a letter or digit on either side, and not the tail of a
/// dotted number (`10.1` matches in `10.1.20.1`, not in `10.10.0.1` nor at
/// the end of `10.1.10.1`).
fn replace_bounded(haystack: &str, needle: &str, replacement: &str) -> String {
    if needle.is_empty() || !haystack.contains(needle) {
        return haystack.to_string();
    }
    let glued = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(haystack.len());
    let mut copied = 0;
    for (at, _) in haystack.match_indices(needle) {
        let mut preceding = haystack[..at].chars().rev();
        let (before, before2) = (preceding.next(), preceding.next());
        let after = haystack[at + needle.len()..].chars().next();
        let tail_of_number = needle.starts_with(|c: char| c.is_ascii_digit())
            && before == Some('.')
            && before2.is_some_and(|c| c.is_ascii_digit());
        if glued(before) || glued(after) || tail_of_number {
            continue;
        }
        out.push_str(&haystack[copied..at]);
        out.push_str(replacement);
        copied = at + needle.len();
    }
    out.push_str(&haystack[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dialect;

    fn device(name: &str, vars: &[(&str, &str)]) -> Device {
        Device {
            name: name.into(),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                .collect(),
            ..Device::default()
        }
    }

    #[test]
    fn bounded_replacement_respects_token_edges() {
        assert_eq!(replace_bounded("ip 10.1.20.1", "10.1", "X"), "ip X.20.1");
        assert_eq!(replace_bounded("ip 10.10.0.1", "10.1", "X"), "ip 10.10.0.1");
        assert_eq!(replace_bounded("ip 10.1.10.1", "10.1", "X"), "ip X.10.1");
        assert_eq!(replace_bounded("10.1 10.1", "10.1", "X"), "X X");
        assert_eq!(
            replace_bounded("vmware:w-esx01", "w-esx01", "H"),
            "vmware:H"
        );
        assert_eq!(
            replace_bounded("hostname w-fw01", "w-fw01", "N"),
            "hostname N"
        );
        assert_eq!(replace_bounded("w-fw011", "w-fw01", "N"), "w-fw011");
    }

    #[test]
    fn pair_values_map_to_the_same_placeholder() {
        let west = device("w-fw01", &[("site_prefix", "10.1")]);
        let east = device("e-fw01", &[("site_prefix", "10.2")]);
        let rules = DriftRules {
            substitutions: vec![],
            ignore: vec!["^snmp-server location".into()],
        };
        let normalizer = PairNormalizer::new(&west, &east, &rules).unwrap();
        let tree = |lines: &[&str]| ConfigTree {
            dialect: Dialect::Ios,
            roots: lines.iter().map(|l| Node::leaf(*l, 1)).collect(),
            ..ConfigTree::default()
        };
        let a = normalizer.left(&tree(&[
            "hostname w-fw01",
            "ip route 10.1.0.0",
            "snmp-server location W",
        ]));
        let b = normalizer.right(&tree(&[
            "hostname e-fw01",
            "ip route 10.2.0.0",
            "snmp-server location E",
        ]));
        assert_eq!(a.roots, b.roots);
        assert_eq!(a.roots[1].text, "ip route {{site_prefix}}.0.0");
    }

    #[test]
    fn bad_pattern_is_an_error() {
        let rules = DriftRules {
            substitutions: vec![Substitution {
                pattern: "(".into(),
                replace: String::new(),
            }],
            ignore: vec![],
        };
        assert!(PairNormalizer::new(&device("a", &[]), &device("b", &[]), &rules).is_err());
    }
}

/// Which pairs `drift` compares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PairSelection {
    /// Every `pair` declared in the inventory.
    #[default]
    All,
    /// Only these (left = usually production, right = its twin).
    Only(Vec<(String, String)>),
}

/// Why a drift run could not be done.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum DriftError {
    /// The snapshot could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] crate::source::SourceError),
    /// The inventory is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] crate::inventory::InventoryError),
    /// A drift rule does not compile.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rule(#[from] DriftRuleError),
    /// The drift rules file or inventory section is malformed.
    #[error("{source_name}: invalid drift rules: {reason}")]
    #[diagnostic(code(henko::drift::rules))]
    Rules {
        /// Where the rules came from.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// `--pair` names a device the inventory does not have.
    #[error("--pair names `{name}`, which is not in the inventory")]
    #[diagnostic(code(henko::drift::unknown_device))]
    UnknownDevice {
        /// The name.
        name: String,
    },
}

/// Where drift rules may live besides the inventory's `drift:` section.
pub const DRIFT_FILE: &str = ".henko/drift.yaml";

/// Compares every selected HA/DR pair of a snapshot after normalisation and
/// returns the differences as a diff whose "devices" are the pairs
/// (`LEFT ⇄ RIGHT`; `before` = left's line, `after` = right's line).
pub fn drift_snapshot(
    snapshot: &crate::source::Snapshot,
    selection: &PairSelection,
    options: &super::DiffOptions,
) -> Result<super::SnapshotDiff, DriftError> {
    use super::{DeviceDiff, DeviceStatus};
    let reader = snapshot.open()?;
    let inventory = crate::inventory::load(reader.as_ref())?;
    let rules = read_rules(reader.as_ref(), &inventory)?;
    let pairs = select_pairs(&inventory, selection)?;
    let parse_options = crate::config::ParseOptions::default();
    let mut devices = Vec::new();
    for (left, right) in pairs {
        let normalizer = PairNormalizer::new(left, right, &rules)?;
        let read = |device: &Device| -> Result<ConfigTree, DriftError> {
            let bytes = reader.read(&device.config)?;
            let dialect = device.dialect().unwrap_or(crate::config::Dialect::Lines);
            Ok(crate::config::parse(&bytes, dialect, &parse_options))
        };
        let (left_tree, right_tree) = (read(left)?, read(right)?);
        let changes = super::diff_trees(
            &normalizer.left(&left_tree),
            &normalizer.right(&right_tree),
            options,
        );
        if changes.is_empty() {
            continue;
        }
        devices.push(DeviceDiff {
            name: format!("{} ⇄ {}", left.name, right.name),
            platform: left.platform.clone(),
            dialect: left_tree.dialect,
            status: DeviceStatus::Modified,
            config: format!("{} ⇄ {}", left.config, right.config),
            changes,
            lines: None,
            warnings: left_tree
                .warnings
                .iter()
                .chain(&right_tree.warnings)
                .cloned()
                .collect(),
        });
    }
    let reference = snapshot.reference().clone();
    Ok(super::SnapshotDiff {
        from: reference.clone(),
        to: reference,
        devices,
        inventory: inventory.clone(),
        inventory_from: inventory,
    })
}

/// Checks that the drift rules of a snapshot (inventory `drift:` section
/// and `.henko/drift.yaml`) parse and that every pattern compiles, for
/// `henko validate`.
pub fn check_rules(
    reader: &dyn crate::source::FileTree,
    inventory: &crate::inventory::Inventory,
) -> Result<(), DriftError> {
    let rules = read_rules(reader, inventory)?;
    for pattern in rules
        .substitutions
        .iter()
        .map(|s| &s.pattern)
        .chain(&rules.ignore)
    {
        compile(pattern)?;
    }
    Ok(())
}

/// Merges the inventory's `drift:` section with `.henko/drift.yaml`.
fn read_rules(
    reader: &dyn crate::source::FileTree,
    inventory: &crate::inventory::Inventory,
) -> Result<DriftRules, DriftError> {
    let mut rules = DriftRules::default();
    if !inventory.drift().is_null() {
        let from_inventory: DriftRules = serde_json::from_value(inventory.drift().clone())
            .map_err(|e| DriftError::Rules {
                source_name: "inventory.yaml (drift:)".into(),
                reason: e.to_string(),
            })?;
        rules.substitutions.extend(from_inventory.substitutions);
        rules.ignore.extend(from_inventory.ignore);
    }
    match reader.read(DRIFT_FILE) {
        Ok(bytes) => {
            let from_file: DriftRules =
                serde_yaml::from_slice(&bytes).map_err(|e| DriftError::Rules {
                    source_name: DRIFT_FILE.into(),
                    reason: e.to_string(),
                })?;
            rules.substitutions.extend(from_file.substitutions);
            rules.ignore.extend(from_file.ignore);
        }
        Err(crate::source::SourceError::MissingFile { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(rules)
}

/// Returns the pairs to compare, production (or the alphabetically first)
/// member on the left, each pair once, sorted.
fn select_pairs<'a>(
    inventory: &'a crate::inventory::Inventory,
    selection: &PairSelection,
) -> Result<Vec<(&'a Device, &'a Device)>, DriftError> {
    let get = |name: &str| {
        inventory
            .get(name)
            .ok_or_else(|| DriftError::UnknownDevice {
                name: name.to_string(),
            })
    };
    let mut pairs = Vec::new();
    match selection {
        PairSelection::Only(names) => {
            for (a, b) in names {
                pairs.push((get(a)?, get(b)?));
            }
        }
        PairSelection::All => {
            for device in inventory.devices() {
                let Some(twin) = inventory.pair(&device.name) else {
                    continue;
                };
                let device_first = (device.env, &device.name) > (twin.env, &twin.name);
                // Env orders prod last, so the "greater" side is production.
                if device_first {
                    pairs.push((device, twin));
                }
            }
        }
    }
    pairs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    pairs.dedup_by(|a, b| a.0.name == b.0.name && a.1.name == b.1.name);
    Ok(pairs)
}
