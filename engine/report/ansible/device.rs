//! The play of one device: pre-checks saved as evidence, the apply (or
//! rollback) lines through the platform's module, manual steps as pauses,
//! post-checks saved as evidence, and for Junos the commit confirmation.

use super::platform::{target, Apply};
use super::text::{file_name, slug, templated, SecretUses};
use super::ProjectFile;
use crate::plan::approval::short;
use crate::plan::PlanDevice;
use serde_json::{json, Value};

/// Which way a play goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Apply the change (`site.yml`).
    Forward,
    /// Undo it (`rollback.yml`).
    Rollback,
}

/// What building the plays collects besides the plays themselves.
pub struct Collect<'a> {
    /// The plan hash.
    pub hash: &'a str,
    /// Secrets referenced so far.
    pub uses: &'a mut SecretUses,
    /// Extra files (FortiOS scripts).
    pub files: &'a mut Vec<ProjectFile>,
}

/// Returns the play that carries out (or rolls back) `device`, with
/// `manual` as the device's steps to do by hand.
pub fn play(
    device: &PlanDevice,
    manual: &[String],
    direction: Direction,
    heading: &str,
    collect: &mut Collect<'_>,
) -> Value {
    let target = target(&device.platform);
    let name = &device.name;
    let dir = file_name(name);
    let (lines, checks_before, checks_after, before_dir, after_dir) = match direction {
        Direction::Forward => (
            &device.steps.apply,
            &device.steps.precheck,
            &device.steps.verify,
            "pre",
            "post",
        ),
        Direction::Rollback => (
            &device.steps.rollback,
            &device.steps.precheck,
            &device.steps.precheck,
            "rollback-pre",
            "rollback-post",
        ),
    };
    let mut tasks = vec![json!({
        "name": "evidence folders",
        "ansible.builtin.file": {
            "path": "{{ henko_evidence_dir }}/{{ item }}",
            "state": "directory",
            "mode": "0700",
        },
        "loop": [format!("{dir}/{before_dir}"), format!("{dir}/{after_dir}")],
        "delegate_to": "localhost",
    })];
    let at = (name.as_str(), dir.as_str());
    check_tasks(
        &mut tasks,
        checks_before,
        target.apply,
        at,
        before_dir,
        collect,
    );
    let verb = match direction {
        Direction::Forward => "apply",
        Direction::Rollback => "rollback",
    };
    apply_tasks(&mut tasks, device, lines, target.apply, verb, collect);
    if direction == Direction::Forward {
        for step in manual {
            tasks.push(json!({
                "name": format!("manual step on {name}"),
                "ansible.builtin.pause": {
                    "prompt": format!("Manual step on {name}:\n  {step}\nPress Enter when it is done (Ctrl+C then A aborts the run)"),
                },
            }));
        }
    }
    check_tasks(
        &mut tasks,
        checks_after,
        target.apply,
        at,
        after_dir,
        collect,
    );
    if target.apply == Apply::JunosConfirmed && !lines.is_empty() {
        tasks.push(json!({
            "name": "confirm the commit (the checks above passed; without this Junos rolls back by itself)",
            "junipernetworks.junos.junos_config": {"confirm_commit": true},
        }));
    }
    json!({
        "name": heading,
        "hosts": name,
        "gather_facts": false,
        "serial": 1,
        "any_errors_fatal": true,
        "vars": {"henko_plan_hash": collect.hash},
        "tasks": tasks,
    })
}

