//! Secret masking for emitted commands: a secret value becomes
//! `<secret:ab12cd34>` (the start of its SHA-256), so a rotated secret still
//! shows as a different fingerprint while its value never leaves henko.
//!
//! The config stage's shared detector ([`crate::config::mask_text`]) masks
//! first, so a value gets the same fingerprint here as in diffs and
//! reports; the platform table's `secrets:` patterns then catch what only
//! a command form shows (operators can add their own).

use super::rules::{Engine, PlatformRules};
use crate::config::Dialect;

/// Returns the lines with secret values masked (unchanged when `show`);
/// `key` is the store's fingerprint key, if any.
pub(crate) fn mask_lines(
    lines: Vec<String>,
    rules: &PlatformRules,
    show: bool,
    key: Option<&[u8]>,
) -> Vec<String> {
    if show {
        return lines;
    }
    // FortiOS `config … end` blocks are followed so that `set name` under
    // `config system snmp community` (the community string itself) is masked.
    let mut sections: Vec<String> = Vec::new();
    lines
        .into_iter()
        .map(|line| {
            let body = line.trim();
            let masked = match body.strip_prefix("set name ") {
                Some(value) if in_snmp_community(&sections) && !value.starts_with("<secret") => {
                    let pad = &line[..line.len() - line.trim_start().len()];
                    format!(
                        "{pad}set name <secret:{}>",
                        crate::config::fingerprint(value, key)
                    )
                }
                _ => mask_line(&line, rules, key),
            };
            if body.starts_with("config ") {
                sections.push(body.to_string());
            } else if body == "end" {
                sections.pop();
            }
            masked
        })
        .collect()
}

/// True inside a FortiOS SNMP community, whose name is the community string.
fn in_snmp_community(sections: &[String]) -> bool {
    sections
        .last()
        .is_some_and(|s| s.starts_with("config system snmp community"))
}

/// Returns the byte range of the secret value in `text`, if it holds one.
fn secret_span(text: &str, rules: &PlatformRules) -> Option<(usize, usize)> {
    rules.secrets.iter().find_map(|m| {
        let found = m.re.find(text)?;
        let matched = found.as_str();
        // The value is the last word of the match (`password 7 <value>`).
        let start = matched.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        if start >= matched.len() {
            return None;
        }
        let begin = found.start() + start;
        // A quoted value runs to its closing quote.
        let end = if text[begin..].starts_with('"') {
            text[begin + 1..]
                .find('"')
                .map_or(text.len(), |i| begin + i + 2)
        } else {
            found.end()
        };
        Some((begin, end))
    })
}

fn mask_line(line: &str, rules: &PlatformRules, key: Option<&[u8]>) -> String {
    let body = line.trim_start();
    let pad = &line[..line.len() - body.len()];
    let dialect = match rules.engine {
        Engine::Fortios => Dialect::Fortios,
        Engine::Junos => Dialect::Junos,
        _ => Dialect::Ios,
    };
    let shared = crate::config::mask_text(dialect, body, key);
    if shared != body {
        return format!("{pad}{shared}");
    }
    match secret_span(body, rules) {
        Some((begin, end)) => {
            let value = format!(
                "<secret:{}>",
                crate::config::fingerprint(&body[begin..end], key)
            );
            format!("{pad}{}{value}{}", &body[..begin], &body[end..])
        }
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_ios_and_fortios_secrets_keeping_indentation() {
        let ios = PlatformRules::builtin("ios");
        let masked = mask_lines(
            vec![
                " enable secret 5 $1$abc".into(),
                "snmp-server community s3cret RO".into(),
                "hostname r1".into(),
            ],
            &ios,
            false,
            None,
        );
        assert!(
            masked[0].starts_with(" enable secret 5 <secret:"),
            "{}",
            masked[0]
        );
        assert!(!masked[0].contains("$1$abc"));
        assert!(
            masked[1].starts_with("snmp-server community <secret:") && masked[1].ends_with(" RO")
        );
        assert_eq!(masked[2], "hostname r1");
        let fgt = PlatformRules::builtin("fortios");
        let masked = mask_lines(
            vec!["        set password ENC SH2abc==".into()],
            &fgt,
            false,
            None,
        );
        assert!(
            masked[0].starts_with("        set password ENC <secret:"),
            "{}",
            masked[0]
        );
        let shown = mask_lines(
            vec!["        set password ENC SH2abc==".into()],
            &fgt,
            true,
            None,
        );
        assert!(shown[0].ends_with("SH2abc=="));
        // The same value gets the same fingerprint as in the diff's masking.
        let keyed = mask_lines(
            vec!["enable secret 5 $1$abc".into()],
            &ios,
            false,
            Some(b"k"),
        );
        assert_eq!(
            keyed[0],
            crate::config::mask_text(Dialect::Ios, "enable secret 5 $1$abc", Some(b"k"))
        );
        // Table patterns catch what the shared detector does not know.
        let ops = PlatformRules::builtin("ios")
            .with_overrides("secrets:\n  - '^tacacs-token \\S+'\n", "ops.yaml")
            .unwrap();
        let masked = mask_lines(vec!["tacacs-token abc123".into()], &ops, false, None);
        assert!(
            masked[0].starts_with("tacacs-token <secret:"),
            "{}",
            masked[0]
        );
    }
}
