//! The ios dialect: Cisco IOS / IOS-XE / NX-OS / ASA, Arista EOS, A10 ACOS.
//!
//! Conventions (what the tree looks like):
//! - Nesting comes from indentation (tabs expand to 8 columns). A line
//!   belongs to the nearest previous line that is less indented, so a line
//!   indented deeper than its parent's other children still lands under
//!   that parent. Node text is the line without indentation or trailing
//!   whitespace.
//! - Dropped: blank lines, comments (first character `!`, `#` or `:` — the
//!   last covers ASA's `: Saved` header), built-in noise (see
//!   [`noise`](super::noise)), top-level `end`, and the structure markers
//!   `exit` / `exit-address-family` / `exit-*` (NX-OS, IOS-XE, A10 ACOS).
//!   Nothing inside a banner is ever dropped.
//! - Banners are one node each (see the `banner` module): the whole banner,
//!   delimiters and line breaks included, is the node text.
//! - `crypto pki|ca certificate chain` blocks: the hex lines are children of
//!   their `certificate …` node, which is marked ordered; the indented
//!   `quit` is kept as its last child (it is what ends the block when the
//!   lines are pasted back).
//! - A section opened twice (`interface Gi0/1` in two places) is merged into
//!   the first occurrence, children appended in file order, at every level.
//!   Identical leaf lines are kept as they are.
//! - Ordered sections (`Node::ordered`): `ip access-list …`,
//!   `ipv6 access-list …`, `mac access-list …`, `policy-map …` and the
//!   `certificate` nodes above. Route-map clauses (`route-map NAME permit
//!   10`) are separate top-level sections whose order is their sequence
//!   number, so nothing is marked for them.
//! - Top-level numbered / ASA access lists (`access-list OUTSIDE extended
//!   permit …`) stay top-level lines exactly as written so remediation can
//!   paste them back; [`ordered_group`] names the ordered group such a line
//!   belongs to (`access-list OUTSIDE`): the order of roots sharing a group
//!   is meaningful, the order of other roots is not (`ConfigTree::ordered`
//!   stays false).

/// Lines are matched by text on every parse: foldhash, not SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use super::banner::{self, Close};
use super::builder::Builder;
use super::input;
use super::noise::is_builtin_noise;
use super::tree::Node;
use super::Dialect;

/// Parses ios text into roots; returns them with the warnings.
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    let lines: Vec<(u32, &str)> = input::lines(text).collect();
    let mut builder = Builder::default();
    let mut unclosed = banner::Unclosed::default();
    let mut index = 0;
    while index < lines.len() {
        let (number, raw) = lines[index];
        index += 1;
        let (indent, body) = input::indentation(raw);
        let body = body.trim_end();
        if body.is_empty() || is_comment(body) || is_marker(body, indent) {
            continue;
        }
        if is_builtin_noise(Dialect::Ios, body, indent) {
            continue;
        }
        if body == "quit" && builder.close_until(|open| open.text.starts_with("certificate ")) {
            // Ends a certificate's hex dump whatever its indentation.
            builder.leaf(Node::leaf(body, number));
            continue;
        }
        let mut node = Node::leaf(body, number);
        if let Some(Close::Delimiter(delimiter)) = banner::opening(body) {
            match unclosed.find_close(&lines, index, &delimiter) {
                Some(close) => {
                    for (_, line) in &lines[index..=close] {
                        node.text.push('\n');
                        node.text.push_str(line);
                    }
                    node.span.end = lines[close].0;
                    index = close + 1;
                }
                None => builder.warnings.push(format!(
                    "line {number}: banner never closed by `{}`; kept as a single line",
                    delimiter.escape_debug()
                )),
            }
        }
        builder.indented(indent, node);
    }
    let (mut roots, warnings) = builder.finish();
    normalise(&mut roots, "");
    (roots, warnings)
}

