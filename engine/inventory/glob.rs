//! The one glob of henko: `*`, `?`, `[abc]`, `[a-z]`, `[!0-9]`, matched
//! against the whole text, ignoring ASCII case.
//!
//! Device names (`--device`, `inventory.find`), feature selectors and scopes
//! in `templates.yaml`, and the glob helpers scripts call (`glob_match`,
//! `path_matches`, `under`) all compile their patterns here, so a pattern
//! means the same thing wherever it is written.

use std::fmt;

/// A compiled glob (see the module comment for its syntax).
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    tokens: Vec<Token>,
    // The lower-cased text before a trailing run of `*` when the glob is
    // nothing else (`vlan *`, `interface Vlan*`, `core-sw1`): such a glob
    // is a prefix (or whole-text) test on bytes.
    literal: Option<(String, bool)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    Star,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A glob that cannot be compiled.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid glob `{glob}`: unclosed `[`")]
#[diagnostic(
    code(henko::glob),
    help("close the class, e.g. `sw-[0-9]*`, or escape nothing: globs have no escapes")
)]
pub struct GlobError {
    /// The glob as given.
    pub glob: String,
}

impl Glob {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Glob, GlobError> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' => Token::Star,
                '?' => Token::Any,
                '[' => {
                    let negated = matches!(chars.peek(), Some('!' | '^'));
                    if negated {
                        chars.next();
                    }
                    let mut ranges = Vec::new();
                    let mut closed = false;
                    let mut first = true;
                    while let Some(c) = chars.next() {
                        if c == ']' && !first {
                            closed = true;
                            break;
                        }
                        first = false;
                        let mut lookahead = chars.clone();
                        if lookahead.next() == Some('-') {
                            if let Some(end) = lookahead.next().filter(|&e| e != ']') {
                                chars.next();
                                chars.next();
                                ranges.push((c, end));
                                continue;
                            }
                        }
                        ranges.push((c, c));
                    }
                    if !closed {
                        return Err(GlobError {
                            glob: pattern.to_string(),
                        });
                    }
                    Token::Class { negated, ranges }
                }
                c => Token::Char(c.to_ascii_lowercase()),
            };
            tokens.push(token);
        }
        let literal = literal_prefix(&tokens);
        Ok(Glob {
            source: pattern.to_string(),
            tokens,
            literal,
        })
    }

    /// Returns true when `name` matches the whole glob, ignoring ASCII case.
    ///
    /// Walks `name` in place (no copy of its characters): scopes and
    /// selectors test every top-level line of every device, so this runs
    /// millions of times in a compliance run.
    pub fn matches(&self, name: &str) -> bool {
        if let Some((prefix, star)) = &self.literal {
            // ASCII bytes compare without case, the bytes of other
            // characters exactly: what the token walk does per character.
            return match name.as_bytes().get(..prefix.len()) {
                Some(head) => {
                    head.eq_ignore_ascii_case(prefix.as_bytes())
                        && (*star || name.len() == prefix.len())
                }
                None => false,
            };
        }
        // Iterative matching with one backtrack point per `*`: linear in
        // practice, never exponential. `n` is a byte offset into `name`.
        let (mut t, mut n) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while let Some((c, width)) = char_at(name, n) {
            let step = match self.tokens.get(t) {
                Some(Token::Star) => {
                    star = Some((t, n));
                    t += 1;
                    continue;
                }
                Some(Token::Any) => true,
                Some(Token::Char(want)) => *want == c,
                Some(Token::Class { negated, ranges }) => {
                    // `c` is lower-cased; `[A-Z]` must still take it.
                    let upper = c.to_ascii_uppercase();
                    let inside = ranges
                        .iter()
                        .any(|&(lo, hi)| (lo <= c && c <= hi) || (lo <= upper && upper <= hi));
                    inside != *negated
                }
                None => false,
            };
            if step {
                t += 1;
                n += width;
            } else if let Some((star_t, star_n)) = star {
                // Let the last `*` take one more character and retry.
                let skipped = char_at(name, star_n).map_or(1, |(_, w)| w);
                t = star_t + 1;
                n = star_n + skipped;
                star = Some((star_t, n));
            } else {
                return false;
            }
        }
        self.tokens[t..].iter().all(|token| *token == Token::Star)
    }

    /// Returns the glob as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Returns the text of a glob made of plain characters and then nothing
/// but `*`, and whether any `*` ends it; `None` for any other glob.
fn literal_prefix(tokens: &[Token]) -> Option<(String, bool)> {
    let plain = tokens
        .iter()
        .take_while(|t| matches!(t, Token::Char(_)))
        .count();
    if !tokens[plain..].iter().all(|t| *t == Token::Star) {
        return None;
    }
    let text = tokens[..plain]
        .iter()
        .map(|t| match t {
            Token::Char(c) => *c,
            _ => unreachable!("only plain characters are taken"),
        })
        .collect();
    Some((text, plain < tokens.len()))
}

