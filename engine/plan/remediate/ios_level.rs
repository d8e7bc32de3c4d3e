//! One level of the ios simulator's tree ([`super::ios_sim`]): its entries
//! in slots with holes where lines were removed, their order, and the
//! indexes by text, negation, overwrite key and `no` line, each built on
//! first use and kept in step as lines come and go.

use super::ios::sequence;
use super::normalize::Item;
use super::rules::{literal_prefix, PlatformRules};
use super::HashMap;

/// One line of a level (for a section, with the level under it), and what
/// the simulator derives from its text.
pub(super) struct Node {
    pub(super) text: String,
    pub(super) ordered: bool,
    /// The ordered group the line belongs to (`access-list OUT`), if any.
    pub(super) group: Option<String>,
    /// The command that empties this section, once asked for.
    pub(super) reset: Option<Option<String>>,
    /// The sequence number the line starts with (`10 permit …`), if any.
    pub(super) sequence: Option<u64>,
    pub(super) children: Level,
}

impl Node {
    pub(super) fn new(
        text: impl Into<String>,
        ordered: bool,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Node {
        let text = text.into();
        Node {
            group: rules.group_of(&text, parent).map(|(name, _)| name),
            sequence: sequence(&text),
            text,
            ordered,
            reset: None,
            children: Level::default(),
        }
    }

    /// Gives the node another text (an overwritten setting), keeping what
    /// is derived from the text in step.
    pub(super) fn set_text(&mut self, text: String) {
        self.sequence = sequence(&text);
        self.text = text;
    }
}

/// One level of the tree. Entries live in `slots` (append-only, a removed
/// entry leaves a hole) and `order` says in which order they stand, so
/// indexes keyed by slot stay valid whatever is removed or inserted.
#[derive(Default)]
pub(super) struct Level {
    pub(super) slots: Vec<Option<Node>>,
    pub(super) order: Vec<usize>,
    /// The indexes asked for so far. Most levels of a simulated tree are
    /// never looked into (the ports of a switch the commands do not
    /// touch), so a level starts without any and stays small.
    indexes: Option<Box<Indexes>>,
}

/// A level's indexes, each built on first use and then kept in step.
#[derive(Default)]
struct Indexes {
    /// The first slot holding each text.
    by_text: Option<HashMap<String, usize>>,
    by_negation: Option<HashMap<String, Vec<usize>>>,
    by_key: Option<HashMap<String, Vec<usize>>>,
    /// The level's `no X` lines by `X`. Entries may be stale (a removed
    /// or overwritten slot): readers check the slot.
    by_positive: Option<HashMap<String, Vec<usize>>>,
    /// The live slots sorted by text (then slot), for the lines that start
    /// with a given text (see [`Level::negated_by`]).
    by_text_order: Option<Vec<usize>>,
}

impl Level {
    /// Builds a level from `items`, leaving room for `room` more entries
    /// (at most the level's own size again): the most the commands to
    /// come can add, one per command.
    pub(super) fn from_items(
        items: Vec<Item>,
        parent: Option<&str>,
        rules: &PlatformRules,
        room: usize,
    ) -> Level {
        if items.is_empty() {
            return Level::default();
        }
        // Sized once, with room to grow: a 3,000-entry ACL that grows by
        // one entry would otherwise be moved whole into fresh memory (page
        // faults cost more than the copy). Room that is never written is
        // never faulted in.
        let capacity = items.len() + room.min(items.len());
        let mut level = Level {
            slots: Vec::with_capacity(capacity),
            order: Vec::with_capacity(capacity),
            indexes: None,
        };
        for item in items {
            let children = item.children;
            let mut node = Node::new(item.text, item.ordered, parent, rules);
            node.children = Level::from_items(children, Some(&node.text), rules, room);
            level.order.push(level.slots.len());
            level.slots.push(Some(node));
        }
        level
    }

    /// Returns the first live slot holding `text`.
    pub(super) fn slot_of(&mut self, text: &str) -> Option<usize> {
        let slots = &self.slots;
        let indexes = self.indexes.get_or_insert_with(Box::default);
        let map = indexes.by_text.get_or_insert_with(|| {
            let mut map: HashMap<String, usize> =
                HashMap::with_capacity_and_hasher(slots.len(), Default::default());
            for (at, node) in live_slots(slots) {
                map.entry(node.text.clone()).or_insert(at);
            }
            map
        });
        map.get(text).copied()
    }