/// Returns the ordered group a top-level line belongs to: `access-list NAME`
/// for numbered IOS and ASA access-list lines, `None` otherwise. Lines of
/// one group keep their relative order; the diff reports moves among them.
pub fn ordered_group(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("access-list ")?;
    let name_len = rest.find(' ').unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    Some(&text[.."access-list ".len() + name_len])
}

/// Returns true for a comment line.
fn is_comment(body: &str) -> bool {
    body.starts_with('!') || body.starts_with('#') || body.starts_with(':')
}

/// Returns true for structure markers that carry no configuration.
pub(crate) fn is_marker(body: &str, indent: usize) -> bool {
    (indent == 0 && body == "end")
        || body == "exit"
        || (body.starts_with("exit-") && !body.contains(' '))
}

/// Returns true when the children of a section with header `text` under
/// `parent` are order-sensitive.
fn is_ordered(text: &str, parent: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "ip access-list ",
        "ipv6 access-list ",
        "mac access-list ",
        "policy-map ",
    ];
    PREFIXES.iter().any(|prefix| text.starts_with(prefix))
        || (text.starts_with("certificate ")
            && (parent.starts_with("crypto pki certificate chain")
                || parent.starts_with("crypto ca certificate chain")))
}

/// Merges re-entered sections and marks ordered ones, at every level (the
/// depth is capped, so the recursion is bounded).
fn normalise(nodes: &mut Vec<Node>, parent: &str) {
    merge_reentered(nodes);
    for node in nodes.iter_mut() {
        node.ordered = node.is_section() && is_ordered(&node.text, parent);
        let text = std::mem::take(&mut node.text);
        normalise(&mut node.children, &text);
        node.text = text;
    }
}

/// Merges sections with the same header into the first one.
fn merge_reentered(nodes: &mut Vec<Node>) {
    let sections = nodes.iter().filter(|node| node.is_section()).count();
    if sections < 2 || !has_reentered(nodes, sections) {
        return;
    }
    let mut first: HashMap<String, usize> = HashMap::default();
    let mut kept: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes.drain(..) {
        if node.is_section() {
            if let Some(&at) = first.get(&node.text) {
                let target: &mut Node = &mut kept[at];
                target.span.end = target.span.end.max(node.span.end);
                target.children.extend(node.children);
                continue;
            }
            first.insert(node.text.clone(), kept.len());
        }
        kept.push(node);
    }
    *nodes = kept;
}

