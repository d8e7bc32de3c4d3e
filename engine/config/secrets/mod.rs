//! THE secret detector: where secrets sit in every dialect henko parses,
//! and how they are masked. Every stage asks it: at-rest redaction
//! ([`at_rest`]), the diff ([`Secrets`]), remediation and rollback commands
//! ([`mask_commands`], and [`mask_quoted`] for the lines manual steps and
//! simulation errors quote), every report and the approval records (which
//! hold only masked text). No other table of secrets exists.
//!
//! A masked value becomes `<secret:3fa9c2e1>`: the first 8 hex digits of
//! HMAC-SHA256(key, value) when a fingerprint key is given (the store's
//! key, kept outside the repository), else of SHA-256(value). One value has
//! one fingerprint per store wherever it shows (diff, plan, reports, the
//! redacted store's own files), so a rotated secret shows as changed and an
//! unchanged one does not. Keywords around the value stay readable
//! (`password 7 <secret:…>`, `set psksecret ENC <secret:…>`).
//!
//! The table, per dialect:
//! - ios family ([`cli::ios`]): token positions after `password`, `secret`,
//!   `key`, `key-string`, `*-password`, SNMP `community` (and A10 `community
//!   read|write NAME`), the community of `snmp-server host`, SNMPv3 `auth` /
//!   `priv`, `pre-shared-key`, `wpa-psk` …; negations (`no …`) hold the same.
//! - FortiOS ([`cli::fortios`]): `set <secret-name> …`, every `ENC` value,
//!   `set name` under `config system snmp community`.
//! - Junos / PAN-OS set ([`cli::junos`]): `encrypted-password`, `secret`,
//!   `authentication-key`, `pre-shared-key`, `phash`, SNMP communities, and
//!   every `$9$` value; the tree form holds one token per node, so the
//!   nearest ancestors' texts are read with the node.
//! - structured data and PAN-OS XML ([`names`]): keys whose last word is
//!   password, secret, token, key, psk, community, credential … in any
//!   casing, and secret-named XML elements; a sheet's row header
//!   (`key=VALUE`) names a row and is not a secret.
//! - PEM private key blocks in every dialect. Certificates are not secrets.

pub mod at_rest;
mod cli;
mod names;
#[cfg(test)]
mod tests;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::tree::{ConfigTree, Node};
use super::Dialect;

/// Byte range `start..end` of a secret value inside a node's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretSpan {
    /// First byte of the value.
    pub start: usize,
    /// One past the last byte of the value.
    pub end: usize,
}

