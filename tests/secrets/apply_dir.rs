//! `plan --apply-dir`: pasteable files with real values, owner-only, that
//! henko's own simulation carries from FROM to TO (and back); placeholders
//! never in them; the plan (and so its hash and approvals) unchanged.

use super::catalogue::{self, Mode, FORMS};
use super::{output, run, snapshot_catalogue};
use crate::common::TestEnv;
use henko::config::{parse, Dialect, ParseOptions};
use henko::diff::{diff_trees, DiffOptions, Op};
use henko::plan::remediate::{simulate, PlatformRules};
use std::path::Path;

/// True for the platforms with command-line remediation.
fn is_cli(platform: &str) -> bool {
    !matches!(platform, "panos" | "yaml" | "json" | "ini")
}

/// Reads an apply-dir file as command lines, if it was written.
fn commands(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

/// Fails unless `commands` carry `start` to `goal` in henko's simulation.
fn assert_reaches(platform: &str, start: &str, goal: &str, commands: &[String], what: &str) {
    let dialect = Dialect::for_platform(platform).unwrap();
    let rules = PlatformRules::builtin(platform);
    let options = ParseOptions::default();
    let start = parse(start.as_bytes(), dialect, &options);
    let goal = parse(goal.as_bytes(), dialect, &options);
    let reached =
        simulate(&start, commands, platform, &rules).unwrap_or_else(|e| panic!("{what}: {e}"));
    let goal = simulate(&goal, &[], platform, &rules).unwrap();
    let diff = DiffOptions {
        show_secrets: true,
        ..DiffOptions::default()
    };
    let gap: Vec<_> = diff_trees(&reached, &goal, &diff)
        .into_iter()
        // An emptied section is how "absent" looks on these CLIs.
        .filter(|c| !(matches!(c.op, Op::Add | Op::Remove) && c.body.is_empty()))
        .collect();
    assert!(gap.is_empty(), "{what}: {gap:?}\n{commands:#?}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Checks every written file of the catalogue's apply folder `dir`:
/// no placeholder, owner-only, and (for verified devices of `plan`) the
/// simulation reaches TO with apply and FROM with rollback. Returns how
/// many devices had both files.
fn check_folder(dir: &Path, plan: &serde_json::Value) -> usize {
    #[cfg(unix)]
    assert_eq!(mode(dir), 0o700);
    let verified = |name: &str| {
        plan["devices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == name && d["verified"] == true)
    };
    let mut complete = 0;
    for (index, form) in FORMS.iter().enumerate() {
        if !is_cli(form.platform) {
            continue;
        }
        for mode_ in Mode::ALL {
            let name = catalogue::device(index, mode_);
            let folder = dir.join(&name);
            let (from, to) = (
                catalogue::config(index, mode_, 'a'),
                catalogue::config(index, mode_, 'b'),
            );
            let apply = commands(&folder.join("apply.txt"));
            let rollback = commands(&folder.join("rollback.txt"));
            for (file, lines) in [("apply.txt", &apply), ("rollback.txt", &rollback)] {
                if let Some(lines) = lines {
                    let text = lines.join("\n");
                    assert!(!text.contains("<secret:"), "{name}/{file}: {text}");
                    #[cfg(unix)]
                    assert_eq!(mode(&folder.join(file)), 0o600, "{name}/{file}");
                }
            }
            if let (Some(apply), Some(rollback)) = (&apply, &rollback) {
                // Manual items (key material) are outside the simulation.
                if verified(&name) && !folder.join("manual.txt").exists() {
                    assert_reaches(form.platform, &from, &to, apply, &format!("{name} apply"));
                    assert_reaches(
                        form.platform,
                        &to,
                        &from,
                        rollback,
                        &format!("{name} rollback"),
                    );
                }
                complete += 1;
            }
        }
    }
    complete
}

/// HMAC-SHA256 of `value` under `key`, first 4 bytes as hex: the
/// fingerprint format documented in docs/hardening.md, computed here
/// independently of henko.
fn hmac8(key: &[u8], value: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn apply_dir_files_hold_real_values_and_pass_the_simulation() {
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    let (from, to) = snapshot_catalogue(&env, "store", false);
    let (from, to) = (from.as_str(), to.as_str());
    let plain = [
        "--repo",
        "store",
        "plan",
        from,
        to,
        "--keep-going",
        "-o",
        "plain.json",
    ];
    run(&env, &plain, &[0]);
    let args = [
        "--repo",
        "store",
        "plan",
        from,
        to,
        "--keep-going",
        "-o",
        "plan.json",
        "--apply-dir",
        "out",
    ];
    run(&env, &args, &[0]);
    // The reviewed plan is the same with or without --apply-dir.
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(env.join(f)).unwrap()).unwrap()
    };
    let plan = read("plan.json");
    assert_eq!(plan["hash"], read("plain.json")["hash"]);
    assert!(!std::fs::read_to_string(env.join("plan.json"))
        .unwrap()
        .contains("Qx0"));
    let complete = check_folder(&env.join("out"), &plan);
    assert!(
        complete >= 2 * FORMS.len(),
        "{complete} devices with both files"
    );
    // A changed secret's new value is in apply.txt, its old one in rollback.txt.
    let index = FORMS
        .iter()
        .position(|f| f.text.starts_with("snmp-server community {S} RO 10"))
        .unwrap();
    let folder = env
        .join("out")
        .join(catalogue::device(index, Mode::Changed));
    let apply = std::fs::read_to_string(folder.join("apply.txt")).unwrap();
    let rollback = std::fs::read_to_string(folder.join("rollback.txt")).unwrap();
    assert!(
        apply.contains(&catalogue::token(index, Mode::Changed, 'b', 'S')),
        "{apply}"
    );
    assert!(
        rollback.contains(&catalogue::token(index, Mode::Changed, 'a', 'S')),
        "{rollback}"
    );
}

#[test]
fn a_redacted_store_takes_values_from_the_secrets_file_or_names_the_manual_step() {
    let env = TestEnv::new();
    run(&env, &["init", "store"], &[0]);
    let (from, to) = snapshot_catalogue(&env, "store", true);
    let (from, to) = (from.as_str(), to.as_str());
    // Without values: no pasteable file holds a placeholder, and the
    // devices whose commands need a secret say which in manual.txt.
    let args = [
        "--repo",
        "store",
        "plan",
        from,
        to,
        "--keep-going",
        "-o",
        "plan.json",
        "--apply-dir",
        "bare",
    ];
    let out = output(&env, &args, &[0]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("manual steps"));
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.join("plan.json")).unwrap()).unwrap();
    check_folder(&env.join("bare"), &plan);
    let index = FORMS
        .iter()
        .position(|f| f.text.starts_with("snmp-server community {S} RO 10"))
        .unwrap();
    let device = env
        .join("bare")
        .join(catalogue::device(index, Mode::Changed));
    assert!(!device.join("apply.txt").exists());
    let manual = std::fs::read_to_string(device.join("manual.txt")).unwrap();
    assert!(manual.contains("needs <secret:"), "{manual}");

    // With every value in --secrets: every list is written, values real.
    let key = std::fs::read(env.join("store/henko/redact.key")).unwrap();
    let mut file = String::new();
    for token in catalogue::tokens() {
        for value in [
            token.clone(),
            format!("$9${token}"),
            format!("$6${token}"),
            format!("$5${token}"),
            format!("-AQ=={token}"),
            format!("-----BEGIN ENCRYPTED PRIVATE KEY-----\n{token}\n-----END ENCRYPTED PRIVATE KEY-----"),
        ] {
            file.push_str(&format!("\"{}\": {}\n", hmac8(&key, &value), serde_json::to_string(&value).unwrap()));
        }
    }
    env.write("vault.yaml", file);
    let args = [
        "--repo",
        "store",
        "plan",
        from,
        to,
        "--keep-going",
        "--apply-dir",
        "full",
        "--secrets",
        "vault.yaml",
    ];
    run(&env, &args, &[0]);
    let complete = check_folder(&env.join("full"), &plan);
    assert!(
        complete >= 2 * FORMS.len(),
        "{complete} devices with both files"
    );
    let apply = std::fs::read_to_string(
        env.join("full")
            .join(catalogue::device(index, Mode::Changed))
            .join("apply.txt"),
    )
    .unwrap();
    assert!(
        apply.contains(&catalogue::token(index, Mode::Changed, 'b', 'S')),
        "{apply}"
    );
}
