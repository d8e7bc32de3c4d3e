//! Finds where things are in `inventory.yaml`.
//!
//! serde_yaml reports positions for syntax errors only, never for the values
//! it hands back, so diagnostics about a device or a key locate their line by
//! scanning the text. The scanner understands the block style people write
//! by hand (`devices:` followed by `- name: x` entries with indented keys);
//! anything it cannot place (flow style, odd layouts) falls back to the
//! nearest enclosing thing it can, ending at the start of the file.

use std::ops::Range;

/// One non-blank, non-comment line of the file.
#[derive(Clone, Debug)]
struct Line {
    /// Byte offset of the line's first character.
    start: usize,
    /// Leading spaces.
    indent: usize,
    /// The line's text without the line break.
    text: String,
}

impl Line {
    /// Returns the key written at column `at` (`key:` or `key :`), if any.
    fn key_at(&self, at: usize) -> Option<(&str, Range<usize>)> {
        let rest = self.text.get(at..)?;
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(rest.len());
        if end == 0 || !rest[end..].trim_start_matches(' ').starts_with(':') {
            return None;
        }
        Some((&rest[..end], self.start + at..self.start + at + end))
    }
}

/// A `- …` entry of a top-level block sequence.
#[derive(Clone, Debug)]
struct Entry {
    /// Index of the entry's first line in [`Locator::lines`].
    first: usize,
    /// One past the index of its last line.
    end: usize,
    /// Column of the entry's keys (just after `- `).
    key_column: usize,
}

/// Byte ranges of the keys, entries and values of an `inventory.yaml` text.
#[derive(Clone, Debug)]
pub struct Locator {
    lines: Vec<Line>,
    len: usize,
    devices: Vec<Entry>,
}

impl Locator {
    /// Scans `text`.
    pub fn new(text: &str) -> Locator {
        let mut lines = Vec::new();
        // A byte-order mark is not part of the first key.
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut start = bom;
        for raw in text[bom..].split_inclusive('\n') {
            let body = raw.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start_matches(' ');
            if !trimmed.is_empty() && !trimmed.starts_with('#') && !trimmed.starts_with("---") {
                lines.push(Line {
                    start,
                    indent: body.len() - trimmed.len(),
                    text: body.to_string(),
                });
            }
            start += raw.len();
        }
        let mut locator = Locator {
            lines,
            len: text.len(),
            devices: Vec::new(),
        };
        locator.devices = locator.sequence_entries("devices");
        locator
    }

    /// Returns the range of the top-level key `key`.
    pub fn top_key(&self, key: &str) -> Option<Range<usize>> {
        self.top_key_line(key)
            .and_then(|i| self.lines[i].key_at(0).map(|(_, r)| r))
    }

    /// Returns the range of `key` inside the top-level mapping `parent`
    /// (for example a key of `defaults`).
    pub fn child_key(&self, parent: &str, key: &str) -> Option<Range<usize>> {
        let first = self.top_key_line(parent)?;
        let end = self.block_end(first);
        let column = self.lines.get(first + 1..end)?.first()?.indent;
        self.lines[first + 1..end]
            .iter()
            .filter(|l| l.indent == column)
            .find_map(|l| l.key_at(column).filter(|(k, _)| *k == key).map(|(_, r)| r))
    }

    /// Returns the range of the first line of device entry `index`
    /// (0-based, in file order), without its `- `.
    pub fn device(&self, index: usize) -> Option<Range<usize>> {
        let entry = self.devices.get(index)?;
        let line = &self.lines[entry.first];
        let from = line.start + entry.key_column.min(line.text.len());
        Some(from..line.start + line.text.len())
    }

    /// Returns the range of `key` in device entry `index`.
    pub fn device_key(&self, index: usize, key: &str) -> Option<Range<usize>> {
        let entry = self.devices.get(index)?;
        self.lines[entry.first..entry.end]
            .iter()
            .find_map(|l| l.key_at(entry.key_column).filter(|(k, _)| *k == key))
            .map(|(_, r)| r)
    }

