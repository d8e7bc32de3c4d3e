//! Text → [`ConfigTree`]: one module per dialect, noise filtering and secret masking.
//!
//! Every dialect parses into the same ordered tree so that the diff, the
//! scripts and the plan never need to know where a configuration came from.

mod dialect;
pub mod sheet;
mod tree;

pub use dialect::Dialect;
pub use tree::{ConfigTree, LineSpan, Node};

/// Options that change how text becomes a tree.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Extra noise patterns (regular expressions) whose matching lines are
    /// dropped, on top of the built-in ones.
    pub ignore: Vec<String>,
    /// Key column for parameter sheets (default: the first column).
    pub key_column: Option<String>,
}

/// Parses `bytes` in `dialect` into a [`ConfigTree`]. Invalid UTF-8 is
/// decoded lossily and recorded as a warning on the tree.
///
/// Minimal indentation parser; the per-dialect parsers replace it.
pub fn parse(bytes: &[u8], dialect: Dialect, _options: &ParseOptions) -> ConfigTree {
    let text = String::from_utf8_lossy(bytes);
    let mut roots: Vec<Node> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('!') {
            continue;
        }
        let node = Node::leaf(line.trim_start(), index as u32 + 1);
        match (line.starts_with(' '), roots.last_mut()) {
            (true, Some(parent)) => {
                parent.span.end = node.span.end;
                parent.children.push(node);
            }
            _ => roots.push(node),
        }
    }
    ConfigTree {
        dialect,
        roots,
        ordered: false,
        warnings: Vec::new(),
    }
}
