//! Steps as data: what `ctx.step(phase, spec)` records, so text, HTML, xlsx
//! and the Ansible export all read the same command or API call with its
//! arguments instead of parsing a command line back.
//!
//! A step is one of four kinds:
//! - `command`: a command line (`govc host.portgroup.add …`, `purevol …`);
//! - `api`: a REST call (`method`, `path`, JSON `body`), e.g. the NSX
//!   Policy API;
//! - `file`: a keyed edit of a text file on a host (`path` is the file,
//!   `command` the shell form, `args` what an Ansible `lineinfile` needs);
//! - `manual`: something an engineer does by hand, said exactly, with how
//!   to undo it.
//!
//! `changes` names the device's changes the step carries out (for the
//! `apply` phase) or undoes (for `rollback`): indices into the device's
//! change list. henko replays them on its own model of the document to prove
//! that the apply steps give the intended document and the rollback steps
//! give the running one back (`diff::prove_steps`).

use rhai::{Dynamic, EvalAltResult, Map, Position};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When a step runs.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Before applying: checks that must pass.
    Precheck,
    /// The change itself.
    #[default]
    Apply,
    /// After applying: checks that the change landed.
    Verify,
    /// Undoing the change.
    Rollback,
}

impl Phase {
    /// Every phase's name, in execution order.
    pub const NAMES: &'static [&'static str] = &["precheck", "apply", "verify", "rollback"];

    /// Parses a phase name.
    pub fn parse(name: &str) -> Option<Phase> {
        match name {
            "precheck" => Some(Phase::Precheck),
            "apply" => Some(Phase::Apply),
            "verify" => Some(Phase::Verify),
            "rollback" => Some(Phase::Rollback),
            _ => None,
        }
    }

    /// Returns the phase's name.
    pub fn as_str(self) -> &'static str {
        Phase::NAMES[self as usize]
    }
}

/// What kind of action a step is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// A command line run on a management host (`command`).
    #[default]
    Command,
    /// A REST call (`method`, `path`, `body`).
    Api,
    /// A keyed edit of a file on the device (`path`, `command`, `args`).
    File,
    /// Done by hand (`text` says exactly what, and how to undo it).
    Manual,
}

impl StepKind {
    /// Every kind's name.
    pub const NAMES: &'static [&'static str] = &["command", "api", "file", "manual"];

    fn parse(name: &str) -> Option<StepKind> {
        match name {
            "command" => Some(StepKind::Command),
            "api" => Some(StepKind::Api),
            "file" => Some(StepKind::File),
            "manual" => Some(StepKind::Manual),
            _ => None,
        }
    }
}

/// One step, as data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// When it runs.
    pub phase: Phase,
    /// What kind of action it is.
    pub kind: StepKind,
    /// The line the step lists show (the command, `METHOD PATH`, or the
    /// manual instruction).
    pub text: String,
    /// The command line (`command` and `file` steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// HTTP method (`api` steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// API path (`api`) or file path on the device (`file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// JSON request body (`api` steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Named arguments (the module parameters an automation tool needs:
    /// `host`, `portgroup`, `vlan`, `regexp`, `line` …), all strings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    /// Indices of the device's changes this step carries out (apply) or
    /// undoes (rollback).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<usize>,
    /// The line in Japanese, when the script gives it (`text_ja`): what
    /// `--lang ja` reports show for a manual step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_ja: Option<String>,
}

impl Step {
    /// Returns the text a manual step shows in a device's `manual` list:
    /// a rollback step says so (`to roll back: …`).
    pub fn manual_text(&self) -> String {
        match self.phase {
            Phase::Rollback => format!("to roll back: {}", self.text),
            _ => self.text.clone(),
        }
    }
}

/// A step with the device it belongs to and the script that made it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeviceStep {
    /// The device (`None` for a step emitted in `on_plan` without a device).
    pub device: Option<String>,
    /// The script that emitted it.
    pub script: String,
    /// The step.
    pub step: Step,
}

fn runtime(message: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into(), Position::NONE).into()
}

fn text_of(spec: &Map, key: &str) -> Result<Option<String>, Box<EvalAltResult>> {
    match spec.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) if v.is_string() || v.is_int() || v.is_float() || v.is_bool() => {
            Ok(Some(v.to_string()))
        }
        Some(v) => Err(runtime(format!(
            "step `{key}` must be a string, not {}",
            v.type_name()
        ))),
    }
}

/// Returns the indices of the changes `value` names: one change map or an
/// array of them (each carries its `index`).
fn change_indices(value: &Dynamic) -> Result<Vec<usize>, Box<EvalAltResult>> {
    let items: Vec<Dynamic> = if value.is_array() {
        value.clone().into_array().unwrap_or_default()
    } else {
        vec![value.clone()]
    };
    let mut out = Vec::new();
    for item in items {
        let index = item
            .read_lock::<Map>()
            .and_then(|m| m.get("index").and_then(|i| i.as_int().ok()))
            .ok_or_else(|| {
                runtime(
                    "step `edit` takes a change (an item of ctx.changes) or an array of them"
                        .into(),
                )
            })?;
        out.push(usize::try_from(index).unwrap_or_default());
    }
    Ok(out)
}

const KEYS: &[&str] = &[
    "kind", "text", "text_ja", "command", "method", "path", "body", "args", "edit",
];

