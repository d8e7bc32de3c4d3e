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

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::Look;

/// A rule's regular expression, compiled on first use.
#[derive(Debug)]
pub(crate) struct Pattern {
    source: String,
    /// Literals one of which starts every match (the pattern is anchored at
    /// the start of the line); `None` when any line may match.
    prefixes: Option<Vec<Box<[u8]>>>,
    /// The number of capture groups, the whole match included.
    captures_len: usize,
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
            prefixes,
            captures_len: hir.properties().explicit_captures_len() + 1,
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

    /// Returns the literal prefixes every match starts with, if known.
    pub(crate) fn prefixes(&self) -> Option<&[Box<[u8]>]> {
        self.prefixes.as_deref()
    }
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
    fn unanchored_or_open_patterns_constrain_nothing() {
        assert_eq!(prefixes("password 7 \\S+"), None);
        assert_eq!(prefixes("^\\s*x"), None);
        assert_eq!(prefixes("(?m)^x"), None);
        assert_eq!(prefixes("^(a|.*)b"), None);
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