    /// Returns true when a live entry holds `text`.
    pub(super) fn holds(&mut self, text: &str) -> bool {
        self.slot_of(text).is_some()
    }

    pub(super) fn into_items(mut self) -> Vec<Item> {
        let mut out = Vec::with_capacity(self.order.len());
        for at in std::mem::take(&mut self.order) {
            if let Some(n) = self.slots[at].take() {
                out.push(Item {
                    text: n.text,
                    ordered: n.ordered,
                    children: n.children.into_items(),
                });
            }
        }
        out
    }

    /// Returns the live entries in order, with their slots.
    pub(super) fn live(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.order
            .iter()
            .filter_map(|&at| self.slots[at].as_ref().map(|n| (at, n)))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.live().next().is_none()
    }

    /// Stores `node` in slot `at` (a new slot when `at` is the length) and
    /// records it in every index built so far; a new slot goes last in order.
    pub(super) fn place(
        &mut self,
        at: usize,
        node: Node,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) {
        if let Some(indexes) = &mut self.indexes {
            if let Some(map) = &mut indexes.by_text {
                map.entry(node.text.clone()).or_insert(at);
            }
            if let Some(sorted) = &mut indexes.by_text_order {
                let to = sorted_position(&self.slots, sorted, &node.text, at);
                sorted.insert(to, at);
            }
            if let (Some(map), Some(rest)) = (&mut indexes.by_positive, positive_of(&node.text)) {
                map.entry(rest.to_string()).or_default().push(at);
            }
            if let Some(map) = &mut indexes.by_negation {
                map.entry(rules.negate(&node.text, parent))
                    .or_default()
                    .push(at);
            }
            if let (Some(map), true) = (&mut indexes.by_key, node.children.is_empty()) {
                if let Some(key) = rules.idempotent_key(&node.text, parent) {
                    map.entry(key).or_default().push(at);
                }
            }
        }
        if at == self.slots.len() {
            self.slots.push(Some(node));
            self.order.push(at);
        } else {
            self.slots[at] = Some(node);
        }
    }

