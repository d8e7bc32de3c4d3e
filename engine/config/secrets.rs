//! Secret detection and masking. Hard rule: no secret value ever reaches
//! output — every report masks trees with [`mask_tree`] (or lines with
//! [`mask_text`]) unless the user asked for `--show-secrets`.
//!
//! A masked value becomes `<secret:3fa9c2e1>`: the first 8 hex digits of
//! HMAC-SHA256(key, value) when a fingerprint key is given (the store's
//! key, kept outside the repository), else of SHA-256(value). Equal values
//! give equal fingerprints, so a rotated secret still shows as changed and
//! an unchanged one does not. Keywords around the value stay readable
//! (`password 7 <secret:…>`, `set psksecret ENC <secret:…>`).
//!
//! What counts as a secret, per dialect: see the rules in `secret_rules`
//! (ios passwords, secrets, keys, SNMP communities, pre-shared keys; FortiOS
//! `set <password-like> …` and `ENC …`; Junos / PAN-OS set
//! `encrypted-password`, `secret`, `authentication-key`, `pre-shared-key`,
//! `phash`, SNMP communities; structured keys whose last word is password,
//! secret, token, key, psk, community, credential …; PEM private key blocks
//! in every dialect). Certificates are not secrets.
//!
//! Junos trees hold one token per node, so a value's keyword is in an
//! ancestor: [`find_secrets_in_context`] and [`mask_tree`] look at the
//! nearest ancestors' texts too.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::tree::{ConfigTree, Node};
use super::Dialect;
use super::{secret_names, secret_rules};

/// Byte range `start..end` of a secret value inside a node's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretSpan {
    /// First byte of the value.
    pub start: usize,
    /// One past the last byte of the value.
    pub end: usize,
}

/// How many ancestors [`mask_tree`] consults (Junos `pre-shared-key
/// ascii-text VALUE` needs two).
const CONTEXT: usize = 3;

/// Returns the first secret value in `text` (one node's text), if any.
pub fn find_secret(dialect: Dialect, text: &str) -> Option<SecretSpan> {
    find_secrets(dialect, text).into_iter().next()
}

/// Returns every secret value in `text`, sorted and non-overlapping.
pub fn find_secrets(dialect: Dialect, text: &str) -> Vec<SecretSpan> {
    find_secrets_in_context(dialect, &[], text)
}

