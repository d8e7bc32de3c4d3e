//! The play of one device: pre-checks saved as evidence, the apply (or
//! rollback) lines through the platform's module, manual steps as pauses,
//! post-checks saved as evidence, and for Junos the commit confirmation.
//!
//! Steps the plan also holds as data (`actions`: ESXi, vSphere, NSX,
//! FlashArray, RHEL files) become the matching module's task
//! ([`super::modules`]) in their place among the lines; the rest run as the
//! reviewed command.

use super::modules::{module_task, Mapped};
use super::platform::{target, Apply};
use super::text::{file_name, slug, templated, SecretUses};
use super::ProjectFile;
use crate::plan::approval::short;
use crate::plan::{Phase, PlanDevice, Step, StepKind};
use serde_json::{json, Value};
use std::collections::BTreeSet;

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
    let (phase, lines, checks_before, checks_after, before_dir, after_dir) = match direction {
        Direction::Forward => (
            Phase::Apply,
            &device.steps.apply,
            &device.steps.precheck,
            &device.steps.verify,
            "pre",
            "post",
        ),
        Direction::Rollback => (
            Phase::Rollback,
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
    let mut needs = BTreeSet::new();
    let at = Checks {
        device,
        dir: &dir,
        apply: target.apply,
    };
    at.tasks(&mut tasks, checks_before, before_dir, collect, &mut needs);
    let verb = match direction {
        Direction::Forward => "apply",
        Direction::Rollback => "rollback",
    };
    let run = Run {
        device,
        phase,
        apply: target.apply,
        verb,
    };
    run.tasks(&mut tasks, lines, collect, &mut needs);
    if direction == Direction::Forward {
        // Manual steps the actions put in their place above are not asked
        // again; nor is a rollback's, which belongs to rollback.yml.
        let inline: Vec<String> = device
            .actions
            .iter()
            .filter(|a| {
                a.kind == StepKind::Manual && matches!(a.phase, Phase::Apply | Phase::Rollback)
            })
            .map(Step::manual_text)
            .collect();
        for step in manual.iter().filter(|m| !inline.contains(m)) {
            tasks.push(manual_pause(name, step));
        }
    }
    at.tasks(&mut tasks, checks_after, after_dir, collect, &mut needs);
    if !needs.is_empty() {
        let that: Vec<String> = needs.iter().map(|v| format!("{v} is defined")).collect();
        tasks.insert(
            0,
            json!({
                "name": "connection variables this play needs",
                "ansible.builtin.assert": {
                    "that": that,
                    "fail_msg": format!("set {} for {name} in host_vars/ or group_vars/ (passwords and tokens in the vault)", needs.iter().copied().collect::<Vec<_>>().join(", ")),
                    "quiet": true,
                },
            }),
        );
    }
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

/// Returns `task` with `name` as its first key (as people write tasks).
fn named(name: String, task: Value) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("name".into(), json!(name));
    if let Value::Object(fields) = task {
        out.extend(fields.into_iter().filter(|(k, _)| k != "name"));
    }
    Value::Object(out)
}

/// A pause for a step done by hand on `device`.
fn manual_pause(device: &str, step: &str) -> Value {
    json!({
        "name": format!("manual step on {device}"),
        "ansible.builtin.pause": {
            "prompt": format!("Manual step on {device}:\n  {step}\nPress Enter when it is done (Ctrl+C then A aborts the run)"),
        },
    })
}

/// Where a device's checks run and how.
struct Checks<'a> {
    device: &'a PlanDevice,
    dir: &'a str,
    apply: Apply,
}

