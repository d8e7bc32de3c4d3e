//! The dialect-independent configuration tree.

use serde::Serialize;

/// Lines `start..=end` (1-based) of the source file that a node came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LineSpan {
    /// First line, 1-based.
    pub start: u32,
    /// Last line, 1-based, inclusive (a section spans its children).
    pub end: u32,
}

/// One line of configuration and, for a section header, the lines under it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The line as the dialect normalises it: no indentation, no trailing
    /// whitespace, no line terminator (`ip address 10.0.0.1 255.255.255.0`,
    /// `set ip 10.0.0.1/24`, `vlan_id: 120`).
    pub text: String,
    /// Where the node sits in the source file.
    pub span: LineSpan,
    /// The lines under this one, in file order.
    pub children: Vec<Node>,
    /// True when the order of `children` is meaningful (ACL entries, firewall
    /// policies, route-map clauses): the diff then reports moves.
    pub ordered: bool,
}

impl Node {
    /// Returns a leaf node with the given text and line.
    pub fn leaf(text: impl Into<String>, line: u32) -> Self {
        Node {
            text: text.into(),
            span: LineSpan {
                start: line,
                end: line,
            },
            children: Vec::new(),
            ordered: false,
        }
    }

    /// Returns true when the node has children (it opens a section).
    pub fn is_section(&self) -> bool {
        !self.children.is_empty()
    }

    /// Resets the line spans of this node and its subtree to zero, so that
    /// trees parsed from differently laid-out text compare equal.
    pub fn clear_spans(&mut self) {
        let mut stack: Vec<&mut Node> = vec![self];
        while let Some(node) = stack.pop() {
            node.span = LineSpan::default();
            stack.extend(node.children.iter_mut());
        }
    }
}

/// A parsed configuration: an ordered forest of [`Node`]s plus the dialect
/// that produced it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfigTree {
    /// The dialect the tree was parsed with.
    pub dialect: super::Dialect,
    /// Top-level nodes in file order.
    pub roots: Vec<Node>,
    /// True when the order of `roots` is meaningful.
    pub ordered: bool,
    /// Problems the parser worked around without failing (lossy UTF-8
    /// decoding, an unterminated banner…), each with its line when known.
    pub warnings: Vec<String>,
}

impl ConfigTree {
    /// Returns the number of nodes in the tree, sections and leaves alike.
    pub fn len(&self) -> usize {
        fn count(nodes: &[Node]) -> usize {
            nodes.iter().map(|n| 1 + count(&n.children)).sum()
        }
        count(&self.roots)
    }

    /// Resets every line span to zero (see [`Node::clear_spans`]).
    pub fn clear_spans(&mut self) {
        self.roots.iter_mut().for_each(Node::clear_spans);
    }

    /// Returns true when the tree holds no node.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}