    pub(super) fn remove(
        &mut self,
        at: usize,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Option<Node> {
        let node = self.slots[at].take()?;
        let Some(indexes) = &mut self.indexes else {
            return Some(node);
        };
        if let Some(sorted) = &mut indexes.by_text_order {
            let from = sorted_position(&self.slots, sorted, &node.text, at);
            if sorted.get(from) == Some(&at) {
                sorted.remove(from);
            }
        }
        if let Some(map) = &mut indexes.by_text {
            if map.get(&node.text) == Some(&at) {
                map.remove(&node.text);
            }
        }
        if let Some(map) = &mut indexes.by_negation {
            if let Some(slots) = map.get_mut(&rules.negate(&node.text, parent)) {
                slots.retain(|&s| s != at);
            }
        }
        if let Some(map) = &mut indexes.by_key {
            if let Some(key) = rules.idempotent_key(&node.text, parent) {
                if let Some(slots) = map.get_mut(&key) {
                    slots.retain(|&s| s != at);
                }
            }
        }
        Some(node)
    }

    /// Returns the slots of the `no <command>` lines whose negation is
    /// `command`: what a command that no negate template can write
    /// negates. Found through an index of the level's `no` lines (no rule
    /// lookups), each candidate checked against the rules.
    pub(super) fn undone_by(
        &mut self,
        command: &str,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Vec<usize> {
        let slots = &self.slots;
        let indexes = self.indexes.get_or_insert_with(Box::default);
        let index = indexes.by_positive.get_or_insert_with(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::default();
            for (at, node) in live_slots(slots) {
                if let Some(rest) = positive_of(&node.text) {
                    map.entry(rest.to_string()).or_default().push(at);
                }
            }
            map
        });
        let Some(candidates) = index.get(command) else {
            return Vec::new();
        };
        candidates
            .iter()
            .copied()
            .filter(|&at| {
                self.slots[at].as_ref().is_some_and(|n| {
                    positive_of(&n.text) == Some(command)
                        && rules.negate(&n.text, parent) == command
                })
            })
            .collect()
    }

    /// Returns the slots of the lines that `command` negates.
    pub(super) fn negated_by(
        &mut self,
        command: &str,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Vec<usize> {
        // A negation is `no <line>`, the line of a `no <line>` node, or the
        // text of a negate template. A command that can be none of these
        // negates nothing, and the level's index is not built for it (a
        // top level holds thousands of lines).
        if !command.starts_with("no ")
            && !rules
                .negate
                .iter()
                .any(|rule| command.starts_with(literal_prefix(&rule.template)))
        {
            return self.undone_by(command, parent, rules);
        }
        let slots = &self.slots;
        let indexes = self.indexes.get_or_insert_with(Box::default);
        // When every template that could write `command` can be read
        // backwards, the lines it negates are found by their text: the `X`
        // of `no X`, the `no` lines of `command`, and the lines starting
        // with what such a template wrote `command` from; each candidate
        // is then negated to check. Only the lines' order by text is
        // indexed, not every line's negation (a regex per line: a 3,000-
        // entry ACL losing a few entries paid a millisecond a direction).
        if let Some(sources) = rules.negation_sources(command) {
            let sorted = indexes.by_text_order.get_or_insert_with(|| {
                let mut sorted: Vec<usize> = live_slots(slots).map(|(at, _)| at).collect();
                sorted.sort_unstable_by(|&a, &b| {
                    text_of(slots, a).cmp(text_of(slots, b)).then(a.cmp(&b))
                });
                sorted
            });
            let starting = |prefix| starting_with(slots, sorted, prefix);
            let mut found: Vec<usize> = Vec::new();
            if let Some(bare) = command.strip_prefix("no ") {
                found.extend(starting(bare).filter(|&at| text_of(slots, at) == bare));
            }
            for source in &sources {
                found.extend(starting(source));
            }
            found.retain(|&at| rules.negate(text_of(slots, at), parent) == command);
            // The `no` lines of `command`, through their own index.
            found.extend(self.undone_by(command, parent, rules));
            found.sort_unstable();
            found.dedup();
            return found;
        }
        let map = indexes.by_negation.get_or_insert_with(|| {
            let live: Vec<(usize, &Node)> = live_slots(slots).collect();
            let negations = rules.negate_level(live.iter().map(|(_, n)| n.text.as_str()), parent);
            let mut map: HashMap<String, Vec<usize>> =
                HashMap::with_capacity_and_hasher(live.len(), Default::default());
            for ((at, _), negation) in live.iter().zip(negations) {
                map.entry(negation).or_default().push(*at);
            }
            map
        });
        map.get(command).cloned().unwrap_or_default()
    }

    /// Returns the slot of the single-valued leaf with `key`, if any.
    pub(super) fn keyed(
        &mut self,
        key: &str,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Option<usize> {
        let slots = &self.slots;
        let indexes = self.indexes.get_or_insert_with(Box::default);
        let map = indexes.by_key.get_or_insert_with(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::default();
            for (at, node) in live_slots(slots) {
                if node.children.is_empty() {
                    if let Some(k) = rules.idempotent_key(&node.text, parent) {
                        map.entry(k).or_default().push(at);
                    }
                }
            }
            map
        });
        map.get(key).and_then(|slots| slots.first().copied())
    }

    /// Adds `node` just before the entry in slot `before` (last when `None`).
    pub(super) fn insert_before(
        &mut self,
        before: Option<usize>,
        node: Node,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) {
        let at = self.slots.len();
        self.place(at, node, parent, rules);
        if let Some(before) = before {
            self.order.pop();
            let position = self
                .order
                .iter()
                .position(|&s| s == before)
                .unwrap_or(self.order.len());
            self.order.insert(position, at);
        }
    }
}

/// Returns the live entries of `slots`, in slot order, with their slots.
fn live_slots(slots: &[Option<Node>]) -> impl Iterator<Item = (usize, &Node)> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(at, n)| n.as_ref().map(|n| (at, n)))
}

/// The text of live slot `at`.
fn text_of(slots: &[Option<Node>], at: usize) -> &str {
    slots[at].as_ref().map_or("", |node| node.text.as_str())
}

/// The slots of `sorted` (live slots ordered by text) whose text starts
/// with `prefix`.
fn starting_with<'a>(
    slots: &'a [Option<Node>],
    sorted: &'a [usize],
    prefix: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let from = sorted.partition_point(|&at| text_of(slots, at) < prefix);
    sorted[from..]
        .iter()
        .copied()
        .take_while(move |&at| text_of(slots, at).starts_with(prefix))
}