impl Checks<'_> {
    /// Appends one task per check command and one saving its output under
    /// `evidence/<device>/<kind>/NN-<command>.txt`. A check the plan holds
    /// as an API call (`GET …`) is that call.
    fn tasks(
        &self,
        tasks: &mut Vec<Value>,
        commands: &[String],
        kind: &str,
        collect: &mut Collect<'_>,
        needs: &mut BTreeSet<&'static str>,
    ) {
        let device = self.device.name.as_str();
        for (i, command) in commands.iter().enumerate() {
            let file = evidence_name(self.dir, kind, i, command);
            let text = templated(command, device, collect.uses);
            let register = format!("henko_{}_{}", kind.replace('-', "_"), i + 1);
            let api = self
                .device
                .actions
                .iter()
                .find(|a| {
                    matches!(a.phase, Phase::Precheck | Phase::Verify)
                        && a.kind == StepKind::Api
                        && a.text == *command
                })
                .and_then(|call| module_task(&self.device.platform, device, call, collect.uses));
            let mut output = "stdout";
            let mut task = match (api, self.apply) {
                (Some(Mapped { task, needs: more }), _) => {
                    needs.extend(more);
                    output = "content";
                    task
                }
                (None, Apply::CliConfig | Apply::JunosConfirmed) => {
                    json!({"ansible.netcommon.cli_command": {"command": text}})
                }
                // The REST API has no CLI show; read-only checks go over SSH.
                (None, Apply::FortiosScript) => json!({
                    "ansible.builtin.raw": text,
                    "vars": {"ansible_connection": "ansible.builtin.ssh"},
                }),
                (None, Apply::LocalCommand) => {
                    json!({"ansible.builtin.shell": {"cmd": text}, "changed_when": false})
                }
                (None, Apply::HostCommand) => json!({
                    "ansible.builtin.shell": {"cmd": text},
                    "changed_when": false,
                    "become": true,
                }),
                (None, Apply::RawShell) => {
                    json!({"ansible.builtin.raw": text, "changed_when": false})
                }
                (None, Apply::Manual) => {
                    tasks.push(json!({
                        "name": format!("{kind} {}: {command}", i + 1),
                        "ansible.builtin.pause": {
                            "prompt": format!("Run by hand: {command}\nSave its output as evidence/{file}, then press Enter"),
                        },
                    }));
                    continue;
                }
            };
            task = named(format!("{kind} {}: {command}", i + 1), task);
            task["register"] = json!(register);
            tasks.push(task);
            tasks.push(json!({
                "name": format!("save evidence/{file}"),
                "ansible.builtin.copy": {
                    "content": format!("{{{{ {register}.{output} }}}}\n"),
                    "dest": format!("{{{{ henko_evidence_dir }}}}/{file}"),
                    "mode": "0600",
                },
                "delegate_to": "localhost",
            }));
        }
    }
}

/// Returns `<device>/<kind>/NN-<command>.txt`.
pub fn evidence_name(dir: &str, kind: &str, index: usize, command: &str) -> String {
    format!("{dir}/{kind}/{:02}-{}.txt", index + 1, slug(command))
}

/// One direction of a device's change: its lines and the actions of the
/// same phase.
struct Run<'a> {
    device: &'a PlanDevice,
    phase: Phase,
    apply: Apply,
    verb: &'a str,
}

