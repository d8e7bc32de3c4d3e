//! Reading FortiOS whose sections are not all closed by `next` / `end`:
//! written by indentation only (as other tools render it and as templated
//! intended configs often are), or mixing both styles.
//!
//! FortiOS itself ignores indentation, so a file whose markers close every
//! section is never read here. Otherwise a section ends where a line is
//! indented no deeper than its header, or at its marker; a marker must line
//! up with the section it closes. When the two readings disagree, or the
//! file has neither markers nor indentation to go by, the file is refused
//! ([`Unreadable`]) instead of being planned from a guess.

use super::builder::Builder;
use super::fortios::{Kind, Logical, Unreadable, READ_BY_INDENTATION};
use super::tree::Node;

/// An open section: its kind, header column and line.
struct Open {
    kind: Kind,
    column: usize,
    line: u32,
    text: String,
}

fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Config => "end",
        Kind::Edit => "next",
    }
}

/// Returns true when some opener's next line is indented deeper than it.
fn uses_indentation(lines: &[Logical]) -> bool {
    lines
        .windows(2)
        .any(|pair| pair[0].opens().is_some() && pair[1].column > pair[0].column)
}

/// The roots, the warnings, and a note saying how the file was read when
/// indentation closed at least one section.
type Indented = (Vec<Node>, Vec<String>, Option<String>);

/// Reads the lines by indentation and markers together.
pub(super) fn by_indentation(lines: &[Logical]) -> Result<Indented, Unreadable> {
    if !uses_indentation(lines) {
        refuse_flat(lines)?;
    }
    let markers = lines.iter().any(|l| l.closes().is_some());
    let mut state = State::default();
    for line in lines {
        let column = line.column;
        if let Some(kind) = line.closes() {
            // Sections indented deeper than the marker ended by indentation.
            while state.open.last().is_some_and(|top| top.column > column) {
                state.close_by_indentation();
            }
            match state.open.last() {
                None if !state.opened_any => {
                    state.builder.warnings.push(format!(
                        "line {}: `{}` outside {}; ignored",
                        line.number,
                        line.text,
                        if kind == Kind::Edit {
                            "an `edit`"
                        } else {
                            "a `config`"
                        }
                    ));
                }
                Some(top) if top.kind == kind && top.column == column => {
                    state.open.pop();
                    state.builder.close_at(line.number);
                }
                Some(top) => {
                    return Err(Unreadable {
                        line: line.number,
                        message: format!(
                            "`{}` does not line up with the open `{}` (line {}, closed by `{}`): the indentation and the `next`/`end` markers disagree",
                            line.text,
                            top.text,
                            top.line,
                            name(top.kind)
                        ),
                    });
                }
                None => {
                    return Err(Unreadable {
                        line: line.number,
                        message: format!(
                            "`{}` closes a section the indentation already closed: the indentation and the `next`/`end` markers disagree",
                            line.text
                        ),
                    });
                }
            }
            continue;
        }
        while state.open.last().is_some_and(|top| column <= top.column) {
            state.close_by_indentation();
        }
        match line.opens() {
            Some(kind) => {
                if state.builder.depth() == super::MAX_DEPTH {
                    state.open.pop();
                }
                state.builder.open(0, line.node());
                state.opened_any = true;
                state.open.push(Open {
                    kind,
                    column,
                    line: line.number,
                    text: line.text.clone(),
                });
            }
            None => state.builder.leaf(line.node()),
        }
    }
    let State {
        builder: mut finished,
        open,
        first_by_indentation,
        implicit,
        ..
    } = state;
    if !open.is_empty() && markers {
        finished.warnings.push(format!(
            "{} section(s) still open at the end of the file; closed",
            open.len()
        ));
    }
    let how = first_by_indentation.map(|(first, text)| {
        if markers {
            let others = match implicit {
                0 | 1 => String::new(),
                n => format!(" (and {} other sections)", n - 1),
            };
            format!(
                "{READ_BY_INDENTATION}line {first}: `{text}`{others} has no `next`/`end`: the file mixes both styles"
            )
        } else {
            format!("{READ_BY_INDENTATION}the file is written without `next`/`end`")
        }
    });
    let how = how.or_else(|| {
        (!markers && lines.iter().any(|l| l.opens().is_some()))
            .then(|| format!("{READ_BY_INDENTATION}the file is written without `next`/`end`"))
    });
    let (roots, warnings) = finished.finish();
    Ok((roots, warnings, how))
}

/// The reader's state: the tree so far and the sections still open.
#[derive(Default)]
struct State {
    builder: Builder,
    open: Vec<Open>,
    /// True once any section was opened (a marker before that is stray).
    opened_any: bool,
    /// The first section closed by indentation (line, header).
    first_by_indentation: Option<(u32, String)>,
    /// How many sections indentation closed.
    implicit: usize,
}

