//! Rule patterns: parsed when a table loads, compiled on first use.
//!
//! A platform table holds a few hundred regular expressions, and one plan
//! consults only some of them (a switch's lines never reach the BGP or
//! crypto rules). Compiling every pattern up front cost more than the whole
//! remediation of a 12,000-line configuration, so a [`Pattern`] keeps its
//! source, the literal prefixes every match starts with (for the
//! prefilters) and its capture count, and compiles the regex the first time
//! a line could match it. The compiled regex is shared by every clone of
//! the table and every thread.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::{Captures, Regex};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind, Look};

/// A rule's regular expression, compiled on first use.
#[derive(Debug)]
pub(crate) struct Pattern {
    source: String,
    /// Literals one of which starts every match (the pattern is anchored at
    /// the start of the line); `None` when any line may match.
    prefixes: Option<Vec<Box<[u8]>>>,
    /// Text every match contains beyond its start (` remote-as ` of
    /// `^(neighbor \S+ remote-as) `), tested before the regex runs.
    required: Option<String>,
    /// The number of capture groups, the whole match included.
    captures_len: usize,
    /// True when every match starts at the start of the line with group 1
    /// (`^(\d+) `): a line then starts with its group 1.
    group_one_opens_line: bool,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// Parses `source`; the regex itself is compiled when first used. A
    /// pattern that parses but cannot be compiled (size limits) panics on
    /// first use, so only built-in tables, whose every pattern a unit test
    /// compiles, are loaded this way.
    pub(crate) fn lazy(source: &str) -> Result<Pattern, String> {
        let hir = regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())?;
        let anchored = hir.properties().look_set_prefix().contains(Look::Start);
        let prefixes = anchored
            .then(|| Extractor::new().kind(ExtractKind::Prefix).extract(&hir))
            .and_then(|seq| {
                let literals: Vec<Box<[u8]>> = seq
                    .literals()?
                    .iter()
                    .map(|l| Box::from(l.as_bytes()))
                    .collect();
                // An empty literal constrains nothing.
                let useful = !literals.is_empty() && literals.iter().all(|l| !l.is_empty());
                useful.then_some(literals)
            });
        Ok(Pattern {
            source: source.to_string(),
            required: required_literal(&hir),
            prefixes,
            captures_len: hir.properties().explicit_captures_len() + 1,
            group_one_opens_line: group_one_opens_line(&hir),
            compiled: OnceLock::new(),
        })
    }

    /// Parses and compiles `source` now (operators' tables: a bad pattern
    /// is reported when the table loads, with the regex crate's message).
    pub(crate) fn eager(source: &str) -> Result<Pattern, String> {
        let re = Regex::new(source).map_err(|e| e.to_string())?;
        let pattern = Pattern::lazy(source)?;
        // Cannot fail: the cell is new.
        let _ = pattern.compiled.set(re);
        Ok(pattern)
    }

    /// Returns the compiled regex, compiling it on the first call.
    pub(crate) fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source)
                .unwrap_or_else(|e| panic!("rule pattern `{}`: {e}", self.source))
        })
    }

    /// Returns true when the regex matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.may_match(text) && self.regex().is_match(text)
    }

    /// Returns the capture groups of the first match in `text`, if any.
    pub(crate) fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        if !self.may_match(text) {
            return None;
        }
        self.regex().captures(text)
    }

    /// Returns false when `text` lacks a literal every match contains: a
    /// line meets several rules that share its first words (every
    /// `neighbor \S+ …` rule of a BGP section), and a regex that fails
    /// still costs several times a substring test.
    fn may_match(&self, text: &str) -> bool {
        self.required
            .as_deref()
            .is_none_or(|literal| text.contains(literal))
    }

    /// Compiles the regex now, returning the regex crate's error if it cannot.
    #[cfg(test)]
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.compiled.get().is_some() {
            return Ok(());
        }
        let re = Regex::new(&self.source).map_err(|e| e.to_string())?;
        let _ = self.compiled.set(re);
        Ok(())
    }

    /// Returns the number of capture groups, the whole match included,
    /// without compiling.
    pub(crate) fn captures_len(&self) -> usize {
        self.captures_len
    }

    /// Returns true when every match starts at the start of the line with
    /// capture group 1, so a matching line starts with its group 1.
    pub(crate) fn group_one_opens_line(&self) -> bool {
        self.group_one_opens_line
    }

    /// Returns the literal prefixes every match starts with, if known.
    pub(crate) fn prefixes(&self) -> Option<&[Box<[u8]>]> {
        self.prefixes.as_deref()
    }
}

/// Returns the longest literal text every match of `hir` contains, other
/// than the one it starts with (which the prefilters test), when it has
/// one of at least two bytes. Read from the pattern's top-level sequence
/// (groups looked into): anything but a literal there (a class, a
/// repetition, an alternation, an assertion) ends a run of literal text.
fn required_literal(hir: &Hir) -> Option<String> {
    fn runs(hir: &Hir, current: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
        match hir.kind() {
            HirKind::Literal(literal) => current.extend_from_slice(&literal.0),
            HirKind::Capture(group) => runs(&group.sub, current, out),
            HirKind::Concat(parts) => {
                for part in parts {
                    runs(part, current, out);
                }
            }
            _ => out.push(std::mem::take(current)),
        }
    }
    let (mut current, mut out) = (Vec::new(), Vec::new());
    runs(hir, &mut current, &mut out);
    out.push(current);
    let mut found = out.into_iter().filter(|run| !run.is_empty());
    // The first run is the start of the line when the pattern is anchored
    // (what the prefilters test); any later one is worth testing.
    let first = found.next()?;
    let later = found.max_by_key(Vec::len);
    let anchored = hir.properties().look_set_prefix().contains(Look::Start);
    let best = match later {
        Some(run) if anchored || run.len() >= first.len() => run,
        _ if anchored => return None,
        _ => first,
    };
    // Literals come from valid UTF-8 patterns, and runs break only
    // between whole literals (each one a complete character).
    (best.len() >= 2).then(|| String::from_utf8(best).ok())?
}

