//! The diff's view of secrets: does a line hold one, what does it look like
//! masked, and is a change only secret churn.
//!
//! Detection belongs to the config stage; this file is the one place the
//! diff asks it, so the rest of the diff never handles raw secret values.

use std::ops::Range;

/// Keywords after which the next value (skipping an encryption-type digit)
/// is a secret. Lower case; matched on whole tokens.
const KEYWORDS: &[&str] = &[
    "password",
    "secret",
    "community",
    "key",
    "pre-shared-key",
    "psksecret",
    "passwd",
    "passphrase",
    "token",
    "phash",
    "authentication-key",
    "encrypted-password",
    "md5",
    "auth-password",
    "priv-password",
];

/// Returns the byte range of the secret value in `text`, if any.
///
/// Interim detector used until `config::secrets::find_secret` lands: it
/// finds the value after a secret keyword (`password 7 X`, `set psksecret
/// ENC X`, `password: X`, `key = X`) and private-key markers.
pub fn find(text: &str) -> Option<Range<usize>> {
    if text.contains("PRIVATE KEY") {
        return Some(0..text.len());
    }
    // `snmp-server host H [vrf V] [version 2c] COMMUNITY`: the community
    // is the last word.
    if text.starts_with("snmp-server host ") {
        let start = text.trim_end().rfind(' ')? + 1;
        return Some(start..text.len());
    }
    let mut words = word_ranges(text).peekable();
    while let Some(range) = words.next() {
        let word = text[range.clone()]
            .trim_end_matches([':', '='])
            .trim_matches('"')
            .to_ascii_lowercase();
        let is_keyword = KEYWORDS.contains(&word.as_str())
            || word.ends_with("password")
            || word.ends_with("_secret")
            || word.ends_with("_token");
        if !is_keyword {
            continue;
        }
        // Skip `=`/`:` separators, an encryption type (`7`, `5`) and `ENC`.
        let mut start = None;
        for next in words.by_ref() {
            let value = &text[next.clone()];
            if matches!(value, "=" | ":" | "0" | "5" | "7" | "8" | "9" | "ENC") {
                continue;
            }
            start = Some(next.start);
            break;
        }
        let start = start?;
        let end = text.len();
        return Some(start..end);
    }
    None
}

/// Sections whose entries' `set name` is itself a secret: an SNMP
/// community's name is the community string.
const SECRET_NAME_SECTIONS: &[&str] = &["config system snmp community"];

/// Returns the byte range of the secret value in `text`, given the section
/// headers above it (`context`, outermost first): some lines are secret only
/// because of where they sit.
pub fn find_in(context: &[&str], text: &str) -> Option<Range<usize>> {
    if let Some(range) = find(text) {
        return Some(range);
    }
    let in_secret_section = context
        .iter()
        .any(|header| SECRET_NAME_SECTIONS.iter().any(|s| header.starts_with(s)));
    match text.strip_prefix("set name ") {
        Some(_) if in_secret_section => Some("set name ".len()..text.len()),
        _ => None,
    }
}

/// Returns true when `text` holds a secret value.
pub fn contains(text: &str) -> bool {
    find(text).is_some()
}

/// Returns true when `text`, under the section headers `context`, holds a
/// secret value.
pub fn contains_in(context: &[&str], text: &str) -> bool {
    find_in(context, text).is_some()
}

/// Returns `text` with its secret value replaced by a short fingerprint, so
/// a changed secret shows as changed without showing the value.
pub fn mask(text: &str) -> String {
    mask_in(&[], text)
}

/// Like [`mask`], for a line under the section headers `context`.
pub fn mask_in(context: &[&str], text: &str) -> String {
    match find_in(context, text) {
        Some(range) => format!(
            "{}<secret {}>",
            &text[..range.start],
            fingerprint(&text[range.clone()])
        ),
        None => text.to_string(),
    }
}

/// Returns `text` with its secret value removed entirely: two lines with the
/// same shape differ only in the secret (FortiOS `ENC` re-encryption).
pub fn shape<'t>(context: &[&str], text: &'t str) -> &'t str {
    match find_in(context, text) {
        Some(range) => &text[..range.start],
        None => text,
    }
}

/// A short, one-way fingerprint of a secret value.
fn fingerprint(value: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(value.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

fn word_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut offset = 0;
    std::iter::from_fn(move || {
        let rest = &text[offset..];
        let skip = rest.len() - rest.trim_start().len();
        let start = offset + skip;
        if start >= text.len() {
            return None;
        }
        let len = text[start..]
            .find(char::is_whitespace)
            .unwrap_or(text.len() - start);
        offset = start + len;
        Some(start..start + len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_cli_and_structured_secrets() {
        let masked = mask("username admin privilege 15 secret 9 $9$abcdef");
        assert!(masked.starts_with("username admin privilege 15 secret 9 <secret "));
        assert!(!masked.contains("abcdef"));
        assert!(!mask("set password ENC AAAAxyz==").contains("AAAAxyz"));
        assert!(!mask("password: hunter2").contains("hunter2"));
        assert_eq!(mask("hostname r1"), "hostname r1");
    }

    #[test]
    fn shape_ignores_the_value() {
        assert_eq!(
            shape(&[], "set password ENC one"),
            shape(&[], "set password ENC two")
        );
        let snmp = ["config system snmp community", "edit 1"];
        assert!(!mask_in(&snmp, "set name \"public-ro\"").contains("public-ro"));
        assert_eq!(mask("set name \"public-ro\""), "set name \"public-ro\"");
        assert_ne!(mask("set password ENC one"), mask("set password ENC two"));
    }
}
