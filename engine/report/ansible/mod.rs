//! A plan as a ready-to-run Ansible project: `inventory.yml` grouped by
//! wave and site, `site.yml` importing one playbook per wave in the plan's
//! order, `rollback.yml` in the plan's rollback order, `vault-template.yml`
//! listing the secrets the playbooks need as vault variables, and FortiOS
//! CLI scripts under `scripts/`. Steps a plan holds as data (ESXi, vSphere,
//! NSX, FlashArray, RHEL files) become the matching modules' tasks.
//!
//! Every playbook starts with the plan hash; secrets are never written,
//! only `{{ henko_secret_<fingerprint> }}` references. Why each platform
//! is reached the way it is: `docs/ansible.md`.

mod device;
mod modules;
mod platform;
mod text;

pub use device::evidence_name;
pub use platform::{target, Apply, Target};
pub use text::SECRET_VAR_PREFIX;

use crate::plan::{Plan, PlanDevice};
use device::{play, Collect, Direction};
use serde_json::{json, Value};
use text::{file_name, ident, SecretUses};

/// One file of the exported project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectFile {
    /// Path inside the project folder, `/`-separated.
    pub path: String,
    /// Its content.
    pub text: String,
}

/// Choices of `henko export --ansible`.
#[derive(Clone, Debug)]
pub struct AnsibleOptions {
    /// Minutes a Junos `commit confirmed` waits before rolling back by itself.
    pub confirm_minutes: u32,
}

impl Default for AnsibleOptions {
    fn default() -> Self {
        AnsibleOptions {
            confirm_minutes: 10,
        }
    }
}

/// Returns the files of the Ansible project that carries out `plan`.
pub fn render(plan: &Plan, options: &AnsibleOptions) -> Vec<ProjectFile> {
    let mut uses = SecretUses::new();
    let mut extra = Vec::new();
    let mut files = vec![ProjectFile {
        path: "inventory.yml".into(),
        text: inventory(plan, options),
    }];
    let mut imports = Vec::new();
    for wave in &plan.waves {
        let path = format!("wave-{}-{}.yml", wave.number, ident(&wave.env));
        let mut plays = Vec::new();
        if wave.env.split('/').any(|e| e == "prod") {
            plays.push(confirmation(&format!(
                "Wave {} changes PRODUCTION ({} device(s): {}). Type Enter to go on, Ctrl+C then A to stop",
                wave.number,
                wave.devices.len(),
                wave.devices.join(", ")
            )));
        }
        for name in &wave.devices {
            let Some(device) = plan.device(name) else {
                continue;
            };
            let heading = format!(
                "wave {} ({}) · {} ({}, {})",
                wave.number, wave.env, device.name, device.platform, device.site
            );
            let mut collect = Collect {
                hash: &plan.hash,
                uses: &mut uses,
                files: &mut extra,
            };
            plays.push(play(
                device,
                &manual_steps(plan, device),
                Direction::Forward,
                &heading,
                &mut collect,
            ));
        }
        imports.push(json!({"import_playbook": path}));
        files.push(ProjectFile {
            text: playbook(
                plan,
                &format!("wave {} ({})", wave.number, wave.env),
                &plays,
            ),
            path,
        });
    }
    let mut rollback_plays = vec![confirmation(&format!(
        "ROLLBACK of plan {} on {} device(s), in this order: {}. Type Enter to go on, Ctrl+C then A to stop",
        short(&plan.hash),
        plan.rollback_order.len(),
        plan.rollback_order.join(", ")
    ))];
    for name in &plan.rollback_order {
        let Some(device) = plan.device(name) else {
            continue;
        };
        let mut collect = Collect {
            hash: &plan.hash,
            uses: &mut uses,
            files: &mut extra,
        };
        rollback_plays.push(play(
            device,
            &[],
            Direction::Rollback,
            &format!("rollback · {} ({})", device.name, device.platform),
            &mut collect,
        ));
    }
    let preflight = preflight(&uses);
    let mut site = vec![preflight.clone()];
    site.extend(imports);
    files.push(ProjectFile {
        path: "site.yml".into(),
        text: playbook(plan, "every wave, in plan order", &site),
    });
    let mut rollback = vec![preflight];
    rollback.extend(rollback_plays);
    files.push(ProjectFile {
        path: "rollback.yml".into(),
        text: playbook(plan, "rollback, in the plan's rollback order", &rollback),
    });
    files.push(ProjectFile {
        path: "vault-template.yml".into(),
        text: vault_template(plan, &uses),
    });
    files.extend(extra);
    files
}

/// Returns the steps to do by hand for `device`: its own, then plan-wide
/// ones naming it that it does not already list.
fn manual_steps(plan: &Plan, device: &PlanDevice) -> Vec<String> {
    let mut steps = device.manual.clone();
    for step in plan.manual.iter().filter(|m| m.device == device.name) {
        if !steps.contains(&step.text) {
            steps.push(step.text.clone());
        }
    }
    steps
}

/// A play on the control node that waits for the operator.
fn confirmation(prompt: &str) -> Value {
    json!({
        "name": "confirmation",
        "hosts": "localhost",
        "gather_facts": false,
        "any_errors_fatal": true,
        "tasks": [{"name": "confirm", "ansible.builtin.pause": {"prompt": prompt}}],
    })
}