/// How many ancestors a Junos node is read with (`pre-shared-key
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
/// the node's enclosing sections, outermost first. Lines that cannot hold a
/// secret cost one prefilter scan and no allocation.
pub fn find_secrets_in_context(
    dialect: Dialect,
    ancestors: &[&str],
    text: &str,
) -> Vec<SecretSpan> {
    let mut ranges = if text.contains("-----BEGIN ") {
        names::private_keys(text)
    } else {
        Vec::new()
    };
    match dialect {
        Dialect::Ios => ranges.extend(cli::ios(text)),
        Dialect::Fortios => ranges.extend(cli::fortios(ancestors, text)),
        Dialect::Junos => {
            let window = &ancestors[ancestors.len().saturating_sub(CONTEXT)..];
            if cli::may_hold_junos(text) || window.iter().any(|a| cli::may_hold_junos(a)) {
                let mut line = String::new();
                for ancestor in window {
                    line.push_str(ancestor);
                    line.push(' ');
                }
                let offset = line.len();
                line.push_str(text);
                ranges.extend(
                    cli::junos(&line)
                        .into_iter()
                        .filter(|range| range.start >= offset)
                        .map(|range| range.start - offset..range.end - offset),
                );
            }
        }
        Dialect::Lines => {
            ranges.extend(cli::ios(text));
            if names::may_name_secret(text) {
                ranges.extend(names::key_value(text, None));
            }
        }
        Dialect::PanosXml
        | Dialect::Yaml
        | Dialect::Json
        | Dialect::Ini
        | Dialect::Csv
        | Dialect::Xlsx => {
            // A parameter sheet's row header is `<key column>=<key value>`:
            // an object's name even when the column is called `key`.
            if matches!(dialect, Dialect::Csv | Dialect::Xlsx) && is_row_header(ancestors, text) {
                return Vec::new();
            }
            let parent = ancestors.last().map(|p| {
                p.trim_start_matches("- ")
                    .trim_end_matches(':')
                    .split([' ', ':', '='])
                    .next()
                    .unwrap_or("")
            });
            if names::may_name_secret(text) || parent.is_some_and(names::may_name_secret) {
                ranges.extend(names::key_value(text, parent));
                if dialect == Dialect::PanosXml {
                    ranges.extend(xml_element_value(text));
                }
            }
        }
    }
    if ranges.is_empty() {
        return Vec::new();
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

/// True for a sheet row's header: the top level of a CSV sheet, or the
/// level under a `sheet NAME` node of a workbook, written `column=value`.
fn is_row_header(context: &[&str], text: &str) -> bool {
    let row_level = match context {
        [] => true,
        [sheet] => sheet.starts_with("sheet "),
        _ => false,
    };
    row_level && text.contains('=') && !text.contains(": ")
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
    if !names::is_secret_name(name) {
        return None;
    }
    let start = close + 1;
    let end = text[start..].find('<').map_or(text.len(), |at| start + at);
    (end > start && !text[start..end].starts_with("&lt;secret:")).then_some(start..end)
}

/// Returns the fingerprint of `value`: 8 hex digits of HMAC-SHA256 with
/// `key`, or of SHA-256 without one. The only fingerprint henko writes.
pub fn fingerprint(value: &str, key: Option<&[u8]>) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(8);
    let mut hex = |digest: &[u8]| {
        for byte in &digest[..4] {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    };
    match key {
        Some(key) => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            mac.update(value.as_bytes());
            hex(&mac.finalize().into_bytes());
        }
        None => hex(&Sha256::digest(value.as_bytes())),
    }
    out
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
    let mut ancestors: Vec<&str> = Vec::new();
    mask_nodes(
        tree.dialect,
        &tree.roots,
        &mut masked.roots,
        &mut ancestors,
        fingerprint_key,
    );
    masked
}

/// Masks `masked` (a copy of `nodes`) in place, reading the originals for
/// context; recursion is bounded by the parsers' depth cap.
fn mask_nodes<'a>(
    dialect: Dialect,
    nodes: &'a [Node],
    masked: &mut [Node],
    ancestors: &mut Vec<&'a str>,
    key: Option<&[u8]>,
) {
    for (node, copy) in nodes.iter().zip(masked.iter_mut()) {
        let spans = find_secrets_in_context(dialect, ancestors, &node.text);
        if !spans.is_empty() {
            copy.text = mask_all(&node.text, &spans, key);
        }
        if !node.children.is_empty() {
            ancestors.push(&node.text);
            mask_nodes(dialect, &node.children, &mut copy.children, ancestors, key);
            ancestors.pop();
        }
    }
}

/// Returns configuration-mode commands (one per string, indented to show
/// their section, as remediation emits them) with every secret masked. The
/// section a command sits in is read from the indentation, so FortiOS `set
/// name` under `config system snmp community` is masked too.
pub fn mask_commands(dialect: Dialect, lines: Vec<String>, key: Option<&[u8]>) -> Vec<String> {
    // Open sections: (indentation, index of the header line).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut context: Vec<&str> = Vec::new();
    let mut found: Vec<Vec<SecretSpan>> = Vec::with_capacity(lines.len());
    for (at, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        while open.last().is_some_and(|(i, _)| *i >= indent) {
            open.pop();
        }
        context.clear();
        if dialect == Dialect::Fortios {
            context.extend(open.iter().map(|(_, i)| lines[*i].trim_start()));
        }
        found.push(find_secrets_in_context(dialect, &context, body));
        open.push((indent, at));
    }
    drop(context);
    lines
        .into_iter()
        .zip(found)
        .map(|(line, spans)| {
            if spans.is_empty() {
                return line;
            }
            let body = line.trim_start();
            let pad = &line[..line.len() - body.len()];
            format!("{pad}{}", mask_all(body, &spans, key))
        })
        .collect()
}

