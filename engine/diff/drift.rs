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

/// Replaces `needle` in `haystack` where it is not glued to a letter or digit
/// on either side (`10.1` matches in `10.1.20.1`, not in `10.10.0.1`).
fn replace_bounded(haystack: &str, needle: &str, replacement: &str) -> String {
    if needle.is_empty() || !haystack.contains(needle) {
        return haystack.to_string();
    }
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    let mut previous: Option<char> = None;
    while let Some(at) = rest.find(needle) {
        let before = rest[..at]
            .chars()
            .next_back()
            .or(if at == 0 { previous } else { None });
        let after = rest[at + needle.len()..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        out.push_str(&rest[..at]);
        if glued(before) || glued(after) {
            out.push_str(needle);
        } else {
            out.push_str(replacement);
        }
        previous = needle.chars().next_back();
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
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
