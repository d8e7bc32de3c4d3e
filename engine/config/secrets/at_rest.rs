//! Secrets at rest: rewrites a whole configuration file so that none of its
//! secret values remains, for the snapshot store's `--redact-secrets`.
//!
//! The file is parsed in its dialect (sniffed from the path and content),
//! every secret value is found with the same rules that mask output
//! ([`super`]), and each occurrence on the node's own source lines
//! is replaced by `<secret:XXXXXXXX>`, the keyed fingerprint of the value
//! (HMAC-SHA256 with the store's key). Everything else stays byte for byte,
//! so diffs of redacted snapshots read like diffs of the originals, and a
//! rotated secret still shows as a changed fingerprint.
//!
//! Structured files (YAML, JSON, INI) are matched by value instead of by
//! line, in the value part of any line (never in a key), because their line
//! spans are recovered heuristically; a CSV secret is replaced in every cell
//! that holds it.
//!
//! When a value cannot be found verbatim in its source lines (an escaped
//! XML or YAML string, invalid UTF-8 inside the value, a span the parser
//! could not give), the safe side wins: the node's whole line is replaced by
//! a fingerprint. A spreadsheet (xlsx) cannot be rewritten cell by cell here;
//! one that holds a secret is replaced as a whole by a one-line note with its
//! fingerprint. UTF-16 files are stored as UTF-8 once redacted.

use super::{find_secrets_in_context, fingerprint};
use crate::config::tree::Node;
use crate::config::{input, parse, sniff, Dialect, ParseOptions};

/// Returns `bytes` (the file at `path` inside a snapshot) with every secret
/// value replaced by its fingerprint under `key`.
pub fn redact_file(path: &str, bytes: &[u8], key: &[u8]) -> Vec<u8> {
    let dialect = sniff(path, bytes);
    let mut warnings = Vec::new();
    let decoded = input::decode(bytes, &mut warnings);
    let utf16 = warnings.iter().any(|w| w.starts_with("UTF-16"));
    // Work on the original bytes unless they were UTF-16.
    let work: Vec<u8> = if utf16 {
        decoded.as_bytes().to_vec()
    } else {
        bytes.to_vec()
    };
    let tree = parse(&work, dialect, &ParseOptions::default());
    let mut found = Vec::new();
    let mut ancestors = Vec::new();
    collect(dialect, &tree.roots, &mut ancestors, &mut found);
    if found.is_empty() {
        return work;
    }
    if dialect == Dialect::Xlsx {
        return format!(
            "henko: spreadsheet withheld because it holds secrets <secret:{}>\n",
            fingerprint(&String::from_utf8_lossy(bytes), Some(key))
        )
        .into_bytes();
    }
    let mut lines = split_lines(&work);
    // Values already replaced by value (an alias repeats its anchor's).
    let mut replaced = std::collections::HashSet::new();
    for secret in &found {
        if replaced.contains(&secret.value) {
            continue;
        }
        let placeholder = format!("<secret:{}>", fingerprint(&secret.value, Some(key)));
        let done = match dialect {
            // Structured parsers recover line spans heuristically (anchors,
            // flow style, multi-line strings): match the value wherever it
            // stands as a value instead, never in a key.
            Dialect::Yaml | Dialect::Json | Dialect::Ini => {
                replace_in_values(&mut lines, &secret.value, &placeholder)
            }
            // A sheet's cells: every identical cell is the same secret.
            Dialect::Csv => replace_everywhere(&mut lines, &secret.value, &placeholder),
            _ => false,
        };
        if done {
            replaced.insert(secret.value.clone());
        } else {
            replace(&mut lines, secret, &placeholder);
        }
    }
    lines.concat()
}