/// Returns the character at byte offset `at` of `text`, lower-cased (ASCII
/// only), with its width in bytes; `None` at the end.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        return Some(((byte as char).to_ascii_lowercase(), 1));
    }
    let c = text[at..].chars().next()?;
    Some((c, c.len_utf8()))
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.source)
    }
}

impl std::str::FromStr for Glob {
    type Err = GlobError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Glob::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, name: &str) -> bool {
        Glob::new(glob).unwrap().matches(name)
    }

    #[test]
    fn stars_and_questions() {
        assert!(m("*", ""));
        assert!(m("*", "core-sw1"));
        assert!(m("core-*", "core-sw1"));
        assert!(!m("core-*", "edge-sw1"));
        assert!(m("*-sw?", "core-sw1"));
        assert!(!m("*-sw?", "core-sw12"));
        assert!(m("a*b*c", "a-x-b-y-c"));
        assert!(!m("a*b*c", "a-x-b-y-d"));
        assert!(m("fw-*-west", "fw-01-west"));
    }

    #[test]
    fn classes_ranges_and_negation() {
        assert!(m("sw[0-9]", "sw7"));
        assert!(!m("sw[0-9]", "swa"));
        assert!(m("sw[!0-9]", "swa"));
        assert!(m("[ab]x", "bx"));
        assert!(m("[]]", "]"));
        assert!(m("x[a-]", "x-"));
    }

    #[test]
    fn case_is_ignored_in_text_pattern_and_classes() {
        // Scripts match section headers this way: `interface *` takes the
        // `Interface Gi0/1` an export spells with a capital.
        assert!(m("interface *", "Interface Gi0/1"));
        assert!(m("CORE-*", "core-sw1"));
        assert!(m("sw[A-C]1", "swb1"));
        assert!(m("sw[a-c]1", "SWB1"));
        assert!(!m("sw[!A-C]1", "swb1"));
        assert!(m("router bgp *", "router bgp 65001"));
        assert!(m("edit ?", "edit 5"));
        assert!(!m("abc", "ab"));
        assert!(!m("ab", "abc"));
    }

    #[test]
    fn unclosed_class_is_an_error() {
        assert!(Glob::new("sw[0-9").is_err());
    }

    #[test]
    fn multibyte_text_is_walked_by_character() {
        assert!(m("?名前", "x名前"));
        assert!(m("*前", "名前"));
        assert!(!m("?", "名前"));
        assert!(m("[!a]?", "名前"));
        assert!(m("*é*", "CAFÉ-é"));
        assert!(!m("é", "É"));
    }

    /// The matcher before it walked `name` in place: it collected the
    /// lower-cased characters first. Kept to hold the rewrite to it.
    fn collected_matches(glob: &Glob, name: &str) -> bool {
        let name: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
        let (mut t, mut n) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while n < name.len() {
            let step = match glob.tokens.get(t) {
                Some(Token::Star) => {
                    star = Some((t, n));
                    t += 1;
                    continue;
                }
                Some(Token::Any) => true,
                Some(Token::Char(c)) => *c == name[n],
                Some(Token::Class { negated, ranges }) => {
                    let c = name[n];
                    let upper = c.to_ascii_uppercase();
                    let inside = ranges
                        .iter()
                        .any(|&(lo, hi)| (lo <= c && c <= hi) || (lo <= upper && upper <= hi));
                    inside != *negated
                }
                None => false,
            };
            if step {
                t += 1;
                n += 1;
            } else if let Some((star_t, star_n)) = star {
                t = star_t + 1;
                n = star_n + 1;
                star = Some((star_t, star_n + 1));
            } else {
                return false;
            }
        }
        glob.tokens[t..].iter().all(|token| *token == Token::Star)
    }

    proptest::proptest! {
        #[test]
        fn in_place_matching_agrees_with_collected_characters(
            pattern in "[aAbZ0-9é名 *?\\[\\]!^-]{0,10}",
            name in "[aAbBzZ09é名É !*?\\]-]{0,14}",
        ) {
            if let Ok(glob) = Glob::new(&pattern) {
                proptest::prop_assert_eq!(
                    glob.matches(&name),
                    collected_matches(&glob, &name),
                    "glob {:?} on {:?}", pattern, name
                );
            }
        }

        #[test]
        fn literal_and_prefix_globs_agree_with_collected_characters(
            text in "[aAbZ0é名É -]{0,6}",
            stars in 0usize..3,
            rest in "[aAbBzZ0é名É -]{0,6}",
        ) {
            let glob = Glob::new(&format!("{text}{}", "*".repeat(stars))).unwrap();
            proptest::prop_assert!(glob.literal.is_some());
            for name in [text.clone(), text.to_uppercase(), format!("{text}{rest}"), rest.clone()] {
                proptest::prop_assert_eq!(
                    glob.matches(&name),
                    collected_matches(&glob, &name),
                    "glob {:?} on {:?}", glob, name
                );
            }
        }
    }
}