/// Returns every secret value in `text`, where `ancestors` are the texts of
/// the node's enclosing sections, outermost first.
pub fn find_secrets_in_context(
    dialect: Dialect,
    ancestors: &[&str],
    text: &str,
) -> Vec<SecretSpan> {
    let mut ranges = secret_names::private_keys(text);
    match dialect {
        Dialect::Ios => ranges.extend(secret_rules::ios(text)),
        Dialect::Fortios => ranges.extend(secret_rules::fortios(text)),
        Dialect::Junos => {
            let window = &ancestors[ancestors.len().saturating_sub(CONTEXT)..];
            let mut line = String::new();
            for ancestor in window {
                line.push_str(ancestor);
                line.push(' ');
            }
            let offset = line.len();
            line.push_str(text);
            ranges.extend(
                secret_rules::junos(&line)
                    .into_iter()
                    .filter(|range| range.start >= offset)
                    .map(|range| range.start - offset..range.end - offset),
            );
        }
        Dialect::Lines => {
            ranges.extend(secret_rules::ios(text));
            ranges.extend(secret_names::key_value(text, None));
        }
        Dialect::PanosXml
        | Dialect::Yaml
        | Dialect::Json
        | Dialect::Ini
        | Dialect::Csv
        | Dialect::Xlsx => {
            let parent = ancestors.last().map(|p| {
                p.trim_start_matches("- ")
                    .trim_end_matches(':')
                    .split([' ', ':', '='])
                    .next()
                    .unwrap_or("")
            });
            ranges.extend(secret_names::key_value(text, parent));
            if dialect == Dialect::PanosXml {
                ranges.extend(xml_element_value(text));
            }
        }
    }
    let mut spans: Vec<SecretSpan> = ranges
        .into_iter()
        .filter(|range| range.start < range.end && range.end <= text.len())
        .map(|range| SecretSpan {
            start: range.start,
            end: range.end,
        })
        .collect();
    spans.sort();
    let mut merged: Vec<SecretSpan> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// The value of a raw XML element named like a secret
/// (`<phash>V</phash>`, `<password>V</password>`), as it appears in a line
/// diff of a PAN-OS XML file rather than in a parsed node.
fn xml_element_value(text: &str) -> Option<std::ops::Range<usize>> {
    let open = text.find('<')?;
    let close = open + text[open..].find('>')?;
    let tag = &text[open + 1..close];
    if tag.ends_with('/') || tag.starts_with('/') {
        return None;
    }
    let name = tag.split_whitespace().next()?;
    if !secret_names::is_secret_name(name) {
        return None;
    }
    let start = close + 1;
    let end = text[start..].find('<').map_or(text.len(), |at| start + at);
    (end > start).then_some(start..end)
}

/// Returns the fingerprint of `value`: 8 hex digits of HMAC-SHA256 with
/// `key`, or of SHA-256 without one.
pub fn fingerprint(value: &str, key: Option<&[u8]>) -> String {
    let digest: Vec<u8> = match key {
        Some(key) => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            mac.update(value.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        None => Sha256::digest(value.as_bytes()).to_vec(),
    };
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns `text` with the value at `span` replaced by `<secret:XXXXXXXX>`.
pub fn mask(text: &str, span: SecretSpan, fingerprint_key: Option<&[u8]>) -> String {
    let value = &text[span.start..span.end];
    format!(
        "{}<secret:{}>{}",
        &text[..span.start],
        fingerprint(value, fingerprint_key),
        &text[span.end..]
    )
}

/// Returns `text` (one node's text) with every secret value masked.
pub fn mask_text(dialect: Dialect, text: &str, fingerprint_key: Option<&[u8]>) -> String {
    mask_all(text, &find_secrets(dialect, text), fingerprint_key)
}

fn mask_all(text: &str, spans: &[SecretSpan], key: Option<&[u8]>) -> String {
    let mut out = text.to_string();
    for span in spans.iter().rev() {
        out = mask(&out, *span, key);
    }
    out
}

/// Returns a copy of `tree` with every secret value masked.
pub fn mask_tree(tree: &ConfigTree, fingerprint_key: Option<&[u8]>) -> ConfigTree {
    let mut masked = tree.clone();
    let mut ancestors: Vec<String> = Vec::new();
    mask_nodes(
        tree.dialect,
        &mut masked.roots,
        &mut ancestors,
        fingerprint_key,
    );
    masked
}

/// Masks `nodes` in place; recursion is bounded by the parsers' depth cap.
fn mask_nodes(
    dialect: Dialect,
    nodes: &mut [Node],
    ancestors: &mut Vec<String>,
    key: Option<&[u8]>,
) {
    for node in nodes {
        let context: Vec<&str> = ancestors.iter().map(String::as_str).collect();
        let spans = find_secrets_in_context(dialect, &context, &node.text);
        let original = std::mem::take(&mut node.text);
        node.text = if spans.is_empty() {
            original.clone()
        } else {
            mask_all(&original, &spans, key)
        };
        if !node.children.is_empty() {
            ancestors.push(original);
            mask_nodes(dialect, &mut node.children, ancestors, key);
            ancestors.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, ParseOptions};
    use super::*;

    #[test]
    fn raw_xml_secret_elements_are_found_in_panos_lines() {
        let line = "      <phash>$1$GeUGlmLR$qv4fGjoJMcRKEhFYSrBRR.</phash>";
        let span = find_secret(Dialect::PanosXml, line).unwrap();
        assert_eq!(
            &line[span.start..span.end],
            "$1$GeUGlmLR$qv4fGjoJMcRKEhFYSrBRR."
        );
        assert_eq!(
            find_secret(Dialect::PanosXml, "<hostname>fw1</hostname>"),
            None
        );
        assert_eq!(find_secret(Dialect::PanosXml, "<password/>"), None);
    }

    #[test]
    fn masks_with_fingerprint() {
        let text = "password 7 0822455D0A16";
        let span = find_secret(Dialect::Ios, text).unwrap();
        let masked = mask(text, span, None);
        assert!(masked.starts_with("password 7 <secret:"));
        assert!(!masked.contains("0822455D0A16"));
        assert_eq!(masked.len(), "password 7 <secret:12345678>".len());
        assert_ne!(mask(text, span, Some(b"k1")), mask(text, span, Some(b"k2")));
        assert_eq!(mask(text, span, Some(b"k1")), mask(text, span, Some(b"k1")));
        assert_eq!(mask_text(Dialect::Ios, &masked, None), masked, "idempotent");
    }

    #[test]
    fn masks_junos_tree_with_ancestor_context() {
        let tree = parse(
            b"system { root-authentication { encrypted-password \"$1$abc$def\"; } }\nsecurity { ike { policy P { pre-shared-key ascii-text \"$9$xyz\"; } } }\n",
            Dialect::Junos,
            &ParseOptions::default(),
        );
        let masked = super::super::serialize(&mask_tree(&tree, None));
        assert!(
            !masked.contains("$1$abc$def") && !masked.contains("$9$xyz"),
            "{masked}"
        );
        assert!(masked.contains("<secret:"));
    }

    #[test]
    fn masks_yaml_list_items_under_secret_key() {
        let tree = parse(
            b"users:\n  - name: a\n    password: hunter2\npasswords:\n  - s3cr3t\n",
            Dialect::Yaml,
            &ParseOptions::default(),
        );
        let masked = super::super::serialize(&mask_tree(&tree, None));
        assert!(
            !masked.contains("hunter2") && !masked.contains("s3cr3t"),
            "{masked}"
        );
    }

    #[test]
    fn masks_panos_xml_and_set_phash() {
        let tree = parse(
            b"<config><mgt-config><users><entry name=\"admin\"><phash>$1$abcd$efgh</phash></entry></users></mgt-config></config>",
            Dialect::PanosXml,
            &ParseOptions::default(),
        );
        let masked = super::super::serialize(&mask_tree(&tree, None));
        assert!(
            !masked.contains("$1$abcd$efgh") && masked.contains("<phash>&lt;secret:"),
            "{masked}"
        );
        let tree = parse(
            b"set mgt-config users admin phash $1$abcd$efgh\n",
            Dialect::Junos,
            &ParseOptions::default(),
        );
        let masked = super::super::serialize(&mask_tree(&tree, None));
        assert!(!masked.contains("$1$abcd$efgh"), "{masked}");
    }
}
