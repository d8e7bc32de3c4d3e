//! End-to-end tests of `henko demo` and of the embedded demo data in
//! `snapshots/demo/` (see docs/demo.md).

use crate::common::TestEnv;
use henko::config::{self, Dialect, ParseOptions};
use henko::inventory;
use henko::source::{FileTree, Snapshot};
use std::path::{Path, PathBuf};

const POINTS: [&str; 3] = ["2023-04-01", "2023-05-15", "2023-06-30"];

fn demo_folder(point: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots/demo")
        .join(point)
}

fn open(point: &str) -> Box<dyn FileTree> {
    let folder = demo_folder(point);
    Snapshot::resolve(folder.to_str().unwrap(), None)
        .unwrap()
        .open()
        .unwrap()
}

#[test]
fn demo_runs_end_to_end_and_names_the_store() {
    let env = TestEnv::new();
    let out = env.henko().args(["demo", "--clean"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("store:     /"), "{stdout}");
    for point in POINTS {
        assert!(
            stdout.contains(&format!("committed  tag demo-{point}")),
            "{point} not committed:\n{stdout}"
        );
    }
    // The deliberate schema violation of 2023-06-30 is reported with its cell.
    assert!(stdout.contains("東センター!D6"), "{stdout}");
    // The diff of the whole period, then the full diff of the last window.
    assert!(
        stdout.contains("diff demo-2023-04-01 demo-2023-06-30 (per device):"),
        "{stdout}"
    );
    assert!(stdout.contains("→ PermitRootLogin yes"), "{stdout}");
    // The deliberate drift, and nothing the substitution rules explain away.
    assert!(
        stdout.contains("2023-04-01  2 pair(s) differ: w-fw01 ⇄ e-fw01, w-fw02 ⇄ e-fw02"),
        "{stdout}"
    );
    assert!(stdout.contains("2023-06-30  6 pair(s) differ"), "{stdout}");
    // A plan per window, with its risk.
    assert!(
        stdout.contains("plan demo-2023-04-01 → demo-2023-05-15: risk "),
        "{stdout}"
    );
    assert!(
        stdout.contains("plan demo-2023-05-15 → demo-2023-06-30: risk "),
        "{stdout}"
    );
    assert!(stdout.contains("is removed now"), "{stdout}");
    // Nothing to try on a store that is gone.
    assert!(!stdout.contains("try: henko"), "{stdout}");
    // verify finds both things the backup after the window holds: the
    // pool member still in SG-WEB-443 and the admin timeout set by hand.
    let lines: Vec<&str> = stdout.lines().map(str::trim).collect();
    let verify = lines
        .iter()
        .position(|l| {
            l.starts_with(
                "verify: plan demo-2023-05-15 → demo-2023-06-30 held against demo-2023-07-01",
            )
        })
        .unwrap_or_else(|| panic!("no verify section: {stdout}"));
    let at = |prefix: &str| {
        verify
            + lines[verify..]
                .iter()
                .position(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no line starting with {prefix}: {stdout}"))
    };
    let slb = at("w-slb01 ");
    assert!(
        lines[slb].ends_with("partial  (1 of 2 planned change(s) present)"),
        "{stdout}"
    );
    assert_eq!(
        lines[slb + 1],
        "+ slb service-group SG-WEB-443 tcp > member web03 443"
    );
    let fw = at("w-fw01 ");
    assert!(lines[fw].ends_with("unplanned change"), "{stdout}");
    assert_eq!(
        lines[fw + 1],
        "- config system global > set admintimeout 30"
    );
    assert_eq!(
        lines[fw + 2],
        "+ config system global > set admintimeout 480"
    );
    assert!(
        stdout.contains("landed 13, partial 1, unplanned change 1 — 2 device(s) need attention."),
        "{stdout}"
    );
}

#[test]
fn demo_out_keeps_a_store_that_log_reads() {
    let env = TestEnv::new();
    let demo = env
        .henko()
        .args(["demo", "--out", "kept"])
        .output()
        .unwrap();
    assert!(demo.status.success());
    let stdout = String::from_utf8_lossy(&demo.stdout);
    // The verify command the demo suggests works as printed: the backup
    // after the window needs attention on two devices (exit 1).
    let hint = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("try: henko "))
        .unwrap_or_else(|| panic!("no verify hint: {stdout}"));
    let args: Vec<&str> = hint.split_whitespace().collect();
    assert_eq!(args[0], "--repo", "{hint}");
    let verify = env.henko().args(&args).output().unwrap();
    assert_eq!(
        verify.status.code(),
        Some(1),
        "{hint}: {}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("partial"));
    every_planned_device_has_steps_or_a_specific_manual_step(&env.join("kept/reports"));
    assert!(env
        .join("kept/snapshots/2023-06-30/inventory.yaml")
        .is_file());
    let out = env
        .henko()
        .args(["--repo", "kept/store", "log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stdout);
    let tags: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split("tag: ").nth(1)?.split(')').next())
        .collect();
    assert_eq!(
        tags,
        vec![
            "demo-2023-07-01",
            "demo-2023-06-30",
            "demo-2023-05-15",
            "demo-2023-04-01"
        ],
        "{log}"
    );
}

/// Checks every plan the demo wrote under `reports`: each device whose
/// configuration changes gets apply and rollback steps, or manual steps
/// that say what to do, never henko's generic "edit the file" fallback.
fn every_planned_device_has_steps_or_a_specific_manual_step(reports: &Path) {
    let mut plans = 0;
    for entry in std::fs::read_dir(reports).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("plan_") && name.ends_with(".json")) {
            continue;
        }
        plans += 1;
        let plan: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for device in plan["devices"].as_array().unwrap() {
            let device_name = &device["name"];
            let config_changes = device["changes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["category"] != "inventory");
            if !config_changes {
                continue;
            }
            let list = |v: &serde_json::Value| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect()
            };
            let manual = list(&device["manual"]);
            let apply = list(&device["steps"]["apply"]);
            let rollback = list(&device["steps"]["rollback"]);
            assert!(
                !manual
                    .iter()
                    .any(|m| m.starts_with("no rule gives commands")),
                "{name}: {device_name} only has the generic fallback: {manual:?}"
            );
            let manual_apply = manual.iter().any(|m| !m.starts_with("to roll back: "));
            let manual_rollback = manual.iter().any(|m| m.starts_with("to roll back: "));
            assert!(
                !apply.is_empty() || manual_apply,
                "{name}: {device_name} has no apply step"
            );
            assert!(
                !rollback.is_empty() || manual_rollback,
                "{name}: {device_name} has no rollback step"
            );
        }
    }
    assert!(plans >= 2, "{plans} plan(s) under {}", reports.display());
}

#[test]
fn demo_out_refuses_a_folder_that_is_not_empty() {
    let env = TestEnv::new();
    env.write("busy/notes.txt", "mine\n");
    let out = env
        .henko()
        .args(["demo", "--out", "busy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(env.join("busy/notes.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn every_demo_inventory_loads_with_pairs_across_sites() {
    for point in POINTS {
        let tree = open(point);
        let inv = inventory::load(tree.as_ref()).unwrap_or_else(|e| panic!("{point}: {e:?}"));
        assert!(inv.devices().len() >= 30, "{point}");
        for device in inv.devices() {
            if let Some(twin) = inv.pair(&device.name) {
                assert_ne!(
                    device.site, twin.site,
                    "{point}: {} pairs within a site",
                    device.name
                );
                assert_eq!(twin.pair.as_deref(), Some(device.name.as_str()));
            }
        }
        // VMs reach the firewalls through hypervisor, leaf, aggregation and core.
        let chain = inv.dependencies("w-web01");
        let reached: Vec<&str> = chain.iter().map(|p| p.device.as_str()).collect();
        for provider in [
            "w-esx01",
            "w-leaf01",
            "w-l3sw01",
            "w-core-rt01",
            "w-fw01",
            "w-pafw01",
        ] {
            assert!(
                reached.contains(&provider),
                "{point}: w-web01 does not reach {provider}"
            );
        }
    }
}

#[test]
fn every_demo_config_parses_without_warnings() {
    for point in POINTS {
        let tree = open(point);
        let inv = inventory::load(tree.as_ref()).unwrap();
        for device in inv.devices() {
            let dialect = Dialect::for_platform(&device.platform)
                .unwrap_or_else(|| panic!("{}: unknown platform {}", device.name, device.platform));
            let bytes = tree.read(&device.config).unwrap();
            let options = ParseOptions {
                key_column: device.key.clone(),
                ..ParseOptions::default()
            };
            // Workbooks are binary: the sheet reader turns them into trees.
            let parsed = if dialect == Dialect::Xlsx {
                config::sheet::parse_xlsx(&bytes, device.key.as_deref())
            } else {
                config::parse(&bytes, dialect, &options)
            };
            assert!(
                parsed.warnings.is_empty(),
                "{point}/{} ({dialect}): {:?}",
                device.config,
                parsed.warnings
            );
            assert!(
                !parsed.roots.is_empty(),
                "{point}/{}: empty tree",
                device.config
            );
        }
    }
}
