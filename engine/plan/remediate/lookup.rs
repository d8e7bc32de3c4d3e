//! Rule lookups: what the engines and simulators ask a [`PlatformRules`]
//! about one line (its overwrite key, its negation, its section kind…).
//! Each lookup asks the list's prefilter which rules can match, then tries
//! only those, in rule order (the first that applies wins).

use regex::Captures;

use super::memo::Question;
use super::rules::{GroupRule, ListRule, Matcher, PlatformRules, Prefilter, Templated};

/// Returns the first rule of `list` (with its captures) that applies.
fn first<'r, 't, T>(
    list: &'r [T],
    filter: &Prefilter,
    matcher: impl Fn(&T) -> &Matcher,
    text: &'t str,
    parent: Option<&str>,
) -> Option<(&'r T, Captures<'t>)> {
    first_where(list, filter, matcher, text, |_, m| m.applies_under(parent))
}

/// [`first`], asking `holds(index, matcher)` whether a rule's parent
/// condition holds (a level's lookups remember the answers per rule).
fn first_where<'r, 't, T>(
    list: &'r [T],
    filter: &Prefilter,
    matcher: impl Fn(&T) -> &Matcher,
    text: &'t str,
    mut holds: impl FnMut(usize, &Matcher) -> bool,
) -> Option<(&'r T, Captures<'t>)> {
    filter.candidates(text).find_map(|i| {
        let m = matcher(&list[i]);
        if !holds(i, m) {
            return None;
        }
        m.re.captures(text).map(|c| (&list[i], c))
    })
}

/// Returns true when some rule of `list` applies (as [`first`], without
/// filling capture groups).
fn any<T>(
    list: &[T],
    filter: &Prefilter,
    matcher: impl Fn(&T) -> &Matcher,
    text: &str,
    parent: Option<&str>,
) -> bool {
    filter
        .candidates(text)
        .any(|i| matcher(&list[i]).is_match(text, parent))
}

/// Returns the negation of a line no negate template applies to: `no X`
/// is undone by `X`, anything else by `no` before it.
fn plain_negation(text: &str) -> String {
    match text.strip_prefix("no ") {
        Some(rest) => rest.trim_start().to_string(),
        None => format!("no {text}"),
    }
}

fn expand(rule: &Templated, caps: &Captures<'_>) -> String {
    let mut out = String::new();
    caps.expand(&rule.template, &mut out);
    out
}

fn same(m: &Matcher) -> &Matcher {
    m
}

fn of_template(t: &Templated) -> &Matcher {
    &t.matcher
}

/// Rule lookups used by the engines and the simulators.
impl PlatformRules {
    /// Returns true when the line is noise to drop before comparing.
    pub(crate) fn is_ignored(&self, text: &str, parent: Option<&str>) -> bool {
        any(&self.ignore, &self.filters.ignore, same, text, parent)
    }

    /// Returns true when the line only restates a platform default: a line
    /// the running config does not show (`defaults`), or the positive form
    /// of a state negation (`ip redirects` where `no ip redirects` is
    /// state). A state negation itself is never a default, whatever an
    /// inherited `defaults` rule says.
    pub(crate) fn is_default(&self, text: &str, parent: Option<&str>) -> bool {
        // Most lines no rule could match: that is answered without the
        // memo's hashing and locking. (A state negation itself is never a
        // default, so whether `text` could be one does not matter here.)
        if !self.filters.defaults.may_match(text)
            && !self.filters.negated_state.may_match_joined("no ", text)
        {
            return false;
        }
        self.memo
            .get_or(Question::IsDefault, text, parent, || {
                self.compute_is_default(text, parent).then(String::new)
            })
            .is_some()
    }

    fn compute_is_default(&self, text: &str, parent: Option<&str>) -> bool {
        if self.is_state_negation(text, parent) {
            return false;
        }
        if any(&self.defaults, &self.filters.defaults, same, text, parent) {
            return true;
        }
        !self.negated_state.is_empty()
            && !text.starts_with("no ")
            // Only build `no <text>` when a state negation could match it.
            && self.filters.negated_state.may_match_joined("no ", text)
            && self.is_state_negation(&format!("no {text}"), parent)
    }

    /// Returns true when `text` is a negation that states a setting
    /// (`no ip redirects`: the table's `negated_state`).
    pub(crate) fn is_state_negation(&self, text: &str, parent: Option<&str>) -> bool {
        text.starts_with("no ")
            && any(
                &self.negated_state,
                &self.filters.negated_state,
                same,
                text,
                parent,
            )
    }

