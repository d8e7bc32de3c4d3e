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
