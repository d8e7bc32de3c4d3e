//! An explicit-stack tree builder: parsers push and pop open sections and
//! never recurse, so a 10,000-deep input cannot overflow the stack. Depth is
//! capped at [`MAX_DEPTH`]: deeper lines attach at the cap with a warning.

use super::tree::Node;
use super::MAX_DEPTH;

/// Builds a forest of [`Node`]s from a stream of open / leaf / close events.
#[derive(Default)]
pub(crate) struct Builder {
    roots: Vec<Node>,
    /// Open sections, outermost first, each with the parser's level key
    /// (an indentation width for ios, unused elsewhere).
    stack: Vec<(usize, Node)>,
    /// Set once the depth cap has been hit (one warning per file).
    capped: bool,
    /// Problems worked around so far.
    pub(crate) warnings: Vec<String>,
}

impl Builder {
    /// Returns the number of open sections.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Returns the level key of the innermost open section.
    pub(crate) fn top_key(&self) -> Option<usize> {
        self.stack.last().map(|(key, _)| *key)
    }

    /// Closes the innermost open section, attaching it to its parent.
    pub(crate) fn close(&mut self) -> bool {
        let Some((_, node)) = self.stack.pop() else {
            return false;
        };
        self.attach(node);
        true
    }

    /// Closes the innermost open section and extends its span to `line`
    /// (the line of its closing marker).
    pub(crate) fn close_at(&mut self, line: u32) -> bool {
        if let Some((_, node)) = self.stack.last_mut() {
            node.span.end = node.span.end.max(line);
        }
        self.close()
    }

    /// Closes open sections until the innermost one satisfies `keep`; does
    /// nothing when no open section does.
    pub(crate) fn close_until(&mut self, keep: impl Fn(&Node) -> bool) -> bool {
        let Some(at) = self.stack.iter().rposition(|(_, node)| keep(node)) else {
            return false;
        };
        while self.stack.len() > at + 1 {
            self.close();
        }
        true
    }

    /// Opens `node` as a section at level `key`; later nodes nest under it
    /// until [`Builder::close`].
    pub(crate) fn open(&mut self, key: usize, node: Node) {
        if self.stack.len() >= MAX_DEPTH {
            self.cap_warning(node.span.start);
            self.close();
        }
        self.stack.push((key, node));
    }

    /// Adds `node` as a leaf of the innermost open section.
    pub(crate) fn leaf(&mut self, node: Node) {
        self.attach(node);
    }

    /// Adds `node` under the nearest open section whose key is smaller than
    /// `key` (indentation nesting), leaving it open for children.
    pub(crate) fn indented(&mut self, key: usize, node: Node) {
        while self.top_key().is_some_and(|top| top >= key) {
            self.close();
        }
        self.open(key, node);
    }

    /// Closes every open section and returns the roots and warnings.
    pub(crate) fn finish(mut self) -> (Vec<Node>, Vec<String>) {
        while self.close() {}
        (self.roots, self.warnings)
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, parent)) => {
                parent.span.end = parent.span.end.max(node.span.end);
                parent.children.push(node);
            }
            None => self.roots.push(node),
        }
    }

    fn cap_warning(&mut self, line: u32) {
        if !self.capped {
            self.capped = true;
            self.warnings.push(format!(
                "line {line}: nesting deeper than {MAX_DEPTH} levels; deeper lines attached at level {MAX_DEPTH}"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_nests_and_caps_depth() {
        let mut builder = Builder::default();
        builder.indented(0, Node::leaf("a", 1));
        builder.indented(2, Node::leaf("b", 2));
        builder.indented(1, Node::leaf("c", 3));
        builder.indented(0, Node::leaf("d", 4));
        let (roots, warnings) = builder.finish();
        assert!(warnings.is_empty());
        assert_eq!(roots.len(), 2);
        assert_eq!(roots[0].children.len(), 2);
        assert_eq!(roots[0].span.end, 3);

        let mut builder = Builder::default();
        for depth in 0..1000 {
            builder.indented(depth, Node::leaf("x", depth as u32 + 1));
        }
        let (roots, warnings) = builder.finish();
        assert_eq!(warnings.len(), 1);
        let mut depth = 0;
        let mut level = &roots;
        while let Some(first) = level.first() {
            depth += 1;
            level = &first.children;
        }
        assert_eq!(depth, MAX_DEPTH);
    }
}
