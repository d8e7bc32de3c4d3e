//! Bytes → text: byte-order mark, lossy UTF-8, NUL bytes, line splitting and
//! indentation width. Shared by every line-oriented parser.

use std::borrow::Cow;

/// Decodes `bytes` as UTF-8: a leading BOM is dropped, invalid sequences are
/// replaced by U+FFFD and NUL bytes by U+FFFD too; each repair adds a warning.
pub(crate) fn decode<'a>(bytes: &'a [u8], warnings: &mut Vec<String>) -> Cow<'a, str> {
    if let Some(text) = decode_utf16(bytes) {
        warnings.push("UTF-16 text decoded".to_string());
        return Cow::Owned(text);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(error) => {
            warnings.push(format!(
                "invalid UTF-8 at byte {}: decoded lossily (bad bytes shown as U+FFFD)",
                error.valid_up_to()
            ));
            String::from_utf8_lossy(bytes)
        }
    };
    if text.contains('\0') {
        warnings.push("NUL bytes replaced by U+FFFD".to_string());
        text = Cow::Owned(text.replace('\0', "\u{FFFD}"));
    }
    text
}

/// Decodes UTF-16 text: with a byte-order mark, or without one when the
/// sample looks like UTF-16 ASCII (Windows exports).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => {
            // No mark: ASCII text in UTF-16 has a NUL in every other byte.
            let sample = &bytes[..bytes.len().min(512) & !1];
            if sample.len() < 4 {
                return None;
            }
            let zero_at = |parity: usize| {
                sample
                    .iter()
                    .skip(parity)
                    .step_by(2)
                    .filter(|&&b| b == 0)
                    .count()
                    * 10
            };
            let half = sample.len() / 2;
            if zero_at(1) >= half * 9 && zero_at(0) == 0 {
                (true, bytes)
            } else if zero_at(0) >= half * 9 && zero_at(1) == 0 {
                (false, bytes)
            } else {
                return None;
            }
        }
    };
    let units = body.chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect(),
    )
}

/// Splits `text` into `(line number, line)` pairs; `\r\n`, `\n` and a lone
/// `\r` all end a line (old Mac exports and banner bodies use bare CRs).
pub(crate) fn lines(text: &str) -> Lines<'_> {
    Lines {
        rest: text,
        number: 0,
    }
}

/// Iterator returned by [`lines`].
pub(crate) struct Lines<'a> {
    rest: &'a str,
    number: u32,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u32, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.number = self.number.saturating_add(1);
        let bytes = self.rest.as_bytes();
        match line_end(bytes) {
            Some(at) => {
                let line = &self.rest[..at];
                let skip = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                self.rest = &self.rest[at + skip..];
                Some((self.number, line))
            }
            None => {
                let line = self.rest;
                self.rest = "";
                Some((self.number, line))
            }
        }
    }
}

/// Returns the offset of the first `\n` or `\r` in `bytes`. Every parsed
/// line goes through here, so it tests eight bytes at a time (a word has
/// one of the two bytes exactly when `word ^ byte·0x01…01` has a zero
/// byte) and finds the byte itself in the last word only.
fn line_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if zero_byte(word ^ (ONES * u64::from(b'\n')))
            || zero_byte(word ^ (ONES * u64::from(b'\r')))
        {
            break;
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| at + i)
}

/// Returns the indentation width of `line` (tabs expand to the next multiple
/// of 8 columns) and the line without its indentation.
pub(crate) fn indentation(line: &str) -> (usize, &str) {
    let mut width = 0usize;
    for (at, ch) in line.char_indices() {
        match ch {
            ' ' => width += 1,
            '\t' => width += 8 - width % 8,
            _ => return (width, &line[at..]),
        }
    }
    (width, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending() {
        let got: Vec<_> = lines("a\r\nb\rc\nd").collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        let got: Vec<_> = lines("a\n\nb\n").collect();
        assert_eq!(got, vec![(1, "a"), (2, ""), (3, "b")]);
    }

    #[test]
    fn decodes_bom_invalid_utf8_and_nul() {
        let mut warnings = Vec::new();
        assert_eq!(
            decode(b"\xEF\xBB\xBFhostname r1", &mut warnings),
            "hostname r1"
        );
        assert!(warnings.is_empty());
        let text = decode(b"a\xFFb\0c", &mut warnings);
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(warnings.len(), 2);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("!\nhostname é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, &mut warnings), "!\nhostname é");
        let bare: Vec<u8> = "!\nhostname r"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bare, &mut warnings), "!\nhostname r");
    }

    #[test]
    fn expands_tabs_in_indentation() {
        assert_eq!(indentation("\tfoo"), (8, "foo"));
        assert_eq!(indentation("  \tfoo"), (8, "foo"));
        assert_eq!(indentation("   x "), (3, "x "));
        assert_eq!(indentation("   "), (3, ""));
    }

    proptest::proptest! {
        #[test]
        fn line_end_finds_the_first_line_break(text in "[a\\r\\n é\\x09\\x0b\\x0c\\x8a\\x8d]{0,40}") {
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(
                line_end(bytes),
                bytes.iter().position(|&b| b == b'\n' || b == b'\r')
            );
        }
    }
}
