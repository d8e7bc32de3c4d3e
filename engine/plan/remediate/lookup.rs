//! Rule lookups: what the engines and simulators ask a [`PlatformRules`]
//! about one line (its overwrite key, its negation, its section kind…).

use super::rules::{GroupRule, ListRule, PlatformRules};

/// Rule lookups used by the engines and the simulators.
impl PlatformRules {
    /// Returns true when the line is noise to drop before comparing.
    pub(crate) fn is_ignored(&self, text: &str, parent: Option<&str>) -> bool {
        self.ignore
            .iter()
            .any(|m| m.captures(text, parent).is_some())
    }

    /// Returns true when the line only restates a platform default.
    pub(crate) fn is_default(&self, text: &str, parent: Option<&str>) -> bool {
        self.defaults
            .iter()
            .any(|m| m.captures(text, parent).is_some())
    }

    /// Returns the overwrite key of a single-valued line, if it is one.
    pub(crate) fn idempotent_key(&self, text: &str, parent: Option<&str>) -> Option<String> {
        if self
            .multi_valued
            .iter()
            .any(|m| m.captures(text, parent).is_some())
        {
            return None;
        }
        self.idempotent.iter().find_map(|m| {
            let caps = m.captures(text, parent)?;
            let groups: Vec<&str> = caps.iter().skip(1).flatten().map(|g| g.as_str()).collect();
            Some(if groups.is_empty() {
                caps[0].to_string()
            } else {
                groups.join("\u{1f}")
            })
        })
    }

    /// Returns the command that removes `text` (a line or a section header).
    pub(crate) fn negate(&self, text: &str, parent: Option<&str>) -> String {
        for rule in &self.negate {
            if let Some(caps) = rule.matcher.captures(text, parent) {
                let mut out = String::new();
                caps.expand(&rule.template, &mut out);
                return out;
            }
        }
        match text.strip_prefix("no ") {
            Some(rest) => rest.trim_start().to_string(),
            None => format!("no {text}"),
        }
    }

    /// Returns the command that empties a section that cannot be removed
    /// (a physical interface), if the section is one.
    pub(crate) fn reset(&self, header: &str, parent: Option<&str>) -> Option<String> {
        self.reset_sections.iter().find_map(|rule| {
            let caps = rule.matcher.captures(header, parent)?;
            let mut out = String::new();
            caps.expand(&rule.template, &mut out);
            Some(out)
        })
    }

    /// Returns why a line or section must be changed by hand, if it must.
    pub(crate) fn manual_reason(&self, text: &str, parent: Option<&str>) -> Option<String> {
        self.manual.iter().find_map(|rule| {
            let caps = rule.matcher.captures(text, parent)?;
            let mut out = String::new();
            caps.expand(&rule.template, &mut out);
            Some(out)
        })
    }

    /// Returns the command that leaves the sub-mode a section opens, where
    /// pasting needs it explicitly.
    pub(crate) fn exit_of(&self, header: &str, parent: Option<&str>) -> Option<String> {
        self.exits.iter().find_map(|rule| {
            let caps = rule.matcher.captures(header, parent)?;
            let mut out = String::new();
            caps.expand(&rule.template, &mut out);
            Some(out)
        })
    }

    /// Returns true when the section's children are ordered by the table.
    pub(crate) fn is_ordered_section(&self, header: &str, parent: Option<&str>) -> bool {
        self.ordered_sections
            .iter()
            .any(|m| m.captures(header, parent).is_some())
    }

    /// Returns the ordered group a line belongs to, and its group rule.
    pub(crate) fn group_of(
        &self,
        text: &str,
        parent: Option<&str>,
    ) -> Option<(String, &GroupRule)> {
        self.ordered_groups.iter().find_map(|rule| {
            let caps = rule.matcher.captures(text, parent)?;
            Some((caps.get(1).map_or("", |m| m.as_str()).to_string(), rule))
        })
    }

    /// Returns the list rule a line matches with its prefix and list text.
    pub(crate) fn list_of<'t>(
        &self,
        text: &'t str,
        parent: Option<&str>,
    ) -> Option<(&ListRule, &'t str, &'t str)> {
        self.lists.iter().find_map(|rule| {
            let caps = rule.matcher.captures(text, parent)?;
            let prefix = caps.get(1)?.as_str();
            let list = caps.get(2)?.as_str();
            Some((rule, prefix, list))
        })
    }

    /// Returns the ordering weight of a command among its siblings (default 500).
    pub(crate) fn weight(&self, text: &str, parent: Option<&str>) -> i32 {
        self.order
            .iter()
            .find(|w| w.matcher.captures(text, parent).is_some())
            .map_or(500, |w| w.weight)
    }
}