impl State {
    /// Closes the innermost section because a line is indented no deeper.
    fn close_by_indentation(&mut self) {
        if let Some(done) = self.open.pop() {
            self.builder.close();
            self.implicit += 1;
            self.first_by_indentation
                .get_or_insert((done.line, done.text));
        }
    }
}

/// Refuses a file without indentation whose markers do not close every
/// section: where a section ends cannot be known.
fn refuse_flat(lines: &[Logical]) -> Result<(), Unreadable> {
    let mut openers = lines.iter().filter(|l| l.opens().is_some());
    let Some(first) = openers.next() else {
        return Ok(());
    };
    let Some(second) = openers.next() else {
        return Ok(());
    };
    Err(Unreadable {
        line: second.number,
        message: format!(
            "cannot tell whether `{}` is inside `{}` (line {}): its sections are neither all closed by `next`/`end` nor indented",
            second.text, first.text, first.number
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::fortios::{read, Structure};
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn indentation_only_sections_close_by_dedent() {
        // Written by hand in the style other tools render FortiOS.
        let text = "config system global\n    set hostname \"fw1\"\n    set timezone 04\nconfig system interface\n    edit \"port1\"\n        set ip 10.0.0.1 255.255.255.0\n        set allowaccess ping https\n    edit \"port2\"\n        set ip 10.0.1.1 255.255.255.0\nconfig router static\n    edit 1\n        set gateway 10.0.0.254\n        set device \"port1\"\n";
        let reading = read(text);
        assert!(
            matches!(reading.structure, Ok(Structure::Indented(_))),
            "{:?}",
            reading.structure
        );
        assert_eq!(
            texts(&reading.roots),
            [
                "config system global",
                "config system interface",
                "config router static"
            ]
        );
        assert_eq!(
            texts(&reading.roots[1].children),
            ["edit \"port1\"", "edit \"port2\""]
        );
        assert_eq!(reading.roots[1].children[0].children.len(), 2);
        assert!(
            reading
                .warnings
                .iter()
                .any(|w| w.starts_with(READ_BY_INDENTATION)),
            "{:?}",
            reading.warnings
        );
    }

    #[test]
    fn mixed_styles_are_read_by_indentation_with_a_warning() {
        let text = "config system interface\n    edit \"port1\"\n        set ip 10.0.0.1 255.255.255.0\n    edit \"port2\"\n        set ip 10.0.1.1 255.255.255.0\n    next\nend\nconfig firewall address\n    edit \"a\"\n        set subnet 10.0.0.0 255.0.0.0\n    next\nend\n";
        let reading = read(text);
        assert_eq!(
            texts(&reading.roots),
            ["config system interface", "config firewall address"]
        );
        assert_eq!(
            texts(&reading.roots[0].children),
            ["edit \"port1\"", "edit \"port2\""]
        );
        let how = reading.warnings.last().unwrap();
        assert!(how.contains("line 2: `edit \"port1\"` has no"), "{how}");
        assert!(how.contains("mixes both styles"), "{how}");
    }

    #[test]
    fn fully_closed_files_ignore_indentation() {
        // FortiOS reads markers, not indentation: a misindented but closed
        // file is read by its markers, without a warning.
        let text = "config system global\nset hostname fw\n    end\nconfig system interface\n  edit port1\nset ip 1.1.1.1 255.0.0.0\n      next\nend\n";
        let reading = read(text);
        assert_eq!(reading.structure, Ok(Structure::Closed));
        assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
        assert_eq!(reading.roots.len(), 2);
    }

    #[test]
    fn flat_unclosed_sections_are_refused() {
        let text = "config system global\nset hostname fw\nconfig system interface\nedit port1\nset ip 1.1.1.1 255.0.0.0\n";
        let reading = read(text);
        let err = reading.structure.unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("config system global"), "{err:?}");
    }

    #[test]
    fn markers_that_disagree_with_indentation_are_refused() {
        // `port1` has no `next` (an `edit` cannot sit inside an `edit`), and
        // the `next` of `port2` is indented as if it closed something
        // deeper: the two readings disagree.
        let text = "config system interface\n    edit port1\n        set ip 1.1.1.1 255.0.0.0\n    edit port2\n        set ip 2.2.2.2 255.0.0.0\n        next\nend\n";
        let reading = read(text);
        let err = reading.structure.unwrap_err();
        assert_eq!(err.line, 6, "{err:?}");
        assert!(err.message.contains("edit port2"), "{err:?}");
    }
}
