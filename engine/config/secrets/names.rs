//! Where secrets sit in structured data (yaml, json, xml, ini, sheets) —
//! settings whose name says "secret" — and PEM private key blocks, which
//! are secrets in every dialect.

use std::ops::Range;
use std::sync::OnceLock;

/// ASCII words one of which every secret-holding setting name contains
/// (see [`is_secret_name`]), plus the PEM marker: a line without any of
/// them (and without the Japanese words) holds no secret by name.
const NAME_WORDS: &str =
    r"(?i-u)pass|pwd|secret|token|key|psk|communit|credential|phash|-----begin";

/// Returns true when `text` may hold a secret by name: it contains one of
/// the words every secret name contains. Compiled once, no allocation.
pub(crate) fn may_name_secret(text: &str) -> bool {
    static WORDS: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let words = WORDS.get_or_init(|| regex::bytes::Regex::new(NAME_WORDS).expect("valid pattern"));
    words.is_match(text.as_bytes())
        || (!text.is_ascii() && JAPANESE.iter().any(|word| text.contains(word)))
}

/// Japanese words that make a setting name a secret.
const JAPANESE: &[&str] = &[
    "パスワード",
    "シークレット",
    "コミュニティ",
    "事前共有鍵",
    "暗号鍵",
];

/// Secrets in a `key: value` / `key = value` / `key value` line of a
/// structured dialect; `parent` is the key of the enclosing section, used
/// for list items (`- value` under `passwords:`).
pub(crate) fn key_value(text: &str, parent: Option<&str>) -> Vec<Range<usize>> {
    let body_start = if text.starts_with("- ") { 2 } else { 0 };
    let body = &text[body_start..];
    // A list item a redacted store already holds as a fingerprint.
    if body.starts_with("<secret:") {
        return Vec::new();
    }
    let key_end = body
        .find(|c: char| c == ':' || c == '=' || c.is_whitespace())
        .unwrap_or(body.len());
    let (key, value_at) = if key_end < body.len() {
        let rest = &body[key_end..];
        let after_space = rest.trim_start();
        let after_sep = after_space
            .strip_prefix(':')
            .or_else(|| after_space.strip_prefix('='))
            .unwrap_or(after_space);
        (&body[..key_end], body.len() - after_sep.len())
    } else if body_start == 2 {
        match parent {
            Some(parent) => (parent, 0),
            None => return Vec::new(),
        }
    } else {
        return Vec::new();
    };
    let key = key.trim_matches('"');
    if !is_secret_name(key) {
        return Vec::new();
    }
    let raw = &body[value_at..];
    let value = raw.trim();
    let lead = raw.len() - raw.trim_start().len();
    let mut start = body_start + value_at + lead;
    let mut end = start + value.len();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
    if let Some(inner) = unquoted {
        start += 1;
        end = start + inner.len();
    }
    let inner = &text[start..end];
    let benign = [
        "", "~", "null", "none", "true", "false", "yes", "no", "on", "off", "{}", "[]",
    ];
    if benign.iter().any(|b| inner.eq_ignore_ascii_case(b)) || inner.starts_with("<secret:") {
        return Vec::new();
    }
    std::iter::once(start..end).collect()
}

/// Returns true when a setting named `name` holds a secret: its last word
/// (split at `-`, `_`, `.`, spaces and lower→upper case changes) is one of
/// password, passwd, pwd, secret, token, key, psk, psksecret, community,
/// credential(s), passphrase, privatekey, phash, apikey; or its last word is
/// hash / value / string / encrypted and an earlier word is password,
/// secret, key or community (`snmp-community-string`). Whole words only: `keyboard`, `monkey`, `key_column`,
/// `PasswordAuthentication` are not secrets.
pub(crate) fn is_secret_name(name: &str) -> bool {
    const LAST: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "key",
        "psk",
        "psksecret",
        "community",
        "credential",
        "credentials",
        "passphrase",
        "privatekey",
        "phash",
        "apikey",
        "secretkey",
        "pass",
        "passwords",
        "secrets",
        "tokens",
        "communities",
        "psks",
        "passphrases",
    ];
    const QUALIFIED: &[&str] = &[
        "hash",
        "value",
        "string",
        "encrypted",
        "enc",
        "b64",
        "base64",
    ];
    if JAPANESE.iter().any(|word| name.contains(word)) {
        return true;
    }
    let words = split_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if name.eq_ignore_ascii_case("hostkey") {
        return false;
    }
    LAST.contains(&last.as_str())
        || (QUALIFIED.contains(&last.as_str())
            && words[..words.len() - 1].iter().any(|w| {
                ["password", "passwd", "secret", "key", "community"].contains(&w.as_str())
            }))
}

/// Splits an identifier into lower-case words.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if ch.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = ch.is_lowercase() || ch.is_ascii_digit();
        current.extend(ch.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// PEM private key blocks anywhere in `text`, markers included.
pub(crate) fn private_keys(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("-----BEGIN ") {
        let start = from + offset;
        let header_end = text[start + 11..].find("-----").map(|at| start + 11 + at);
        let Some(header_end) = header_end else { break };
        if !text[start..header_end].ends_with("PRIVATE KEY") {
            from = header_end + 5;
            continue;
        }
        let end = match text[header_end + 5..].find("-----END ") {
            Some(at) => {
                let end_marker = header_end + 5 + at;
                match text[end_marker + 9..].find("-----") {
                    Some(close) => end_marker + 9 + close + 5,
                    None => text.len(),
                }
            }
            None => text.len(),
        };
        found.push(start..end);
        from = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn key_value_rules_match_whole_words() {
        let line = "password: hunter2";
        assert_eq!(values(line, &key_value(line, None)), vec!["hunter2"]);
        let line = "api_token = \"abc\"";
        assert_eq!(values(line, &key_value(line, None)), vec!["abc"]);
        let line = "WPA_PSK='s3cret'";
        assert_eq!(values(line, &key_value(line, None)), vec!["s3cret"]);
        let line = "- hunter2";
        assert_eq!(
            values(line, &key_value(line, Some("passwords"))),
            vec!["hunter2"]
        );
        let line = "管理者パスワード: abc";
        assert_eq!(values(line, &key_value(line, None)), vec!["abc"]);
        for line in [
            "keyboard: jp",
            "monkey: 1",
            "key_column: hostname",
            "PasswordAuthentication no",
            "password: ~",
            "secret: true",
            "HostKey /etc/ssh/ssh_host_rsa_key",
        ] {
            assert!(key_value(line, None).is_empty(), "{line}");
        }
        assert!(is_secret_name("secretKey") && is_secret_name("root_password_hash"));
        assert!(is_secret_name("snmp-community-string") && is_secret_name("Credential"));
        for name in [
            "secretKey",
            "snmp-community-string",
            "管理者パスワード",
            "client_pwd",
        ] {
            assert!(may_name_secret(name), "{name}");
        }
        assert!(!may_name_secret("hostname: web01"));
        assert!(!is_secret_name("keyId") && !is_secret_name("hash"));
    }

    #[test]
    fn finds_private_key_blocks_but_not_certificates() {
        let text = "x \"-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\" -----BEGIN RSA PRIVATE KEY-----\nBBB\n-----END RSA PRIVATE KEY----- tail";
        let found = private_keys(text);
        assert_eq!(found.len(), 1);
        assert!(text[found[0].clone()].starts_with("-----BEGIN RSA"));
        assert!(text[found[0].clone()].ends_with("KEY-----"));
        let open = "-----BEGIN PRIVATE KEY-----\nCCC";
        assert_eq!(private_keys(open), vec![0..open.len()]);
    }
}
