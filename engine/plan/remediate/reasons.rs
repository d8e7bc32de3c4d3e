//! The Japanese words of the manual-step reasons in the shipped platform
//! tables (`reason_ja:` next to `reason:`), so `--lang ja` reports can show
//! a manual step in Japanese while the plan itself keeps the English text
//! its hash covers.

use super::rules::BUILTIN;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Returns the Japanese text of the shipped manual-rule reason `reason`,
/// when the table gives one.
pub fn reason_ja(reason: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table = HashMap::new();
            for (_, text) in BUILTIN {
                for (en, ja) in pairs(text) {
                    table.insert(en, ja);
                }
            }
            table
        })
        .get(reason)
        .map(String::as_str)
}

/// Returns the `(reason, reason_ja)` pairs of one table's `manual` list.
fn pairs(table: &str) -> Vec<(String, String)> {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(table) else {
        return Vec::new();
    };
    let Some(manual) = value.get("manual").and_then(|m| m.as_sequence()) else {
        return Vec::new();
    };
    let text = |entry: &serde_yaml::Value, key: &str| {
        entry.get(key).and_then(|v| v.as_str()).map(str::to_string)
    };
    manual
        .iter()
        .filter_map(|entry| Some((text(entry, "reason")?, text(entry, "reason_ja")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_manual_reason_has_japanese_words() {
        for (platform, text) in BUILTIN {
            let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
            let Some(manual) = value.get("manual").and_then(|m| m.as_sequence()) else {
                continue;
            };
            for entry in manual {
                let reason = entry.get("reason").and_then(|v| v.as_str()).unwrap();
                assert!(
                    reason_ja(reason).is_some(),
                    "{platform}: `{reason}` has no reason_ja"
                );
            }
        }
        assert_eq!(
            reason_ja("trustpoint changes re-enroll certificates; change them by hand"),
            Some("トラストポイントの変更は証明書の再登録を伴うため、手作業で変更してください")
        );
        assert_eq!(reason_ja("not a shipped reason"), None);
    }
}
