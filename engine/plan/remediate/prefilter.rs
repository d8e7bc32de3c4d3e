//! Prefilters for the rule lists: which rules of a list can match a line,
//! from the literal prefixes of their (anchored) patterns, so a lookup tries
//! only those rules and compiles no regex a line cannot match.

use super::rules::{Matcher, PlatformRules, Templated};

/// Says which rules of one list can match a line: the literal prefixes of
/// the rules' patterns in a byte trie (a line walks it once, comparing one
/// byte per step, however many rules share its first letters), and the
/// rules without a literal prefix, candidates for every line.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prefilter {
    /// The literal prefixes; empty for a list without any.
    prefixes: Trie,
    /// Rules any line may match, in rule order.
    always: Vec<u32>,
}

/// A byte trie of literals, each ending at a node that names its rules.
#[derive(Clone, Debug, Default)]
struct Trie {
    /// The nodes, the root first (no nodes: no literals).
    nodes: Vec<TrieNode>,
}

#[derive(Clone, Debug, Default)]
struct TrieNode {
    /// The nodes one byte further, sorted by byte.
    next: Vec<(u8, u32)>,
    /// The rules with a literal that ends here.
    ends: Vec<u32>,
}

impl Trie {
    fn insert(&mut self, literal: &[u8], rule: u32) {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut at = 0usize;
        for &byte in literal {
            let next = &self.nodes[at].next;
            at = match next.binary_search_by_key(&byte, |&(b, _)| b) {
                Ok(i) => next[i].1 as usize,
                Err(i) => {
                    let new = u32::try_from(self.nodes.len()).expect("fewer than 2^32 nodes");
                    self.nodes[at].next.insert(i, (byte, new));
                    self.nodes.push(TrieNode::default());
                    new as usize
                }
            };
        }
        self.nodes[at].ends.push(rule);
    }

    /// Walks `bytes` down the trie and calls `found` with the rules of
    /// every literal that is a prefix of them, shortest first, until it
    /// returns true; returns whether it did.
    fn walk(&self, bytes: impl Iterator<Item = u8>, mut found: impl FnMut(&[u32]) -> bool) -> bool {
        let Some(mut node) = self.nodes.first() else {
            return false;
        };
        for byte in bytes {
            match node.next.binary_search_by_key(&byte, |&(b, _)| b) {
                Ok(i) => node = &self.nodes[node.next[i].1 as usize],
                Err(_) => return false,
            }
            if !node.ends.is_empty() && found(&node.ends) {
                return true;
            }
        }
        false
    }
}

impl Prefilter {
    fn new(matchers: &[&Matcher]) -> Prefilter {
        let mut filter = Prefilter::default();
        for (i, matcher) in matchers.iter().enumerate() {
            let index = u32::try_from(i).expect("fewer than 2^32 rules");
            match matcher.re.prefixes() {
                None => filter.always.push(index),
                Some(literals) => {
                    for literal in literals {
                        filter.prefixes.insert(literal, index);
                    }
                }
            }
        }
        filter
    }

    /// Returns true when some rule could match `head` followed by `text`
    /// (as [`Prefilter::candidates`] of the joined string, without joining).
    pub(crate) fn may_match_joined(&self, head: &str, text: &str) -> bool {
        !self.always.is_empty()
            || self
                .prefixes
                .walk(head.bytes().chain(text.bytes()), |_| true)
    }

    /// Returns true when some rule could match `text` (when
    /// [`Prefilter::candidates`] is not empty), without listing them.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.may_match_joined("", text)
    }

    /// Returns the indexes of the rules that can match `text`, in rule
    /// order: a superset of the rules that do (each is still tried).
    pub(crate) fn candidates<'a>(&'a self, text: &str) -> Candidates<'a> {
        let mut found = Found::Inline([0; INLINE], 0);
        self.prefixes.walk(text.bytes(), |rules| {
            for &rule in rules {
                found.push(rule);
            }
            false
        });
        found.sort_dedup();
        Candidates {
            found,
            next_found: 0,
            always: &self.always,
        }
    }
}

/// How many prefix matches a lookup keeps without allocating (a line's
/// literal prefixes name one or two rules of a list, rarely more).
const INLINE: usize = 8;

