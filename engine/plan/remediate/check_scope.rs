//! What a simulation has to look at: the top-level sections a command list
//! can reach. A 12,000-line running config with a handful of changed
//! interfaces needs only those interfaces simulated; the sections that are
//! the same on both sides and that no command names are set aside before
//! the simulation and left out of the comparison, which then judges exactly
//! what it judged on the whole tree.
//!
//! Only the indented-CLI engine is scoped this way: there every nested
//! command sits under a top-level command that names its section
//! (`interface Ethernet1`), and a top-level command reaches other sections
//! only by name (`no interface …`, `default interface …`) or by a group or
//! overwrite rule, which the test below treats as reaching every section
//! that shares its first word.

use super::normalize::{self, Item};
use super::rules::{Engine, PlatformRules};
use super::{HashMap, HashSet};
use crate::config::{ConfigTree, Node};

/// Returns `start` and `goal` without the top-level sections that are equal
/// on both sides and that no command in `commands` can reach; `None` when
/// nothing can be set aside (other engines, or every section reachable).
pub(crate) fn reachable(
    start: &[Item],
    goal: &[Item],
    commands: &[String],
    rules: &PlatformRules,
) -> Option<(Vec<Item>, Vec<Item>)> {
    if rules.engine != Engine::Ios {
        return None;
    }
    let named = Named::from_commands(commands, rules);
    // Sections by header; an equal header is then compared in full (a
    // repeated header maps to one of its sections, and the others are kept).
    let (start_sections, goal_sections) = (sections(start), sections(goal));
    let aside = |item: &Item, other: &HashMap<&str, &Item>| {
        !item.children.is_empty()
            && other.get(item.text.as_str()) == Some(&item)
            && !named.reaches_section(&item.text, rules)
    };
    let kept_start: Vec<Item> = start
        .iter()
        .filter(|i| !aside(i, &goal_sections))
        .cloned()
        .collect();
    if kept_start.len() == start.len() {
        return None;
    }
    let kept_goal: Vec<Item> = goal
        .iter()
        .filter(|i| !aside(i, &start_sections))
        .cloned()
        .collect();
    Some((kept_start, kept_goal))
}

/// The top-level sections of both sides that are equal there, taken out
/// of the trees before planning (see [`set_aside_unchanged`]), each with
/// the place it came from.
#[derive(Debug, Default)]
pub(crate) struct Unchanged {
    from: Vec<(usize, Item)>,
    to: Vec<(usize, Item)>,
}

impl Unchanged {
    /// Returns true when nothing was set aside.
    pub(crate) fn is_empty(&self) -> bool {
        self.from.is_empty()
    }

    /// Returns true when a top-level command of either list may reach a
    /// section set aside (see [`Named::reaches_section`]).
    pub(crate) fn reached_by(&self, lists: [&[String]; 2], rules: &PlatformRules) -> bool {
        reaches_any(self.from.iter().map(|(_, i)| i.text.as_str()), lists, rules)
    }

    /// Puts the sections back where they were.
    pub(crate) fn restore(self, from: &mut Vec<Item>, to: &mut Vec<Item>) {
        for (side, aside) in [(from, self.from), (to, self.to)] {
            for (at, item) in aside {
                side.insert(at, item);
            }
        }
    }
}

/// Takes out of `from` and `to` every top-level section that is on both
/// sides, once on each, with equal contents (indented-CLI engine only).
///
/// At the top level of that engine such a section gives no command: the
/// walk skips a line both sides hold, and groups and single-valued
/// overwrites are made of plain lines. The one way it can still matter is
/// a command that reaches it (a short negation that would also remove it,
/// a family removal, a negation equal to its own): the caller plans
/// without these sections and plans again on the whole trees when
/// [`Unchanged::reached_by`] says a command reaches one. When none is
/// reached the simulation's own scope ([`reachable`], the same test)
/// would set exactly these aside, so checking the smaller trees judges
/// what checking the whole ones judges.
pub(crate) fn set_aside_unchanged(
    from: &mut Vec<Item>,
    to: &mut Vec<Item>,
    rules: &PlatformRules,
) -> Unchanged {
    if rules.engine != Engine::Ios {
        return Unchanged::default();
    }
    let unchanged: HashSet<&str> = {
        let (from_once, to_once) = (sections_once(from), sections_once(to));
        from_once
            .iter()
            .filter(|(header, item)| to_once.get(*header) == Some(*item))
            .map(|(header, _)| *header)
            .collect()
    };
    if unchanged.is_empty() {
        return Unchanged::default();
    }
    let keep: [Vec<bool>; 2] = [&*from, &*to].map(|side| {
        side.iter()
            .map(|i| i.children.is_empty() || !unchanged.contains(i.text.as_str()))
            .collect()
    });
    let mut aside = Unchanged::default();
    for ((side, keep), out) in [(from, &keep[0]), (to, &keep[1])]
        .into_iter()
        .zip([&mut aside.from, &mut aside.to])
    {
        let items = std::mem::take(side);
        side.reserve(items.len());
        for (at, (item, keep)) in items.into_iter().zip(keep).enumerate() {
            if *keep {
                side.push(item);
            } else {
                out.push((at, item));
            }
        }
    }
    aside
}