impl Run<'_> {
    /// Appends the tasks that send `lines` to the device. On platforms whose
    /// steps are commands or API calls, each line the plan also holds as an
    /// action becomes that action's module task where one fits, and the
    /// phase's manual actions are pauses in their place; on CLI platforms
    /// the lines go as one configuration, then the manual actions.
    fn tasks(
        &self,
        tasks: &mut Vec<Value>,
        lines: &[String],
        collect: &mut Collect<'_>,
        needs: &mut BTreeSet<&'static str>,
    ) {
        let actions: Vec<&Step> = self
            .device
            .actions
            .iter()
            .filter(|a| a.phase == self.phase)
            .collect();
        let cli = matches!(
            self.apply,
            Apply::CliConfig | Apply::JunosConfirmed | Apply::FortiosScript
        );
        if cli || actions.is_empty() {
            self.lines(tasks, lines, collect);
            for step in actions.iter().filter(|a| a.kind == StepKind::Manual) {
                tasks.push(manual_pause(&self.device.name, &step.text));
            }
            return;
        }
        // Each action claims the first line with its text that no earlier
        // action claimed; lines no action claims are plain commands.
        let mut claimed: Vec<Option<usize>> = vec![None; lines.len()];
        let mut placed = vec![false; actions.len()];
        for (a, action) in actions.iter().enumerate() {
            if action.kind == StepKind::Manual {
                continue;
            }
            if let Some(i) =
                (0..lines.len()).find(|&i| claimed[i].is_none() && lines[i] == action.text)
            {
                claimed[i] = Some(a);
            }
        }
        let mut next = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some(a) = claimed[i] else {
                self.lines(tasks, std::slice::from_ref(line), collect);
                continue;
            };
            // The manual actions recorded before this one go first.
            for (m, manual) in actions.iter().enumerate().take(a).skip(next) {
                if manual.kind == StepKind::Manual && !placed[m] {
                    placed[m] = true;
                    tasks.push(manual_pause(&self.device.name, &manual.text));
                }
            }
            next = next.max(a);
            placed[a] = true;
            self.action(tasks, actions[a], collect, needs);
        }
        for (a, action) in actions.iter().enumerate() {
            if placed[a] {
                continue;
            }
            match action.kind {
                StepKind::Manual => tasks.push(manual_pause(&self.device.name, &action.text)),
                _ => self.action(tasks, action, collect, needs),
            }
        }
    }

    /// Appends the task of one action: its module, else its text as a line.
    fn action(
        &self,
        tasks: &mut Vec<Value>,
        action: &Step,
        collect: &mut Collect<'_>,
        needs: &mut BTreeSet<&'static str>,
    ) {
        let device = &self.device;
        match module_task(&device.platform, &device.name, action, collect.uses) {
            Some(Mapped { task, needs: more }) => {
                needs.extend(more);
                tasks.push(named(format!("{}: {}", self.verb, action.text), task));
            }
            None => self.lines(tasks, std::slice::from_ref(&action.text), collect),
        }
    }

    /// Appends the tasks that send plain `lines` the platform's way.
    fn lines(&self, tasks: &mut Vec<Value>, lines: &[String], collect: &mut Collect<'_>) {
        if lines.is_empty() {
            return;
        }
        let verb = self.verb;
        let name = &self.device.name;
        let templated_lines: Vec<String> = lines
            .iter()
            .map(|l| templated(l, name, collect.uses))
            .collect();
        let comment = format!("henko plan {} {verb}", short(collect.hash));
        match self.apply {
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
            // The lines are shell command lines as reviewed (quoting,
            // pipes), so a shell runs them.
            Apply::LocalCommand | Apply::HostCommand => {
                for (i, line) in templated_lines.iter().enumerate() {
                    let mut task = json!({
                        "name": format!("{verb}: {}", lines[i]),
                        "ansible.builtin.shell": {"cmd": line},
                    });
                    if self.apply == Apply::HostCommand {
                        task["become"] = json!(true);
                    }
                    tasks.push(task);
                }
            }
            Apply::RawShell => {
                for (i, line) in templated_lines.iter().enumerate() {
                    tasks.push(json!({
                        "name": format!("{verb}: {}", lines[i]),
                        "ansible.builtin.raw": line,
                    }));
                }
            }
            Apply::Manual => {
                // The prompt shows the reviewed lines (secrets stay
                // placeholders: a pause prompt must never print a vault value).
                tasks.push(json!({
                    "name": format!("{verb} by hand on {name} ({} line(s))", lines.len()),
                    "ansible.builtin.pause": {
                        "prompt": format!(
                            "{verb} by hand on {name} ({}): henko has no safe automatic path for this platform.\n{}\nPress Enter when it is done",
                            self.device.platform,
                            lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
                        ),
                    },
                }));
            }
        }
    }
}
