//! Noise: lines that change without the configuration changing (timestamps,
//! byte counts, clock drift) and are dropped before the tree is built, so
//! the diff never sees them.
//!
//! Built-in noise per dialect:
//! - ios: `Building configuration...`, `Current configuration : N bytes`,
//!   `ntp clock-period N`, ASA `Cryptochecksum:…`, and CLI prompt lines
//!   pasted with the output (`router#show running-config`, `fw/act/pri#`).
//!   `! Last configuration change at …`, `! NVRAM config last updated …`,
//!   ASA `: Saved` and A10 `!Current configuration: …` are comments and are
//!   dropped as such.
//! - fortios: `#config-version=`, `#conf_file_ver=`, `#buildno=`,
//!   `#global_vdom=` headers (all `#` lines are comments).
//! - junos: `## Last commit: …` / `## Last changed: …` (comments).
//! - yaml/json: NSX volatile metadata keys `_revision`, `_create_time`,
//!   `_create_user`, `_last_modified_time`, `_last_modified_user`,
//!   `_last_sync_time`.
//!
//! Extra patterns ([`ParseOptions::ignore`](super::ParseOptions)) are
//! regular expressions matched against each node's text (the trimmed line;
//! for a section its header); a matching node is dropped with its subtree.
//! [`parse_ignore_file`] reads them from a file and reports a bad pattern
//! with its file and line.

use std::cell::RefCell;
use std::sync::Arc;

use miette::NamedSource;
use regex::RegexSet;

use super::error::{ConfigError, InvalidPattern};
use super::tree::Node;
use super::Dialect;

/// Keys of NSX-T API objects that change on every read.
const VOLATILE_KEYS: &[&str] = &[
    "_revision",
    "_create_time",
    "_create_user",
    "_last_modified_time",
    "_last_modified_user",
    "_last_sync_time",
];

/// Returns true when the trimmed line `text` (at indentation `indent`) is
/// built-in noise for `dialect`.
pub fn is_builtin_noise(dialect: Dialect, text: &str, indent: usize) -> bool {
    match dialect {
        Dialect::Ios => {
            text.starts_with("Building configuration")
                || text.starts_with("Current configuration :")
                || text.starts_with("ntp clock-period ")
                || text.starts_with("Cryptochecksum:")
                || (indent == 0 && is_prompt(text))
        }
        Dialect::Yaml | Dialect::Json => VOLATILE_KEYS.iter().any(|key| {
            text.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        }),
        _ => false,
    }
}

/// Returns true for a structured-data key whose value changes on every read.
pub(crate) fn is_volatile_key(key: &str) -> bool {
    VOLATILE_KEYS.contains(&key)
}

/// Returns true for a CLI prompt pasted into a backup: a first word ending
/// in `#` or `>` with no space before it (`core1#`, `fw/act/pri# show run`).
fn is_prompt(text: &str) -> bool {
    // Only the first word matters; stop at the first space so a huge line
    // costs nothing.
    let Some(at) = text.bytes().position(|b| matches!(b, b' ' | b'#' | b'>')) else {
        return false;
    };
    if text.as_bytes()[at] == b' ' {
        return false;
    }
    let name = &text[..at];
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:()".contains(&b))
}

/// Reads an ignore file: one regular expression per line; blank lines and
/// lines starting with `#` are skipped. `origin` names the file in errors.
///
/// # Errors
/// [`ConfigError::InvalidIgnorePattern`] for the first pattern that does not
/// compile, with its line.
pub fn parse_ignore_file(origin: &str, text: &str) -> Result<Vec<String>, ConfigError> {
    let mut patterns = Vec::new();
    let mut offset = 0usize;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let pattern = line.trim();
        if !pattern.is_empty() && !pattern.starts_with('#') {
            if let Err(error) = regex::Regex::new(pattern) {
                let start = offset + (line.len() - line.trim_start().len());
                return Err(ConfigError::InvalidIgnorePattern(Box::new(
                    InvalidPattern {
                        origin: origin.to_string(),
                        line: index + 1,
                        pattern: pattern.to_string(),
                        message: error.to_string(),
                        source_code: NamedSource::new(origin, text.to_string()),
                        span: (start, pattern.len()).into(),
                    },
                )));
            }
            patterns.push(pattern.to_string());
        }
        offset += raw.len() + 1;
    }
    Ok(patterns)
}

