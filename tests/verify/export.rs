//! `henko export --ansible`: the gate, the project files, and
//! `ansible-playbook --syntax-check` on the result when Ansible is
//! installed (`.ci/run` installs it with pip).

use super::fixture::*;
use std::path::PathBuf;

/// Returns `ansible-playbook`: `$HENKO_ANSIBLE_PLAYBOOK`, or the one on
/// `PATH`; `None` (with a notice) when there is none.
fn ansible_playbook() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HENKO_ANSIBLE_PLAYBOOK") {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("ansible-playbook"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = "notice: ansible-playbook is not installed; skipping the syntax check of the exported project";
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "{message} (CI=true needs it)"
        );
        eprintln!("{message}");
    }
    found
}

#[test]
fn an_approved_plan_exports_a_project_that_ansible_accepts() {
    let env = setup();
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "export",
            "plan.json",
            "--ansible",
            "project",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.join("plan.json")).unwrap()).unwrap();
    let hash = plan["hash"].as_str().unwrap();
    let mut playbooks = vec!["site.yml".to_string(), "rollback.yml".to_string()];
    for wave in plan["waves"].as_array().unwrap() {
        playbooks.push(format!(
            "wave-{}-{}.yml",
            wave["number"],
            wave["env"].as_str().unwrap()
        ));
    }
    for name in playbooks.iter().chain(
        [
            "inventory.yml".to_string(),
            "vault-template.yml".to_string(),
        ]
        .iter(),
    ) {
        let text = std::fs::read_to_string(env.join("project").join(name)).unwrap();
        assert!(
            text.starts_with(&format!("# henko plan {hash}\n")),
            "{name}"
        );
    }
    let inventory = std::fs::read_to_string(env.join("project/inventory.yml")).unwrap();
    for os in [
        "cisco.ios.ios",
        "junipernetworks.junos.junos",
        "fortinet.fortios.fortios",
    ] {
        assert!(inventory.contains(os), "{os} missing from {inventory}");
    }
    let script = std::fs::read_to_string(env.join("project/scripts/fw1/apply.txt")).unwrap();
    assert!(script.contains("set timezone 04"), "{script}");

    // A second export never overwrites the first.
    let again = env
        .henko()
        .args([
            "--repo",
            "store",
            "export",
            "plan.json",
            "--ansible",
            "project",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    let Some(ansible) = ansible_playbook() else {
        return;
    };
    let home = env.mkdir("ansible-home");
    for playbook in ["site.yml", "rollback.yml"] {
        let out = std::process::Command::new(&ansible)
            .args(["--syntax-check", "-i", "inventory.yml", playbook])
            .current_dir(env.join("project"))
            .env("ANSIBLE_HOME", &home)
            .env("ANSIBLE_LOCAL_TEMP", &home)
            .env("ANSIBLE_NOCOLOR", "1")
            .output()
            .expect("run ansible-playbook");
        assert!(
            out.status.success(),
            "{playbook}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_stale_plan_is_refused_unless_forced() {
    let env = setup();
    // Move the plan's TO: the recomputed plan differs, so `check` refuses.
    let mut configs = to_configs();
    configs[0].1 = ios("r1", " ip ospf cost 30\n");
    let moved = after(&env, &configs);
    let tag = env.git(&["-C", "store", "tag", "-f", "v2", &moved]);
    assert!(
        tag.status.success(),
        "{}",
        String::from_utf8_lossy(&tag.stderr)
    );
    let check = env
        .henko()
        .args(["--repo", "store", "check", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "export",
            "plan.json",
            "--ansible",
            "stale",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("would refuse") && err.contains("stale"),
        "{err}"
    );
    assert!(
        !env.join("stale").exists(),
        "nothing is written for a refused plan"
    );
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "export",
            "plan.json",
            "--ansible",
            "stale",
            "--force",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(env.join("stale/site.yml").is_file());
}