/// Appends one task per check command and one saving its output under
/// `evidence/<device>/<kind>/NN-<command>.txt`.
fn check_tasks(
    tasks: &mut Vec<Value>,
    commands: &[String],
    apply: Apply,
    (device, dir): (&str, &str),
    kind: &str,
    collect: &mut Collect<'_>,
) {
    for (i, command) in commands.iter().enumerate() {
        let file = evidence_name(dir, kind, i, command);
        let text = templated(command, device, collect.uses);
        let register = format!("henko_{}_{}", kind.replace('-', "_"), i + 1);
        let mut task = match apply {
            Apply::CliConfig | Apply::JunosConfirmed => {
                json!({"ansible.netcommon.cli_command": {"command": text}})
            }
            // The REST API has no CLI show; read-only checks go over SSH.
            Apply::FortiosScript => json!({
                "ansible.builtin.raw": text,
                "vars": {"ansible_connection": "ansible.builtin.ssh"},
            }),
            Apply::LocalCommand | Apply::HostCommand => {
                json!({"ansible.builtin.command": {"cmd": text}, "changed_when": false})
            }
            Apply::RawShell => json!({"ansible.builtin.raw": text, "changed_when": false}),
            Apply::Manual => {
                tasks.push(json!({
                    "name": format!("{kind} {}: {command}", i + 1),
                    "ansible.builtin.pause": {
                        "prompt": format!("Run by hand: {command}\nSave its output as evidence/{file}, then press Enter"),
                    },
                }));
                continue;
            }
        };
        task["name"] = json!(format!("{kind} {}: {command}", i + 1));
        task["register"] = json!(register);
        tasks.push(task);
        tasks.push(json!({
            "name": format!("save evidence/{file}"),
            "ansible.builtin.copy": {
                "content": format!("{{{{ {register}.stdout }}}}\n"),
                "dest": format!("{{{{ henko_evidence_dir }}}}/{file}"),
                "mode": "0600",
            },
            "delegate_to": "localhost",
        }));
    }
}

/// Returns `<device>/<kind>/NN-<command>.txt`.
pub fn evidence_name(dir: &str, kind: &str, index: usize, command: &str) -> String {
    format!("{dir}/{kind}/{:02}-{}.txt", index + 1, slug(command))
}

/// Appends the tasks that send `lines` to the device.
fn apply_tasks(
    tasks: &mut Vec<Value>,
    device: &PlanDevice,
    lines: &[String],
    apply: Apply,
    verb: &str,
    collect: &mut Collect<'_>,
) {
    if lines.is_empty() {
        return;
    }
    let name = &device.name;
    let templated_lines: Vec<String> = lines
        .iter()
        .map(|l| templated(l, name, collect.uses))
        .collect();
    let comment = format!("henko plan {} {verb}", short(collect.hash));
    match apply {
        Apply::CliConfig => tasks.push(json!({
            "name": format!("{verb}: {} line(s) in configuration mode", lines.len()),
            "ansible.netcommon.cli_config": {"config": templated_lines.join("\n")},
        })),
        Apply::JunosConfirmed => tasks.push(json!({
            "name": format!("{verb}: {} line(s), commit confirmed {{{{ henko_junos_confirm_minutes }}}} minute(s)", lines.len()),
            "junipernetworks.junos.junos_config": {
                "lines": templated_lines,
                "confirm": "{{ henko_junos_confirm_minutes }}",
                "comment": comment,
            },
        })),
        Apply::FortiosScript => {
            let script = format!("scripts/{}/{verb}.txt", file_name(name));
            collect.files.push(ProjectFile {
                path: script.clone(),
                text: format!("{}\n", templated_lines.join("\n")),
            });
            tasks.push(json!({
                "name": format!("{verb}: upload and run {script} ({} line(s)) as a CLI script", lines.len()),
                "fortinet.fortios.fortios_monitor": {
                    "vdom": "{{ henko_fortios_vdom | default('root') }}",
                    "selector": "upload.system.config-script",
                    "params": {
                        "filename": format!("henko-{}-{}-{verb}.txt", short(collect.hash), file_name(name)),
                        "file_content": format!("{{{{ lookup('ansible.builtin.template', '{script}') | b64encode }}}}"),
                    },
                },
            }));
        }
        Apply::LocalCommand | Apply::HostCommand => {
            for (i, line) in templated_lines.iter().enumerate() {
                tasks.push(json!({
                    "name": format!("{verb} {}: {}", i + 1, lines[i]),
                    "ansible.builtin.command": {"cmd": line},
                }));
            }
        }
        Apply::RawShell => {
            for (i, line) in templated_lines.iter().enumerate() {
                tasks.push(json!({
                    "name": format!("{verb} {}: {}", i + 1, lines[i]),
                    "ansible.builtin.raw": line,
                }));
            }
        }
        Apply::Manual => {
            // The prompt shows the reviewed lines (secrets stay placeholders:
            // a pause prompt must never print a vault value).
            tasks.push(json!({
                "name": format!("{verb} by hand on {name} ({} line(s))", lines.len()),
                "ansible.builtin.pause": {
                    "prompt": format!(
                        "{verb} by hand on {name} ({}): henko has no safe automatic path for this platform.\n{}\nPress Enter when it is done",
                        device.platform,
                        lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
                    ),
                },
            }));
        }
    }
}
