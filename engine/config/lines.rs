//! The lines dialect: no known structure, one node per non-empty line
//! (trimmed), in file order (`ConfigTree::ordered` is true).

use super::input;
use super::tree::Node;

/// Parses `text` into one root per non-empty line.
pub(crate) fn parse(text: &str) -> Vec<Node> {
    input::lines(text)
        .filter_map(|(number, line)| {
            let line = line.trim();
            (!line.is_empty()).then(|| Node::leaf(line, number))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_node_per_non_empty_line() {
        let roots = parse("a\n\n  b  \r\nc");
        let got: Vec<_> = roots
            .iter()
            .map(|n| (n.text.as_str(), n.span.start))
            .collect();
        assert_eq!(got, vec![("a", 1), ("b", 3), ("c", 4)]);
    }
}