/// The rules whose literal prefixes a line starts with.
enum Found {
    Inline([u32; INLINE], usize),
    Spilled(Vec<u32>),
}

impl Found {
    fn push(&mut self, rule: u32) {
        match self {
            Found::Inline(rules, len) if *len < INLINE => {
                rules[*len] = rule;
                *len += 1;
            }
            Found::Inline(rules, len) => {
                let mut spilled = rules[..*len].to_vec();
                spilled.push(rule);
                *self = Found::Spilled(spilled);
            }
            Found::Spilled(rules) => rules.push(rule),
        }
    }

    fn as_mut_slice(&mut self) -> &mut [u32] {
        match self {
            Found::Inline(rules, len) => &mut rules[..*len],
            Found::Spilled(rules) => rules,
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Found::Inline(rules, len) => &rules[..*len],
            Found::Spilled(rules) => rules,
        }
    }

    /// Puts the rules in order, each once (a rule with two literals that
    /// both fit is found twice).
    fn sort_dedup(&mut self) {
        let rules = self.as_mut_slice();
        rules.sort_unstable();
        let mut kept = 0;
        for i in 0..rules.len() {
            if i == 0 || rules[i] != rules[kept - 1] {
                rules[kept] = rules[i];
                kept += 1;
            }
        }
        match self {
            Found::Inline(_, len) => *len = kept,
            Found::Spilled(rules) => rules.truncate(kept),
        }
    }
}

/// The candidates of one line ([`Prefilter::candidates`]): the rules its
/// prefixes found merged, in rule order, with the rules any line may match.
pub(crate) struct Candidates<'a> {
    found: Found,
    next_found: usize,
    always: &'a [u32],
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let found = self.found.as_slice().get(self.next_found).copied();
        let always = self.always.first().copied();
        let next = match (found, always) {
            (Some(f), Some(a)) if f <= a => {
                self.next_found += 1;
                f
            }
            (_, Some(a)) => {
                self.always = &self.always[1..];
                a
            }
            (Some(f), None) => {
                self.next_found += 1;
                f
            }
            (None, None) => return None,
        };
        Some(next as usize)
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
    fn literals_sharing_first_letters_each_name_their_own_rules() {
        let f = filter(&[
            "^ip ",
            "^ipv6 address ",
            "^ip address ",
            "^(?:ip|ipv6) address ",
            "^interface ",
        ]);
        let got: Vec<usize> = f.candidates("ip address 10.0.0.1 255.0.0.0").collect();
        assert_eq!(
            got,
            [0, 2, 3],
            "shortest and longest prefix, each rule once"
        );
        let got: Vec<usize> = f.candidates("ipv6 address 2001:db8::1/64").collect();
        assert_eq!(got, [1, 3]);
        assert!(
            f.candidates("ip").next().is_none(),
            "a literal longer than the line"
        );
        assert!(f.may_match("interface Gi1"));
        assert!(!f.may_match("hostname r1"));
        assert!(!filter(&[]).may_match("anything"));
        assert!(
            filter(&["x$"]).may_match("anything"),
            "an open pattern fits every line"
        );
    }

    #[test]
    fn many_rules_fitting_one_line_all_come_in_order() {
        // Rules in order around a rule with two literals; then more
        // prefixes of one line than fit without allocating.
        let mut patterns: Vec<String> = (0..10).map(|i| format!("^ip {i}")).collect();
        patterns.insert(3, "^(?:ip|ipv6) ".to_string());
        patterns.push("x$".to_string());
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let f = filter(&patterns);
        let got: Vec<usize> = f.candidates("ip 1 route").collect();
        assert_eq!(
            got,
            [1, 3, 11],
            "`^ip 1` (1), the alternation (3), the open pattern (11)"
        );
        let wide = filter(&[
            "^i",
            "^ip",
            "^ip ",
            "^ip r",
            "^ip ro",
            "^ip rou",
            "^ip rout",
            "^ip route",
            "^ip route ",
        ]);
        let got: Vec<usize> = wide.candidates("ip route 0.0.0.0").collect();
        assert_eq!(got, (0..9).collect::<Vec<_>>());
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