/// True when `hir` is the start of the text (not of a line: no `(?m)`)
/// followed at once by capture group 1, which always takes part in a match.
fn group_one_opens_line(hir: &Hir) -> bool {
    let HirKind::Concat(parts) = hir.kind() else {
        return false;
    };
    matches!(
        (parts.first().map(Hir::kind), parts.get(1).map(Hir::kind)),
        (Some(HirKind::Look(Look::Start)), Some(HirKind::Capture(group))) if group.index == 1
    )
}

impl Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes(source: &str) -> Option<Vec<String>> {
        Pattern::lazy(source).unwrap().prefixes().map(|p| {
            p.iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect()
        })
    }

    #[test]
    fn anchored_patterns_give_their_literal_prefixes() {
        assert_eq!(prefixes("^(hostname) "), Some(vec!["hostname ".into()]));
        assert_eq!(
            prefixes("^(banner (?:motd|login)) "),
            Some(vec!["banner motd ".into(), "banner login ".into()])
        );
        assert_eq!(prefixes("^version \\d"), Some(vec!["version ".into()]));
    }

    #[test]
    fn group_one_opens_the_line_only_right_after_a_start_anchor() {
        let opens = |source: &str| Pattern::lazy(source).unwrap().group_one_opens_line();
        for source in [
            "^(\\d+) ",
            "^(ip address) [0-9.]+ [0-9.]+$",
            "^(banner (?:motd|login))",
            "^(default-information originate)( .*)?$",
            "^((a)|b)",
            "^(?<name>x) ",
        ] {
            assert!(opens(source), "{source}");
        }
        for source in [
            "(\\d+) ",
            "(?m)^(\\d+) ",
            "^(?:x)(y)",
            "^(x)?y",
            "^x(y)",
            "^logging (console|monitor)(?: \\S+)?$",
            "^hostname ",
        ] {
            assert!(!opens(source), "{source}");
        }
    }

    #[test]
    fn unanchored_or_open_patterns_constrain_nothing() {
        assert_eq!(prefixes("password 7 \\S+"), None);
        assert_eq!(prefixes("^\\s*x"), None);
        assert_eq!(prefixes("(?m)^x"), None);
        assert_eq!(prefixes("^(a|.*)b"), None);
    }

    fn required(source: &str) -> Option<String> {
        Pattern::lazy(source).unwrap().required
    }

    #[test]
    fn required_literals_come_from_the_top_level_sequence() {
        assert_eq!(
            required("^(neighbor \\S+ remote-as) ").as_deref(),
            Some(" remote-as ")
        );
        assert_eq!(
            required("^(neighbor \\S+) remote-as ").as_deref(),
            Some(" remote-as ")
        );
        // Only the start, which the prefilters test.
        assert_eq!(required("^(description) "), None);
        // Alternatives, classes and repetitions are not literals.
        assert_eq!(required("^(neighbor \\S+ (?:description|password)) "), None);
        assert_eq!(required("^(?i)(neighbor \\S+ remote-as) "), None);
        assert_eq!(required("^(\\d+) "), None, "too short to be worth a test");
        // Unanchored: the longest run, wherever it is.
        assert_eq!(required("password 7 \\S+").as_deref(), Some("password 7 "));
        assert_eq!(required("a+ secret \\d").as_deref(), Some(" secret "));
    }

    #[test]
    fn the_required_literal_never_turns_a_match_away() {
        for (source, text) in [
            (
                "^(neighbor \\S+ remote-as) ",
                "neighbor 10.0.0.1 remote-as 65001",
            ),
            ("^(neighbor \\S+) remote-as ", "neighbor é remote-as 1"),
            ("x(?:y)z", "axyz"),
            ("^a(b)(c)d e", "abcd e"),
        ] {
            let p = Pattern::lazy(source).unwrap();
            assert_eq!(p.is_match(text), p.regex().is_match(text), "{source}");
            assert!(p.captures(text).is_some(), "{source}");
        }
        let p = Pattern::lazy("^(neighbor \\S+ remote-as) ").unwrap();
        assert!(!p.is_match("neighbor 10.0.0.1 description x"));
        assert!(p.compiled.get().is_none(), "turned away without compiling");
    }

    #[test]
    fn compiles_once_on_first_use() {
        let p = Pattern::lazy("^(ip address) (\\S+)").unwrap();
        assert_eq!(p.captures_len(), 3);
        assert!(p.compiled.get().is_none());
        assert!(p.is_match("ip address 10.0.0.1"));
        assert_eq!(p.regex().captures_len(), 3);
        assert!(p.compiled.get().is_some());
    }

    #[test]
    fn eager_reports_the_regex_error() {
        let err = Pattern::eager("(").unwrap_err();
        assert!(err.contains("unclosed group"), "{err}");
    }
}
