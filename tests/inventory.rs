//! `henko validate` end to end: every inventory error, its exit code and the
//! file:line it points at; revisions of a store; hostile YAML.

use crate::common::TestEnv;
use assert_cmd::Command;
use std::path::Path;
use std::time::{Duration, Instant};

/// A snapshot folder `snap/` inside a test's temporary folder.
struct Case {
    env: TestEnv,
}

impl Case {
    /// A snapshot with config files for `devices` (`configs/NAME.cfg`).
    fn with_configs(devices: &[&str]) -> Case {
        let case = Case {
            env: TestEnv::new(),
        };
        for name in devices {
            case.write(&format!("configs/{name}.cfg"), format!("hostname {name}\n"));
        }
        case
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        self.env.write(format!("snap/{rel}"), contents);
    }

    fn inventory(&self, text: &str) -> &Case {
        self.write("inventory.yaml", text);
        self
    }

    fn henko(&self) -> Command {
        self.env.henko()
    }

    /// Runs `henko validate snap [extra…]`; returns (exit code, stdout + stderr).
    fn validate(&self, extra: &[&str]) -> (i32, String) {
        let started = Instant::now();
        let out = self
            .henko()
            .arg("validate")
            .arg("snap")
            .args(extra)
            .timeout(Duration::from_secs(300))
            .output()
            .unwrap();
        // A hang guard, not a performance target.
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "validate took {:?}",
            started.elapsed()
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }
}

/// Asserts that validating `text` fails with exit 1 and reports `needle` at
/// `snap/inventory.yaml:LINE:`.
fn assert_violation(case: &Case, text: &str, line: usize, needle: &str) {
    case.inventory(text);
    let (code, out) = case.validate(&[]);
    assert_eq!(code, 1, "{out}");
    let at = format!("snap/inventory.yaml:{line}:");
    assert!(out.contains(&at), "expected {at} in:\n{out}");
    assert!(out.contains(needle), "expected {needle:?} in:\n{out}");
}

#[test]
fn valid_inventory_passes() {
    let case = Case::with_configs(&["fw1", "fw2", "core1"]);
    case.inventory(
        "defaults: {site: west, env: prod}\n\
         devices:\n  - {name: fw1, kind: firewall, platform: fortios, pair: fw2, depends_on: core1}\n  \
         - {name: fw2, kind: firewall, platform: fortios, site: east, env: standby}\n  \
         - {name: core1, kind: switch, platform: eos}\n",
    );
    let (code, out) = case.validate(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ok: snap/inventory.yaml is valid (3 devices)"),
        "{out}"
    );
}

#[test]
fn missing_inventory_infers_devices() {
    let case = Case::with_configs(&["r1", "r2"]);
    case.write("README.md", "notes\n");
    let (code, out) = case.validate(&["--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["devices"], 2);
    assert_eq!(json["inferred"], true);
    assert_eq!(json["violations"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_field_with_suggestion() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    platfrom: fortios\n",
        3,
        "did you mean `platform`?",
    );
}

#[test]
fn unknown_top_level_key() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\ndevice_groups: {}\n",
        3,
        "unknown top-level key `device_groups`",
    );
}

#[test]
fn duplicate_name() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n  - name: fw1\n",
        3,
        "first defined at line 2",
    );
}

#[test]
fn depends_on_unknown_device() {
    let case = Case::with_configs(&["fw1", "sw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: sw1\n  - name: fw1\n    depends_on: [sw1, sw2]\n",
        4,
        "`fw1` depends on `sw2`",
    );
}

#[test]
fn pair_unknown_device() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    pair: fw9\n",
        3,
        "`fw1` pairs with `fw9`",
    );
}

#[test]
fn dependency_cycle_is_shown() {
    let case = Case::with_configs(&["a", "b", "c"]);
    assert_violation(
        &case,
        "devices:\n  - {name: a, depends_on: c}\n  - {name: b, depends_on: a}\n  - name: c\n    depends_on: b\n",
        2,
        "dependency cycle: a → c → b → a",
    );
}

#[test]
fn config_missing() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n  - name: fw2\n",
        3,
        "no config file for `fw2`",
    );
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    config: configs/fw1.conf\n",
        3,
        "did you mean `configs/fw1.cfg`?",
    );
}

#[test]
fn config_ambiguous() {
    let case = Case::with_configs(&["fw1"]);
    case.write("configs/old/fw1.txt", "hostname fw1\n");
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n",
        2,
        "configs/fw1.cfg, configs/old/fw1.txt",
    );
}

