//! The panos-xml dialect: PAN-OS (and any other) XML configuration.
//!
//! Conventions:
//! - An element with child elements is a section whose text is its opening
//!   tag without the brackets: `config`, `entry name="web-01"`,
//!   `address-group` (attribute values XML-escaped, in document order).
//! - An element with only text is a leaf `tag: text` (`hostname: fw1`,
//!   `member: any`, `entry name="x": 10.0.0.1/32`); an empty element is a
//!   leaf with its tag alone. Text is entity-decoded and trimmed.
//! - Text mixed with child elements becomes a last child `#text: …`.
//! - Comments, the XML declaration, processing instructions and doctypes
//!   are dropped.
//! - Ordered: a `rules` element directly under a rulebase type (`security`,
//!   `nat`, `pbf`, `decryption`, …) under `rulebase`, `pre-rulebase` or
//!   `post-rulebase` — first-match rule order.
//! - Nesting deeper than the cap attaches at the cap with a warning.
//!   Malformed XML falls back to the lines dialect with a warning, so no
//!   line is lost.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::serialize::push_line;
use super::tree::Node;
use super::MAX_DEPTH;

struct Frame {
    tag: String,
    node: Node,
    text: String,
}

/// Parses XML text into roots; malformed input falls back to lines.
pub(crate) fn parse(text: &str) -> (Vec<Node>, Vec<String>) {
    match parse_xml(text) {
        Ok(result) => result,
        Err((position, message)) => {
            let warning = format!(
                "line {}: malformed XML ({message}); parsed as plain lines",
                line_of(text, position)
            );
            (super::lines::parse(text), vec![warning])
        }
    }
}

fn line_of(text: &str, position: usize) -> u32 {
    let end = position.min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
}

type XmlResult = Result<(Vec<Node>, Vec<String>), (usize, String)>;

fn parse_xml(text: &str) -> XmlResult {
    let mut reader = Reader::from_str(text);
    let mut roots: Vec<Node> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut warnings = Vec::new();
    let mut overflow = 0usize;
    let mut capped = false;
    let mut line = 1u32;
    let mut seen = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| (reader.error_position() as usize, error.to_string()))?;
        let position = (reader.buffer_position() as usize).min(text.len());
        let start_line = line;
        line += text.as_bytes()[seen..position]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        seen = position;
        match event {
            Event::Start(start) if stack.len() + 1 >= MAX_DEPTH => {
                if !capped {
                    capped = true;
                    warnings.push(format!(
                        "line {start_line}: nesting deeper than {MAX_DEPTH} levels; deeper elements attached at level {MAX_DEPTH}"
                    ));
                }
                let leaf = Node::leaf(opening(&start), start_line);
                attach(&mut stack, &mut roots, leaf);
                overflow += 1;
            }
            Event::Start(start) => stack.push(Frame {
                tag: start.name().as_ref().to_string(),
                node: Node::leaf(opening(&start), start_line),
                text: String::new(),
            }),
            Event::Empty(start) => {
                let node = Node::leaf(opening(&start), start_line);
                attach(&mut stack, &mut roots, node);
            }
            Event::End(_) if overflow > 0 => overflow -= 1,
            Event::End(_) => {
                let Some(frame) = stack.pop() else { continue };
                let node = finish(frame, &stack, line);
                attach(&mut stack, &mut roots, node);
            }
            Event::Text(chunk) => push_text(&mut stack, &chunk.xml10_content()),
            Event::CData(chunk) => push_text(&mut stack, &chunk.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => match reference.xml10_content().as_ref() {
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "amp" => "&".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => format!("&{other};"),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err((
            text.len(),
            format!("{} element(s) never closed", stack.len()),
        ));
    }
    Ok((roots, warnings))
}

fn push_text(stack: &mut [Frame], chunk: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(chunk);
    }
}

fn attach(stack: &mut [Frame], roots: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => {
            parent.node.span.end = parent.node.span.end.max(node.span.end);
            parent.node.children.push(node);
        }
        None => roots.push(node),
    }
}

/// Turns a closed element into its node.
fn finish(frame: Frame, ancestors: &[Frame], line: u32) -> Node {
    let Frame {
        tag,
        mut node,
        text,
    } = frame;
    node.span.end = node.span.end.max(line);
    let text = text.trim();
    if node.children.is_empty() {
        if !text.is_empty() {
            node.text = format!("{}: {text}", node.text);
        }
    } else {
        if !text.is_empty() {
            node.children
                .push(Node::leaf(format!("#text: {text}"), line));
        }
        let grandparent = ancestors
            .len()
            .checked_sub(2)
            .map(|at| ancestors[at].tag.as_str());
        node.ordered = tag == "rules"
            && matches!(
                grandparent,
                Some("rulebase" | "pre-rulebase" | "post-rulebase")
            );
    }
    node
}