/// A play on the control node that stops before anything runs when a
/// vault variable the playbooks need is not defined.
fn preflight(uses: &SecretUses) -> Value {
    let vars: Vec<String> = uses
        .keys()
        .map(|fp| format!("{SECRET_VAR_PREFIX}{fp} is defined"))
        .collect();
    let mut tasks = vec![json!({
        "name": "plan hash",
        "ansible.builtin.debug": {"msg": "henko plan {{ henko_plan_hash }}"},
    })];
    if !vars.is_empty() {
        tasks.push(json!({
            "name": "every secret the plan needs is in the vault (see vault-template.yml)",
            "ansible.builtin.assert": {
                "that": vars,
                "fail_msg": "fill in vault-template.yml, encrypt it with ansible-vault, and pass it with -e @vault.yml",
                "quiet": true,
            },
        }));
    }
    json!({
        "name": "preflight",
        "hosts": "localhost",
        "gather_facts": false,
        "any_errors_fatal": true,
        "tasks": tasks,
    })
}

/// Returns a playbook file: the header naming the plan, then the plays.
fn playbook(plan: &Plan, what: &str, plays: &[Value]) -> String {
    let mut out = header(plan, what);
    out.push_str(&yaml(&Value::Array(plays.to_vec())));
    out
}

/// The comment every exported file starts with.
fn header(plan: &Plan, what: &str) -> String {
    format!(
        "# henko plan {}\n# {what}\n# from {} ({}) to {} ({})\n# Generated by henko {} from the approved plan; do not edit, export again.\n",
        plan.hash,
        plan.from.rev,
        plan.from.commit,
        plan.to.rev,
        plan.to.commit,
        env!("CARGO_PKG_VERSION")
    )
}

fn yaml(value: &Value) -> String {
    let text = serde_yaml::to_string(value).unwrap_or_default();
    format!("---\n{}", text.trim_start_matches("---\n"))
}

/// `inventory.yml`: one group per wave, split by site, one group per site,
/// and the connection facts of every device.
fn inventory(plan: &Plan, options: &AnsibleOptions) -> String {
    let mut children = serde_json::Map::new();
    let mut sites: std::collections::BTreeMap<String, serde_json::Map<String, Value>> =
        Default::default();
    for wave in &plan.waves {
        let mut by_site: std::collections::BTreeMap<String, serde_json::Map<String, Value>> =
            Default::default();
        for name in &wave.devices {
            let Some(device) = plan.device(name) else {
                continue;
            };
            by_site
                .entry(device.site.clone())
                .or_default()
                .insert(device.name.clone(), host_vars(device));
            sites
                .entry(device.site.clone())
                .or_default()
                .insert(device.name.clone(), json!({}));
        }
        let wave_group = format!("wave_{}_{}", wave.number, ident(&wave.env));
        let site_groups: serde_json::Map<String, Value> = by_site
            .into_iter()
            .map(|(site, hosts)| {
                (
                    format!("{wave_group}_{}", ident(&site)),
                    json!({"hosts": hosts}),
                )
            })
            .collect();
        children.insert(wave_group, json!({"children": site_groups}));
    }
    for (site, hosts) in sites {
        children.insert(format!("site_{}", ident(&site)), json!({"hosts": hosts}));
    }
    let inventory = json!({
        "all": {
            "vars": {
                "henko_plan_hash": plan.hash,
                "henko_evidence_dir": "{{ inventory_dir }}/evidence",
                "henko_junos_confirm_minutes": options.confirm_minutes,
            },
            "children": children,
        }
    });
    let mut out = header(plan, "inventory: one group per wave and site, one per site");
    out.push_str("# Add ansible_host and credentials in host_vars/ or group_vars/ (never here).\n");
    out.push_str(&yaml(&inventory));
    out
}

fn host_vars(device: &PlanDevice) -> Value {
    let target = target(&device.platform);
    let mut vars = serde_json::Map::new();
    if let Some(os) = target.network_os {
        vars.insert("ansible_network_os".into(), json!(os));
    }
    vars.insert("ansible_connection".into(), json!(target.connection));
    if target.connection == "ansible.netcommon.httpapi" {
        vars.insert("ansible_httpapi_use_ssl".into(), json!(true));
    }
    vars.insert("henko_platform".into(), json!(device.platform));
    vars.insert("henko_env".into(), json!(device.env));
    vars.insert("henko_wave".into(), json!(device.wave));
    vars.insert(
        "henko_evidence".into(),
        json!(format!("evidence/{}", file_name(&device.name))),
    );
    Value::Object(vars)
}

/// `vault-template.yml`: every secret variable with where it is used.
fn vault_template(plan: &Plan, uses: &SecretUses) -> String {
    let mut out = header(
        plan,
        "the secrets the playbooks need, one vault variable per fingerprint",
    );
    out.push_str(
        "# Fill in each value, then encrypt and pass the file to ansible-playbook:\n#   ansible-vault encrypt vault-template.yml --output vault.yml\n#   ansible-playbook -i inventory.yml site.yml -e @vault.yml --ask-vault-pass\n# The fingerprint is the one the plan shows (<secret:…>); it never reveals the value.\n---\n",
    );
    if uses.is_empty() {
        out.push_str("{}\n");
    }
    for (fingerprint, places) in uses {
        let mut seen = std::collections::BTreeSet::new();
        for (device, line) in places {
            if seen.insert((device, line)) {
                out.push_str(&format!("# {device}: {}\n", line.trim()));
            }
        }
        out.push_str(&format!("{SECRET_VAR_PREFIX}{fingerprint}: \"\"\n"));
    }
    out
}

use crate::plan::approval::short;

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
