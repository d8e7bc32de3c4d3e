//! Multi-line banners of the ios dialect (`banner motd ^C … ^C`).
//!
//! A banner is kept as ONE node whose text is the whole banner, line breaks
//! included: the opening line (indentation and trailing spaces removed), then
//! every body line verbatim, then the closing line verbatim (with any text
//! after the closing delimiter, which IOS ignores but we keep).
//!
//! Delimiters, from the text after `banner <kind> `:
//! - nothing: Arista EOS style; the body ends at a line that is exactly `EOF`;
//! - the two characters `^C` (how `show running-config` prints Ctrl-C);
//! - the ETX byte 0x03 itself;
//! - any other single non-alphanumeric character (`^`, `#`, `*`, `%` …).
//!
//! A letter or digit right after the kind is the ASA form (`banner login
//! Authorized users only`): one line per node, no delimiter. A banner whose
//! closing delimiter never comes is kept as its opening line alone, with a
//! warning, and the following lines are parsed normally.

use std::collections::HashMap;

/// How a banner's opening line says it ends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Close {
    /// The banner is complete on its opening line.
    SameLine,
    /// The banner ends at the first later line containing this delimiter
    /// (`EOF` means a line that is exactly `EOF`).
    Delimiter(String),
}

/// Returns how the banner opened by the trimmed line `text` ends, or `None`
/// when `text` does not open a banner.
pub(crate) fn opening(text: &str) -> Option<Close> {
    let rest = text.strip_prefix("banner ")?;
    let rest = rest.trim_start();
    let kind_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if kind_end == 0 {
        return None;
    }
    let after_kind = &rest[kind_end..];
    let body = after_kind.trim_start();
    if body.is_empty() {
        return Some(Close::Delimiter("EOF".to_string()));
    }
    let delimiter = if body.starts_with("^C") {
        "^C".to_string()
    } else {
        let first = body.chars().next()?;
        if first.is_alphanumeric() {
            return Some(Close::SameLine);
        }
        first.to_string()
    };
    if body[delimiter.len()..].contains(delimiter.as_str()) {
        Some(Close::SameLine)
    } else {
        Some(Close::Delimiter(delimiter))
    }
}

/// Returns true when `line` (raw, verbatim) closes a banner delimited by
/// `delimiter`.
pub(crate) fn closes(line: &str, delimiter: &str) -> bool {
    if delimiter == "EOF" {
        line.trim() == "EOF"
    } else {
        line.contains(delimiter)
    }
}

/// Remembers, per delimiter, a line index from which no closing line exists,
/// so that many unterminated banners stay linear-time.
#[derive(Default)]
pub(crate) struct Unclosed(HashMap<String, usize>);

impl Unclosed {
    /// Returns the index of the line closing the banner that opened on the
    /// line before `from`, scanning `lines` (raw text); `None` when it never
    /// closes.
    pub(crate) fn find_close(
        &mut self,
        lines: &[(u32, &str)],
        from: usize,
        delimiter: &str,
    ) -> Option<usize> {
        if self.0.get(delimiter).is_some_and(|&absent| absent <= from) {
            return None;
        }
        let found = lines[from.min(lines.len())..]
            .iter()
            .position(|(_, line)| closes(line, delimiter))
            .map(|offset| from + offset);
        if found.is_none() {
            self.0.insert(delimiter.to_string(), from);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_delimiter_kind() {
        assert_eq!(
            opening("banner motd ^C"),
            Some(Close::Delimiter("^C".into()))
        );
        assert_eq!(
            opening("banner motd \u{3}"),
            Some(Close::Delimiter("\u{3}".into()))
        );
        assert_eq!(
            opening("banner exec ^CFirst line."),
            Some(Close::Delimiter("^C".into()))
        );
        assert_eq!(
            opening("banner login ^First"),
            Some(Close::Delimiter("^".into()))
        );
        assert_eq!(opening("banner motd #hello#"), Some(Close::SameLine));
        assert_eq!(opening("banner exec **"), Some(Close::SameLine));
        assert_eq!(
            opening("banner login"),
            Some(Close::Delimiter("EOF".into()))
        );
        assert_eq!(
            opening("banner login You are connected"),
            Some(Close::SameLine)
        );
        assert_eq!(opening("bannerx"), None);
        assert_eq!(opening("hostname banner"), None);
    }

    #[test]
    fn eof_terminator_must_be_alone() {
        assert!(!closes("EOF not alone", "EOF"));
        assert!(closes("EOF", "EOF"));
        assert!(closes("text^Cignored", "^C"));
    }

    #[test]
    fn unclosed_scan_is_remembered() {
        let lines = vec![
            (1, "banner motd %"),
            (2, "a"),
            (3, "banner motd %"),
            (4, "b"),
        ];
        let mut unclosed = Unclosed::default();
        assert_eq!(unclosed.find_close(&lines, 1, "^"), None);
        assert_eq!(unclosed.find_close(&lines, 3, "^"), None);
        assert_eq!(unclosed.find_close(&lines, 1, "%"), Some(2));
    }
}