/// Returns `text`, a sentence that quotes configuration lines in backticks
/// (a manual step, a simulation error), with the secrets of every quoted
/// line masked; the other quoted lines are its context (`set name …` at
/// `config system snmp community`).
pub fn mask_quoted(dialect: Dialect, text: &str, key: Option<&[u8]>) -> String {
    if !text.contains('`') {
        return mask_text(dialect, text, key);
    }
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len());
    for (at, part) in parts.iter().enumerate() {
        if at > 0 {
            out.push('`');
        }
        if at % 2 == 1 {
            let context: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 1 && *i != at)
                .map(|(_, p)| p.trim())
                .collect();
            let body = part.trim_start();
            let spans = find_secrets_in_context(dialect, &context, body);
            out.push_str(&part[..part.len() - body.len()]);
            out.push_str(&mask_all(body, &spans, key));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Follows PEM private key blocks across the lines of a text: returns true
/// when `line` is inside one (after its `-----BEGIN … PRIVATE KEY-----`
/// line, up to and including its `-----END` line), so that a line-by-line
/// masker hides the key's body too. `open` carries the state.
pub fn inside_private_key(line: &str, open: &mut bool) -> bool {
    if *open {
        if line.contains("-----END ") {
            *open = false;
        }
        return true;
    }
    if let Some(at) = line.find("-----BEGIN ") {
        let rest = &line[at..];
        *open = rest.contains("PRIVATE KEY-----") && !rest.contains("-----END ");
    }
    false
}

/// Secret detection and masking for one configuration: its dialect and the
/// fingerprint key, kept together so no caller handles a raw value.
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'k> {
    dialect: Dialect,
    key: Option<&'k [u8]>,
}

impl<'k> Secrets<'k> {
    /// Returns a detector for `dialect` whose fingerprints use `key` (the
    /// store's key; plain SHA-256 without one).
    pub fn new(dialect: Dialect, key: Option<&'k [u8]>) -> Self {
        Secrets { dialect, key }
    }

    /// Returns the secret values in `text` under the section headers
    /// `context` (outermost first), sorted and non-overlapping.
    pub fn find(&self, context: &[&str], text: &str) -> Vec<SecretSpan> {
        find_secrets_in_context(self.dialect, context, text)
    }

    /// Returns true when `text` (under `context`) holds a secret value, or
    /// the fingerprint a redacted store keeps in its place (so a change is
    /// a secret change in a redacted store as in a plain one).
    pub fn contains(&self, context: &[&str], text: &str) -> bool {
        text.contains("<secret:") || !self.find(context, text).is_empty()
    }

    /// Returns `text` with every secret value replaced by a fingerprint,
    /// so a changed secret shows as changed without showing the value.
    pub fn mask(&self, context: &[&str], text: &str) -> String {
        mask_all(text, &self.find(context, text), self.key)
    }

    /// Returns `text` replaced as a whole by its fingerprint (a line of a
    /// PEM private key's body, see [`inside_private_key`]).
    pub fn mask_whole(&self, text: &str) -> String {
        format!("<secret:{}>", fingerprint(text, self.key))
    }

    /// Returns `text` with its secret values cut out: two lines with the
    /// same shape differ only in their secrets (FortiOS `ENC` re-encryption).
    pub fn shape(&self, context: &[&str], text: &str) -> String {
        let mut out = text.to_string();
        for span in self.find(context, text).into_iter().rev() {
            out.replace_range(span.start..span.end, "");
        }
        out
    }
}
