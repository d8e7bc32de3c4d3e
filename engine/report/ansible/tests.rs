//! Unit tests of the exported project's shape.

use super::*;
use crate::plan::testing::sample_plan;
use crate::plan::{Phase, Step, StepKind};

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
        all.contains("ansible.builtin.shell"),
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

fn step(phase: Phase, kind: StepKind, text: &str, args: &[(&str, &str)]) -> Step {
    Step {
        phase,
        kind,
        text: text.into(),
        command: (kind != StepKind::Manual).then(|| text.to_string()),
        args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Step::default()
    }
}

/// The tasks of the play for `device` in the playbook at `path`.
fn tasks(files: &[ProjectFile], path: &str, device: &str) -> Vec<serde_yaml::Value> {
    let plays: serde_yaml::Value = serde_yaml::from_str(file(files, path)).unwrap();
    plays
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["hosts"] == device)
        .unwrap_or_else(|| panic!("no play for {device} in {path}"))["tasks"]
        .as_sequence()
        .unwrap()
        .clone()
}

fn modules(tasks: &[serde_yaml::Value]) -> Vec<String> {
    tasks
        .iter()
        .filter_map(|t| {
            t.as_mapping()?.keys().find_map(|k| {
                let k = k.as_str()?;
                k.contains('.').then(|| k.to_string())
            })
        })
        .collect()
}

#[test]
fn steps_held_as_data_become_their_modules_in_place_and_manual_rollbacks_stay_in_rollback() {
    let mut plan = sample_plan();
    let esx = &mut plan.devices[0];
    esx.platform = "esxi".into();
    let add = "govc host.portgroup.add -host esx1 -vswitch vSwitch0 -vlan 140 PG-BATCH";
    let remove = "govc host.portgroup.remove -host esx1 PG-BATCH";
    let dns = "govc host.esxcli -host esx1 network ip dns server add --server 10.0.0.53";
    let pg = [
        ("host", "esx1"),
        ("portgroup", "PG-BATCH"),
        ("vlan", "140"),
        ("vswitch", "vSwitch0"),
    ];
    esx.steps.precheck.clear();
    esx.steps.verify.clear();
    esx.steps.apply = vec![add.into(), dns.into()];
    esx.steps.rollback = vec![remove.into()];
    let lockdown = "vSphere Client: esx1 > Configure > System > Security Profile > Lockdown Mode > Edit: set lockdown mode to normal";
    let back =
        "vSphere Client: esx1 > … > Lockdown Mode > Edit: set lockdown mode back to disabled";
    esx.actions = vec![
        step(Phase::Apply, StepKind::Command, add, &pg),
        step(Phase::Apply, StepKind::Manual, lockdown, &[]),
        step(Phase::Apply, StepKind::Command, dns, &[("host", "esx1")]),
        step(Phase::Rollback, StepKind::Command, remove, &pg),
        step(Phase::Rollback, StepKind::Manual, back, &[]),
    ];
    esx.manual = vec![lockdown.into(), format!("to roll back: {back}")];
    let name = esx.name.clone();
    let wave = plan
        .waves
        .iter()
        .find(|w| w.devices.contains(&name))
        .unwrap();
    let path = format!("wave-{}-{}.yml", wave.number, wave.env);
    let files = render(&plan, &AnsibleOptions::default());

    let forward = tasks(&files, &path, &name);
    let used = modules(&forward);
    let at = |m: &str| used.iter().position(|u| u == m);
    // The port group through its module, the lockdown pause after it, then
    // the DNS server (no module adds one server) as the reviewed command.
    let portgroup = at("community.vmware.vmware_portgroup").expect("vmware_portgroup");
    let pause = used
        .iter()
        .rposition(|u| u == "ansible.builtin.pause")
        .expect("a pause");
    let shell = at("ansible.builtin.shell").expect("the DNS command");
    assert!(portgroup < pause && pause < shell, "{used:?}");
    assert_eq!(at("ansible.builtin.assert"), Some(0), "{used:?}");
    let text = serde_yaml::to_string(&forward).unwrap();
    assert!(text.contains("set lockdown mode to normal"), "{text}");
    assert!(!text.contains("lockdown mode back"), "{text}");
    assert_eq!(
        text.matches("set lockdown mode to normal").count(),
        1,
        "asked once: {text}"
    );

    let rollback = tasks(&files, "rollback.yml", &name);
    let text = serde_yaml::to_string(&rollback).unwrap();
    assert!(text.contains("state: absent"), "{text}");
    assert!(
        text.contains("set lockdown mode back to disabled"),
        "{text}"
    );
    assert!(modules(&rollback).contains(&"community.vmware.vmware_portgroup".to_string()));
}

#[test]
fn api_checks_are_api_calls_with_their_content_as_evidence() {
    let mut plan = sample_plan();
    let nsx = &mut plan.devices[0];
    nsx.platform = "nsx".into();
    let get = "GET /policy/api/v1/infra/segments/seg-batch";
    nsx.steps.precheck = vec![get.into()];
    nsx.steps.verify.clear();
    nsx.manual.clear();
    nsx.steps.apply = vec!["DELETE /policy/api/v1/infra/segments/seg-batch".into()];
    let mut check = step(Phase::Precheck, StepKind::Api, get, &[]);
    check.command = None;
    check.method = Some("GET".into());
    check.path = Some("/policy/api/v1/infra/segments/seg-batch".into());
    let mut delete = step(Phase::Apply, StepKind::Api, &nsx.steps.apply[0], &[]);
    delete.command = None;
    delete.method = Some("DELETE".into());
    delete.path = check.path.clone();
    nsx.actions = vec![check, delete];
    let name = nsx.name.clone();
    let files = render(&plan, &AnsibleOptions::default());
    let wave = plan
        .waves
        .iter()
        .find(|w| w.devices.contains(&name))
        .unwrap();
    let forward = tasks(
        &files,
        &format!("wave-{}-{}.yml", wave.number, wave.env),
        &name,
    );
    let uri: Vec<&serde_yaml::Value> = forward
        .iter()
        .filter_map(|t| t.get("ansible.builtin.uri"))
        .collect();
    assert_eq!(uri.len(), 2, "{forward:?}");
    assert_eq!(uri[0]["method"], "GET");
    assert_eq!(uri[1]["method"], "DELETE");
    let text = serde_yaml::to_string(&forward).unwrap();
    assert!(text.contains("henko_pre_1.content"), "{text}");
    assert!(!text.contains("by hand"), "{text}");
}