    /// Returns the range of `needle` written as a value of `key` in device
    /// entry `index` (one item of a list, say), else the key itself.
    pub fn device_value(&self, index: usize, key: &str, needle: &str) -> Option<Range<usize>> {
        let key_range = self.device_key(index, key)?;
        let entry = self.devices.get(index)?;
        let first = (entry.first..entry.end).find(|&i| {
            let l = &self.lines[i];
            key_range.start >= l.start && key_range.start <= l.start + l.text.len()
        })?;
        for i in first..entry.end {
            let line = &self.lines[i];
            let sibling = line.indent < entry.key_column
                || (line.indent == entry.key_column && !is_dash(&line.text[line.indent..]));
            if i > first && sibling {
                break;
            }
            let from = if i == first {
                key_range.end - line.start
            } else {
                0
            };
            if let Some(at) = find_word(&line.text[from..], needle) {
                let at = line.start + from + at;
                return Some(at..at + needle.len());
            }
        }
        Some(key_range)
    }

    /// Returns the range of the first line, for problems of the whole file.
    pub fn file_start(&self) -> Range<usize> {
        match self.lines.first() {
            Some(l) => l.start + l.indent..l.start + l.text.len(),
            None => 0..0,
        }
    }

    /// Returns the best range for device `index`: its `key` if written, else
    /// its entry, else the `devices` key, else the start of the file.
    pub fn device_or_fallback(&self, index: usize, key: Option<&str>) -> Range<usize> {
        key.and_then(|k| self.device_key(index, k))
            .or_else(|| self.device(index))
            .or_else(|| self.top_key("devices"))
            .unwrap_or_else(|| self.file_start())
    }

    /// Returns the length of the scanned text.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns true when the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn top_key_line(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| l.indent == 0 && l.key_at(0).is_some_and(|(k, _)| k == key))
    }

    /// One past the last line of the block that starts with top-level key
    /// line `first`.
    fn block_end(&self, first: usize) -> usize {
        self.lines[first + 1..]
            .iter()
            .position(|l| l.indent == 0 && !l.text.starts_with('-'))
            .map_or(self.lines.len(), |p| first + 1 + p)
    }

    /// Returns the entries of the block sequence under top-level key `key`.
    fn sequence_entries(&self, key: &str) -> Vec<Entry> {
        let Some(first) = self.top_key_line(key) else {
            return Vec::new();
        };
        let end = self.block_end(first);
        let Some(dash_indent) = self.lines[first + 1..end]
            .iter()
            .find(|l| is_dash(&l.text[l.indent..]))
            .map(|l| l.indent)
        else {
            return Vec::new();
        };
        let mut entries: Vec<Entry> = Vec::new();
        for i in first + 1..end {
            let line = &self.lines[i];
            if line.indent == dash_indent && is_dash(&line.text[line.indent..]) {
                if let Some(last) = entries.last_mut() {
                    last.end = i;
                }
                let after = &line.text[line.indent + 1..];
                let gap = after.len() - after.trim_start_matches(' ').len();
                let key_column = if after.trim().is_empty() {
                    // `-` alone: keys start on the next line.
                    self.lines
                        .get(i + 1)
                        .filter(|l| l.indent > dash_indent)
                        .map_or(dash_indent + 2, |l| l.indent)
                } else {
                    line.indent + 1 + gap
                };
                entries.push(Entry {
                    first: i,
                    end,
                    key_column,
                });
            } else if line.indent < dash_indent {
                if let Some(last) = entries.last_mut() {
                    last.end = i;
                }
                break;
            }
        }
        entries
    }
}

