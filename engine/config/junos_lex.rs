//! Tokens of the Junos / PAN-OS brace and set syntax: words (a double-quoted
//! string, possibly spanning lines, is one word), `{`, `}`, `;` and line
//! ends. `#` comments, `/* */` comments and lines starting with `!` (RANCID
//! headers) are skipped.

/// One lexical token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A word or quoted string, with the line it starts on.
    Word(&'a str, u32),
    /// `{`
    Open(u32),
    /// `}`
    Close(u32),
    /// `;`
    Semi,
    /// A line end.
    Newline,
}

/// Splits `text` into tokens; unterminated strings and comments run to the
/// end of the text and add a warning.
pub(crate) fn lex<'a>(text: &'a str, warnings: &mut Vec<String>) -> Vec<Tok<'a>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut at = 0;
    let mut line_start = true;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'\n' | b'\r' => {
                if byte == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    at += 1;
                }
                at += 1;
                line += 1;
                line_start = true;
                out.push(Tok::Newline);
                continue;
            }
            b' ' | b'\t' | b'\x0b' | b'\x0c' => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let starts_line = line_start;
        line_start = false;
        match byte {
            b'#' => at = line_end(bytes, at),
            b'!' if starts_line => at = line_end(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let start_line = line;
                let mut cursor = at + 2;
                loop {
                    if cursor + 1 >= bytes.len() {
                        warnings.push(format!("line {start_line}: comment never closed"));
                        cursor = bytes.len();
                        break;
                    }
                    if bytes[cursor] == b'*' && bytes[cursor + 1] == b'/' {
                        cursor += 2;
                        break;
                    }
                    line += newline_count(bytes[cursor], bytes.get(cursor + 1));
                    cursor += 1;
                }
                at = cursor;
            }
            b'{' => {
                out.push(Tok::Open(line));
                at += 1;
            }
            b'}' => {
                out.push(Tok::Close(line));
                at += 1;
            }
            b';' => {
                out.push(Tok::Semi);
                at += 1;
            }
            b'"' => {
                let start = at;
                let start_line = line;
                let mut cursor = at + 1;
                loop {
                    match bytes.get(cursor) {
                        None => {
                            warnings.push(format!("line {start_line}: quoted string never closed"));
                            break;
                        }
                        Some(b'\\') => cursor += 2,
                        Some(b'"') => {
                            cursor += 1;
                            break;
                        }
                        Some(&b) => {
                            line += newline_count(b, bytes.get(cursor + 1));
                            cursor += 1;
                        }
                    }
                }
                at = cursor.min(bytes.len());
                out.push(Tok::Word(&text[start..at], start_line));
            }
            _ => {
                let start = at;
                while at < bytes.len()
                    && !matches!(
                        bytes[at],
                        b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b';' | b'\x0b' | b'\x0c'
                    )
                {
                    at += 1;
                }
                out.push(Tok::Word(&text[start..at], line));
            }
        }
    }
    out
}

/// Returns the index of the next line break at or after `at`.
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |offset| at + offset)
}

/// Counts a line break at `byte` (a CR followed by LF counts at the LF).
fn newline_count(byte: u8, next: Option<&u8>) -> u32 {
    match byte {
        b'\n' => 1,
        b'\r' if next != Some(&b'\n') => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_braces_comments_and_strings() {
        let mut warnings = Vec::new();
        let toks = lex(
            "#c\nsystem { /* a\nb */ host-name \"x y\"; } ## SECRET-DATA\n!RANCID\nk \"multi\nline\";",
            &mut warnings,
        );
        assert!(warnings.is_empty());
        assert_eq!(
            toks,
            vec![
                Tok::Newline,
                Tok::Word("system", 2),
                Tok::Open(2),
                Tok::Word("host-name", 3),
                Tok::Word("\"x y\"", 3),
                Tok::Semi,
                Tok::Close(3),
                Tok::Newline,
                Tok::Newline,
                Tok::Word("k", 5),
                Tok::Word("\"multi\nline\"", 5),
                Tok::Semi,
            ]
        );
    }
}
