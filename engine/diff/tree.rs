//! [`ConfigTree`] × `ConfigTree` → [`Change`]s.
//!
//! One level of the tree at a time: children are matched by their text
//! (hash lookup, duplicates taken in order), unmatched lines under the same
//! parent that share a setting key become `modify`, and whatever is left is
//! `remove`/`add` — a whole section as one change. Ordered sections (ACLs,
//! policies) are diffed with patience over the child texts; entries present
//! on both sides but outside the common subsequence are `move`s.
//!
//! Recursion follows the trees, so it is never deeper than the parser's
//! depth cap.

use super::hash::FastMap;
use super::key::setting_key;
use super::{Change, ChangeCategory, DiffOptions, Op};
use crate::config::Secrets;
use crate::config::{self, ConfigTree, Dialect, Node};
use similar::{Algorithm, DiffTag};
use std::time::Instant;

/// Returns the changes that turn `from` into `to`, in tree order: under
/// each parent, removed lines first, then TO's children in file order.
pub fn diff_trees(from: &ConfigTree, to: &ConfigTree, opts: &DiffOptions) -> Vec<Change> {
    let dialect = if to.dialect == Dialect::Lines {
        from.dialect
    } else {
        to.dialect
    };
    let mut walk: Walk<'_> = Walk {
        dialect,
        secrets: Secrets::new(dialect, opts.fingerprint_key.as_deref()),
        opts,
        path: Vec::new(),
        out: Vec::new(),
    };
    walk.level(&from.roots, &to.roots, from.ordered || to.ordered);
    walk.out
}

/// How a child of one side relates to the other side.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No counterpart yet.
    None,
    /// Same text, same position relative to its neighbours.
    Same(usize),
    /// Same text, but it moved (ordered sections only).
    Moved(usize),
    /// Same setting, new value.
    Modified(usize),
    /// A Junos setting folded into one leaf on one side (`server A`) and a
    /// section of values on the other (`server` { `A` `B` }).
    Unfolded(usize),
}

struct Walk<'a> {
    dialect: Dialect,
    secrets: Secrets<'a>,
    opts: &'a DiffOptions,
    /// Section headers down to the current level (TO side), unmasked until
    /// a change is emitted, so unchanged sections cost no allocation.
    path: Vec<&'a str>,
    out: Vec<Change>,
}

impl<'a> Walk<'a> {
    fn level(&mut self, from: &'a [Node], to: &'a [Node], ordered: bool) {
        // The common case: nothing changed at this level. No hashing, no
        // allocation, just a walk into the sections.
        // Pairing by position is exact unless an unordered level repeats a
        // section header (two `interface X` blocks): their subtrees may
        // have swapped places, so such levels are matched properly.
        if from.len() == to.len()
            && from.iter().zip(to).all(|(a, b)| a.text == b.text)
            && (ordered || !has_duplicate_sections(from, to))
        {
            for (a, b) in from.iter().zip(to) {
                self.descend(a, b);
            }
            return;
        }
        let mut links_from = vec![Link::None; from.len()];
        let mut links_to = vec![Link::None; to.len()];
        if ordered {
            self.match_in_order(from, to, &mut links_from, &mut links_to);
        }
        match_by_text(from, to, &mut links_from, &mut links_to, ordered);
        if !ordered && self.path.is_empty() {
            self.mark_group_moves(from, &mut links_from, &mut links_to);
        }
        self.match_by_key(from, to, &mut links_from, &mut links_to);
        if self.dialect == Dialect::Junos {
            match_folded(from, to, &mut links_from, &mut links_to);
        }

        for (node, link) in from.iter().zip(&links_from) {
            if *link == Link::None {
                self.emit(Op::Remove, Some(node), None);
            }
        }
        for (node, link) in to.iter().zip(&links_to) {
            match *link {
                Link::Same(i) => self.descend(&from[i], node),
                Link::Moved(i) => {
                    self.emit(Op::Move, Some(&from[i]), Some(node));
                    self.descend(&from[i], node);
                }
                Link::Modified(i) => self.emit(Op::Modify, Some(&from[i]), Some(node)),
                Link::Unfolded(i) => self.unfold(&from[i], node),
                Link::None => self.emit(Op::Add, None, Some(node)),
            }
        }
    }

