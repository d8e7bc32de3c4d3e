//! Prefilters for the rule lists: one `RegexSet` per list, so a lookup
//! learns in one pass which rules can match a line instead of trying each.

use super::rules::{Matcher, PlatformRules, Templated};

/// One `RegexSet` per rule list: a single pass over a line says which rules
/// of the list can match it, so a lookup does not try every rule in turn.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prefilter {
    set: Option<regex::RegexSet>,
    len: usize,
}

impl Prefilter {
    fn new(matchers: &[&Matcher]) -> Prefilter {
        let set = regex::RegexSet::new(matchers.iter().map(|m| m.re.as_str())).ok();
        Prefilter {
            set,
            len: matchers.len(),
        }
    }

    /// Returns the indexes of the rules whose pattern matches `text`, in
    /// rule order (all of them when the set could not be built).
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        match &self.set {
            Some(set) if self.len > 0 => set.matches(text).into_iter().collect(),
            Some(_) => Vec::new(),
            None => (0..self.len).collect(),
        }
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
