//! Every file of the public corpus ($HENKO_CORPUS, default
//! `../shared/corpus` next to the crate) parses without panicking, loses no
//! meaningful line, round-trips through `serialize`, and leaks no detected
//! secret once masked. Skipped with a notice when the corpus is absent,
//! except in CI (`CI=true`), where that fails.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use henko::config::{
    find_secrets_in_context, mask_tree, noise, parse, serialize, sniff, ConfigTree, Dialect, Node,
    ParseOptions,
};

fn corpus_root() -> Option<PathBuf> {
    crate::common::corpus()
}

#[test]
fn a_missing_corpus_skips_locally_and_fails_in_ci() {
    let nowhere = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-corpus");
    assert_eq!(crate::common::corpus_at(&nowhere, false), None);
    let in_ci = std::panic::catch_unwind(|| crate::common::corpus_at(&nowhere, true));
    assert!(in_ci.is_err(), "CI=true must fail without the corpus");
}

/// Every corpus file with the dialect its folder implies.
fn corpus_files(root: &Path) -> Vec<(PathBuf, Dialect, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.file_name().is_some_and(|n| n == "INDEX.md") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let folder = relative.split('/').next().unwrap_or("");
            let dialect = match folder {
                "a10_acos" | "arista_eos" | "cisco_asa" | "cisco_ios" | "cisco_nxos" => {
                    Dialect::Ios
                }
                "fortinet_fortios" => Dialect::Fortios,
                "juniper_junos" => Dialect::Junos,
                "paloalto_panos" => {
                    if String::from_utf8_lossy(&bytes)
                        .trim_start()
                        .starts_with('<')
                    {
                        Dialect::PanosXml
                    } else {
                        Dialect::Junos
                    }
                }
                "linux" => Dialect::Ini,
                _ => sniff(&relative, &bytes),
            };
            files.push((path, dialect, bytes));
        }
    }
    files
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '\r'])
}

/// Input lines that must appear (trimmed) as a line of the serialised tree.
fn meaningful_lines(dialect: Dialect, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in lines(text) {
        let line = raw.trim();
        let indent = raw.len() - raw.trim_start().len();
        if line.is_empty() {
            continue;
        }
        let keep = match dialect {
            Dialect::Ios => {
                let comment = line.starts_with(['!', '#', ':']);
                let marker = (indent == 0 && line == "end")
                    || line == "exit"
                    || (line.starts_with("exit-") && !line.contains(' '));
                !comment && !marker && !noise::is_builtin_noise(dialect, line, indent)
            }
            Dialect::Fortios => {
                // The tree is the effective configuration: table commands
                // and appends are applied, a repeated setting keeps its last
                // value (checked by setting name below).
                let verb = line.split_whitespace().next().unwrap_or("");
                !line.starts_with('#')
                    && !matches!(
                        verb,
                        "next"
                            | "end"
                            | "unset"
                            | "append"
                            | "rename"
                            | "delete"
                            | "move"
                            | "clone"
                            | "purge"
                    )
            }
            Dialect::Ini => !line.starts_with(['#', ';']),
            Dialect::Lines => true,
            _ => false,
        };
        if keep {
            out.push(line.to_string());
        }
    }
    out
}

/// The identity of a FortiOS line once folded: `set NAME` for a setting,
/// `edit NAME` (quotes dropped) for an entry.
fn setting_name(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    match words.next() {
        Some("set" | "unset") => words.next().map(|name| format!("set {name}")),
        Some("edit") => Some(format!("edit {}", line[4..].trim().replace('"', ""))),
        _ => None,
    }
}

/// Words of `text` outside comments, for dialects whose serialised form
/// differs in layout from the input. For an input (`input` true), Junos
/// command words and the words of commands that remove or reorder
/// statements are left out: applying them legitimately drops words.
fn words(dialect: Dialect, text: &str, input: bool) -> HashSet<String> {
    let mut clean = String::with_capacity(text.len());
    let mut rest = text;
    let (open, close) = match dialect {
        Dialect::Junos => ("/*", "*/"),
        _ => ("<!--", "-->"),
    };
    while let Some(at) = rest.find(open) {
        clean.push_str(&rest[..at]);
        rest = rest[at..]
            .find(close)
            .map_or("", |end| &rest[at + end + close.len()..]);
    }
    clean.push_str(rest);
    let mut set = HashSet::new();
    for line in lines(&clean) {
        let trimmed = line.trim_start();
        if matches!(dialect, Dialect::Junos | Dialect::Yaml) && trimmed.starts_with('#') {
            continue;
        }
        if dialect == Dialect::Junos && trimmed.starts_with('!') {
            continue;
        }
        if dialect == Dialect::PanosXml && trimmed.starts_with("<?") {
            continue;
        }
        let first = trimmed.split_whitespace().next().unwrap_or("");
        if input
            && dialect == Dialect::Junos
            && matches!(first, "delete" | "activate" | "insert" | "move")
        {
            continue;
        }
        let line = match dialect {
            Dialect::Junos | Dialect::Yaml => line.split(" #").next().unwrap_or(""),
            _ => line,
        };
        if matches!(dialect, Dialect::Json | Dialect::Yaml)
            && (line.contains("\"_") || line.contains(" _"))
        {
            continue;
        }
        let mut line_words: Vec<&str> = line
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if input && dialect == Dialect::Junos && matches!(first, "set" | "deactivate") {
            // The command word itself is not configuration.
            line_words.remove(0);
        }
        set.extend(line_words.into_iter().map(str::to_string));
    }
    set
}

