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
    syntax_check(&env, "project");
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

/// Runs `ansible-playbook --syntax-check` on `site.yml` and `rollback.yml`
/// of the project in `project` (when Ansible is installed).
fn syntax_check(env: &crate::common::TestEnv, project: &str) {
    let Some(ansible) = ansible_playbook() else {
        return;
    };
    let home = env.mkdir(format!("{project}-ansible-home"));
    for playbook in ["site.yml", "rollback.yml"] {
        let out = std::process::Command::new(&ansible)
            .args(["--syntax-check", "-i", "inventory.yml", playbook])
            .current_dir(env.join(project))
            .env("ANSIBLE_HOME", &home)
            .env("ANSIBLE_LOCAL_TEMP", &home)
            .env("ANSIBLE_NOCOLOR", "1")
            .output()
            .expect("run ansible-playbook");
        assert!(
            out.status.success(),
            "{project}/{playbook}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn structured_steps_export_as_their_ansible_modules() {
    // One change per platform whose steps are data: ESXi, a VM, NSX, the
    // FlashArray and RHEL files (tests/platforms.rs). The plan is not
    // approved (the empty store has no approvals), so the export needs
    // --force.
    let env = crate::platforms::setup();
    crate::platforms::plan(&env, &[]);
    env.henko().args(["init", "store"]).assert().success();
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "export",
            "plan.json",
            "--ansible",
            "project",
            "--force",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(env.join("project").join(name)).unwrap();
    let site: String = std::fs::read_dir(env.join("project"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("wave-"))
        })
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let rollback = read("rollback.yml");
    // Module names and parameters from the collections' documentation.
    for (module, param) in [
        ("community.vmware.vmware_portgroup:", "portgroup: PG-BATCH"),
        ("community.vmware.vmware_guest:", "num_cpus: 4"),
        (
            "community.vmware.vmware_guest_network:",
            "network_name: PG-BATCH",
        ),
        (
            "purestorage.flasharray.purefa_host:",
            "volume: vol-db01-data",
        ),
        ("ansible.builtin.uri:", "method: PATCH"),
        (
            "ansible.builtin.lineinfile:",
            "line: PermitRootLogin prohibit-password",
        ),
        ("ansible.builtin.lineinfile:", "line: MTU=9000"),
    ] {
        assert!(site.contains(module), "{module} missing:\n{site}");
        assert!(site.contains(param), "{param} missing:\n{site}");
    }
    for (module, param) in [
        ("community.vmware.vmware_portgroup:", "state: absent"),
        ("community.vmware.vmware_guest:", "num_cpus: 2"),
        ("purestorage.flasharray.purefa_host:", "lun: 10"),
        ("ansible.builtin.uri:", "method: DELETE"),
        ("ansible.builtin.lineinfile:", "line: vm.swappiness = 10"),
    ] {
        assert!(rollback.contains(module), "{module} missing:\n{rollback}");
        assert!(rollback.contains(param), "{param} missing:\n{rollback}");
    }
    // NSX checks are the GET calls, with the response kept as evidence.
    assert!(site.contains("method: GET"), "{site}");
    assert!(
        !site.contains("by hand on"),
        "nothing left to do by hand:\n{site}"
    );
    syntax_check(&env, "project");
}
