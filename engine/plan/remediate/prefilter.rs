//! Prefilters for the rule lists: which rules of a list can match a line,
//! from the literal prefixes of their (anchored) patterns, so a lookup tries
//! only those rules and compiles no regex a line cannot match.

use super::rules::{Matcher, PlatformRules, Templated};

/// Says which rules of one list can match a line: the rules whose patterns
/// start with a literal are filed under its first byte, the others are
/// candidates for every line.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prefilter {
    /// Per first byte (256 slots, empty for a list without prefixes): the
    /// rules with a literal prefix starting with that byte, in rule order,
    /// one entry per literal.
    by_first: Vec<Vec<(u32, Box<[u8]>)>>,
    /// Rules any line may match, in rule order.
    always: Vec<u32>,
}

impl Prefilter {
    fn new(matchers: &[&Matcher]) -> Prefilter {
        let mut filter = Prefilter::default();
        for (i, matcher) in matchers.iter().enumerate() {
            let index = u32::try_from(i).expect("fewer than 2^32 rules");
            match matcher.re.prefixes() {
                None => filter.always.push(index),
                Some(literals) => {
                    if filter.by_first.is_empty() {
                        filter.by_first = vec![Vec::new(); 256];
                    }
                    for literal in literals {
                        filter.by_first[usize::from(literal[0])].push((index, literal.clone()));
                    }
                }
            }
        }
        filter
    }

    /// Returns true when some rule could match `head` followed by `text`
    /// (as [`Prefilter::candidates`] of the joined string, without joining).
    pub(crate) fn may_match_joined(&self, head: &str, text: &str) -> bool {
        if !self.always.is_empty() {
            return true;
        }
        let (head, text) = (head.as_bytes(), text.as_bytes());
        let Some(&first) = head.first().or(text.first()) else {
            return false;
        };
        if self.by_first.is_empty() {
            return false;
        }
        self.by_first[usize::from(first)]
            .iter()
            .any(|(_, literal)| {
                if literal.len() <= head.len() {
                    head.starts_with(literal)
                } else {
                    literal.starts_with(head) && text.starts_with(&literal[head.len()..])
                }
            })
    }

    /// Returns the indexes of the rules that can match `text`, in rule
    /// order: a superset of the rules that do (each is still tried).
    pub(crate) fn candidates<'a>(&'a self, text: &'a str) -> impl Iterator<Item = usize> + 'a {
        let bytes = text.as_bytes();
        let bucket: &[(u32, Box<[u8]>)] = match bytes.first() {
            Some(&b) if !self.by_first.is_empty() => &self.by_first[usize::from(b)],
            _ => &[],
        };
        let mut prefixed = bucket
            .iter()
            .filter(move |(_, literal)| bytes.starts_with(literal))
            .map(|(i, _)| *i)
            .peekable();
        let mut always = self.always.iter().copied().peekable();
        let mut last = None;
        std::iter::from_fn(move || loop {
            let next = match (prefixed.peek(), always.peek()) {
                (Some(p), Some(a)) if p <= a => prefixed.next(),
                (_, Some(_)) => always.next(),
                (Some(_), None) => prefixed.next(),
                (None, None) => return None,
            }?;
            // A rule with two literals that both fit comes once.
            if last != Some(next) {
                last = Some(next);
                return Some(next as usize);
            }
        })
    }
}

/// The prefilters of every rule list, rebuilt whenever the lists change.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prefilters {
    pub(crate) ignore: Prefilter,
    pub(crate) defaults: Prefilter,
    pub(crate) negated_state: Prefilter,
    pub(crate) idempotent: Prefilter,
    pub(crate) multi_valued: Prefilter,
    pub(crate) negate: Prefilter,
    pub(crate) ordered_sections: Prefilter,
    pub(crate) ordered_groups: Prefilter,
    pub(crate) reset_sections: Prefilter,
    pub(crate) manual: Prefilter,
    pub(crate) exits: Prefilter,
    pub(crate) lists: Prefilter,
    pub(crate) order: Prefilter,
}

impl PlatformRules {
    /// Returns the prefilters of the current rule lists.
    pub(crate) fn prefilters(&self) -> Prefilters {
        let plain = |list: &[Matcher]| Prefilter::new(&list.iter().collect::<Vec<_>>());
        let templated = |list: &[Templated]| {
            Prefilter::new(&list.iter().map(|t| &t.matcher).collect::<Vec<_>>())
        };
        Prefilters {
            ignore: plain(&self.ignore),
            defaults: plain(&self.defaults),
            negated_state: plain(&self.negated_state),
            idempotent: plain(&self.idempotent),
            multi_valued: plain(&self.multi_valued),
            negate: templated(&self.negate),
            ordered_sections: plain(&self.ordered_sections),
            ordered_groups: Prefilter::new(
                &self
                    .ordered_groups
                    .iter()
                    .map(|g| &g.matcher)
                    .collect::<Vec<_>>(),
            ),
            reset_sections: templated(&self.reset_sections),
            manual: templated(&self.manual),
            exits: templated(&self.exits),
            lists: Prefilter::new(&self.lists.iter().map(|l| &l.matcher).collect::<Vec<_>>()),
            order: Prefilter::new(&self.order.iter().map(|w| &w.matcher).collect::<Vec<_>>()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::remediate::PlatformRules;

    fn filter(patterns: &[&str]) -> Prefilter {
        let yaml: String = patterns.iter().map(|p| format!("  - '{p}'\n")).collect();
        let rules = PlatformRules::builtin("structured")
            .with_overrides(&format!("ignore:\n{yaml}"), "test.yaml")
            .unwrap();
        Prefilter::new(&rules.ignore.iter().collect::<Vec<_>>())
    }

    #[test]
    fn candidates_keep_rule_order_and_include_open_patterns() {
        let f = filter(&["^ip route ", "x$", "^(?:ip|ipv6) address ", "^interface "]);
        let got: Vec<usize> = f.candidates("ip address 10.0.0.1 255.0.0.0").collect();
        assert_eq!(got, [1, 2]);
        let got: Vec<usize> = f.candidates("ip route 0.0.0.0 0.0.0.0 x").collect();
        assert_eq!(got, [0, 1]);
        assert_eq!(f.candidates("").collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn joined_text_is_checked_without_joining() {
        let f = filter(&["^no ip redirects$", "^no cdp enable$"]);
        assert!(f.may_match_joined("no ", "ip redirects"));
        assert!(f.may_match_joined("no ", "cdp enable"));
        assert!(!f.may_match_joined("no ", "shutdown"));
        assert!(!f.may_match_joined("", "ip redirects"));
        assert!(filter(&["^n"]).may_match_joined("no ", "x"));
    }
}