/// Collects every secret value in `nodes` (with ancestor context).
fn secret_values(
    dialect: Dialect,
    nodes: &[Node],
    ancestors: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    for node in nodes {
        let context: Vec<&str> = ancestors.iter().map(String::as_str).collect();
        for span in find_secrets_in_context(dialect, &context, &node.text) {
            out.push(node.text[span.start..span.end].to_string());
        }
        ancestors.push(node.text.clone());
        secret_values(dialect, &node.children, ancestors, out);
        ancestors.pop();
    }
}

fn stripped(tree: &ConfigTree) -> Vec<Node> {
    let mut tree = tree.clone();
    tree.clear_spans();
    tree.roots
}

/// Checks one corpus file; returns its failures and how many secret values
/// it holds.
fn check_file(
    name: &str,
    dialect: Dialect,
    bytes: &[u8],
    tree: &ConfigTree,
) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    let out = serialize(tree);

    if !tree.warnings.iter().any(|w| w.contains("UTF-16")) {
        let mut output_lines: HashSet<String> = lines(&out).map(|l| l.trim().to_string()).collect();
        if dialect == Dialect::Fortios {
            let names: Vec<String> = lines(&out).filter_map(|l| setting_name(l.trim())).collect();
            output_lines.extend(names);
        }
        let missing = |line: &String| {
            let renamed_or_set = dialect == Dialect::Fortios
                && setting_name(line).is_some_and(|name| output_lines.contains(&name));
            !output_lines.contains(line) && !renamed_or_set
        };
        // Entries renamed, deleted or purged by table commands are gone.
        let table_commands = dialect == Dialect::Fortios
            && lines(&text).any(|l| {
                let verb = l.split_whitespace().next().unwrap_or("");
                matches!(verb, "rename" | "delete" | "purge")
            });
        let checked = |line: &String| !(table_commands && line.starts_with("edit "));
        if let Some(line) = meaningful_lines(dialect, &text)
            .into_iter()
            .filter(checked)
            .find(missing)
        {
            failures.push(format!("{name} ({dialect}): lost line `{line}`"));
        }
    }
    let deletes = dialect == Dialect::Junos && lines(&text).any(|l| l.starts_with("delete "));
    if matches!(
        dialect,
        Dialect::Junos | Dialect::PanosXml | Dialect::Yaml | Dialect::Json
    ) && !deletes
    {
        let have = words(dialect, &out, false);
        let missing: Vec<_> = words(dialect, &text, true)
            .into_iter()
            .filter(|w| !have.contains(w))
            .collect();
        if !missing.is_empty() {
            failures.push(format!("{name} ({dialect}): lost words {missing:?}"));
        }
    }

    let again = parse(out.as_bytes(), dialect, &ParseOptions::default());
    if stripped(&again) != stripped(tree) {
        failures.push(format!(
            "{name} ({dialect}): parse(serialize(tree)) differs from tree"
        ));
    }

    let mut values = Vec::new();
    secret_values(dialect, &tree.roots, &mut Vec::new(), &mut values);
    let masked = serialize(&mask_tree(tree, Some(b"corpus-test-key")));
    for value in values.iter().filter(|v| v.len() >= 4) {
        // The same string may legitimately appear outside secrets (a user
        // named like their password, a keyring named like its key): a leak
        // is more occurrences than the non-secret ones.
        let secret_uses = values.iter().filter(|v| *v == value).count();
        let allowed = out
            .matches(value.as_str())
            .count()
            .saturating_sub(secret_uses);
        if masked.matches(value.as_str()).count() > allowed {
            failures.push(format!(
                "{name} ({dialect}): secret `{value}` survives masking"
            ));
            break;
        }
    }
    (failures, values.len())
}

