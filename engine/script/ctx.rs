//! `ctx`, the value every script function receives: the device, its changes,
//! the inventory, and the emitters that record findings.

use super::inventory_api::InventoryView;
use super::step::{parse_step, DeviceStep, Phase, Step, StepKind};
use super::values::{device_map, DeviceView};
use super::{Finding, FindingKind, Level, Origin};
use crate::inventory::DependencyPath;
use rhai::{Array, Dynamic, Engine, EvalAltResult, NativeCallContext, Position};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// What every call of one run shares: the inventories and the changed devices.
#[derive(Debug)]
pub(crate) struct RunShared {
    /// The TO inventory (`ctx.inventory`).
    pub inventory: InventoryView,
    /// The FROM inventory (`ctx.inventory_before`).
    pub inventory_from: InventoryView,
    /// Every changed device, in name order.
    pub devices: Vec<Arc<DeviceView>>,
    /// Device name → index in `devices`.
    pub index: HashMap<String, usize>,
    /// Whole TO tables of changed parameter sheets, by device name.
    pub tables: HashMap<String, Array>,
    /// Sheet rows behind each device's changes (`ctx.cause`), by name.
    pub causes: HashMap<String, Array>,
}

/// The findings buffer of one script call. Each call gets its own, so no
/// two threads ever contend for it; the lock only exists because a script
/// may hand copies of `ctx` to its own helper functions.
#[derive(Debug, Default)]
pub(crate) struct CallState {
    findings: Vec<Finding>,
    /// What was emitted already: the same rule often fires once per
    /// matching change, and one copy is enough.
    seen: HashSet<(Option<String>, FindingKind)>,
    /// Dependents walk of the call's device, computed on first use.
    dependents: Option<(String, Vec<DependencyPath>)>,
    /// Steps recorded by `ctx.step`, in emission order.
    steps: Vec<DeviceStep>,
}

/// The `ctx` value: cheap to clone (three `Arc`s and a flag).
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    run: Arc<RunShared>,
    device: Option<Arc<DeviceView>>,
    script: Arc<str>,
    state: Arc<Mutex<CallState>>,
}

impl Ctx {
    /// Returns the context of one call: `device` is `None` for `on_plan`.
    pub fn new(run: Arc<RunShared>, device: Option<Arc<DeviceView>>, script: Arc<str>) -> Self {
        Ctx {
            run,
            device,
            script,
            state: Arc::new(Mutex::new(CallState::default())),
        }
    }

    /// Takes the findings the call emitted, in emission order.
    pub fn take_findings(&self) -> Vec<Finding> {
        std::mem::take(&mut self.lock().findings)
    }

    /// Takes the steps the call recorded, in emission order.
    pub fn take_steps(&self) -> Vec<DeviceStep> {
        std::mem::take(&mut self.lock().steps)
    }

    /// Records `step`; a step with the same phase, kind and text as an
    /// earlier one of this call only adds its changes to that one. Steps
    /// other than manual ones also appear as the phase's finding, so the
    /// string step lists and rule tests see them like `ctx.apply(cmd)`.
    fn emit_step(&self, call: &NativeCallContext, step: Step) {
        let finding = match step.phase {
            _ if step.kind == StepKind::Manual => None,
            Phase::Precheck => Some(FindingKind::Precheck {
                command: step.text.clone(),
            }),
            Phase::Apply => Some(FindingKind::Apply {
                command: step.text.clone(),
            }),
            Phase::Verify => Some(FindingKind::Verify {
                command: step.text.clone(),
            }),
            Phase::Rollback => Some(FindingKind::Rollback {
                command: step.text.clone(),
            }),
        };
        if let Some(kind) = finding {
            self.emit(call, kind);
        }
        let device = self.device_name();
        let mut state = self.lock();
        let same = state.steps.iter_mut().find(|s| {
            s.device == device
                && s.step.phase == step.phase
                && s.step.kind == step.kind
                && s.step.text == step.text
        });
        match same {
            Some(earlier) => {
                for index in step.changes {
                    if !earlier.step.changes.contains(&index) {
                        earlier.step.changes.push(index);
                    }
                }
            }
            None => state.steps.push(DeviceStep {
                device,
                script: self.script.to_string(),
                step,
            }),
        }
    }