    fn descend(&mut self, from: &'a Node, to: &'a Node) {
        if from.children.is_empty() && to.children.is_empty() {
            return;
        }
        self.path.push(&to.text);
        self.level(&from.children, &to.children, from.ordered || to.ordered);
        self.path.pop();
    }

    /// Diffs a folded Junos leaf (`server A`) against the section of the
    /// same keyword (`server` { `A` `B` }) on the other side as the values
    /// they hold: only the values that differ are changes, under the
    /// keyword, so a server that gains a sibling is one addition, not a
    /// removal and a re-added section.
    fn unfold(&mut self, from: &'a Node, to: &'a Node) {
        let (leaf, section) = if from.children.is_empty() {
            (from, to)
        } else {
            (to, from)
        };
        let Some(value) = config::junos::unfolded_value(&leaf.text, &section.text) else {
            return;
        };
        let header = &leaf.text[..section.text.len()];
        let single = Node::leaf(value, leaf.span.start);
        let found = section.children.iter().position(|c| c.text == value);
        self.path.push(header);
        let leaf_is_from = !from.is_section();
        if leaf_is_from && found.is_none() {
            self.emit(Op::Remove, Some(&single), None);
        }
        for (k, child) in section.children.iter().enumerate() {
            if Some(k) == found {
                // The leaf's value has no children; the section's may.
                if child.is_section() {
                    self.path.push(&child.text);
                    if leaf_is_from {
                        self.level(&[], &child.children, child.ordered);
                    } else {
                        self.level(&child.children, &[], child.ordered);
                    }
                    self.path.pop();
                }
            } else if leaf_is_from {
                self.emit(Op::Add, None, Some(child));
            } else {
                self.emit(Op::Remove, Some(child), None);
            }
        }
        if !leaf_is_from && found.is_none() {
            self.emit(Op::Add, None, Some(&single));
        }
        self.path.pop();
    }

