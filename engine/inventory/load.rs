//! Reading `inventory.yaml` from a snapshot: size and encoding guards, the
//! YAML parse, the schema walk and the cross-entry checks, in that order.

use super::check::build;
use super::locate::{offset_of, Locator};
use super::schema::Walker;
use super::{Inventory, InventoryError, SourceFile, Violation};
use crate::source::FileTree;

/// Where the inventory lives in a snapshot.
pub const INVENTORY_FILE: &str = "inventory.yaml";

/// Largest inventory henko reads (16 MiB): far beyond any real inventory,
/// small enough that a hostile file cannot exhaust memory.
pub const MAX_INVENTORY_BYTES: usize = 16 << 20;

/// Most problems one inventory reports; beyond it a last violation says how
/// many more there are (a broken generator can produce a million).
pub const MAX_VIOLATIONS: usize = 1000;

/// Loads the inventory of a snapshot: `inventory.yaml` at its root, or, when
/// there is none, one device per file ([`Inventory::infer`]).
pub fn load(tree: &dyn FileTree) -> Result<Inventory, InventoryError> {
    load_from(tree, INVENTORY_FILE, INVENTORY_FILE)
}

/// Loads the inventory at `path` inside a snapshot, naming it `shown` in
/// diagnostics (a path the user can open, say). When `path` is
/// `inventory.yaml` and the snapshot has none, infers one device per file.
pub fn load_from(
    tree: &dyn FileTree,
    path: &str,
    shown: &str,
) -> Result<Inventory, InventoryError> {
    let files: Vec<String> = tree.paths()?;
    if !files.iter().any(|f| f == path) {
        if path == INVENTORY_FILE {
            return Ok(Inventory::infer(&files));
        }
        return Err(unreadable(Violation::in_file(
            shown,
            "henko::inventory::missing",
            "is not in the snapshot",
        )));
    }
    let bytes = tree.read(path)?;
    let text = decode(&bytes, shown)?;
    parse(text, shown, &files)
}

/// Checks that `bytes` can be an inventory (size, not binary, UTF-8) and
/// returns them as text.
pub fn decode<'a>(bytes: &'a [u8], file_name: &str) -> Result<&'a str, InventoryError> {
    check_size(bytes.len(), file_name)?;
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(unreadable(Violation::in_file(
            file_name,
            "henko::inventory::binary",
            format!("is a binary file (NUL byte at offset {at}), not YAML"),
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = super::locate::line_column(prefix, prefix.len());
        unreadable(
            Violation::in_file(
                file_name,
                "henko::inventory::not_utf8",
                format!("is not UTF-8: invalid byte at line {line}, column {column}"),
            )
            .with_help("save the file as UTF-8"),
        )
    })
}

/// Parses and validates inventory text. `files` are the paths present in
/// the snapshot (for the default and the existence of `config`).
pub fn parse(text: &str, file_name: &str, files: &[String]) -> Result<Inventory, InventoryError> {
    check_size(text.len(), file_name)?;
    if text.contains('\0') {
        return decode(text.as_bytes(), file_name).map(|_| Inventory::default());
    }
    let file = SourceFile::new(file_name, text);
    check_flow_depth(&file)?;
    let root: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| syntax(&file, &e))?;
    let locator = Locator::new(text);
    let mut walker = Walker {
        file: &file,
        loc: &locator,
        violations: Vec::new(),
    };
    let doc = walker.document(&root);
    let (drift, sheets) = (doc.drift.clone(), doc.sheets.clone());
    let devices = build(doc, files, &mut walker);
    let mut violations = walker.violations;
    if !violations.is_empty() {
        violations.sort_by_key(|v| (v.line, v.column));
        if violations.len() > MAX_VIOLATIONS {
            let more = violations.len() - MAX_VIOLATIONS;
            violations.truncate(MAX_VIOLATIONS);
            violations.push(Violation::in_file(
                file_name,
                "henko::inventory::too_many_problems",
                format!("{more} more problems not shown (the first {MAX_VIOLATIONS} are listed)"),
            ));
        }
        return Err(InventoryError::Invalid {
            file: file_name.to_string(),
            violations,
        });
    }
    let devices = devices.into_iter().map(|(_, d)| d).collect();
    Ok(Inventory::new(devices).with_settings(drift, sheets))
}