/// True for a sequence item line (`- x` or a lone `-`).
fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Finds `needle` in `haystack` as a whole word (not inside a longer name).
fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    let mut from = 0;
    while let Some(at) = haystack[from..].find(needle) {
        let at = from + at;
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        if !before.is_some_and(is_name) && !after.is_some_and(is_name) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// Returns the 1-based line and column (in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Returns the byte offset of 1-based `line` and `column` (characters).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(p) => start += p + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    start
        + rest[..line_len]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_len, |(i, _)| i)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# comment
defaults:
  site: west
  env: prod
devices:
  - name: fw1
    kind: firewall
    depends_on: [core1, core2]
  -   name: core1
      tags:
        - a
  -
    name: core2
    depends_on:
      - fw1
      - core1
drift: {}
";

    fn text_at(range: Range<usize>) -> &'static str {
        &TEXT[range]
    }

    #[test]
    fn finds_top_and_child_keys() {
        let l = Locator::new(TEXT);
        assert_eq!(text_at(l.top_key("devices").unwrap()), "devices");
        assert_eq!(text_at(l.top_key("drift").unwrap()), "drift");
        assert_eq!(text_at(l.child_key("defaults", "env").unwrap()), "env");
        assert!(l.child_key("defaults", "role").is_none());
        assert!(l.top_key("site").is_none());
    }

    #[test]
    fn finds_entries_in_every_layout() {
        let l = Locator::new(TEXT);
        assert_eq!(text_at(l.device(0).unwrap()), "name: fw1");
        assert_eq!(text_at(l.device(1).unwrap()), "name: core1");
        assert_eq!(
            line_column(TEXT, l.device_key(2, "name").unwrap().start).0,
            13
        );
        assert!(l.device(3).is_none());
        assert_eq!(text_at(l.device_key(0, "kind").unwrap()), "kind");
        assert!(l.device_key(0, "tags").is_none());
        assert_eq!(
            line_column(TEXT, l.device_key(1, "tags").unwrap().start),
            (10, 7)
        );
    }

    #[test]
    fn finds_values_in_flow_and_block_lists() {
        let l = Locator::new(TEXT);
        let core2 = l.device_value(0, "depends_on", "core2").unwrap();
        assert_eq!(line_column(TEXT, core2.start), (8, 25));
        let core1 = l.device_value(2, "depends_on", "core1").unwrap();
        assert_eq!(line_column(TEXT, core1.start), (16, 9));
        // Not a whole word: falls back to the key.
        let fallback = l.device_value(0, "depends_on", "core").unwrap();
        assert_eq!(text_at(fallback), "depends_on");
    }

    #[test]
    fn unplaceable_things_fall_back() {
        let flow = "devices: [{name: a}]\n";
        let l = Locator::new(flow);
        assert!(l.device(0).is_none());
        assert_eq!(&flow[l.device_or_fallback(0, Some("name"))], "devices");
        let empty = Locator::new("");
        assert_eq!(empty.device_or_fallback(0, None), 0..0);
        assert!(empty.is_empty());
    }

    #[test]
    fn byte_order_mark_and_crlf_are_transparent() {
        let text = "\u{feff}devices:\r\n  - name: a\r\n    kind: x\r\n";
        let l = Locator::new(text);
        assert_eq!(&text[l.top_key("devices").unwrap()], "devices");
        assert_eq!(&text[l.device_key(0, "kind").unwrap()], "kind");
        assert_eq!(
            line_column(text, l.device_key(0, "kind").unwrap().start),
            (3, 5)
        );
    }

    #[test]
    fn line_index_agrees_with_the_scan() {
        let text = "a: 1\n\nb: é2\n";
        let file = crate::config::SourceFile::new("f", text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                file.line_column(offset),
                line_column(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn line_column_and_offset_round_trip() {
        let text = "a: 1\nb: é2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        let off = text.find('2').unwrap();
        assert_eq!(line_column(text, off), (2, 5));
        assert_eq!(offset_of(text, 2, 5), off);
        assert_eq!(offset_of(text, 9, 1), text.len());
    }
}