/// Returns true when a top-level command of either list may reach one of
/// the sections with these headers (see [`Named::reaches_section`]).
pub(crate) fn reaches_any<'h>(
    headers: impl IntoIterator<Item = &'h str>,
    lists: [&[String]; 2],
    rules: &PlatformRules,
) -> bool {
    let named = Named::from_commands(lists.into_iter().flatten(), rules);
    headers
        .into_iter()
        .any(|header| named.reaches_section(header, rules))
}

/// Returns the headers of the top-level sections that [`set_aside_unchanged`]
/// would set aside, found on the trees as parsed so they need not be
/// normalised at all: on both sides, once on each (among all top-level
/// lines), equal line for line, with a header normalising keeps as it is
/// and a plain line under it that normalising keeps (so the section stays
/// a section: one whose every line is noise becomes a plain line, and
/// plain lines are planned, never set aside).
///
/// Equal as read means equal once normalised (each section is normalised
/// on its own). The one way normalising relates sections is merging a
/// repeated header, so the caller checks that no kept top-level line
/// normalises to one of these headers, and normalises everything when one
/// does.
pub(crate) fn unchanged_as_read<'t>(
    from: &'t ConfigTree,
    to: &'t ConfigTree,
    rules: &PlatformRules,
) -> HashSet<&'t str> {
    // An ordered top level is deduplicated and sorted as a whole.
    if rules.engine != Engine::Ios || from.ordered || to.ordered {
        return HashSet::default();
    }
    let once = |tree: &'t ConfigTree| {
        once_each(&tree.roots, |n| n.text.trim(), |n| !n.children.is_empty())
    };
    fn same(a: &Node, b: &Node) -> bool {
        a.text.trim() == b.text.trim()
            && a.ordered == b.ordered
            && a.children.len() == b.children.len()
            && a.children.iter().zip(&b.children).all(|(a, b)| same(a, b))
    }
    let to_once = once(to);
    once(from)
        .into_iter()
        .filter_map(|(header, node)| {
            let (f, t) = (node, *to_once.get(header)?);
            let stays_a_section = f.children.iter().any(|c| {
                c.children.is_empty() && normalize::keeps_line(c.text.trim(), Some(header), rules)
            });
            (same(f, t) && stays_a_section && normalize::keeps_line(header, None, rules))
                .then_some(header)
        })
        .collect()
}

/// Returns the sections of a level whose header appears once there.
fn sections_once(items: &[Item]) -> HashMap<&str, &Item> {
    once_each(items, |i| i.text.as_str(), |i| !i.children.is_empty())
}

/// Returns the entries of a level that are sections (`is_section`) and
/// whose text appears on no other line of the level, by text.
fn once_each<'a, T>(
    level: &'a [T],
    text: impl Fn(&'a T) -> &'a str,
    is_section: impl Fn(&T) -> bool,
) -> HashMap<&'a str, &'a T> {
    let mut seen: HashMap<&str, Option<&T>> =
        HashMap::with_capacity_and_hasher(level.len(), Default::default());
    for entry in level {
        seen.entry(text(entry))
            .and_modify(|e| *e = None)
            .or_insert(is_section(entry).then_some(entry));
    }
    seen.into_iter()
        .filter_map(|(text, entry)| Some((text, entry?)))
        .collect()
}

/// Returns true when `text` starts like one of the rules' group removal
/// templates (the simulator's test for a group removal).
fn removes_group(text: &str, rules: &PlatformRules) -> bool {
    rules
        .ordered_groups
        .iter()
        .filter_map(|g| g.remove_group.as_deref())
        .any(|template| text.starts_with(&template[..template.find('$').unwrap_or(template.len())]))
}

/// Returns the sections of a level by header.
fn sections(items: &[Item]) -> HashMap<&str, &Item> {
    items
        .iter()
        .filter(|i| !i.children.is_empty())
        .map(|i| (i.text.as_str(), i))
        .collect()
}

/// The top-level commands of a command list, as the sections they name.
struct Named<'a> {
    /// Command texts with a leading `no ` / `default ` removed, sorted.
    texts: Vec<&'a str>,
    /// First words of every top-level command (a group removal or an
    /// overwrite rule may reach any section that starts the same way).
    first_words: HashSet<&'a str>,
    /// The top-level commands as they are.
    whole: HashSet<&'a str>,
}