/// Replaces `value` in the value part of every line (after the first `:`
/// or `=`, or after a list item's `- `); returns whether any was found.
fn replace_in_values(lines: &mut [Vec<u8>], value: &str, placeholder: &str) -> bool {
    let mut hit = false;
    for line in lines.iter_mut() {
        let start = value_start(line);
        if let Some(rest) = replace_all(&line[start..], value.as_bytes(), placeholder.as_bytes()) {
            line.truncate(start);
            line.extend_from_slice(&rest);
            hit = true;
        }
    }
    hit
}

/// Where the value part of a `key: value`, `key = value` or `- value` line
/// begins (0 when the line has no key).
fn value_start(line: &[u8]) -> usize {
    let indent = line
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    if line[indent..].starts_with(b"- ") {
        return indent + 2 + value_start(&line[indent + 2..]).min(line.len() - indent - 2);
    }
    let mut quoted = None;
    for (at, &byte) in line.iter().enumerate().skip(indent) {
        match (quoted, byte) {
            (None, b'"' | b'\'') => quoted = Some(byte),
            (Some(q), b) if b == q => quoted = None,
            (None, b'=') => return at + 1,
            (None, b':')
                if matches!(line.get(at + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n')) =>
            {
                return at + 1
            }
            _ => {}
        }
    }
    indent
}

/// Replaces `value` on every line; returns whether any was found.
fn replace_everywhere(lines: &mut [Vec<u8>], value: &str, placeholder: &str) -> bool {
    let mut hit = false;
    for line in lines.iter_mut() {
        if let Some(replaced) = replace_all(line, value.as_bytes(), placeholder.as_bytes()) {
            *line = replaced;
            hit = true;
        }
    }
    hit
}

/// One secret value and the source lines of the node that holds it.
struct Found {
    value: String,
    /// First and last line, 1-based; 0 when the parser gave no span.
    start: u32,
    end: u32,
    /// Whether the node is a section (its span then covers its children).
    section: bool,
}

/// Walks the tree collecting every secret value with its node's lines.
fn collect<'a>(
    dialect: Dialect,
    nodes: &'a [Node],
    ancestors: &mut Vec<&'a str>,
    found: &mut Vec<Found>,
) {
    for node in nodes {
        for span in find_secrets_in_context(dialect, ancestors, &node.text) {
            found.push(Found {
                value: node.text[span.start..span.end].to_string(),
                start: node.span.start,
                end: node.span.end,
                section: node.is_section(),
            });
        }
        ancestors.push(&node.text);
        collect(dialect, &node.children, ancestors, found);
        ancestors.pop();
    }
}

/// Replaces the value on its node's lines: every verbatim occurrence, or
/// the whole first line when there is none.
fn replace(lines: &mut [Vec<u8>], secret: &Found, placeholder: &str) {
    let value = secret.value.as_bytes();
    let (first, last) = if secret.start == 0 {
        (0, lines.len().saturating_sub(1))
    } else {
        let first = secret.start as usize - 1;
        let last = if secret.section {
            first
        } else {
            secret.end as usize - 1
        };
        (first, last.max(first))
    };
    if first >= lines.len() {
        return;
    }
    let last = last.min(lines.len() - 1);
    // A multi-line value (a PEM key block) is matched across its lines.
    let region: Vec<u8> = lines[first..=last].concat();
    let replaced = replace_all(&region, value, placeholder.as_bytes());
    match replaced {
        Some(text) => {
            lines[first] = text;
            for line in &mut lines[first + 1..=last] {
                line.clear();
            }
        }
        None => {
            // Not found verbatim: withhold the whole line, keeping its
            // indentation and terminator so the file keeps its shape.
            let line = &lines[first];
            let indent = line
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            let body_end = line
                .iter()
                .rposition(|b| *b != b'\n' && *b != b'\r')
                .map_or(indent, |at| at + 1)
                .max(indent);
            let mut withheld = line[..indent].to_vec();
            withheld.extend_from_slice(placeholder.as_bytes());
            withheld.extend_from_slice(&line[body_end..]);
            lines[first] = withheld;
        }
    }
}

/// Returns `haystack` with every occurrence of `needle` replaced, or `None`
/// when there is none.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut at = 0;
    let mut hit = false;
    while at < haystack.len() {
        if haystack[at..].starts_with(needle) {
            out.extend_from_slice(with);
            at += needle.len();
            hit = true;
        } else {
            out.push(haystack[at]);
            at += 1;
        }
    }
    hit.then_some(out)
}

