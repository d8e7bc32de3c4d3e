//! Unit tests of the exported project's shape.

use super::*;
use crate::plan::testing::sample_plan;

fn project() -> (Plan, Vec<ProjectFile>) {
    let mut plan = sample_plan();
    let platforms = ["junos", "fortios", "vmware", "panos"];
    for (device, platform) in plan.devices.iter_mut().zip(platforms) {
        device.platform = platform.into();
    }
    plan.devices[1].steps.apply = vec![
        "config system admin".into(),
        "    edit \"admin\"".into(),
        "        set password <secret:ab12cd34>".into(),
        "    next".into(),
        "end".into(),
    ];
    plan.devices[0].steps.precheck = vec!["show system uptime".into()];
    let files = render(&plan, &AnsibleOptions::default());
    (plan, files)
}

fn file<'a>(files: &'a [ProjectFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
        .text
}

#[test]
fn every_playbook_names_the_plan_and_site_imports_waves_in_order() {
    let (plan, files) = project();
    for f in files.iter().filter(|f| f.path.ends_with(".yml")) {
        assert!(
            f.text.starts_with(&format!("# henko plan {}\n", plan.hash)),
            "{}",
            f.path
        );
        serde_yaml::from_str::<serde_yaml::Value>(&f.text)
            .unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
    let site: serde_yaml::Value = serde_yaml::from_str(file(&files, "site.yml")).unwrap();
    let imports: Vec<String> = site
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.get("import_playbook")
                .and_then(|v| v.as_str())
                .map(String::from)
        })
        .collect();
    let expected: Vec<String> = plan
        .waves
        .iter()
        .map(|w| format!("wave-{}-{}.yml", w.number, w.env))
        .collect();
    assert_eq!(imports, expected);
}

#[test]
fn production_waves_ask_first_and_every_play_is_serial_and_fatal() {
    let (plan, files) = project();
    for wave in &plan.waves {
        let text = file(&files, &format!("wave-{}-{}.yml", wave.number, wave.env));
        let plays: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let plays = plays.as_sequence().unwrap();
        assert_eq!(
            plays[0]["name"] == "confirmation",
            wave.env == "prod",
            "{text}"
        );
        for play in plays {
            assert_eq!(play["any_errors_fatal"], true);
        }
        for play in plays.iter().filter(|p| p["hosts"] != "localhost") {
            assert_eq!(play["serial"], 1);
        }
    }
}

#[test]
fn secrets_are_vault_references_only() {
    let (plan, files) = project();
    let fortigate = &plan.devices[1].name;
    let script = file(&files, &format!("scripts/{fortigate}/apply.txt"));
    assert!(
        script.contains("set password {{ henko_secret_ab12cd34 }}"),
        "{script}"
    );
    let vault = file(&files, "vault-template.yml");
    assert!(vault.contains("henko_secret_ab12cd34: \"\""), "{vault}");
    let site = file(&files, "site.yml");
    assert!(site.contains("henko_secret_ab12cd34 is defined"), "{site}");
}

#[test]
fn each_platform_gets_its_module() {
    let (plan, files) = project();
    let all: String = files.iter().map(|f| f.text.as_str()).collect();
    assert!(all.contains("junipernetworks.junos.junos_config"));
    assert!(all.contains("confirm_commit: true"));
    assert!(all.contains("upload.system.config-script"));
    assert!(
        all.contains("ansible.builtin.command"),
        "the VM's govc steps run on the control node"
    );
    assert!(all.contains("by hand on"), "PAN-OS XML is applied by hand");
    let junos = &plan.devices[0].name;
    assert!(all.contains(&format!(
        "{{{{ henko_evidence_dir }}}}/{junos}/pre/01-show-system-uptime.txt"
    )));
    let inventory: serde_yaml::Value = serde_yaml::from_str(file(&files, "inventory.yml")).unwrap();
    let waves = &inventory["all"]["children"];
    let first = &plan.waves[0];
    let group = &waves[format!("wave_{}_{}", first.number, first.env).as_str()];
    assert!(
        group["children"]
            .as_mapping()
            .is_some_and(|m| !m.is_empty()),
        "{inventory:?}"
    );
}