/// Reads `ctx.step(phase, spec)`'s arguments into a [`Step`].
pub(crate) fn parse_step(phase: &str, spec: &Map) -> Result<Step, Box<EvalAltResult>> {
    let phase = Phase::parse(phase).ok_or_else(|| {
        runtime(format!(
            "unknown step phase `{phase}`; expected one of {}",
            Phase::NAMES.join(", ")
        ))
    })?;
    if let Some(unknown) = spec.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(runtime(format!(
            "unknown step key `{unknown}`; expected {}",
            KEYS.join(", ")
        )));
    }
    let kind_name = text_of(spec, "kind")?.ok_or_else(|| {
        runtime(format!(
            "a step needs a `kind`: one of {}",
            StepKind::NAMES.join(", ")
        ))
    })?;
    let kind = StepKind::parse(&kind_name).ok_or_else(|| {
        runtime(format!(
            "unknown step kind `{kind_name}`; expected one of {}",
            StepKind::NAMES.join(", ")
        ))
    })?;
    let command = text_of(spec, "command")?;
    let method = text_of(spec, "method")?.map(|m| m.to_ascii_uppercase());
    let path = text_of(spec, "path")?;
    let body = match spec.get("body") {
        None => None,
        Some(v) if v.is_unit() => None,
        Some(v) if v.is_string() => {
            let text = v.to_string();
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| runtime(format!("step `body` is not valid JSON: {e}")))?,
            )
        }
        Some(v) => Some(
            rhai::serde::from_dynamic::<serde_json::Value>(v)
                .map_err(|e| runtime(format!("step `body` cannot be JSON: {e}")))?,
        ),
    };
    let mut args = BTreeMap::new();
    if let Some(value) = spec.get("args") {
        let map = value
            .read_lock::<Map>()
            .ok_or_else(|| runtime("step `args` must be a map".into()))?;
        for (key, value) in map.iter() {
            args.insert(key.to_string(), value.to_string());
        }
    }
    let changes = match spec.get("edit") {
        Some(value) if !value.is_unit() => change_indices(value)?,
        _ => Vec::new(),
    };
    let given_text = text_of(spec, "text")?;
    let text_ja = text_of(spec, "text_ja")?;
    let need = |field: Option<&String>, name: &str| {
        field
            .map(|_| ())
            .ok_or_else(|| runtime(format!("a `{kind_name}` step needs `{name}`")))
    };
    let text = match kind {
        StepKind::Command => {
            need(command.as_ref(), "command")?;
            given_text.or_else(|| command.clone())
        }
        StepKind::File => {
            need(command.as_ref(), "command")?;
            need(path.as_ref(), "path")?;
            given_text.or_else(|| command.clone())
        }
        StepKind::Api => {
            need(method.as_ref(), "method")?;
            need(path.as_ref(), "path")?;
            given_text.or_else(|| {
                let call = format!(
                    "{} {}",
                    method.clone().unwrap_or_default(),
                    path.clone().unwrap_or_default()
                );
                Some(match &body {
                    Some(body) => format!("{call} {body}"),
                    None => call,
                })
            })
        }
        StepKind::Manual => {
            need(given_text.as_ref(), "text")?;
            given_text
        }
    }
    .unwrap_or_default();
    if text.trim().is_empty() {
        return Err(runtime("a step's text is empty".into()));
    }
    Ok(Step {
        phase,
        kind,
        text,
        command,
        method,
        path,
        body,
        args,
        changes,
        text_ja,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pairs: &[(&str, Dynamic)]) -> Map {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), v.clone()))
            .collect()
    }

    #[test]
    fn api_steps_show_method_path_and_body() {
        let mut body = Map::new();
        body.insert("display_name".into(), "web".into());
        let step = parse_step(
            "apply",
            &spec(&[
                ("kind", "api".into()),
                ("method", "patch".into()),
                ("path", "/policy/api/v1/infra/segments/web".into()),
                ("body", Dynamic::from_map(body)),
            ]),
        )
        .unwrap();
        assert_eq!(step.method.as_deref(), Some("PATCH"));
        assert_eq!(
            step.text,
            r#"PATCH /policy/api/v1/infra/segments/web {"display_name":"web"}"#
        );
    }

    #[test]
    fn manual_steps_carry_their_japanese_words() {
        let step = parse_step(
            "rollback",
            &spec(&[
                ("kind", "manual".into()),
                ("text", "restore the VMDK from the backup".into()),
                ("text_ja", "バックアップから VMDK を戻す".into()),
            ]),
        )
        .unwrap();
        assert_eq!(step.text, "restore the VMDK from the backup");
        assert_eq!(
            step.text_ja.as_deref(),
            Some("バックアップから VMDK を戻す")
        );
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["text_ja"], "バックアップから VMDK を戻す");
    }

    #[test]
    fn bad_specs_are_refused_with_the_reason() {
        let missing = parse_step("apply", &spec(&[("kind", "command".into())])).unwrap_err();
        assert!(missing.to_string().contains("needs `command`"));
        let phase = parse_step("later", &spec(&[("kind", "manual".into())])).unwrap_err();
        assert!(phase.to_string().contains("unknown step phase"));
        let key = parse_step(
            "apply",
            &spec(&[("kind", "manual".into()), ("txt", "x".into())]),
        )
        .unwrap_err();
        assert!(key.to_string().contains("unknown step key `txt`"));
    }
}