    /// Links the children on the longest common subsequence (patience, with
    /// a deadline) of an ordered section.
    fn match_in_order(&self, from: &[Node], to: &[Node], lf: &mut [Link], lt: &mut [Link]) {
        let old: Vec<&str> = from.iter().map(|n| n.text.as_str()).collect();
        let new: Vec<&str> = to.iter().map(|n| n.text.as_str()).collect();
        let deadline = Instant::now().checked_add(self.opts.deadline);
        for op in similar::capture_diff_slices_deadline(Algorithm::Patience, &old, &new, deadline) {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                for (i, j) in old_range.zip(new_range) {
                    lf[i] = Link::Same(j);
                    lt[j] = Link::Same(i);
                }
            }
        }
    }

    /// Flat ordered lists at the top level (IOS numbered `access-list N …`
    /// lines): within each group, matched lines outside the longest run
    /// that kept its relative order have moved.
    fn mark_group_moves(&self, from: &[Node], lf: &mut [Link], lt: &mut [Link]) {
        let mut groups: FastMap<&str, Vec<(usize, usize)>> = FastMap::default();
        for (i, node) in from.iter().enumerate() {
            if let Link::Same(j) = lf[i] {
                if let Some(group) = config::ordered_group(self.dialect, &node.text) {
                    groups.entry(group).or_default().push((i, j));
                }
            }
        }
        for pairs in groups.values() {
            let targets: Vec<usize> = pairs.iter().map(|&(_, j)| j).collect();
            let keep = longest_increasing(&targets);
            for (k, &(i, j)) in pairs.iter().enumerate() {
                if !keep[k] {
                    lf[i] = Link::Moved(j);
                    lt[j] = Link::Moved(i);
                }
            }
        }
    }

    /// Pairs leftover leaves under the same parent that set the same setting.
    fn match_by_key(&self, from: &[Node], to: &[Node], lf: &mut [Link], lt: &mut [Link]) {
        let leftover = |links: &[Link], nodes: &[Node], i: usize| {
            links[i] == Link::None && nodes[i].children.is_empty()
        };
        let added: Vec<usize> = (0..to.len()).filter(|&j| leftover(lt, to, j)).collect();
        if added.is_empty() || !(0..from.len()).any(|i| leftover(lf, from, i)) {
            return;
        }
        let mut by_key: FastMap<String, Vec<usize>> = FastMap::default();
        for &j in added.iter().rev() {
            if let Some(key) = setting_key(self.dialect, &to[j].text) {
                by_key.entry(key).or_default().push(j);
            }
        }
        for i in 0..from.len() {
            if !leftover(lf, from, i) {
                continue;
            }
            let Some(key) = setting_key(self.dialect, &from[i].text) else {
                continue;
            };
            if let Some(j) = by_key.get_mut(&key).and_then(Vec::pop) {
                lf[i] = Link::Modified(j);
                lt[j] = Link::Modified(i);
            }
        }
    }

    /// Returns `text` as outputs may show it: masked when it holds a secret,
    /// unless secrets were asked for.
    fn shown(&self, context: &[&str], text: &str) -> String {
        if self.opts.show_secrets {
            text.to_string()
        } else {
            self.secrets.mask(context, text)
        }
    }

    fn emit(&mut self, op: Op, from: Option<&Node>, to: Option<&Node>) {
        let before = from.map(|n| n.text.as_str());
        let after = to.map(|n| n.text.as_str());
        let context = &self.path[..];
        let secret_in = |t: &str| self.secrets.contains(context, t);
        let is_secret = before.is_some_and(secret_in) || after.is_some_and(secret_in);
        if is_secret && self.opts.ignore_secret_churn && op == Op::Modify {
            if let (Some(b), Some(a)) = (before, after) {
                if self.secrets.shape(context, b) == self.secrets.shape(context, a) {
                    return;
                }
            }
        }
        let before = before.map(|t| self.shown(context, t));
        let after = after.map(|t| self.shown(context, t));
        let mut path: Vec<String> = (0..context.len())
            .map(|i| self.shown(&context[..i], context[i]))
            .collect();
        path.push(after.clone().or_else(|| before.clone()).unwrap_or_default());
        // A section added or removed whole carries its lines.
        let body = match (op, from, to) {
            (Op::Add, _, Some(node)) | (Op::Remove, Some(node), _) => {
                let mut context = self.path.clone();
                context.push(&node.text);
                self.masked(&mut context, &node.children)
            }
            _ => Vec::new(),
        };
        let category = if is_secret {
            ChangeCategory::Secret
        } else {
            ChangeCategory::Config
        };
        self.out.push(Change {
            op,
            path,
            before: if op == Op::Add { None } else { before },
            after: if op == Op::Remove { None } else { after },
            category,
            line_before: from.map(|n| n.span.start),
            line_after: to.map(|n| n.span.start),
            body,
        });
    }

    /// Copies `nodes` (under the headers `context`) with secrets masked.
    fn masked<'n>(&self, context: &mut Vec<&'n str>, nodes: &'n [Node]) -> Vec<Node> {
        nodes
            .iter()
            .map(|node| {
                let text = self.shown(context, &node.text);
                context.push(&node.text);
                let children = self.masked(context, &node.children);
                context.pop();
                Node {
                    text,
                    span: node.span,
                    children,
                    ordered: node.ordered,
                }
            })
            .collect()
    }
}

/// Links children with the same text that are still unlinked; in an ordered
/// section those are moves. Among duplicated texts, a counterpart with the
/// very same subtree is preferred, then file order.
fn match_by_text(from: &[Node], to: &[Node], lf: &mut [Link], lt: &mut [Link], ordered: bool) {
    // Text → first TO index with that text; `next` chains the others, so a
    // config with a thousand identical lines stays linear.
    let mut next = vec![usize::MAX; to.len()];
    let mut heads: FastMap<&str, usize> = FastMap::default();
    heads.reserve(to.len());
    for j in (0..to.len()).rev() {
        if lt[j] != Link::None {
            continue;
        }
        if let Some(previous) = heads.insert(to[j].text.as_str(), j) {
            next[j] = previous;
        }
    }
    for i in 0..from.len() {
        if lf[i] != Link::None {
            continue;
        }
        let Some(head) = heads.get_mut(from[i].text.as_str()) else {
            continue;
        };
        // Skip entries already taken by an out-of-order pick below.
        while *head != usize::MAX && lt[*head] != Link::None {
            *head = next[*head];
        }
        if *head == usize::MAX {
            continue;
        }
        let mut j = *head;
        // Only a repeated text has a choice to make.
        if next[j] != usize::MAX && !same_subtree(&from[i], &to[j]) {
            let mut candidate = next[j];
            while candidate != usize::MAX {
                if lt[candidate] == Link::None && same_subtree(&from[i], &to[candidate]) {
                    j = candidate;
                    break;
                }
                candidate = next[candidate];
            }
        }
        if j == *head {
            *head = next[j];
        }
        let (a, b) = if ordered {
            (Link::Moved(j), Link::Moved(i))
        } else {
            (Link::Same(j), Link::Same(i))
        };
        lf[i] = a;
        lt[j] = b;
    }
}

