//! Secret masking for emitted commands: a secret value becomes
//! `<secret:ab12cd34>` (the start of its SHA-256), so a rotated secret still
//! shows as a different fingerprint while its value never leaves henko.
//!
//! The patterns come from the platform rule table (`secrets:`); once the
//! config stage's shared masking lands, its detector can replace
//! [`secret_span`] without changing callers.

use sha2::{Digest, Sha256};

use super::rules::PlatformRules;

/// Returns the lines with secret values masked (unchanged when `show`).
pub(crate) fn mask_lines(lines: Vec<String>, rules: &PlatformRules, show: bool) -> Vec<String> {
    if show {
        return lines;
    }
    lines
        .into_iter()
        .map(|line| mask_line(&line, rules))
        .collect()
}

/// Returns the fingerprint that stands for `value`.
pub(crate) fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("<secret:{hex}>")
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

fn mask_line(line: &str, rules: &PlatformRules) -> String {
    let body = line.trim_start();
    let pad = &line[..line.len() - body.len()];
    match secret_span(body, rules) {
        Some((begin, end)) if !body[begin..end].starts_with("<secret:") => {
            format!(
                "{pad}{}{}{}",
                &body[..begin],
                fingerprint(&body[begin..end]),
                &body[end..]
            )
        }
        _ => line.to_string(),
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
        );
        assert!(
            masked[0].starts_with("        set password ENC <secret:"),
            "{}",
            masked[0]
        );
        let shown = mask_lines(vec!["        set password ENC SH2abc==".into()], &fgt, true);
        assert!(shown[0].ends_with("SH2abc=="));
    }
}
