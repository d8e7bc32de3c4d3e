//! The scope merge: a device's intended configuration is its backup with
//! every top-level line or section a feature owns replaced by what the
//! feature rendered. An owned section the feature no longer renders is
//! removed; everything no feature owns stays exactly as it is.

use super::error::IntendedError;
use super::features::Feature;
use super::render::DeviceRendering;
use crate::config::{ConfigTree, Node};

/// Rendered lines are looked up by text for every device: foldhash, not
/// SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// Returns which feature (index into `features`) owns the top-level line
/// `text` on a device: the first of the device's features whose scope
/// matches it, or — for a feature without `scope:` — that renders it.
pub fn owner(text: &str, rendering: &DeviceRendering, features: &[Feature]) -> Option<usize> {
    rendering.features.iter().find_map(|r| {
        let feature = &features[r.feature];
        let owns = match &feature.scope {
            Some(_) => feature.scope_owns(text),
            None => r.tree.roots.iter().any(|n| n.text == text),
        };
        owns.then_some(r.feature)
    })
}

/// Checks that every top-level line a scoped feature rendered is inside its
/// scope (anything else could never be removed again by that feature).
pub fn check_scopes(
    rendering: &DeviceRendering,
    features: &[Feature],
) -> Result<(), IntendedError> {
    for r in &rendering.features {
        let feature = &features[r.feature];
        if feature.scope.is_none() {
            continue;
        }
        if let Some(node) = r.tree.roots.iter().find(|n| !feature.scope_owns(&n.text)) {
            return Err(IntendedError::OutOfScope {
                location: feature.file.clone(),
                feature: feature.name.clone(),
                device: rendering.device.clone(),
                line: node.text.clone(),
            });
        }
    }
    Ok(())
}

/// Returns the intended tree: `backup` with every owned top-level node
/// replaced by its rendering (in the backup's position), owned nodes no
/// longer rendered dropped, and rendered nodes new to the device placed
/// after the last node their feature owned (at the end when none).
pub fn merge(
    backup: &ConfigTree,
    rendering: &DeviceRendering,
    features: &[Feature],
) -> Result<ConfigTree, IntendedError> {
    check_scopes(rendering, features)?;
    // Rendered top-level nodes of each feature, by text.
    let count: usize = rendering.features.iter().map(|r| r.tree.roots.len()).sum();
    let mut rendered: HashMap<(usize, &str), Vec<&Node>> =
        HashMap::with_capacity_and_hasher(count, Default::default());
    for r in &rendering.features {
        for node in &r.tree.roots {
            rendered
                .entry((r.feature, node.text.as_str()))
                .or_default()
                .push(node);
        }
    }
    // `owners[i]` is the owner of `roots[i]`, each worked out once.
    let mut roots: Vec<Node> = Vec::with_capacity(backup.roots.len() + count);
    let mut owners: Vec<Option<usize>> = Vec::with_capacity(backup.roots.len() + count);
    for node in &backup.roots {
        match owner(&node.text, rendering, features) {
            None => {
                roots.push(node.clone());
                owners.push(None);
            }
            Some(feature) => {
                if let Some(nodes) = rendered.remove(&(feature, node.text.as_str())) {
                    owners.extend(std::iter::repeat_n(Some(feature), nodes.len()));
                    roots.extend(nodes.into_iter().cloned());
                }
            }
        }
    }
    // What is new to the device goes after the last node that starts with
    // the same word (a new `vlan` after the last `vlan`), else after the
    // feature's last node, else at the end.
    for r in &rendering.features {
        for node in &r.tree.roots {
            if !rendered.contains_key(&(r.feature, node.text.as_str())) {
                continue;
            }
            let word = first_word(&node.text);
            let at = roots
                .iter()
                .rposition(|n| first_word(&n.text) == word)
                .or_else(|| owners.iter().rposition(|o| *o == Some(r.feature)))
                .map_or(roots.len(), |i| i + 1);
            roots.insert(at, node.clone());
            owners.insert(at, owner(&node.text, rendering, features));
        }
    }
    Ok(ConfigTree {
        dialect: backup.dialect,
        roots,
        ordered: backup.ordered,
        warnings: backup.warnings.clone(),
    })
}

/// Returns true when [`merge`] would give `backup` back unchanged, as far
/// as a diff can see (texts and order flags; line numbers do not count):
/// every top-level node a feature owns is, in order, equal to the next
/// node that feature rendered, no owned text repeats, and every rendered
/// node is used. A cheap test for the common case of a compliant device;
/// `false` says nothing (merge and diff then tell).
pub fn merge_keeps(backup: &ConfigTree, rendering: &DeviceRendering, features: &[Feature]) -> bool {
    let mut next = vec![0usize; rendering.features.len()];
    let mut seen: std::collections::HashSet<(usize, &str), foldhash::fast::FixedState> =
        std::collections::HashSet::default();
    for node in &backup.roots {
        let Some(feature) = owner(&node.text, rendering, features) else {
            continue;
        };
        let Some(slot) = rendering.features.iter().position(|r| r.feature == feature) else {
            return false;
        };
        let Some(rendered) = rendering.features[slot].tree.roots.get(next[slot]) else {
            return false;
        };
        if !same_lines(node, rendered) || !seen.insert((feature, node.text.as_str())) {
            return false;
        }
        next[slot] += 1;
    }
    next.iter()
        .zip(&rendering.features)
        .all(|(&used, r)| used == r.tree.roots.len())
}

/// True when two nodes have the same text, order flag and children, all
/// the way down (line numbers aside).
fn same_lines(a: &Node, b: &Node) -> bool {
    a.text == b.text
        && a.ordered == b.ordered
        && a.children.len() == b.children.len()
        && a.children
            .iter()
            .zip(&b.children)
            .all(|(x, y)| same_lines(x, y))
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// Returns only the parts of `tree` that the device's features own, for
/// comparing a backup with its rendering within scope.
pub fn owned_part(
    tree: &ConfigTree,
    rendering: &DeviceRendering,
    features: &[Feature],
) -> ConfigTree {
    ConfigTree {
        dialect: tree.dialect,
        roots: tree
            .roots
            .iter()
            .filter(|n| owner(&n.text, rendering, features).is_some())
            .cloned()
            .collect(),
        ordered: tree.ordered,
        warnings: Vec::new(),
    }
}
