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
    pub(crate) fn candidates<'a>(&'a self, text: &'a str) -> impl Iterator<Item = usize> + 'a {
        let mut prefixed: Vec<u32> = Vec::new();
        self.prefixes.walk(text.bytes(), |rules| {
            prefixed.extend_from_slice(rules);
            false
        });
        // A rule with two literals that both fit comes once.
        prefixed.sort_unstable();
        prefixed.dedup();
        let mut prefixed = prefixed.into_iter().peekable();
        let mut always = self.always.iter().copied().peekable();
        std::iter::from_fn(move || {
            let next = match (prefixed.peek(), always.peek()) {
                (Some(p), Some(a)) if p <= a => prefixed.next(),
                (_, Some(_)) => always.next(),
                (Some(_), None) => prefixed.next(),
                (None, None) => None,
            }?;
            Some(next as usize)
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
    fn joined_text_is_checked_without_joining() {
        let f = filter(&["^no ip redirects$", "^no cdp enable$"]);
        assert!(f.may_match_joined("no ", "ip redirects"));
        assert!(f.may_match_joined("no ", "cdp enable"));
        assert!(!f.may_match_joined("no ", "shutdown"));
        assert!(!f.may_match_joined("", "ip redirects"));
        assert!(filter(&["^n"]).may_match_joined("no ", "x"));
    }
}
