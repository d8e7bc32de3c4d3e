//! Store settings read from the TO snapshot: extra noise patterns
//! (`.henko/ignore`) and diff defaults (`.henko/settings.yaml`).
//!
//! They live in the snapshot, not in git config, so they travel with the
//! configurations, work for plain folders, and are reviewed like any other
//! change.

use super::DiffError;
use crate::source::{FileEntry, FileTree};
use serde::Deserialize;

/// Path of the extra noise patterns: one regular expression per line,
/// blank lines and lines starting with `#` ignored.
pub const IGNORE_FILE: &str = ".henko/ignore";

/// Path of the diff settings.
pub const SETTINGS_FILE: &str = ".henko/settings.yaml";

/// Settings a snapshot carries for diffs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreSettings {
    /// Extra noise patterns for the parsers.
    pub ignore: Vec<String>,
    /// `ignore_secret_churn: true` in `.henko/settings.yaml`: leave out
    /// secret re-encryption churn by default.
    pub ignore_secret_churn: bool,
}

#[derive(Deserialize, Default)]
struct SettingsFile {
    #[serde(default)]
    ignore_secret_churn: bool,
}

impl StoreSettings {
    /// Reads the settings files listed in `files` (absent files mean
    /// defaults).
    pub fn read(tree: &dyn FileTree, files: &[FileEntry]) -> Result<StoreSettings, DiffError> {
        let mut settings = StoreSettings::default();
        if let Some(entry) = files.iter().find(|e| e.path == IGNORE_FILE) {
            let bytes = tree.read_entry(entry)?;
            settings.ignore = parse_ignore(&String::from_utf8_lossy(&bytes))?;
        }
        if let Some(entry) = files.iter().find(|e| e.path == SETTINGS_FILE) {
            let bytes = tree.read_entry(entry)?;
            let file: Option<SettingsFile> =
                serde_yaml::from_slice(&bytes).map_err(|e| DiffError::Settings {
                    path: SETTINGS_FILE.to_string(),
                    reason: e.to_string(),
                })?;
            settings.ignore_secret_churn = file.unwrap_or_default().ignore_secret_churn;
        }
        Ok(settings)
    }
}

/// Parses and checks ignore patterns.
fn parse_ignore(text: &str) -> Result<Vec<String>, DiffError> {
    let mut patterns = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let pattern = line.trim();
        if pattern.is_empty() || pattern.starts_with('#') {
            continue;
        }
        regex::Regex::new(pattern).map_err(|e| DiffError::IgnorePattern {
            path: IGNORE_FILE.to_string(),
            line: index + 1,
            pattern: pattern.to_string(),
            reason: e.to_string(),
        })?;
        patterns.push(pattern.to_string());
    }
    Ok(patterns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_file_skips_comments_and_checks_patterns() {
        let patterns = parse_ignore("# noise\n\n^! uptime\n  ^ntp clock-period  \n").unwrap();
        assert_eq!(patterns, ["^! uptime", "^ntp clock-period"]);
        let err = parse_ignore("ok\n(unclosed\n").unwrap_err();
        assert!(err.to_string().starts_with(".henko/ignore:2:"), "{err}");
    }
}