fn check_size(len: usize, file_name: &str) -> Result<(), InventoryError> {
    if len <= MAX_INVENTORY_BYTES {
        return Ok(());
    }
    Err(unreadable(
        Violation::in_file(
            file_name,
            "henko::inventory::too_large",
            format!(
                "is {:.1} MiB; henko reads inventories of up to {} MiB",
                len as f64 / (1 << 20) as f64,
                MAX_INVENTORY_BYTES >> 20
            ),
        )
        .with_help(
            "an inventory lists devices, not their configurations; keep configs in their own files",
        ),
    ))
}

/// Refuses runaway flow nesting before serde_yaml sees it (its scanner is
/// quadratic in the nesting depth; see [`crate::config::yaml_depth`]).
fn check_flow_depth(file: &SourceFile) -> Result<(), InventoryError> {
    use crate::config::yaml_depth::{excessive_flow_nesting, MAX_FLOW_DEPTH};
    let Some(at) = excessive_flow_nesting(file.text(), MAX_FLOW_DEPTH) else {
        return Ok(());
    };
    Err(unreadable(
        Violation::at(
            file,
            at..at,
            "henko::inventory::syntax",
            format!("invalid YAML: recursion limit exceeded (flow collections nest deeper than {MAX_FLOW_DEPTH} levels)"),
        )
        .with_help("the file nests deeper than any inventory needs"),
    ))
}

/// Turns a serde_yaml error (syntax, duplicate key, alias bomb, runaway
/// nesting) into a located violation.
fn syntax(file: &SourceFile, error: &serde_yaml::Error) -> InventoryError {
    let mut message = error.to_string();
    let span = match error.location() {
        Some(loc) => {
            // "… at line 3 column 4, while parsing … at line 2 column 3": the
            // position is shown by the diagnostic itself.
            message = strip_positions(&message);
            let at = offset_of(file.text(), loc.line(), loc.column());
            at..at
        }
        None => 0..0,
    };
    let help = if message.contains("repetition limit") {
        Some("the file expands YAML aliases too many times (an alias bomb?)")
    } else if message.contains("recursion limit") {
        Some("the file nests deeper than any inventory needs")
    } else if message.contains("tab") || file.text().contains('\t') {
        Some("YAML does not allow tabs for indentation; use spaces")
    } else {
        None
    };
    let mut v = Violation::at(
        file,
        span,
        "henko::inventory::syntax",
        format!("invalid YAML: {message}"),
    );
    if error.location().is_none() {
        v.line = 0;
        v.column = 0;
    }
    if let Some(help) = help {
        v = v.with_help(help);
    }
    unreadable(v)
}

/// Removes every " at line N column M" from a serde_yaml message.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(cut) = rest.find(" at line ") {
        out.push_str(&rest[..cut]);
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = &rest[cut + " at line ".len()..];
        let mut skip = digits(after);
        if let Some(column) = after[skip..].strip_prefix(" column ") {
            skip += " column ".len() + digits(column);
        }
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