    /// Returns an error when `step` names a change the device does not have.
    fn check_changes(&self, step: &Step) -> Result<(), Box<EvalAltResult>> {
        let count = self.device.as_ref().map_or(0, |d| d.changes.len());
        match step.changes.iter().find(|&&i| i >= count) {
            Some(bad) => Err(runtime(format!(
                "step `edit` names change {bad}, but the device has {count} change(s)"
            ))),
            None => Ok(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, CallState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn device_name(&self) -> Option<String> {
        self.device.as_ref().map(|d| d.name.clone())
    }

    fn emit(&self, call: &NativeCallContext, kind: FindingKind) {
        let line = call.call_position().line().map(|l| l as u32);
        let finding = Finding {
            device: self.device_name(),
            kind,
            origin: Origin {
                script: self.script.to_string(),
                line,
            },
        };
        let mut state = self.lock();
        if state
            .seen
            .insert((finding.device.clone(), finding.kind.clone()))
        {
            state.findings.push(finding);
        }
    }

    /// Returns the dependency chain from the call's device to `target`.
    fn impact_path(&self, target: &str) -> Vec<String> {
        let Some(source) = self.device_name() else {
            return vec![target.to_string()];
        };
        let mut state = self.lock();
        if state
            .dependents
            .as_ref()
            .is_none_or(|(name, _)| *name != source)
        {
            let hits = self.run.inventory.inner().dependents(&source);
            state.dependents = Some((source.clone(), hits));
        }
        let found = state
            .dependents
            .as_ref()
            .and_then(|(_, hits)| hits.iter().find(|h| h.device == target))
            .map(|h| h.path.clone());
        drop(state);
        if let Some(path) = found {
            return path;
        }
        // A provider of the changed device is hit too (an uplink change
        // reaches the core it hangs off): walk the other way.
        if let Some(hit) = self
            .run
            .inventory
            .inner()
            .dependencies(&source)
            .into_iter()
            .find(|h| h.device == target)
        {
            return hit.path;
        }
        if source == target {
            vec![source]
        } else {
            vec![source, target.to_string()]
        }
    }

    /// Returns a context for `name` that emits into the same buffer.
    fn for_device(&self, name: &str) -> Result<Ctx, Box<EvalAltResult>> {
        let view = match self.run.index.get(name) {
            Some(&i) => self.run.devices[i].clone(),
            None => {
                let inventory = self.run.inventory.inner();
                let device = inventory
                    .get(name)
                    .or_else(|| self.run.inventory_from.inner().get(name))
                    .ok_or_else(|| {
                        runtime(format!("no device `{name}` in the inventory or the plan"))
                    })?;
                Arc::new(DeviceView {
                    name: name.to_string(),
                    device: device_map(device, inventory),
                    changes: Array::new(),
                    status: "unchanged",
                })
            }
        };
        Ok(Ctx {
            run: self.run.clone(),
            device: Some(view),
            script: self.script.clone(),
            state: self.state.clone(),
        })
    }
}

fn runtime(message: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into(), Position::NONE).into()
}

fn parse_level(name: &str) -> Result<Level, Box<EvalAltResult>> {
    Level::parse(name).ok_or_else(|| {
        runtime(format!(
            "unknown risk level `{name}`; expected one of {}",
            Level::NAMES.join(", ")
        ))
    })
}

type Ret = Result<(), Box<EvalAltResult>>;

/// Registers `ctx`'s type, properties and methods on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Ctx>("Ctx");
    engine.register_get("device", |ctx: &mut Ctx| -> Dynamic {
        ctx.device
            .as_ref()
            .map_or(Dynamic::UNIT, |d| Dynamic::from_map(d.device.clone()))
    });
    engine.register_get("name", |ctx: &mut Ctx| -> Dynamic {
        ctx.device_name().map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_get("changes", |ctx: &mut Ctx| -> Array {
        ctx.device
            .as_ref()
            .map(|d| d.changes.clone())
            .unwrap_or_default()
    });
    engine.register_get("table", |ctx: &mut Ctx| -> Array {
        ctx.device_name()
            .and_then(|name| ctx.run.tables.get(name.as_str()).cloned())
            .unwrap_or_default()
    });
    engine.register_get("cause", |ctx: &mut Ctx| -> Array {
        ctx.device_name()
            .and_then(|name| ctx.run.causes.get(name.as_str()).cloned())
            .unwrap_or_default()
    });
    engine.register_fn("table_of", |ctx: &mut Ctx, name: &str| -> Array {
        ctx.run.tables.get(name).cloned().unwrap_or_default()
    });
    engine.register_get("devices", |ctx: &mut Ctx| -> Array {
        ctx.run.devices.iter().map(|d| d.entry()).collect()
    });
    engine.register_get("device_names", |ctx: &mut Ctx| -> Array {
        ctx.run
            .devices
            .iter()
            .map(|d| Dynamic::from(d.name.clone()))
            .collect()
    });
    engine.register_get("inventory", |ctx: &mut Ctx| ctx.run.inventory.clone());
    engine.register_get("inventory_before", |ctx: &mut Ctx| {
        ctx.run.inventory_from.clone()
    });
    engine.register_get("status", |ctx: &mut Ctx| -> Dynamic {
        ctx.device
            .as_ref()
            .map_or(Dynamic::UNIT, |d| d.status.into())
    });
    engine.register_get("phase", |ctx: &mut Ctx| -> Dynamic {
        if ctx.device.is_some() {
            "device"
        } else {
            "plan"
        }
        .into()
    });
    engine.register_fn("changed", |ctx: &mut Ctx, name: &str| {
        ctx.run.index.contains_key(name)
    });
    engine.register_fn("changes_of", |ctx: &mut Ctx, name: &str| -> Array {
        ctx.run
            .index
            .get(name)
            .map(|&i| ctx.run.devices[i].changes.clone())
            .unwrap_or_default()
    });
    engine.register_fn("for_device", |ctx: &mut Ctx, name: &str| {
        ctx.for_device(name)
    });

    // The texts a reviewer reads may come in both languages: the English
    // the plan records, and the Japanese `--lang ja` reports show.
    engine.register_fn(
        "risk",
        |call: NativeCallContext, ctx: &mut Ctx, level: &str, rule: &str, message: &str| -> Ret {
            emit_risk(&call, ctx, level, rule, message, None)
        },
    );
    engine.register_fn(
        "risk",
        |call: NativeCallContext,
         ctx: &mut Ctx,
         level: &str,
         rule: &str,
         message: &str,
         message_ja: &str|
         -> Ret { emit_risk(&call, ctx, level, rule, message, Some(message_ja)) },
    );
    engine.register_fn(
        "impact",
        |call: NativeCallContext, ctx: &mut Ctx, target: &str, reason: &str| {
            let path = ctx.impact_path(target);
            ctx.emit(
                &call,
                FindingKind::Impact {
                    target: target.to_string(),
                    reason: reason.to_string(),
                    path,
                },
            );
        },
    );
    engine.register_fn(
        "impact",
        |call: NativeCallContext, ctx: &mut Ctx, target: &str, reason: &str, path: Array| {
            let path = path.into_iter().map(|p| p.to_string()).collect();
            ctx.emit(
                &call,
                FindingKind::Impact {
                    target: target.to_string(),
                    reason: reason.to_string(),
                    path,
                },
            );
        },
    );
    engine.register_fn(
        "require_approval",
        |call: NativeCallContext, ctx: &mut Ctx, role: &str, reason: &str| {
            emit_approval(&call, ctx, role, reason, None);
        },
    );
    engine.register_fn(
        "require_approval",
        |call: NativeCallContext, ctx: &mut Ctx, role: &str, reason: &str, reason_ja: &str| {
            emit_approval(&call, ctx, role, reason, Some(reason_ja));
        },
    );
    engine.register_fn(
        "step",
        |call: NativeCallContext, ctx: &mut Ctx, phase: &str, spec: rhai::Map| -> Ret {
            let step = parse_step(phase, &spec)?;
            ctx.check_changes(&step)?;
            ctx.emit_step(&call, step);
            Ok(())
        },
    );
    type Make = fn(String) -> FindingKind;
    let commands: [(&str, Make); 5] = [
        ("precheck", |command| FindingKind::Precheck { command }),
        ("verify", |command| FindingKind::Verify { command }),
        ("apply", |command| FindingKind::Apply { command }),
        ("rollback", |command| FindingKind::Rollback { command }),
        ("note", |text| FindingKind::Note {
            text,
            text_ja: None,
        }),
    ];
    for (name, make) in commands {
        engine.register_fn(
            name,
            move |call: NativeCallContext, ctx: &mut Ctx, text: &str| {
                ctx.emit(&call, make(text.to_string()));
            },
        );
    }
    engine.register_fn(
        "note",
        |call: NativeCallContext, ctx: &mut Ctx, text: &str, text_ja: &str| {
            let kind = FindingKind::Note {
                text: text.to_string(),
                text_ja: Some(text_ja.to_string()),
            };
            ctx.emit(&call, kind);
        },
    );
}

/// `ctx.risk(level, rule, message[, message_ja])`.
fn emit_risk(
    call: &NativeCallContext,
    ctx: &mut Ctx,
    level: &str,
    rule: &str,
    message: &str,
    message_ja: Option<&str>,
) -> Ret {
    let level = parse_level(level)?;
    if rule.trim().is_empty() {
        return Err(runtime(
            "a risk needs a rule id, e.g. `routing.bgp-neighbor-removed`".into(),
        ));
    }
    ctx.emit(
        call,
        FindingKind::Risk {
            level,
            rule: rule.to_string(),
            message: message.to_string(),
            message_ja: message_ja.map(str::to_string),
        },
    );
    Ok(())
}

/// `ctx.require_approval(role, reason[, reason_ja])`.
fn emit_approval(
    call: &NativeCallContext,
    ctx: &mut Ctx,
    role: &str,
    reason: &str,
    reason_ja: Option<&str>,
) {
    ctx.emit(
        call,
        FindingKind::Approval {
            role: role.to_string(),
            reason: reason.to_string(),
            reason_ja: reason_ja.map(str::to_string),
        },
    );
}