#[test]
fn unknown_kind_platform_env_list_valid_names() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    kind: toaster\n",
        3,
        "firewall, router, switch",
    );
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    platform: windows95\n",
        3,
        "fortios, junos",
    );
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    env: production\n",
        3,
        "dev, verify, standby, prod",
    );
    assert_violation(
        &case,
        "defaults:\n  env: staging\ndevices:\n  - name: fw1\n",
        2,
        "unknown env `staging`",
    );
}

#[test]
fn pair_with_itself() {
    let case = Case::with_configs(&["fw1"]);
    assert_violation(
        &case,
        "devices:\n  - name: fw1\n    pair: fw1\n",
        3,
        "its own pair",
    );
}

#[test]
fn pairs_that_disagree() {
    let case = Case::with_configs(&["a", "b", "c"]);
    assert_violation(
        &case,
        "devices:\n  - {name: a, pair: b}\n  - {name: b, pair: c}\n  - {name: c}\n",
        2,
        "`a` pairs with `b`, but `b` pairs with `c`",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let case = Case::with_configs(&["fw1", "fw2"]);
    case.inventory("devices:\n  - name: fw1\n    knd: firewall\n  - name: fw2\n    env: production\n    depends_on: ghost\n  - name: fw1\n");
    let (code, out) = case.validate(&["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(u64, &str)> = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            (3, "henko::inventory::unknown_field"),
            (5, "henko::inventory::unknown_env"),
            (6, "henko::inventory::unknown_device"),
            (7, "henko::inventory::duplicate_name"),
        ]
    );
    let first = &json["violations"][0];
    assert_eq!(first["file"], "snap/inventory.yaml");
    assert_eq!(first["column"], 5);
    assert_eq!(json["valid"], false);
}

#[test]
fn yaml_syntax_error_is_an_input_error_with_its_line() {
    let case = Case::with_configs(&["fw1"]);
    case.inventory("devices:\n  - name: fw1\n    tags: [a, b\n  - name: fw2\n");
    let (code, out) = case.validate(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("snap/inventory.yaml:"), "{out}");
    assert!(out.contains("invalid YAML"), "{out}");
}

#[test]
fn an_inventory_file_can_be_named_directly() {
    let case = Case::with_configs(&["fw1"]);
    case.inventory("devices:\n  - name: fw1\n    kind: firewal\n");
    let out = case
        .henko()
        .args(["validate", "snap/inventory.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("snap/inventory.yaml:3:11"), "{text}");
    assert!(text.contains("did you mean `firewall`?"), "{text}");
}

/// Commits `snap/` as the first snapshot of a new store `store/`.
fn commit_store(case: &Case) {
    case.henko().args(["init", "store"]).assert().success();
    case.henko()
        .args(["--repo", "store", "snapshot", "snap", "-m", "first"])
        .assert()
        .success();
}

#[test]
fn revisions_of_a_store_are_validated() {
    let case = Case::with_configs(&["fw1"]);
    case.inventory("devices:\n  - name: fw1\n    depends_on: [nope]\n");
    commit_store(&case);
    // Default target: the tip of `snapshots`.
    let out = case
        .henko()
        .args(["--repo", "store", "validate"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("inventory.yaml:3:18"), "{text}");
    let out = case
        .henko()
        .args(["--repo", "store", "validate", "snapshots~0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = case
        .henko()
        .args(["--repo", "store", "validate", "no-such-rev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Asserts a clean exit 2 naming inventory.yaml for hostile `bytes`.
fn assert_hostile(bytes: &[u8], needle: &str) {
    let case = Case::with_configs(&["a"]);
    case.write("inventory.yaml", bytes);
    let (code, out) = case.validate(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("snap/inventory.yaml"), "{out}");
    assert!(out.contains(needle), "expected {needle:?} in:\n{out}");
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn hostile_alias_bomb() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    text.push_str("devices: *i\n");
    assert_hostile(text.as_bytes(), "alias");
}

#[test]
fn hostile_deep_nesting() {
    let flow = format!("devices: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_hostile(flow.as_bytes(), "recursion limit");
    // Block style: `- - - … x`, one nested list per dash.
    let block = format!("devices:\n  {}x\n", "- ".repeat(10_000));
    assert_hostile(block.as_bytes(), "recursion limit");
    // Indented mappings, as deep as fits under the size cap.
    let indented: String = (0..3_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    assert_hostile(indented.as_bytes(), "recursion limit");
}

#[test]
fn hostile_duplicate_keys() {
    assert_hostile(
        b"devices: []\ndefaults: {}\ndevices: []\n",
        "duplicate entry",
    );
}

#[test]
fn hostile_tabs() {
    assert_hostile(b"devices:\n\t- name: a\n", "tabs");
}

#[test]
fn hostile_fifty_megabytes() {
    let line = "  - name: device-with-a-long-name\n";
    let text = format!("devices:\n{}", line.repeat(50 * 1024 * 1024 / line.len()));
    assert_hostile(text.as_bytes(), "up to 16 MiB");
}

#[test]
fn hostile_binary_file() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    assert_hostile(&bytes, "binary");
}

#[test]
fn hostile_invalid_utf8() {
    assert_hostile(b"devices:\n  - name: caf\xe9\n", "not UTF-8");
}

#[test]
fn sheets_are_checked_against_their_schema() {
    let case = Case::with_configs(&["sw1"]);
    case.inventory(
        "devices:\n  - name: sw1\n  - {name: ports, kind: service, platform: csv, config: sheets/ports.csv}\n",
    );
    case.write(
        "sheets/ports.schema.yaml",
        "key: port\ncolumns:\n  vlan: {type: integer, min: 1, max: 4094}\n  switch: {ref: device}\n",
    );
    case.write(
        "sheets/ports.csv",
        "port,vlan,switch\np1,10,sw1\np2,5000,sw9\n",
    );
    let (code, out) = case.validate(&["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let violations = json["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2, "{out}");
    for v in violations {
        assert_eq!(v["file"], "sheets/ports.csv");
        assert_eq!(v["line"], 3);
        assert!(v["code"].as_str().unwrap().starts_with("henko::sheet::"));
    }
    // Fixed sheet: clean.
    case.write("sheets/ports.csv", "port,vlan,switch\np1,10,sw1\n");
    assert_eq!(case.validate(&[]).0, 0);
}

/// The crate's demo snapshots, for checks against a real inventory.
fn demo_inventory() -> (String, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo/2023-04-01");
    let text = std::fs::read_to_string(root.join("inventory.yaml")).unwrap();
    let snapshot = henko::source::Snapshot::resolve(root.to_str().unwrap(), None).unwrap();
    let files = snapshot.open().unwrap().files().unwrap();
    (text, files.into_iter().map(|f| f.path).collect())
}

#[test]
fn demo_device_lines_match_their_entries() {
    let (text, files) = demo_inventory();
    let inventory = henko::inventory::parse(&text, "inventory.yaml", &files).unwrap();
    assert!(inventory.devices().len() >= 30);
    let lines: Vec<&str> = text.lines().collect();
    for device in inventory.devices() {
        let line = lines[device.line as usize - 1];
        assert_eq!(
            line.trim(),
            format!("- name: {}", device.name),
            "{}",
            device.name
        );
    }
}

#[test]
fn demo_mistakes_point_at_the_mistaken_line() {
    let (text, files) = demo_inventory();
    // Break every `kind:` line in turn; the one violation must name it.
    let kind_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("kind: "))
        .map(|(i, _)| i)
        .collect();
    assert!(kind_lines.len() >= 30);
    for &broken in &kind_lines {
        let mutated: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == broken {
                    format!("{}\n", l.replace("kind: ", "kind: x"))
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let err = henko::inventory::parse(&mutated, "inventory.yaml", &files).unwrap_err();
        let violations = err.violations();
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].line, broken + 1);
        assert_eq!(violations[0].code, "henko::inventory::unknown_kind");
    }
}

#[test]
fn unreadable_inventory_still_gives_json_and_exit_2() {
    let case = Case::with_configs(&["a"]);
    case.write("inventory.yaml", b"devices:\n\t- name: a\n");
    let out = case
        .henko()
        .args(["validate", "snap", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["violations"][0]["code"], "henko::inventory::syntax");
    assert_eq!(json["violations"][0]["line"], 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("snap/inventory.yaml: cannot be read"),
        "{stderr}"
    );
}

#[test]
fn markdown_lists_problems_for_a_pull_request() {
    let case = Case::with_configs(&["a"]);
    case.inventory("devices:\n  - name: a\n    env: prd\n");
    let out = case
        .henko()
        .args(["validate", "snap", "--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("### henko validate: 1 problem found in snap"),
        "{text}"
    );
    assert!(
        text.contains("- `snap/inventory.yaml:3:10` unknown env `prd` (`henko::inventory::unknown_env`) — did you mean `prod`?"),
        "{text}"
    );
}