/// Checks that every pattern compiles; `origin` names where they came from.
///
/// # Errors
/// [`ConfigError::InvalidIgnorePattern`] for the first bad pattern, its
/// line being its position in `patterns` (1-based).
pub fn validate_patterns(origin: &str, patterns: &[String]) -> Result<(), ConfigError> {
    parse_ignore_file(origin, &patterns.join("\n")).map(|_| ())
}

/// A pattern list and its compiled set (`None` when a pattern is invalid).
type Compiled = (Vec<String>, Arc<Option<RegexSet>>);

thread_local! {
    /// The last compiled pattern set per thread: every device of a run shares
    /// the same ignore list, so it is compiled once per worker.
    static COMPILED: RefCell<Option<Compiled>> =
        const { RefCell::new(None) };
}

/// Returns the compiled set for `patterns`, or `None` when a pattern is
/// invalid (the caller records a warning).
fn compiled(patterns: &[String]) -> Arc<Option<RegexSet>> {
    COMPILED.with(|cell| {
        let mut cell = cell.borrow_mut();
        if let Some((cached, set)) = cell.as_ref() {
            if cached.as_slice() == patterns {
                return Arc::clone(set);
            }
        }
        let set = Arc::new(RegexSet::new(patterns).ok());
        *cell = Some((patterns.to_vec(), Arc::clone(&set)));
        set
    })
}

/// Drops every node whose text matches one of `patterns`, with its subtree.
/// An invalid pattern set drops nothing and adds a warning.
pub(crate) fn prune(roots: &mut Vec<Node>, patterns: &[String], warnings: &mut Vec<String>) {
    if patterns.is_empty() {
        return;
    }
    let set = compiled(patterns);
    let Some(set) = set.as_ref() else {
        warnings.push("ignore patterns invalid; no extra noise filtering applied".to_string());
        return;
    };
    prune_level(roots, set);
}

fn prune_level(nodes: &mut Vec<Node>, set: &RegexSet) {
    nodes.retain(|node| !set.is_match(&node.text));
    for node in nodes {
        prune_level(&mut node.children, set);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_builtin_ios_noise() {
        assert!(is_builtin_noise(
            Dialect::Ios,
            "ntp clock-period 17179738",
            0
        ));
        assert!(is_builtin_noise(
            Dialect::Ios,
            "Building configuration...",
            0
        ));
        assert!(is_builtin_noise(
            Dialect::Ios,
            "Current configuration : 4521 bytes",
            0
        ));
        assert!(is_builtin_noise(
            Dialect::Ios,
            "ASA-CRPT-PrMira/act/pri#",
            0
        ));
        assert!(is_builtin_noise(
            Dialect::Ios,
            "core1#show running-config",
            0
        ));
        assert!(!is_builtin_noise(Dialect::Ios, "hostname core1", 0));
        assert!(!is_builtin_noise(Dialect::Ios, "description uplink#2", 0));
        assert!(is_builtin_noise(Dialect::Json, "_revision: 3", 1));
    }

    #[test]
    fn reports_bad_pattern_with_line() {
        let error = parse_ignore_file("ignore.txt", "# noise\n^uptime\n(unclosed\n").unwrap_err();
        let ConfigError::InvalidIgnorePattern(invalid) = &error else {
            panic!("not a pattern error: {error}");
        };
        assert_eq!(invalid.line, 3);
        assert_eq!(invalid.pattern, "(unclosed");
        assert!(error.to_string().starts_with("ignore.txt:3:"));
        assert_eq!(parse_ignore_file("i", "a\n\nb\n").unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn prunes_matching_nodes_with_subtree() {
        let mut parent = Node::leaf("crypto pki certificate chain X", 1);
        parent.children.push(Node::leaf("certificate 01", 2));
        let mut roots = vec![parent, Node::leaf("hostname r1", 3)];
        let mut warnings = Vec::new();
        prune(&mut roots, &["^crypto pki".to_string()], &mut warnings);
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].text, "hostname r1");
        prune(&mut roots, &["(".to_string()], &mut warnings);
        assert_eq!(warnings.len(), 1);
    }
}