impl<'a> Named<'a> {
    fn from_commands(
        commands: impl IntoIterator<Item = &'a String>,
        rules: &PlatformRules,
    ) -> Named<'a> {
        let mut texts = Vec::new();
        let mut first_words = HashSet::default();
        let mut whole = HashSet::default();
        for command in commands {
            if command.starts_with(' ') {
                continue;
            }
            let text = command.trim_end();
            whole.insert(text);
            let bare = text
                .strip_prefix("no ")
                .or_else(|| text.strip_prefix("default "))
                .unwrap_or(text)
                .trim_start();
            texts.push(bare);
            // A group removal (`no access-list 101`) and a single-valued
            // command (overwritten by key) can reach sections they do not
            // name: keep every section that starts with their first word.
            if removes_group(text, rules) || rules.idempotent_key(text, None).is_some() {
                if let Some(word) = bare.split_whitespace().next() {
                    first_words.insert(word);
                }
            }
        }
        texts.sort_unstable();
        texts.dedup();
        Named {
            texts,
            first_words,
            whole,
        }
    }

    /// Returns true when a command may reach the top-level section
    /// `header`: by name, prefix or family ([`Named::reaches`]), or by
    /// being the section's own negation or reset. The last is how a negate
    /// template that does not keep the header's words (an operator's
    /// `no int $1`) removes it, and how the planner's full `no <line>` for
    /// a line that shares the section's negation turns into the short one
    /// when the section is not there to share it.
    fn reaches_section(&self, header: &str, rules: &PlatformRules) -> bool {
        // A plain negation (`no <header>`) is the header by name: only a
        // template's needs asking for.
        let equals = |command: Option<String>| {
            command.is_some_and(|command| self.whole.contains(command.as_str()))
        };
        !self.whole.is_empty()
            && (self.reaches(header)
                || equals(rules.template_negation(header, None))
                || equals(rules.reset(header, None)))
    }

    /// Returns true when a command names the section `header`, a section
    /// whose header starts with a command (on a word boundary), or may reach
    /// it by a removal of its first word's family.
    fn reaches(&self, header: &str) -> bool {
        if header
            .split_whitespace()
            .next()
            .is_some_and(|word| self.first_words.contains(word))
        {
            return true;
        }
        // Commands that are a prefix of the header sort at or before it;
        // walk back from the insertion point while they still share the
        // first byte.
        let at = self.texts.partition_point(|t| *t <= header);
        self.texts[..at]
            .iter()
            .rev()
            .take_while(|t| t.as_bytes().first() == header.as_bytes().first())
            .any(|t| {
                header.starts_with(t)
                    && (header.len() == t.len() || header.as_bytes()[t.len()] == b' ')
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(header: &str, lines: &[&str]) -> Item {
        Item {
            text: header.into(),
            children: lines.iter().map(|l| Item::leaf(*l)).collect(),
            ordered: false,
        }
    }

    fn commands(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn equal_unnamed_sections_are_set_aside_on_both_sides() {
        let rules = PlatformRules::builtin("ios");
        let start = vec![
            Item::leaf("hostname r1"),
            section("interface Gi1", &["description a"]),
            section("interface Gi2", &["description b"]),
        ];
        let goal = vec![
            Item::leaf("hostname r1"),
            section("interface Gi1", &["description a"]),
            section("interface Gi2", &["description c"]),
        ];
        let cmds = commands(&["interface Gi2", " description c"]);
        let (s, g) = reachable(&start, &goal, &cmds, &rules).unwrap();
        assert_eq!(s.len(), 2, "Gi1 set aside, the top-level line kept");
        assert_eq!(g.len(), 2);
        assert!(s.iter().all(|i| i.text != "interface Gi1"));
    }

    #[test]
    fn named_prefixed_and_removed_families_are_kept() {
        let rules = PlatformRules::builtin("ios");
        let same = [
            section("interface Gi1", &["description a"]),
            section("crypto map M 10", &["set peer 192.0.2.1"]),
            section("line vty 0 4", &["transport input ssh"]),
            section("router bgp 65000", &["bgp log-neighbor-changes"]),
        ];
        let cmds = commands(&["default interface Gi1", "crypto map M", "line vty 0 4"]);
        // Gi1 by its reset, the crypto map by prefix, the vty lines by name;
        // only the untouched bgp section is set aside.
        let (s, g) = reachable(&same, &same, &cmds, &rules).unwrap();
        assert_eq!(s, same[..3].to_vec());
        assert_eq!(g, same[..3].to_vec());
        // A prefix only counts on a word boundary.
        let (s, _) =
            reachable(&same[..1], &same[..1], &commands(&["interface Gi"]), &rules).unwrap();
        assert!(s.is_empty());
        // A group removal and a single-valued command reach their family.
        let named = Named::from_commands(&cmds, &rules);
        assert!(!named.reaches("access-list 101 permit ip any any"));
        let cmds = commands(&["no access-list 101", "hostname r2"]);
        let named = Named::from_commands(&cmds, &rules);
        assert!(named.reaches("access-list 101 permit ip any any"));
        assert!(named.reaches("hostname r1"));
        assert!(!named.reaches("interface Gi1"));
    }

    #[test]
    fn equal_sections_once_on_each_side_are_set_aside_and_put_back_in_place() {
        let rules = PlatformRules::builtin("ios");
        let from = vec![
            Item::leaf("hostname r1"),
            section("interface Gi1", &["description a"]),
            section("interface Gi2", &["description b"]),
            section("vlan 10", &["name A"]),
            section("vlan 10", &["name B"]),
        ];
        let mut to = from.clone();
        to[2] = section("interface Gi2", &["description c"]);
        to.push(section("interface Gi3", &["description d"]));
        let (mut f, mut t) = (from.clone(), to.clone());
        let aside = set_aside_unchanged(&mut f, &mut t, &rules);
        // Gi1 is equal and once on each side; Gi2 differs; the repeated
        // `vlan 10` is not once; Gi3 is on one side only.
        let texts = |items: &[Item]| items.iter().map(|i| i.text.clone()).collect::<Vec<_>>();
        assert_eq!(
            texts(&f),
            ["hostname r1", "interface Gi2", "vlan 10", "vlan 10"]
        );
        assert_eq!(
            texts(&t),
            [
                "hostname r1",
                "interface Gi2",
                "vlan 10",
                "vlan 10",
                "interface Gi3"
            ]
        );
        let none: &[String] = &[];
        let entered = commands(&["interface Gi2", " description c"]);
        assert!(!aside.reached_by([&entered, none], &rules));
        assert!(aside.reached_by([none, &commands(&["default interface Gi1"])], &rules));
        aside.restore(&mut f, &mut t);
        assert_eq!((f, t), (from, to));
    }

    #[test]
    fn a_negation_that_does_not_name_the_section_still_reaches_it() {
        // An operator's template turns `interface X` into `no int X`: not
        // a prefix of the header, but the section's own negation.
        let rules = PlatformRules::builtin("ios")
            .with_overrides(
                "negate:\n  - match: '^interface (\\S+)'\n    with: 'no int $1'\n",
                "override.yaml",
            )
            .unwrap();
        let same = [section("interface Vlan10", &["description keep"])];
        assert!(reachable(&same, &same, &commands(&["no int Vlan10"]), &rules).is_none());
        let (s, _) = reachable(&same, &same, &commands(&["no int Vlan20"]), &rules).unwrap();
        assert!(s.is_empty());
    }

    #[test]
    fn other_engines_are_never_scoped() {
        let rules = PlatformRules::builtin("fortios");
        let same = vec![section("config system global", &["set hostname a"])];
        assert!(reachable(&same, &same, &[], &rules).is_none());
    }

    #[test]
    fn sections_equal_as_read_are_found_once_on_each_side() {
        use crate::config::Dialect;
        use crate::plan::remediate::tests::indented;
        let rules = PlatformRules::builtin("ios");
        let from = indented(
            "interface Gi1\n description a\ninterface Gi2\n description b\n\
             vlan 10-12\n name R\nrouter bgp 1\n neighbor 192.0.2.1 remote-as 2\n\
             vlan 20\n name X\nvlan 20\n name Y\nhostname r1\n",
            Dialect::Ios,
        );
        let to = indented(
            "interface Gi1\n description a\ninterface Gi2\n description c\n\
             vlan 10-12\n name R\nrouter bgp 1\n neighbor 192.0.2.1 remote-as 2\n\
             vlan 20\n name X\nvlan 20\n name Y\nhostname r2\n",
            Dialect::Ios,
        );
        let mut found: Vec<&str> = unchanged_as_read(&from, &to, &rules).into_iter().collect();
        found.sort_unstable();
        // Not Gi2 (edited), not the VLAN range (a list line normalising
        // rewrites), not the repeated `vlan 20`, never a plain line.
        assert_eq!(found, ["interface Gi1", "router bgp 1"]);
        let mut ordered = from.clone();
        ordered.ordered = true;
        assert!(unchanged_as_read(&ordered, &to, &rules).is_empty());
        let fortios = PlatformRules::builtin("fortios");
        assert!(unchanged_as_read(&from, &to, &fortios).is_empty());
    }
}
