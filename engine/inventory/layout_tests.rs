//! Property tests: however an inventory is laid out (indentation, `-` alone
//! or followed by a key, flow or block lists, comments, blank lines, key
//! order), a problem is reported on the line that holds it.

use super::parse;
use proptest::prelude::*;

/// How one device entry is written.
#[derive(Clone, Debug)]
struct Layout {
    dash_alone: bool,
    key_indent: usize,
    block_lists: bool,
    comment_before: bool,
    name_last: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        1..4usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(dash_alone, key_indent, block_lists, comment_before, name_last)| Layout {
                dash_alone,
                key_indent,
                block_lists,
                comment_before,
                name_last,
            },
        )
}

/// Writes an inventory of `layouts.len()` devices; device `bad_kind` gets
/// an unknown kind and device `bad_dep` a dependency on `ghost`. Returns
/// the text and the 1-based lines where the two problems are.
fn render(
    seq_indent: usize,
    layouts: &[Layout],
    bad_kind: usize,
    bad_dep: usize,
) -> (String, usize, usize) {
    let mut lines: Vec<String> = vec!["# generated".into(), "devices:".into()];
    let (mut kind_line, mut dep_line) = (0, 0);
    for (i, l) in layouts.iter().enumerate() {
        let dash = " ".repeat(seq_indent);
        let key = " ".repeat(seq_indent + 1 + l.key_indent);
        if l.comment_before {
            lines.push(format!("{dash}# device {i}"));
            lines.push(String::new());
        }
        let kind = if i == bad_kind { "bogus" } else { "switch" };
        let mut deps: Vec<String> = (0..i).map(|d| format!("d{d}")).collect();
        if i == bad_dep {
            deps.push("ghost".into());
        }
        let mut fields: Vec<Vec<String>> =
            vec![vec![format!("kind: {kind}")], vec!["platform: eos".into()]];
        if !deps.is_empty() {
            if l.block_lists {
                let mut block = vec!["depends_on:".to_string()];
                block.extend(deps.iter().map(|d| format!("  - {d}")));
                fields.push(block);
            } else {
                fields.push(vec![format!("depends_on: [{}]", deps.join(", "))]);
            }
        }
        let name = vec![format!("name: d{i}")];
        if l.name_last {
            fields.push(name);
        } else {
            fields.insert(0, name);
        }
        for (f, field) in fields.iter().enumerate() {
            for (k, text) in field.iter().enumerate() {
                let prefix = if f == 0 && k == 0 {
                    if l.dash_alone {
                        lines.push(format!("{dash}-"));
                        key.clone()
                    } else {
                        format!("{dash}-{}", " ".repeat(l.key_indent))
                    }
                } else {
                    key.clone()
                };
                lines.push(format!("{prefix}{text}"));
                if text.starts_with("kind:") && i == bad_kind {
                    kind_line = lines.len();
                }
                if text.contains("ghost") && i == bad_dep {
                    dep_line = lines.len();
                }
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    (text, kind_line, dep_line)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn problems_are_reported_on_their_line(
        seq_indent in 0..3usize,
        layouts in prop::collection::vec(layout(), 2..7),
        bad in any::<prop::sample::Index>(),
        dep in any::<prop::sample::Index>(),
    ) {
        let bad_kind = bad.index(layouts.len());
        let bad_dep = dep.index(layouts.len());
        let (text, kind_line, dep_line) = render(seq_indent, &layouts, bad_kind, bad_dep);
        let files: Vec<String> = (0..layouts.len()).map(|i| format!("configs/d{i}.cfg")).collect();
        let err = parse(&text, "inventory.yaml", &files).expect_err(&text);
        let mut found: Vec<(usize, String)> = err.violations().iter().map(|v| (v.line, v.code.clone())).collect();
        found.sort();
        let mut expected = vec![
            (kind_line, "henko::inventory::unknown_kind".to_string()),
            (dep_line, "henko::inventory::unknown_device".to_string()),
        ];
        expected.sort();
        prop_assert_eq!(found, expected, "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Any YAML-ish text: an inventory or an error, never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "(devices:\n|defaults:\n|- |name: |kind: |depends_on: |pair: |[ :\\-#\\[\\]{},&*\t\n]|[a-c]|é|\r\n){0,60}") {
        let files = vec!["configs/a.cfg".to_string(), "configs/b".to_string()];
        match parse(&text, "inventory.yaml", &files) {
            Ok(inventory) => prop_assert!(inventory.devices().len() <= text.len()),
            Err(e) => {
                for v in e.violations() {
                    prop_assert_eq!(v.file.as_str(), "inventory.yaml");
                    prop_assert!(v.line <= text.lines().count() + 1, "{:?}", v);
                }
            }
        }
    }
}
