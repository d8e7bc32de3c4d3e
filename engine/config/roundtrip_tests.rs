//! Property tests: for every dialect, text generated in that dialect's
//! syntax parses into a tree `t` such that `parse(serialize(t)) == t`
//! (line spans aside), and serialising is a fixed point after one pass.

use proptest::prelude::*;

use super::{parse, serialize, ConfigTree, Dialect, ParseOptions};

/// Parses, serialises and parses again; returns both trees without spans.
fn round_trip(dialect: Dialect, text: &str) -> (ConfigTree, ConfigTree, String) {
    let mut first = parse(text.as_bytes(), dialect, &ParseOptions::default());
    let out = serialize(&first);
    let mut second = parse(out.as_bytes(), dialect, &ParseOptions::default());
    first.clear_spans();
    second.clear_spans();
    (first, second, out)
}

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9./-]{0,7}".prop_filter("reserved words", |w| {
        !matches!(
            w.as_str(),
            "end"
                | "exit"
                | "quit"
                | "next"
                | "set"
                | "delete"
                | "deactivate"
                | "activate"
                | "insert"
                | "move"
                | "config"
                | "edit"
                | "banner"
                | "match"
                | "inactive"
                | "protect"
                | "replace"
        ) && !w.starts_with("exit-")
    })
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..4).prop_map(|words| words.join(" "))
}

/// An indented outline: (depth, text) pairs where each depth is at most one
/// more than the previous.
fn outline(max_depth: usize) -> impl Strategy<Value = Vec<(usize, String)>> {
    prop::collection::vec((0..=max_depth, line()), 0..40).prop_map(|items| {
        let mut previous = 0usize;
        items
            .into_iter()
            .enumerate()
            .map(|(at, (depth, text))| {
                let depth = if at == 0 { 0 } else { depth.min(previous + 1) };
                previous = depth;
                (depth, text)
            })
            .collect()
    })
}