/// Where slot `at` holding `text` stands (or would stand) among `sorted`,
/// the live slots ordered by text, then slot. `at` itself may be empty
/// (being placed, or just removed): it is compared by `text`.
fn sorted_position(slots: &[Option<Node>], sorted: &[usize], text: &str, at: usize) -> usize {
    sorted.partition_point(|&other| {
        let other_text = if other == at {
            text
        } else {
            text_of(slots, other)
        };
        (other_text, other) < (text, at)
    })
}

/// The `X` of a `no X` line, as the negation fallback reads it.
pub(super) fn positive_of(text: &str) -> Option<&str> {
    text.strip_prefix("no ").map(str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines whose negation is `command`, found by negating each one.
    fn negated_by_every_line(
        level: &Level,
        command: &str,
        parent: Option<&str>,
        rules: &PlatformRules,
    ) -> Vec<usize> {
        live_slots(&level.slots)
            .filter(|(_, node)| rules.negate(&node.text, parent) == command)
            .map(|(at, _)| at)
            .collect()
    }

    #[test]
    fn removals_found_by_text_are_what_negating_every_line_finds() {
        let rules = PlatformRules::builtin("ios");
        let levels: [(Option<&str>, &[&str]); 3] = [
            (
                Some("ip access-list extended EDGE"),
                &[
                    "10 permit tcp any any eq 22",
                    "100 permit ip any any",
                    "1000 deny ip any any log",
                    "1 permit udp any any",
                    "no 20",
                    "remark 10 is ssh",
                    "10 permit tcp any any eq 23",
                ],
            ),
            (
                Some("interface GigabitEthernet1/0/1"),
                &[
                    "ip address 10.0.0.1 255.255.255.0",
                    "ip address 10.0.1.1 255.255.255.0 secondary",
                    "description uplink",
                    "no ip redirects",
                    "no  ip unreachables",
                    "shutdown",
                    "switchport mode access",
                    "switchport access vlan 10",
                ],
            ),
            (
                None,
                &[
                    "hostname r1",
                    "logging console warnings",
                    "no service pad",
                    "no no service pad",
                    "ip domain name example.net",
                    "username admin privilege 15 secret 5 x",
                    "ntp server 192.0.2.1",
                ],
            ),
        ];
        for (parent, texts) in levels {
            let items: Vec<Item> = texts.iter().map(|t| Item::leaf(*t)).collect();
            let mut commands: Vec<String> = texts.iter().map(|t| rules.negate(t, parent)).collect();
            commands.extend(
                [
                    "no 1",
                    "no 10",
                    "no 100",
                    "no 1000",
                    "no 2",
                    "no ip address",
                    "no description",
                    "no hostname",
                    "logging console debugging",
                    "ip redirects",
                    "ip  unreachables",
                    "service pad",
                    "no service pad",
                    "no ntp server 192.0.2.1",
                    "no username admin",
                    "no switchport",
                    "no ip domain name",
                    "20",
                    "no remark 10 is ssh",
                ]
                .map(String::from),
            );
            for command in &commands {
                let mut level = Level::from_items(items.clone(), parent, &rules, 0);
                let expected = negated_by_every_line(&level, command, parent, &rules);
                assert_eq!(
                    level.negated_by(command, parent, &rules),
                    expected,
                    "{parent:?}: {command}"
                );
            }
            // One level through removals, additions and overwrites: its
            // indexes stay in step with its lines.
            let mut level = Level::from_items(items.clone(), parent, &rules, 0);
            for (i, command) in commands.iter().chain(&commands).enumerate() {
                let expected = negated_by_every_line(&level, command, parent, &rules);
                let found = level.negated_by(command, parent, &rules);
                assert_eq!(found, expected, "{parent:?}: {command}");
                for at in found {
                    level.remove(at, parent, &rules);
                }
                // A line comes back (or another arrives) at a new slot, and
                // a live one is overwritten in place.
                let text = texts[i % texts.len()];
                let at = level.slots.len();
                level.place(at, Node::new(text, false, parent, &rules), parent, &rules);
                let overwritten = level.live().nth(i % 3).map(|(at, _)| at);
                if let Some(at) = overwritten {
                    let mut node = level.remove(at, parent, &rules).unwrap();
                    node.set_text(format!("{} {i}", node.text));
                    level.place(at, node, parent, &rules);
                }
            }
        }
    }
}