    /// Returns the overwrite key of a single-valued line, if it is one. A
    /// bare negation shares the key of the setting it negates (`no logging
    /// console` and `logging console emergencies` are one setting), so the
    /// one overwrites the other in place. A negation with more words than
    /// the key (`no bandwidth guaranteed` beside `bandwidth percent 1` in a
    /// `show running-config all` backup) names a setting of its own.
    pub(crate) fn idempotent_key(&self, text: &str, parent: Option<&str>) -> Option<String> {
        let could_match = |line: &str| self.filters.idempotent.may_match(line);
        let bare = text.strip_prefix("no ");
        if !could_match(text) && !bare.is_some_and(could_match) {
            return None;
        }
        self.memo.get_or(Question::IdempotentKey, text, parent, || {
            self.compute_idempotent_key(text, parent)
        })
    }

    fn compute_idempotent_key(&self, text: &str, parent: Option<&str>) -> Option<String> {
        self.own_idempotent_key(text, parent).or_else(|| {
            let rest = text.strip_prefix("no ")?;
            let key = self.own_idempotent_key(rest, parent)?;
            (key.replace('\u{1f}', " ") == rest.trim_end()).then_some(key)
        })
    }

    fn own_idempotent_key(&self, text: &str, parent: Option<&str>) -> Option<String> {
        if any(
            &self.multi_valued,
            &self.filters.multi_valued,
            same,
            text,
            parent,
        ) {
            return None;
        }
        let (_, caps) = first(
            &self.idempotent,
            &self.filters.idempotent,
            same,
            text,
            parent,
        )?;
        let groups: Vec<&str> = caps.iter().skip(1).flatten().map(|g| g.as_str()).collect();
        Some(if groups.is_empty() {
            caps[0].to_string()
        } else {
            groups.join("\u{1f}")
        })
    }

    /// Returns the command that removes `text` (a line or a section header).
    pub(crate) fn negate(&self, text: &str, parent: Option<&str>) -> String {
        if !self.filters.negate.may_match(text) {
            return plain_negation(text);
        }
        self.memo
            .get_or(Question::Negate, text, parent, || {
                Some(self.compute_negate(text, parent))
            })
            .unwrap_or_default()
    }

    fn compute_negate(&self, text: &str, parent: Option<&str>) -> String {
        self.template_negation(text, parent)
            .unwrap_or_else(|| plain_negation(text))
    }

