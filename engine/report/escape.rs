//! The one place that makes text safe for the formats reports write: HTML
//! (element content and attribute values, also in SVG), Markdown (plain
//! text, table cells, inline code, fenced blocks) and XML 1.0's character
//! set. XML documents themselves (JUnit) are written with quick-xml's
//! writer, which escapes what it writes.

use std::borrow::Cow;

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Makes text safe inside inline code and inside a table cell: no pipes
/// (escaped), no line breaks, no backticks (they would end the code span).
/// No HTML escaping: inside code `&lt;` would show as written.
pub fn markdown_code(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('`', "'")
}

/// Makes text safe as plain Markdown text, in a table cell or not: HTML
/// escaped (a `<secret:…>` placeholder must not read as a tag) and then as
/// [`markdown_code`].
pub fn markdown_text(text: &str) -> String {
    markdown_code(&html(text))
}

/// Keeps a line from closing the code fence it sits in.
pub fn fence_safe(line: &str) -> String {
    line.replace("```", "'''")
}

/// Drops the characters XML 1.0 cannot carry (control characters other
/// than tab, line feed and carriage return).
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    let bad = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    if text.chars().any(bad) {
        Cow::Owned(text.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn markdown_keeps_cells_and_code_spans_whole() {
        assert_eq!(markdown_code("a|b\n`c`"), "a\\|b 'c'");
        // Inside code, entities would show as written: none there.
        assert_eq!(markdown_code("<secret:ab>"), "<secret:ab>");
        assert_eq!(markdown_text("<secret:ab> | x"), "&lt;secret:ab&gt; \\| x");
        assert_eq!(fence_safe("``` end"), "''' end");
    }

    #[test]
    fn xml_drops_what_it_cannot_carry() {
        assert_eq!(xml_chars("a\u{1}b\tc\n"), "ab\tc\n");
        assert!(matches!(xml_chars("plain"), Cow::Borrowed(_)));
    }
}