/// Links leftover Junos leaves `K V` to leftover sections `K` on the other
/// side (see [`config::junos::unfolded_value`]).
fn match_folded(from: &[Node], to: &[Node], lf: &mut [Link], lt: &mut [Link]) {
    pair_folded(from, lf, to, lt);
    pair_folded(to, lt, from, lf);
}

/// Links each leftover leaf of `leaves` that folds a setting to the
/// leftover section of `sections` named by its keyword.
fn pair_folded(
    leaves: &[Node],
    leaf_links: &mut [Link],
    sections: &[Node],
    section_links: &mut [Link],
) {
    let mut headers: FastMap<&str, usize> = FastMap::default();
    for (j, node) in sections.iter().enumerate() {
        if section_links[j] == Link::None && node.is_section() {
            headers.entry(node.text.as_str()).or_insert(j);
        }
    }
    if headers.is_empty() {
        return;
    }
    for (i, node) in leaves.iter().enumerate() {
        if leaf_links[i] != Link::None || node.is_section() {
            continue;
        }
        let Some((keyword, _)) = node.text.split_once(' ') else {
            continue;
        };
        let Some(&j) = headers.get(keyword) else {
            continue;
        };
        if section_links[j] == Link::None
            && config::junos::unfolded_value(&node.text, keyword).is_some()
        {
            leaf_links[i] = Link::Unfolded(j);
            section_links[j] = Link::Unfolded(i);
        }
    }
}

/// Marks the members of one longest strictly increasing subsequence of
/// `values` (patience sorting, O(n log n)).
fn longest_increasing(values: &[usize]) -> Vec<bool> {
    // tails[k]: index of the smallest tail of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous = vec![usize::MAX; values.len()];
    for (index, &value) in values.iter().enumerate() {
        let at = tails.partition_point(|&t| values[t] < value);
        if at > 0 {
            previous[index] = tails[at - 1];
        }
        if at == tails.len() {
            tails.push(index);
        } else {
            tails[at] = index;
        }
    }
    let mut keep = vec![false; values.len()];
    let mut cursor = tails.last().copied().unwrap_or(usize::MAX);
    while cursor != usize::MAX {
        keep[cursor] = true;
        cursor = previous[cursor];
    }
    keep
}

/// True when a text that opens a section on either side appears twice at
/// this level (texts already known to be pairwise equal).
fn has_duplicate_sections(from: &[Node], to: &[Node]) -> bool {
    if !from.iter().chain(to).any(Node::is_section) {
        return false;
    }
    let mut seen: FastMap<&str, ()> = FastMap::default();
    from.iter()
        .any(|n| seen.insert(n.text.as_str(), ()).is_some())
}

/// True when two nodes have the same text and, as far as a 64-bit digest
/// can tell, the same subtree: children in order where order matters, as a
/// multiset elsewhere. Line numbers do not count. Only a preference among
/// duplicates rides on it, so a collision costs a clumsier diff, never a
/// wrong one.
fn same_subtree(a: &Node, b: &Node) -> bool {
    a.text == b.text && subtree_digest(a) == subtree_digest(b)
}

fn subtree_digest(node: &Node) -> u64 {
    use std::hash::BuildHasher;
    let mut digest = super::hash::LineState::default().hash_one(node.text.as_str());
    let mut unordered = 0u64;
    for child in &node.children {
        let child = subtree_digest(child);
        if node.ordered {
            digest = (digest.rotate_left(5) ^ child).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        } else {
            unordered = unordered.wrapping_add(child.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        }
    }
    digest ^ unordered.rotate_left(17) ^ node.children.len() as u64
}

#[cfg(test)]
mod tests;
