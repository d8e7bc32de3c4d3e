//! Number lists such as `10,20-30` (VLAN lists): parsing, canonical
//! rendering and set arithmetic for `add`/`remove` commands.

use std::collections::BTreeSet;

/// Parses `10,20-30` into its members; `None` when the text is not a list
/// of numbers and ranges (or a range is absurdly large).
pub(crate) fn parse(list: &str) -> Option<BTreeSet<u32>> {
    let mut out = BTreeSet::new();
    for part in list.split(',') {
        let part = part.trim();
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                if b < a || b - a > 65_536 {
                    return None;
                }
                out.extend(a..=b);
            }
            None => {
                out.insert(part.parse().ok()?);
            }
        }
    }
    Some(out)
}

/// Renders members as the shortest comma list with ranges (`10,20-30`);
/// two adjacent numbers stay a pair (`1,2`), as the devices print them.
pub(crate) fn render(items: &BTreeSet<u32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = items.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        match end - start {
            0 => parts.push(start.to_string()),
            1 => {
                parts.push(start.to_string());
                parts.push(end.to_string());
            }
            _ => parts.push(format!("{start}-{end}")),
        }
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_ranges() {
        let set = parse("30,10,20-25,26").unwrap();
        assert_eq!(render(&set), "10,20-26,30");
        assert_eq!(render(&parse("1,2").unwrap()), "1,2");
        assert!(parse("10,x").is_none());
        assert!(parse("20-10").is_none());
    }
}
