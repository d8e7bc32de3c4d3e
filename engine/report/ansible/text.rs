//! Text inside the exported project: secret placeholders become Ansible
//! Vault variable references, literal Jinja markers are escaped, and names
//! become safe group, variable and file names.

use std::collections::BTreeMap;

/// The prefix of every secret's vault variable.
pub const SECRET_VAR_PREFIX: &str = "henko_secret_";

/// Where each secret placeholder occurs: fingerprint → (device, line).
pub type SecretUses = BTreeMap<String, Vec<(String, String)>>;

/// Returns `line` as a Jinja template: every `<secret:FP>` becomes
/// `{{ henko_secret_FP }}` (recorded in `uses` for `device`), and any
/// literal `{{`, `{%` or `{#` is kept literal with a raw block.
pub fn templated(line: &str, device: &str, uses: &mut SecretUses) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("<secret:") {
        let after = &rest[start + "<secret:".len()..];
        let Some(end) = after.find('>') else { break };
        let fingerprint = &after[..end];
        if fingerprint.is_empty() || !fingerprint.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push_str(&literal(&rest[..start + "<secret:".len()]));
            rest = after;
            continue;
        }
        out.push_str(&literal(&rest[..start]));
        out.push_str(&format!("{{{{ {SECRET_VAR_PREFIX}{fingerprint} }}}}"));
        uses.entry(fingerprint.to_string())
            .or_default()
            .push((device.to_string(), line.to_string()));
        rest = &after[end + 1..];
    }
    out.push_str(&literal(rest));
    out
}

/// Returns text that Jinja leaves as it is.
pub fn literal(text: &str) -> String {
    if ["{{", "{%", "{#"].iter().any(|m| text.contains(m)) {
        format!("{{% raw %}}{text}{{% endraw %}}")
    } else {
        text.to_string()
    }
}

/// Returns a name made of `[a-z0-9_]` (for groups and variables).
pub fn ident(name: &str) -> String {
    let mut out: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Returns a short file-name part for a command: `show ip route` →
/// `show-ip-route`.
pub fn slug(command: &str) -> String {
    let mut out = String::new();
    for c in command.to_ascii_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "command".to_string()
    } else {
        out
    }
}

/// Returns a device name safe as one path component.
pub fn file_name(device: &str) -> String {
    crate::plan::approval::path_safe(device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_become_vault_references_and_jinja_stays_literal() {
        let mut uses = SecretUses::new();
        assert_eq!(
            templated(" enable secret 5 <secret:ab12cd34>", "r1", &mut uses),
            " enable secret 5 {{ henko_secret_ab12cd34 }}"
        );
        assert_eq!(
            uses["ab12cd34"],
            [(
                "r1".to_string(),
                " enable secret 5 <secret:ab12cd34>".to_string()
            )]
        );
        assert_eq!(
            templated("banner motd {{x}} <secret:ff>", "r1", &mut uses),
            "{% raw %}banner motd {{x}} {% endraw %}{{ henko_secret_ff }}"
        );
        assert_eq!(templated("a <secret:> b", "r1", &mut uses), "a <secret:> b");
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(ident("wave-1 West"), "wave_1_west");
        assert_eq!(ident("1st"), "_1st");
        assert_eq!(
            slug("show running-config | section bgp"),
            "show-running-config-section-bgp"
        );
        assert_eq!(slug("!!"), "command");
    }
}
