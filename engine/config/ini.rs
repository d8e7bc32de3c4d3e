//! The ini / kv dialect: sshd_config, sysctl.conf, ifcfg, chrony, .vmx,
//! NetworkManager keyfiles, Debian `interfaces`, iptables-save, generic ini.
//!
//! Conventions:
//! - Node text is the line trimmed, separators as written (`KEY="value"`,
//!   `net.ipv4.ip_forward = 1`, `PermitRootLogin no`).
//! - `[section]` headers are sections holding every following line up to
//!   the next header. sshd `Match …` lines are sections holding the lines up
//!   to the next `Match` or header (their indentation is only convention).
//!   iptables-save `*table` lines are ordered sections up to and including
//!   their `COMMIT`.
//! - Elsewhere an indented line is a child of the previous less-indented
//!   line (Debian `iface` stanzas); one level only.
//! - Comments (`#`, `;`, a `#!` shebang) and blank lines are dropped.
//! - Serialisation writes `[section]` and `*table` children unindented,
//!   `Match` children and stanza children indented by four spaces.

use super::input;
use super::serialize::push_line;
use super::tree::Node;

/// What the innermost open section is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Bracket,
    Match,
    Table,
}

fn is_match(text: &str) -> bool {
    text.len() > 6
        && text
            .get(..6)
            .is_some_and(|head| head.eq_ignore_ascii_case("match "))
}

fn is_bracket(text: &str) -> bool {
    text.starts_with('[') && text.ends_with(']') && text.len() >= 2
}

fn is_table(text: &str) -> bool {
    text.len() > 1 && text.starts_with('*') && !text.contains(char::is_whitespace)
}

/// Parses ini-style text into roots.
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    let mut roots: Vec<Node> = Vec::new();
    // Open section (always the last root when set) and its kind.
    let mut section = Section::None;
    for (number, raw) in input::lines(text) {
        let (indent, body) = input::indentation(raw);
        let body = body.trim_end();
        if body.is_empty() || body.starts_with('#') || body.starts_with(';') {
            continue;
        }
        let node = Node::leaf(body, number);
        if is_bracket(body) || (is_match(body) && section != Section::Table) || is_table(body) {
            section = if is_bracket(body) {
                Section::Bracket
            } else if is_table(body) {
                Section::Table
            } else {
                Section::Match
            };
            let mut node = node;
            node.ordered = section == Section::Table;
            roots.push(node);
            continue;
        }
        let container: &mut Vec<Node> = if section == Section::None || roots.is_empty() {
            &mut roots
        } else {
            let open = roots.last_mut().expect("checked non-empty");
            open.span.end = number;
            if section == Section::Match {
                open.children.push(node);
                continue;
            }
            if section == Section::Table && body == "COMMIT" {
                open.children.push(node);
                section = Section::None;
                continue;
            }
            &mut open.children
        };
        match container.last_mut() {
            Some(previous) if indent > 0 && section != Section::Table => {
                previous.span.end = number;
                previous.children.push(node);
            }
            _ => container.push(node),
        }
    }
    (roots, Vec::new())
}

/// Writes ini nodes back.
pub(crate) fn serialize(nodes: &[Node], out: &mut String) {
    for node in nodes {
        push_line(out, 0, &node.text);
        if is_match(&node.text) {
            for child in &node.children {
                push_line(out, 4, &child.text);
            }
        } else if is_bracket(&node.text) || is_table(&node.text) {
            for child in &node.children {
                push_line(out, 0, &child.text);
                for grandchild in &child.children {
                    push_line(out, 4, &grandchild.text);
                }
            }
        } else {
            for child in &node.children {
                push_line(out, 4, &child.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::serialize::tests::strip;
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn sshd_match_blocks_and_repeated_keys() {
        let (roots, _) = parse("#comment\nPort 22\nAcceptEnv LANG \nAcceptEnv LC_*\nMatch User anoncvs\n\tX11Forwarding no\nAllowTcpForwarding no\nMatch Group admins\n  PermitTTY yes\n");
        assert_eq!(
            texts(&roots),
            vec![
                "Port 22",
                "AcceptEnv LANG",
                "AcceptEnv LC_*",
                "Match User anoncvs",
                "Match Group admins"
            ]
        );
        assert_eq!(
            texts(&roots[3].children),
            vec!["X11Forwarding no", "AllowTcpForwarding no"]
        );
    }

    #[test]
    fn sections_stanzas_and_tables() {
        let (roots, _) =
            parse("; c\n[connection]\nid=Test\ntype=ethernet\n[ipv4]\naddress1=1.2.3.4/24\n");
        assert_eq!(texts(&roots), vec!["[connection]", "[ipv4]"]);
        assert_eq!(texts(&roots[0].children), vec!["id=Test", "type=ethernet"]);
        let (roots, _) =
            parse("auto eth0\niface eth0 inet static\n\taddress 10.0.0.1\n    netmask 255.0.0.0\n");
        assert_eq!(
            texts(&roots[1].children),
            vec!["address 10.0.0.1", "netmask 255.0.0.0"]
        );
        let (roots, _) = parse("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n-X\n");
        assert!(roots[0].ordered);
        assert_eq!(
            texts(&roots[0].children),
            vec![":INPUT ACCEPT [0:0]", "-A INPUT -j DROP", "COMMIT"]
        );
        assert_eq!(texts(&roots), vec!["*filter", "-X"]);
    }

    #[test]
    fn round_trips() {
        let text = "a=1\n[s]\nk = v\niface x\n  opt 1\nMatch User u\n  X no\n*nat\n-A P\nCOMMIT\nlast 1\n  child\n";
        let (roots, _) = parse(text);
        let mut out = String::new();
        serialize(&roots, &mut out);
        let (again, _) = parse(&out);
        assert_eq!(strip(again), strip(roots), "{out}");
    }

    #[test]
    fn regression_match_check_on_multibyte_line_does_not_panic() {
        // Found by proptest: slicing the first six bytes split a character.
        let (roots, _) = parse("ab\u{e9}\u{e9}x=1\n");
        assert_eq!(texts(&roots), vec!["ab\u{e9}\u{e9}x=1"]);
    }
}
