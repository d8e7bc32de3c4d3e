//! Moves that reorder a list in place: shared by FortiOS `move X before|after
//! Y` and Junos `insert … before|after …`.

use super::{HashMap, HashSet};

/// Where an entry goes relative to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Just before the named entry.
    Before(String),
    /// Just after the named entry.
    After(String),
}

/// Returns the moves that turn `current` into `target` (the same members),
/// applying them to `current` as it goes. The longest run of entries already
/// in target order stays put; every other entry is placed after its
/// predecessor in `target` (the first one before everything).
pub(crate) fn moves(current: &mut Vec<String>, target: &[String]) -> Vec<(String, Place)> {
    let position: HashMap<&str, usize> = target
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let order: Vec<usize> = current
        .iter()
        .filter_map(|n| position.get(n.as_str()).copied())
        .collect();
    let stay: HashSet<usize> = longest_increasing(&order).into_iter().collect();
    let mut out = Vec::new();
    for (i, name) in target.iter().enumerate() {
        if stay.contains(&i) {
            continue;
        }
        let Some(at) = current.iter().position(|n| n == name) else {
            continue;
        };
        let moved = current.remove(at);
        let place = match i {
            0 => match current.first() {
                Some(first) => Place::Before(first.clone()),
                None => {
                    current.push(moved);
                    continue;
                }
            },
            _ => Place::After(target[i - 1].clone()),
        };
        let dest = match &place {
            Place::Before(_) => 0,
            Place::After(prev) => current
                .iter()
                .position(|n| n == prev)
                .map_or(current.len(), |p| p + 1),
        };
        current.insert(dest, moved);
        out.push((name.clone(), place));
    }
    out
}

/// Returns the values of a longest strictly increasing subsequence.
pub(crate) fn longest_increasing(values: &[usize]) -> Vec<usize> {
    // tails[k]: index of the smallest tail of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (i, &v) in values.iter().enumerate() {
        let k = tails.partition_point(|&j| values[j] < v);
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut out = Vec::new();
    let mut at = tails.last().copied();
    while let Some(i) = at {
        out.push(values[i]);
        at = previous[i];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reaches_the_target_with_few_moves() {
        let mut current = names(&["1", "3", "4"]);
        let target = names(&["3", "4", "1"]);
        let moves = moves(&mut current, &target);
        assert_eq!(current, target);
        assert_eq!(moves, [("1".to_string(), Place::After("4".into()))]);
        let mut shuffled = names(&["5", "2", "9", "1", "7"]);
        let target = names(&["1", "2", "5", "7", "9"]);
        super::moves(&mut shuffled, &target);
        assert_eq!(shuffled, target);
        assert_eq!(longest_increasing(&[2, 0, 1, 3]), [0, 1, 3]);
        let mut same = names(&["a", "b"]);
        assert!(super::moves(&mut same, &names(&["a", "b"])).is_empty());
    }
}