fn banner() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["^C", "\u{3}", "#", "%"]),
        prop::collection::vec(line(), 0..3),
    )
        .prop_map(|(delimiter, body)| {
            let body: Vec<String> = body.iter().map(|l| l.replace(delimiter, "")).collect();
            format!(
                "banner motd {delimiter}\n{}\n{delimiter}\n",
                body.join("\n")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn ios_round_trips(items in outline(5), banners in prop::collection::vec(banner(), 0..2), width in 1usize..4) {
        let mut text: String = banners.concat();
        for (depth, line) in &items {
            text.push_str(&" ".repeat(depth * width));
            text.push_str(line);
            text.push_str(if depth % 2 == 0 { "\r\n" } else { "  \n" });
        }
        let (first, second, out) = round_trip(Dialect::Ios, &text);
        prop_assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        prop_assert_eq!(first.roots, second.roots, "{}", out);
    }

    #[test]
    fn lines_and_ini_round_trip(items in outline(1)) {
        let mut text = String::new();
        for (at, (depth, line)) in items.iter().enumerate() {
            if at % 7 == 3 {
                text.push_str(&format!("[{line}]\n"));
            } else if at % 11 == 5 {
                text.push_str(&format!("Match User {line}\n"));
            } else {
                text.push_str(&" ".repeat(depth * 2));
                text.push_str(&line.replacen(' ', "=", 1));
                text.push('\n');
            }
        }
        for dialect in [Dialect::Lines, Dialect::Ini] {
            let (first, second, out) = round_trip(dialect, &text);
            prop_assert_eq!(first.roots, second.roots, "{}", out);
        }
    }

    #[test]
    fn fortios_round_trips(sections in prop::collection::vec(
        (line(), prop::collection::vec((word(), prop::collection::vec((word(), line()), 0..4), prop::option::of(line())), 0..4)),
        0..6,
    )) {
        let mut text = String::from("#config-version=FGT60F-7.2.5:opmode=0\n");
        for (path, edits) in &sections {
            text.push_str(&format!("config {path}\n"));
            for (name, settings, nested) in edits {
                text.push_str(&format!("    edit \"{name}\"\n"));
                for (key, value) in settings {
                    text.push_str(&format!("        set {key} {value}\n"));
                }
                if let Some(nested) = nested {
                    text.push_str(&format!("        config {nested}\n        end\n"));
                }
                text.push_str("    next\n");
            }
            text.push_str("end\n");
        }
        let (first, second, out) = round_trip(Dialect::Fortios, &text);
        prop_assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        prop_assert_eq!(first.roots, second.roots, "{}", out);
    }

    #[test]
    fn junos_round_trips(statements in prop::collection::vec((prop::collection::vec(word(), 1..6), any::<u8>()), 0..30)) {
        let mut set_form = String::new();
        for (path, flags) in &statements {
            let path = path.join(" ");
            set_form.push_str(&format!("set {path}\n"));
            if flags % 5 == 0 {
                set_form.push_str(&format!("deactivate {path}\n"));
            }
            if flags % 7 == 0 {
                set_form.push_str(&format!("set {path} \"quoted value {flags}\"\n"));
            }
        }
        let (first, second, out) = round_trip(Dialect::Junos, &set_form);
        prop_assert_eq!(&first.roots, &second.roots, "{}", out);
        // The set commands rebuild the same tree as the braces.
        let commands = super::junos::set_commands(&first.roots).join("\n");
        let (from_set, _, _) = round_trip(Dialect::Junos, &commands);
        prop_assert_eq!(first.roots, from_set.roots, "{}", commands);
    }

    #[test]
    fn structured_round_trips(value in json_value()) {
        let json = serde_json::to_string_pretty(&value).unwrap();
        let (first, second, out) = round_trip(Dialect::Json, &json);
        prop_assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        prop_assert_eq!(&first.roots, &second.roots, "{}", out);
        prop_assert_eq!(first.ordered, second.ordered);
        let yaml = serde_yaml::to_string(&value).unwrap();
        let (first, second, out) = round_trip(Dialect::Yaml, &yaml);
        prop_assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        prop_assert_eq!(first.roots, second.roots, "{}", out);
    }

    #[test]
    fn xml_round_trips(element in xml_element()) {
        let text = format!("<?xml version=\"1.0\"?>\n{element}");
        let (first, second, out) = round_trip(Dialect::PanosXml, &text);
        prop_assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        prop_assert_eq!(first.roots, second.roots, "{}", out);
    }

    #[test]
    fn any_bytes_parse_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for dialect in Dialect::ALL {
            let tree = parse(&bytes, dialect, &ParseOptions::default());
            let _ = serialize(&tree);
            let _ = super::mask_tree(&tree, None);
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9 :#-]{0,10}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[a-z_:-]{1,6}", inner.clone()), 0..5)
                .prop_map(|entries| { serde_json::Value::Object(entries.into_iter().collect()) }),
            prop::collection::vec(("[a-z]{1,5}", inner), 1..4).prop_map(|items| {
                serde_json::Value::Array(
                    items
                        .into_iter()
                        .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
                        .collect(),
                )
            }),
        ]
    })
}

fn xml_element() -> impl Strategy<Value = String> {
    let leaf = (
        "[a-z]{1,6}",
        prop::option::of("[a-zA-Z0-9 <&>\"-]{0,8}"),
        prop::option::of("[a-z0-9 &-]{1,6}"),
    )
        .prop_map(|(tag, text, name)| {
            let attribute = name
                .map(|n| format!(" name=\"{}\"", escape(&n)))
                .unwrap_or_default();
            match text {
                Some(text) => format!("<{tag}{attribute}>{}</{tag}>", escape(&text)),
                None => format!("<{tag}{attribute}/>"),
            }
        });
    leaf.prop_recursive(4, 30, 5, |inner| {
        ("[a-z]{1,6}", prop::collection::vec(inner, 1..5))
            .prop_map(|(tag, children)| format!("<{tag}>\n{}\n</{tag}>", children.join("\n")))
    })
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}