/// Returns the node text for an opening tag: `tag a="1" b="2"`.
fn opening(start: &BytesStart<'_>) -> String {
    let mut out = start.name().as_ref().to_string();
    for attribute in start.attributes().with_checks(false).flatten() {
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| attribute.value.to_string());
        out.push(' ');
        out.push_str(attribute.key.as_ref());
        out.push_str("=\"");
        out.push_str(&escape(&value, true));
        out.push('"');
    }
    out
}

/// Escapes element text (`&`, `<`, `>`) with quick-xml, the library that
/// parses it back, and in an attribute value (always double-quoted) the
/// double quote too. Apostrophes stay as written: node texts hold them so.
fn escape(text: &str, attribute: bool) -> std::borrow::Cow<'_, str> {
    let text = quick_xml::escape::partial_escape(text);
    if attribute && text.contains('"') {
        text.replace('"', "&quot;").into()
    } else {
        text
    }
}

/// Splits a leaf text into its opening tag and its text content at the
/// first `: ` outside attribute quotes.
fn split_leaf(text: &str) -> (&str, Option<&str>) {
    let mut quoted = false;
    for (at, ch) in text.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            ':' if !quoted && text[at + 1..].starts_with(' ') => {
                return (&text[..at], Some(&text[at + 2..]));
            }
            _ => {}
        }
    }
    (text, None)
}

/// Writes `nodes` as XML, two spaces per level.
pub(crate) fn serialize(nodes: &[Node], out: &mut String) {
    write(nodes, 0, out);
}

fn write(nodes: &[Node], depth: usize, out: &mut String) {
    for node in nodes {
        if let Some(text) = node.text.strip_prefix("#text: ") {
            push_line(out, depth * 2, &escape(text, false));
            continue;
        }
        if node.children.is_empty() {
            let (open, content) = split_leaf(&node.text);
            let tag = open.split(' ').next().unwrap_or(open);
            let line = match content {
                Some(content) => format!("<{open}>{}</{tag}>", escape(content, false)),
                None => format!("<{open}/>"),
            };
            push_line(out, depth * 2, &line);
        } else {
            let tag = node.text.split(' ').next().unwrap_or(&node.text);
            push_line(out, depth * 2, &format!("<{}>", node.text));
            write(&node.children, depth + 1, out);
            push_line(out, depth * 2, &format!("</{tag}>"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::serialize::tests::strip;
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0"?>
<config version="10.1.0">
  <!-- comment -->
  <devices>
    <entry name="localhost.localdomain">
      <deviceconfig><system><hostname>fw &amp; co</hostname><dns-setting/></system></deviceconfig>
      <vsys><entry name="vsys1"><rulebase><security><rules>
        <entry name="b"><action>allow</action><from><member>any</member><member>trust</member></from></entry>
        <entry name="a"><action>deny</action></entry>
      </rules></security></rulebase></entry></vsys>
    </entry>
  </devices>
  <mgt-config><users><entry name="admin"><phash>$1$abc$def</phash></entry></users></mgt-config>
</config>
"#;

    #[test]
    fn parses_entries_leaves_and_ordered_rules() {
        let (roots, warnings) = parse(SAMPLE);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].text, "config version=\"10.1.0\"");
        let device = &roots[0].children[0].children[0];
        assert_eq!(device.text, "entry name=\"localhost.localdomain\"");
        let system = &device.children[0].children[0];
        assert_eq!(system.children[0].text, "hostname: fw & co");
        assert_eq!(system.children[1].text, "dns-setting");
        let rules = &device.children[1].children[0].children[0].children[0].children[0];
        assert_eq!(rules.text, "rules");
        assert!(rules.ordered);
        assert_eq!(
            rules.children[0].children[1].children[1].text,
            "member: trust"
        );
        assert_eq!(roots[0].span, super::super::LineSpan { start: 2, end: 14 });
    }

    #[test]
    fn round_trips_through_serialize() {
        let (roots, _) = parse(SAMPLE);
        let mut out = String::new();
        serialize(&roots, &mut out);
        let (again, warnings) = parse(&out);
        assert!(warnings.is_empty(), "{warnings:?}\n{out}");
        assert_eq!(strip(again), strip(roots));
    }

    #[test]
    fn malformed_xml_falls_back_to_lines() {
        let (roots, warnings) = parse("<config>\n<a>1</b>\n");
        assert_eq!(warnings.len(), 1);
        assert_eq!(roots.len(), 2);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let text = format!("{}{}", "<a>".repeat(5000), "</a>".repeat(5000));
        let (roots, warnings) = parse(&text);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(roots.len(), 1);
    }
}
