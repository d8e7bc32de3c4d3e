//! A linear pre-scan for runaway YAML flow nesting (`[[[[…` / `{a: {a: …`).
//!
//! serde_yaml reads a whole document's events before its recursion limit
//! applies, and libyaml's scanner does work proportional to the open flow
//! levels for every token: 100,000 nested brackets take minutes. Every
//! reader of untrusted YAML calls [`excessive_flow_nesting`] first and
//! refuses such a file in linear time instead.

/// Deepest flow nesting any YAML henko reads needs; serde_yaml itself gives
/// up at 128, so a deeper file fails either way, only faster here.
pub const MAX_FLOW_DEPTH: usize = 1000;

/// Returns the byte offset where `text` opens flow collection number
/// `limit + 1` without closing the outer ones, or `None` when it never
/// nests that deep. Quoted scalars and comments are skipped; a stray
/// bracket inside a plain scalar counts, which only matters for a file
/// with hundreds of them.
pub fn excessive_flow_nesting(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            // A quote inside a word (`it's`) is not a quoted scalar.
            b'\'' if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_bracket_past_the_limit() {
        let text = format!("a: {}{}", "[".repeat(5), "]".repeat(5));
        assert_eq!(excessive_flow_nesting(&text, 4), Some(7));
        assert_eq!(excessive_flow_nesting(&text, 5), None);
        let maps = format!("a: {}1{}", "{b: ".repeat(10), "}".repeat(10));
        assert!(excessive_flow_nesting(&maps, 9).is_some());
    }

    #[test]
    fn closed_levels_quotes_and_comments_do_not_count() {
        let text = "a: [1, [2]]\nb: [3]\nc: \"[[[[\"\nd: '{{{{'\ne: 1 # [[[[\nf: it's [x]\n";
        assert_eq!(excessive_flow_nesting(text, 2), None);
        assert_eq!(excessive_flow_nesting(&"[]".repeat(100_000), 1), None);
    }

    #[test]
    fn a_deep_file_is_scanned_in_linear_time() {
        let depth = 1_000_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let started = std::time::Instant::now();
        assert_eq!(
            excessive_flow_nesting(&text, MAX_FLOW_DEPTH),
            Some(MAX_FLOW_DEPTH)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
