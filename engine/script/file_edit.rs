//! Helpers for keyed file edits on hosts (sshd_config, sysctl.conf, ifcfg):
//! the exact line as a regular expression, and the `sed` command lines that
//! replace, delete or append one line, quoted for a POSIX shell.
//!
//! The line is matched whole (`^…$`) with every run of blanks as "one or
//! more blanks", so a multi-valued key (`AcceptEnv`, `HostKey`) only loses
//! the one line that changed, and a tab-separated `AuthorizedKeysFile\t…`
//! still matches.

use rhai::Engine;

/// Returns `text` single-quoted for a POSIX shell.
pub(crate) fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Returns `line` as an anchored regular expression: every run of blanks
/// becomes `blank`, every character of `special` is escaped.
fn anchored(line: &str, blank: &str, special: &str) -> String {
    let mut out = String::from("^");
    let mut in_blank = false;
    for c in line.trim().chars() {
        if c.is_whitespace() {
            if !in_blank {
                out.push_str(blank);
            }
            in_blank = true;
            continue;
        }
        in_blank = false;
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('$');
    out
}

/// Returns a POSIX extended regular expression matching exactly `line`
/// (blank runs as `[[:space:]]+`), with `|` escaped for sed's delimiter.
pub(crate) fn line_regex(line: &str) -> String {
    anchored(line, "[[:space:]]+", r"\.^$*+?()[]{}|")
}

/// Returns a Python regular expression matching exactly `line` (for
/// Ansible's `lineinfile` `regexp`).
pub(crate) fn line_regex_python(line: &str) -> String {
    anchored(line, r"\s+", r"\.^$*+?()[]{}|")
}

/// Escapes `text` for the replacement part of `s|…|…|`.
fn replacement(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if matches!(c, '\\' | '&' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Returns the command that replaces the line `old` with `new` in `file`.
pub(crate) fn sed_replace(file: &str, old: &str, new: &str) -> String {
    let script = format!("s|{}|{}|", line_regex(old), replacement(new));
    format!("sed -i -E {} {}", shell_quote(&script), shell_quote(file))
}

/// Returns the command that deletes the line `old` from `file`.
pub(crate) fn sed_delete(file: &str, old: &str) -> String {
    let script = format!(r"\|{}|d", line_regex(old));
    format!("sed -i -E {} {}", shell_quote(&script), shell_quote(file))
}

/// Returns the command that appends `line` to `file`.
pub(crate) fn append_line(file: &str, line: &str) -> String {
    format!(
        "printf '%s\\n' {} >> {}",
        shell_quote(line.trim()),
        shell_quote(file)
    )
}

/// Registers the helpers on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("shell_quote", |text: &str| shell_quote(text));
    engine.register_fn("line_regex", |line: &str| line_regex(line));
    engine.register_fn("line_regex_python", |line: &str| line_regex_python(line));
    engine.register_fn("sed_replace", |file: &str, old: &str, new: &str| {
        sed_replace(file, old, new)
    });
    engine.register_fn("sed_delete", |file: &str, old: &str| sed_delete(file, old));
    engine.register_fn("append_line", |file: &str, line: &str| {
        append_line(file, line)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_match_the_whole_line_and_quote_for_the_shell() {
        // Expected strings written by hand for GNU sed -E.
        assert_eq!(
            sed_replace(
                "/etc/ssh/sshd_config",
                "PermitRootLogin no",
                "PermitRootLogin yes"
            ),
            r"sed -i -E 's|^PermitRootLogin[[:space:]]+no$|PermitRootLogin yes|' /etc/ssh/sshd_config"
        );
        assert_eq!(
            sed_replace(
                "/etc/sysctl.d/99-baseline.conf",
                "net.ipv4.ip_forward = 0",
                "net.ipv4.ip_forward = 1"
            ),
            r"sed -i -E 's|^net\.ipv4\.ip_forward[[:space:]]+=[[:space:]]+0$|net.ipv4.ip_forward = 1|' /etc/sysctl.d/99-baseline.conf"
        );
        assert_eq!(
            sed_delete("/etc/ssh/sshd_config", "Banner /etc/issue.net"),
            r"sed -i -E '\|^Banner[[:space:]]+/etc/issue\.net$|d' /etc/ssh/sshd_config"
        );
        assert_eq!(
            append_line("/etc/ssh/sshd_config", "AllowGroups it's"),
            r"printf '%s\n' 'AllowGroups it'\''s' >> /etc/ssh/sshd_config"
        );
        assert_eq!(line_regex_python("MaxAuthTries\t3"), r"^MaxAuthTries\s+3$");
    }
}