/// Splits bytes into lines that keep their terminators; `\r\n`, `\n` and a
/// lone `\r` end a line, as the parsers count them.
fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => {
                lines.push(bytes[start..=at].to_vec());
                start = at + 1;
            }
            b'\r' => {
                let end = if bytes.get(at + 1) == Some(&b'\n') {
                    at + 1
                } else {
                    at
                };
                lines.push(bytes[start..=end].to_vec());
                at = end;
                start = end + 1;
            }
            _ => {}
        }
        at += 1;
    }
    if start < bytes.len() {
        lines.push(bytes[start..].to_vec());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = &[7; 32];

    fn redact(path: &str, text: &str) -> String {
        String::from_utf8(redact_file(path, text.as_bytes(), KEY)).unwrap()
    }

    #[test]
    fn ios_secrets_become_fingerprints_and_the_rest_stays() {
        let text = "hostname r1\r\nenable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\r\nsnmp-server community Pr1vComm RO\r\ninterface Gi0/1\r\n description uplink\r\n";
        let out = redact("configs/r1.cfg", text);
        assert!(!out.contains("hx5rVt7rPNoS4wqbXKX7m0"), "{out}");
        assert!(!out.contains("Pr1vComm"), "{out}");
        assert!(
            out.starts_with("hostname r1\r\nenable secret 5 <secret:"),
            "{out}"
        );
        assert!(
            out.ends_with("interface Gi0/1\r\n description uplink\r\n"),
            "{out}"
        );
        assert_eq!(out, redact("configs/r1.cfg", text), "deterministic");
        let rotated = redact("configs/r1.cfg", &text.replace("Pr1vComm", "N3wComm"));
        assert_ne!(out, rotated);
    }

    #[test]
    fn fortios_and_yaml_secrets_are_redacted() {
        let fortios = "config system admin\n    edit \"admin\"\n        set password ENC SH2abcdefSECRETVALUE\n    next\nend\n";
        let out = redact("fw.conf", fortios);
        assert!(!out.contains("SH2abcdefSECRETVALUE"), "{out}");
        assert!(out.contains("    next\nend\n"), "{out}");
        let yaml =
            "vm:\n  name: web01\n  admin_password: \"hunter2 extra\"\n  token: abc.def.ghi\n";
        let out = redact("vms/web01.yaml", yaml);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(!out.contains("abc.def.ghi"), "{out}");
        assert!(out.contains("name: web01"), "{out}");
    }

    #[test]
    fn yaml_keys_are_never_replaced_and_anchors_survive() {
        let yaml =
            "base: &b\n  password: Sup3rS3cret\n  Sup3rS3cret: a key, not a value\nother: *b\n";
        let out = redact("vars.yaml", yaml);
        assert!(out.contains("  password: <secret:"), "{out}");
        assert!(out.contains("  Sup3rS3cret: a key"), "{out}");
        assert!(out.contains("other: *b\n"), "{out}");
        assert_eq!(value_start(b"  - name: x"), 9);
        assert_eq!(value_start(b"\"a:b\": \"c\""), 6);
    }

    #[test]
    fn a_file_without_secrets_is_untouched() {
        let bytes = b"hostname r1\n\xff\xfe odd bytes\n";
        assert_eq!(redact_file("r1.cfg", bytes, KEY), bytes);
    }

    #[test]
    fn lines_split_like_the_parsers_count_them() {
        let lines = split_lines(b"a\r\nb\rc\nd");
        assert_eq!(lines, [&b"a\r\n"[..], b"b\r", b"c\n", b"d"]);
    }
}