#[test]
fn every_corpus_file_parses_round_trips_and_masks() {
    let Some(root) = corpus_root() else { return };
    let files = corpus_files(&root);
    assert!(
        files.len() > 100,
        "corpus looks incomplete: {} files",
        files.len()
    );
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, PathBuf::new());
    let mut secrets_found = 0usize;
    for (path, dialect, bytes) in &files {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let started = Instant::now();
        let parsed = std::panic::catch_unwind(|| parse(bytes, *dialect, &ParseOptions::default()));
        let elapsed = started.elapsed();
        if elapsed > slowest.0 {
            slowest = (elapsed, path.clone());
        }
        let Ok(tree) = parsed else {
            failures.push(format!("{name}: parser panicked"));
            continue;
        };
        let (more, secrets) = check_file(&name, *dialect, bytes, &tree);
        failures.extend(more);
        secrets_found += secrets;
    }
    eprintln!(
        "corpus: {} files, {secrets_found} secret values, slowest parse {:?} ({})",
        files.len(),
        slowest.0,
        slowest.1.display()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        secrets_found > 50,
        "suspiciously few secrets detected: {secrets_found}"
    );
}

/// Parses one corpus file by relative path, or `None` without the corpus.
fn corpus_tree(relative: &str, dialect: Dialect) -> Option<ConfigTree> {
    let root = corpus_root()?;
    let bytes = std::fs::read(root.join(relative)).ok()?;
    Some(parse(&bytes, dialect, &ParseOptions::default()))
}

#[test]
fn corpus_secret_files_are_masked() {
    for (relative, dialect, markers) in [
        (
            "juniper_junos/batfish__unit-tests_juniper_passwords",
            Dialect::Junos,
            &["$9$", "$1$"][..],
        ),
        (
            "juniper_junos/batfish__testconfigs_nested-config-with-secret-data",
            Dialect::Junos,
            &["$9$"][..],
        ),
        (
            "cisco_ios/batfish__unit-tests_cisco_aaa",
            Dialect::Ios,
            &[][..],
        ),
    ] {
        let Some(tree) = corpus_tree(relative, dialect) else {
            return;
        };
        let mut values = Vec::new();
        secret_values(dialect, &tree.roots, &mut Vec::new(), &mut values);
        assert!(!values.is_empty(), "{relative}: no secret detected");
        let masked = serialize(&mask_tree(&tree, None));
        for marker in markers {
            assert!(
                !masked.contains(marker),
                "{relative}: `{marker}` survives:\n{masked}"
            );
        }
    }
}

#[test]
fn corpus_braces_and_set_pair_agree() {
    let Some(before) = corpus_tree(
        "pairs/batfish_preprocess-hierarchical/before/preprocess-hierarchical-before",
        Dialect::Junos,
    ) else {
        return;
    };
    let after = corpus_tree(
        "pairs/batfish_preprocess-hierarchical/after/preprocess-hierarchical-after",
        Dialect::Junos,
    )
    .expect("pair has both sides");
    // The set form is Batfish's expansion: it adds the lines the `g1` group
    // contributes and drops the `groups` block. The rest is the same tree.
    let section = |tree: &ConfigTree, text: &str| {
        let mut node = tree.roots.iter().find(|n| n.text == text).cloned().unwrap();
        node.clear_spans();
        node
    };
    assert_eq!(section(&before, "system"), section(&after, "system"));
    assert_eq!(section(&before, "garbage"), section(&after, "garbage"));
}

#[test]
fn reentered_interface_is_merged() {
    let Some(tree) = corpus_tree(
        "cisco_ios/batfish__testconfigs_ios-interface-reenter",
        Dialect::Ios,
    ) else {
        return;
    };
    let mut seen = HashSet::new();
    for root in &tree.roots {
        assert!(
            !root.is_section() || seen.insert(root.text.clone()),
            "duplicate section {}",
            root.text
        );
    }
}

#[test]
fn sniffing_agrees_with_the_corpus_folders() {
    let Some(root) = corpus_root() else { return };
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (path, dialect, bytes) in corpus_files(&root) {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with("pairs/") || relative.starts_with("vmware/") {
            continue;
        }
        checked += 1;
        let sniffed = sniff(&relative, &bytes);
        if sniffed != dialect {
            mismatches.push(format!(
                "{relative}: sniffed {sniffed}, folder says {dialect}"
            ));
        }
    }
    eprintln!(
        "sniff: {} of {checked} files disagree\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(
        mismatches.len() * 20 <= checked,
        "more than 5% misdetected:\n{}",
        mismatches.join("\n")
    );
}