fn unreadable(v: Violation) -> InventoryError {
    InventoryError::Unreadable(Box::new(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{DeviceKind, Env};

    fn files(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    fn problems(text: &str, present: &[&str]) -> Vec<Violation> {
        match parse(text, "inventory.yaml", &files(present)) {
            Ok(_) => panic!("expected problems in:\n{text}"),
            Err(e) => e.violations(),
        }
    }

    #[test]
    fn parses_defaults_devices_and_settings() {
        let text = "\
defaults:
  site: west
  env: prod
  vars: {ntp: 10.0.0.1, tz: JST}
devices:
  - name: fw1
    kind: firewall
    platform: fortios
    depends_on: core1
    pair: fw2
    tags: [edge]
  - name: fw2
    kind: firewall
    platform: fortios
    site: east
    env: standby
    vars: {tz: UTC}
  - name: core1
    kind: switch
    platform: eos
    config: other/core-1.txt
drift:
  ignore: [hostname]
sheets:
  vlans: {key: vlan_id}
";
        let inv = parse(
            text,
            "inventory.yaml",
            &files(&["configs/fw1.conf", "configs/fw2.conf", "other/core-1.txt"]),
        )
        .unwrap();
        let fw1 = inv.get("fw1").unwrap();
        assert_eq!(fw1.kind, DeviceKind::Firewall);
        assert_eq!((fw1.site.as_str(), fw1.env), ("west", Env::Prod));
        assert_eq!(fw1.depends_on, ["core1"]);
        assert_eq!(fw1.config, "configs/fw1.conf");
        assert_eq!(fw1.line, 6);
        let fw2 = inv.get("fw2").unwrap();
        assert_eq!((fw2.site.as_str(), fw2.env), ("east", Env::Standby));
        assert_eq!(fw2.vars["tz"], "UTC");
        assert_eq!(fw2.vars["ntp"], "10.0.0.1");
        assert_eq!(inv.pair("fw2").unwrap().name, "fw1");
        assert_eq!(inv.get("core1").unwrap().config, "other/core-1.txt");
        assert_eq!(inv.drift()["ignore"][0], "hostname");
        assert_eq!(inv.sheets()["vlans"]["key"], "vlan_id");
        assert!(!inv.is_inferred());
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let text = "\
devices:
  - name: fw1
    knd: firewall
    platform: fortiox
  - name: fw1
    env: production
  - name: sw1
    kind: toaster
    depends_on: [fw9]
colour: blue
";
        let v = problems(text, &["configs/fw1.cfg", "configs/sw1.cfg"]);
        let found: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.code.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "henko::inventory::unknown_field"),
                (4, "henko::inventory::unknown_platform"),
                (5, "henko::inventory::duplicate_name"),
                (6, "henko::inventory::unknown_env"),
                (8, "henko::inventory::unknown_kind"),
                (9, "henko::inventory::unknown_device"),
                (10, "henko::inventory::unknown_key"),
            ]
        );
        assert_eq!(v[0].help.as_deref(), Some("did you mean `kind`?"));
        assert!(v[1].help.as_deref().unwrap().contains("fortios"));
        assert!(v[2].help.as_deref().unwrap().contains("line 2"));
        assert!(v[3]
            .help
            .as_deref()
            .unwrap()
            .contains("dev, verify, standby, prod"));
        assert_eq!(v[5].column, 18);
        assert!(v[5].help.as_deref().unwrap().contains("`fw1`"));
    }

    #[test]
    fn reports_the_cycle() {
        let text = "\
devices:
  - name: c
    depends_on: a
  - name: a
    depends_on: [b]
  - name: b
    depends_on:
      - c
  - name: self
    depends_on: [self]
";
        let v = problems(
            text,
            &["configs/a", "configs/b", "configs/c", "configs/self"],
        );
        let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "dependency cycle: a → b → c → a",
                "dependency cycle: self → self"
            ]
        );
        assert_eq!((v[0].line, v[0].column), (5, 18));
    }

    #[test]
    fn reports_pair_problems() {
        let text = "\
devices:
  - {name: a, pair: b}
  - {name: b, pair: c}
  - {name: c, pair: c}
  - {name: d, pair: e}
  - {name: e}
  - {name: f, pair: e}
";
        let all = [
            "configs/a",
            "configs/b",
            "configs/c",
            "configs/d",
            "configs/e",
            "configs/f",
        ];
        let v = problems(text, &all);
        let codes: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.code.as_str())).collect();
        assert_eq!(
            codes,
            [
                (2, "henko::inventory::pair_conflict"),
                (3, "henko::inventory::pair_conflict"),
                (4, "henko::inventory::self_pair"),
                (7, "henko::inventory::pair_conflict"),
            ]
        );
        assert!(v[3].message.contains("both `d` and `f`"));
    }

    #[test]
    fn reports_config_problems() {
        let text = "\
devices:
  - name: r1
  - name: r2
  - name: r3
    config: configs/r3.cfg
";
        let v = problems(
            text,
            &["configs/r2.cfg", "configs/old/r2.txt", "configs/r3.conf"],
        );
        let codes: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.code.as_str())).collect();
        assert_eq!(
            codes,
            [
                (2, "henko::inventory::config_missing"),
                (3, "henko::inventory::config_ambiguous"),
                (5, "henko::inventory::config_missing"),
            ]
        );
        assert_eq!(
            v[2].help.as_deref(),
            Some("did you mean `configs/r3.conf`?")
        );
    }

    #[test]
    fn reports_shape_problems() {
        let v = problems("", &[]);
        assert_eq!(v[0].code, "henko::inventory::empty");
        let v = problems("- a\n", &[]);
        assert_eq!(v[0].code, "henko::inventory::not_a_mapping");
        let v = problems(
            "defaults:\n  name: x\ndevices:\n  - kind: vm\n  - 3\n  - name: [a]\n",
            &[],
        );
        let codes: Vec<&str> = v.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "henko::inventory::unknown_field",
                "henko::inventory::missing_name",
                "henko::inventory::wrong_type",
                "henko::inventory::wrong_type"
            ]
        );
        let v = problems(
            "devices:\n  - name: a\n    vars: [1]\n    tags: {a: 1}\n",
            &["configs/a"],
        );
        assert_eq!(v.len(), 2);
        let v = problems("drift: [1]\n", &[]);
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let text = "devices:\n  - name: a\n   bad: [\n";
        let err = parse(text, "inventory.yaml", &[]).unwrap_err();
        assert!(err.is_unreadable());
        let v = &err.violations()[0];
        assert_eq!(v.code, "henko::inventory::syntax");
        assert!(v.line >= 2, "{v:?}");
        assert!(!v.message.contains(" at line "), "{}", v.message);
        assert_eq!(
            strip_positions("x at line 3 column 4, y at line 2 column 3"),
            "x, y"
        );
    }

    #[test]
    fn duplicate_keys_are_syntax_errors() {
        let err = parse("devices: []\ndevices: []\n", "inventory.yaml", &[]).unwrap_err();
        assert!(err.is_unreadable());
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn guards_refuse_binary_and_non_utf8() {
        let err = decode(b"devices:\n\x00\x01", "inventory.yaml").unwrap_err();
        assert!(err.to_string().contains("binary"));
        let err = decode(b"devices:\n  - name: \xff\n", "inventory.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "inventory.yaml: is not UTF-8: invalid byte at line 2, column 11"
        );
        let big = vec![b' '; MAX_INVENTORY_BYTES + 1];
        assert!(decode(&big, "inventory.yaml")
            .unwrap_err()
            .to_string()
            .contains("16 MiB"));
    }

    #[test]
    fn a_flood_of_problems_is_capped() {
        let text: String = std::iter::once("devices:\n".to_string())
            .chain((0..3000).map(|i| format!("  - {{name: d{i}, depends_on: [ghost{i}]}}\n")))
            .collect();
        let started = std::time::Instant::now();
        let v = problems(&text, &[]);
        assert!(started.elapsed().as_secs() < 10);
        assert_eq!(v.len(), MAX_VIOLATIONS + 1);
        assert_eq!(
            v[MAX_VIOLATIONS].message,
            "5000 more problems not shown (the first 1000 are listed)"
        );
    }

    #[test]
    fn hostile_yaml_is_refused_quickly_without_overflow() {
        let started = std::time::Instant::now();
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!(
                "{next}: &{next} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
        }
        bomb.push_str("devices: *i\n");
        let deep_flow = format!("devices: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let deep_block = format!("devices:\n  {}x\n", "- ".repeat(10_000));
        let deep_map = format!("devices: {}1{}", "{a: ".repeat(10_000), "}".repeat(10_000));
        for text in [bomb, deep_flow, deep_block, deep_map] {
            let err = parse(&text, "inventory.yaml", &[]).unwrap_err();
            assert!(err.is_unreadable());
            let v = &err.violations()[0];
            assert_eq!(v.file, "inventory.yaml");
            assert_eq!(v.code, "henko::inventory::syntax");
            assert!(v.help.is_some(), "{v:?}");
        }
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let inv = parse(
            "\u{feff}devices:\n  - name: a\n",
            "inventory.yaml",
            &files(&["configs/a.cfg"]),
        )
        .unwrap();
        assert_eq!(inv.get("a").unwrap().line, 2);
    }

    #[test]
    fn empty_devices_list_is_valid() {
        let inv = parse("devices: []\n", "inventory.yaml", &[]).unwrap();
        assert!(inv.devices().is_empty());
        let inv = parse("devices:\n", "inventory.yaml", &[]).unwrap();
        assert!(inv.devices().is_empty());
    }

    #[test]
    fn load_reads_the_file_or_infers_devices() {
        use crate::source::Snapshot;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("configs")).unwrap();
        std::fs::write(dir.path().join("configs/r1.cfg"), "hostname r1\n").unwrap();
        std::fs::write(dir.path().join("README.md"), "notes\n").unwrap();
        let open = || {
            Snapshot::resolve(dir.path().to_str().unwrap(), None)
                .unwrap()
                .open()
                .unwrap()
        };
        let inferred = load(open().as_ref()).unwrap();
        assert!(inferred.is_inferred());
        assert_eq!(inferred.get("r1").unwrap().config, "configs/r1.cfg");
        assert_eq!(inferred.devices().len(), 1);

        std::fs::write(
            dir.path().join(INVENTORY_FILE),
            "devices:\n  - name: r1\n    platform: ios\n",
        )
        .unwrap();
        let declared = load(open().as_ref()).unwrap();
        assert!(!declared.is_inferred());
        assert_eq!(
            declared.get("r1").unwrap().dialect(),
            Some(crate::config::Dialect::Ios)
        );

        std::fs::write(dir.path().join(INVENTORY_FILE), b"devices: \xfe\n").unwrap();
        assert!(load(open().as_ref()).unwrap_err().is_unreadable());
    }
}