/// Returns true when some section header occurs twice among `nodes` (of
/// which `sections` are sections): most configs enter each section once,
/// and this look needs no copy of any header.
fn has_reentered(nodes: &[Node], sections: usize) -> bool {
    let mut seen: std::collections::HashSet<&str, foldhash::fast::FixedState> =
        std::collections::HashSet::with_capacity_and_hasher(sections, Default::default());
    nodes
        .iter()
        .filter(|node| node.is_section())
        .any(|node| !seen.insert(node.text.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn builds_indentation_tree_and_drops_comments() {
        let (roots, warnings) = parse(
            "!\nhostname r1\n!\ninterface Gi0/1\n   description up\n  ip address 10.0.0.1 255.255.255.0\n shutdown\n!\nend\n",
        );
        assert!(warnings.is_empty());
        assert_eq!(texts(&roots), vec!["hostname r1", "interface Gi0/1"]);
        assert_eq!(
            texts(&roots[1].children),
            vec![
                "description up",
                "ip address 10.0.0.1 255.255.255.0",
                "shutdown"
            ]
        );
        assert_eq!(roots[1].span.start, 4);
        assert_eq!(roots[1].span.end, 7);
    }

    #[test]
    fn handles_crlf_tabs_and_trailing_spaces() {
        let (roots, _) = parse("interface X\r\n\tip address dhcp setroute \r\n\r\nhostname h");
        assert_eq!(texts(&roots[0].children), vec!["ip address dhcp setroute"]);
        assert_eq!(roots[1].text, "hostname h");
    }

    #[test]
    fn merges_reentered_sections() {
        let (roots, _) = parse("interface A\n mtu 9000\nhostname x\ninterface A\n shutdown\n");
        assert_eq!(texts(&roots), vec!["interface A", "hostname x"]);
        assert_eq!(texts(&roots[0].children), vec!["mtu 9000", "shutdown"]);
        assert_eq!(roots[0].span.end, 5);
    }

    #[test]
    fn sections_entered_once_are_left_in_place() {
        let (roots, _) = parse("interface A\n mtu 9000\ninterface B\n shutdown\nhostname x\n");
        assert!(!has_reentered(&roots, 2));
        assert_eq!(
            texts(&roots),
            vec!["interface A", "interface B", "hostname x"]
        );
        assert_eq!(roots[1].span.end, 4);
        let (nested, _) = parse("router bgp 1\n address-family ipv4\n  network 10.0.0.0\n address-family ipv4\n  network 10.1.0.0\n");
        assert!(!has_reentered(&nested[0].children, 1));
        assert_eq!(texts(&nested[0].children), vec!["address-family ipv4"]);
        assert_eq!(nested[0].children[0].children.len(), 2);
    }

    #[test]
    fn keeps_banners_of_every_delimiter_as_one_node() {
        let text = "banner login ^C\nline one\n! not a comment\nbye^C\nbanner motd \u{3}\nx\n\u{3}\nbanner exec ^CFirst.\nSecond.^Cignored\nbanner login ^First\nSecond.^\nbanner motd #one line#\nhostname h\n";
        let (roots, warnings) = parse(text);
        assert!(warnings.is_empty());
        assert_eq!(roots.len(), 6);
        assert_eq!(
            roots[0].text,
            "banner login ^C\nline one\n! not a comment\nbye^C"
        );
        assert_eq!(roots[0].span.end, 4);
        assert_eq!(roots[1].text, "banner motd \u{3}\nx\n\u{3}");
        assert_eq!(roots[2].text, "banner exec ^CFirst.\nSecond.^Cignored");
        assert_eq!(roots[3].text, "banner login ^First\nSecond.^");
        assert_eq!(roots[4].text, "banner motd #one line#");
        assert_eq!(roots[5].text, "hostname h");
    }

    #[test]
    fn eos_banner_ends_at_lone_eof() {
        let (roots, _) = parse("banner login\nSome text\nEOF not alone\nEOF\n!\nhostname h\n");
        assert_eq!(roots[0].text, "banner login\nSome text\nEOF not alone\nEOF");
        assert_eq!(roots[1].text, "hostname h");
    }

    #[test]
    fn unterminated_banner_keeps_following_lines() {
        let (roots, warnings) = parse("banner motd %\nhostname h\ninterface X\n");
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            texts(&roots),
            vec!["banner motd %", "hostname h", "interface X"]
        );
    }

    #[test]
    fn certificate_chain_is_ordered_with_quit() {
        let (roots, _) = parse(
            "crypto pki certificate chain TP\n certificate self-signed 01\n  3082 0101\n  3082 0101\n  \tquit\n",
        );
        let cert = &roots[0].children[0];
        assert!(cert.ordered);
        assert_eq!(
            texts(&cert.children),
            vec!["3082 0101", "3082 0101", "quit"]
        );
    }

    #[test]
    fn drops_markers_and_marks_acls() {
        let (roots, _) = parse(
            "router bgp 1\n address-family ipv4\n  network 10.0.0.0\n exit-address-family\nip access-list extended A\n 10 permit ip any any\n 20 deny ip any any\nend\n!Current config commit point\n",
        );
        assert_eq!(roots[0].children[0].children.len(), 1);
        assert!(roots[1].ordered);
        assert!(!roots[0].ordered);
    }

    #[test]
    fn names_ordered_access_list_groups() {
        assert_eq!(
            ordered_group("access-list OUT extended permit ip any any"),
            Some("access-list OUT")
        );
        assert_eq!(ordered_group("ip access-list extended X"), None);
    }
}