    /// Returns [`PlatformRules::negate`] of every line of one level (all
    /// under `parent`), in order: each rule's parent condition is tested
    /// once for the level rather than once per line, and the memo is left
    /// alone (a level's lines are asked for once, when the simulator or
    /// the planner indexes the level).
    pub(crate) fn negate_level<'t>(
        &self,
        texts: impl Iterator<Item = &'t str>,
        parent: Option<&str>,
    ) -> Vec<String> {
        let mut applies: Vec<Option<bool>> = vec![None; self.negate.len()];
        texts
            .map(|text| {
                let holds = |i: usize, m: &Matcher| {
                    *applies[i].get_or_insert_with(|| m.applies_under(parent))
                };
                first_where(&self.negate, &self.filters.negate, of_template, text, holds)
                    .map_or_else(|| plain_negation(text), |(rule, caps)| expand(rule, &caps))
            })
            .collect()
    }

    /// Returns the texts a line must start with for a negate template to
    /// give it `command` as its negation, when every template that could
    /// write `command` can be read backwards ([`Templated::reads_backwards`]);
    /// `None` when one cannot (only negating the lines then tells). A line
    /// no template applies to is negated plainly: `no X` by `X`, `X` by
    /// `no X`; those are not in the list.
    ///
    /// [`Templated::reads_backwards`]: super::rules::Templated::reads_backwards
    pub(crate) fn negation_sources<'c>(&self, command: &'c str) -> Option<Vec<&'c str>> {
        let mut sources = Vec::new();
        for rule in &self.negate {
            let literal = super::rules::literal_prefix(&rule.template);
            if !command.starts_with(literal) {
                continue;
            }
            if !rule.reads_backwards() {
                return None;
            }
            sources.push(&command[literal.len()..]);
        }
        // Most templates are `no $1`: one text to look for.
        sources.sort_unstable();
        sources.dedup();
        Some(sources)
    }

    /// Returns the negation a negate template gives `text`, or `None` when
    /// no template applies (its negation is the plain `no <text>`, or
    /// `<rest>` for a `no <rest>` line).
    pub(crate) fn template_negation(&self, text: &str, parent: Option<&str>) -> Option<String> {
        first(
            &self.negate,
            &self.filters.negate,
            of_template,
            text,
            parent,
        )
        .map(|(rule, caps)| expand(rule, &caps))
    }

    /// Returns the command that empties a section that cannot be removed
    /// (a physical interface), if the section is one.
    pub(crate) fn reset(&self, header: &str, parent: Option<&str>) -> Option<String> {
        if !self.filters.reset_sections.may_match(header) {
            return None;
        }
        // Asked of every section when normalising, and again when planning
        // and scoping: remembered, as the regex fills capture groups.
        self.memo.get_or(Question::Reset, header, parent, || {
            first(
                &self.reset_sections,
                &self.filters.reset_sections,
                of_template,
                header,
                parent,
            )
            .map(|(rule, caps)| expand(rule, &caps))
        })
    }

    /// Returns why a line or section must be changed by hand, if it must.
    pub(crate) fn manual_reason(&self, text: &str, parent: Option<&str>) -> Option<String> {
        first(
            &self.manual,
            &self.filters.manual,
            of_template,
            text,
            parent,
        )
        .map(|(rule, caps)| expand(rule, &caps))
    }

    /// Returns the command that leaves the sub-mode a section opens, where
    /// pasting needs it explicitly.
    pub(crate) fn exit_of(&self, header: &str, parent: Option<&str>) -> Option<String> {
        first(
            &self.exits,
            &self.filters.exits,
            of_template,
            header,
            parent,
        )
        .map(|(rule, caps)| expand(rule, &caps))
    }

    /// Returns true when the section's children are ordered by the table.
    pub(crate) fn is_ordered_section(&self, header: &str, parent: Option<&str>) -> bool {
        any(
            &self.ordered_sections,
            &self.filters.ordered_sections,
            same,
            header,
            parent,
        )
    }

    /// Returns the ordered group a line belongs to, and its group rule.
    pub(crate) fn group_of(
        &self,
        text: &str,
        parent: Option<&str>,
    ) -> Option<(String, &GroupRule)> {
        let (rule, caps) = first(
            &self.ordered_groups,
            &self.filters.ordered_groups,
            |g| &g.matcher,
            text,
            parent,
        )?;
        Some((caps.get(1).map_or("", |m| m.as_str()).to_string(), rule))
    }

    /// Returns the list rule a line matches with its prefix and list text.
    pub(crate) fn list_of<'t>(
        &self,
        text: &'t str,
        parent: Option<&str>,
    ) -> Option<(&ListRule, &'t str, &'t str)> {
        let (rule, caps) = first(
            &self.lists,
            &self.filters.lists,
            |l| &l.matcher,
            text,
            parent,
        )?;
        let prefix = caps.get(1)?.as_str();
        let list = caps.get(2)?.as_str();
        Some((rule, prefix, list))
    }

    /// Returns the ordering weight of a command among its siblings (default 500).
    pub(crate) fn weight(&self, text: &str, parent: Option<&str>) -> i32 {
        first(
            &self.order,
            &self.filters.order,
            |w| &w.matcher,
            text,
            parent,
        )
        .map_or(500, |(w, _)| w.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and the parents they sit under, as configs hold them.
    const LEVELS: &[(Option<&str>, &[&str])] = &[
        (
            None,
            &[
                "hostname r1",
                "logging console",
                "logging monitor informational",
                "snmp-server community public RO",
                "no ip domain lookup",
                "username admin privilege 15 secret 5 $1$x",
                "interface GigabitEthernet1",
                "10 permit ip any any",
                "",
            ],
        ),
        (
            Some("ip access-list extended EDGE"),
            &["10 permit ip any any", "20 deny ip any any log", "remark x"],
        ),
        (
            Some("router bgp 65000"),
            &[
                "neighbor 192.0.2.1 remote-as 65001",
                "neighbor 192.0.2.1 description peer",
                "neighbor 192.0.2.1 route-map RM in",
                "bgp router-id 10.0.0.1",
                "no bgp default ipv4-unicast",
            ],
        ),
        (
            Some("interface GigabitEthernet1"),
            &[
                "ip address 10.0.0.1 255.255.255.0",
                "description uplink",
                "shutdown",
                "no shutdown",
                "switchport access vlan 10",
            ],
        ),
    ];

    #[test]
    fn a_level_negates_each_line_as_negate_does() {
        let operator = PlatformRules::builtin("ios")
            .with_overrides(
                "negate:\n  - match: '^(\\S+)'\n    parent: '^router bgp '\n    with: 'no $1 all'\n",
                "override.yaml",
            )
            .unwrap();
        // The operator's rule applies under its parent only.
        let bgp = Some("router bgp 65000");
        assert_eq!(
            operator.negate("neighbor 192.0.2.1 route-map RM in", bgp),
            "no neighbor all"
        );
        assert_eq!(
            operator.negate("description uplink", None),
            "no description"
        );
        let tables = ["ios", "iosxe", "nxos", "eos", "asa", "acos"]
            .map(PlatformRules::builtin)
            .into_iter()
            .chain([operator]);
        for rules in tables {
            for (parent, lines) in LEVELS {
                let one_by_one: Vec<String> =
                    lines.iter().map(|l| rules.negate(l, *parent)).collect();
                let level = rules.negate_level(lines.iter().copied(), *parent);
                assert_eq!(level, one_by_one, "{} under {parent:?}", rules.platform());
            }
        }
    }
}
