//! Running the rules over a change set: `on_device` for every changed
//! device × script in parallel, then `on_plan` once per script, collected
//! in a deterministic order whatever the thread timing.

use super::ctx::{Ctx, RunShared};
use super::error::ScriptFailure;
use super::inventory_api::InventoryView;
use super::sandbox;
use super::set::{Script, ScriptSet};
use super::step::DeviceStep;
use super::values::DeviceView;
use super::Finding;
use crate::diff::DeviceDiff;
use crate::inventory::Inventory;
use rayon::prelude::*;
use rhai::{Array, CallFnOptions, Dynamic, Map, Scope};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// What the rules look at.
#[derive(Clone, Copy, Debug)]
pub struct AssessInput<'a> {
    /// Every changed device with its changes.
    pub devices: &'a [DeviceDiff],
    /// The TO snapshot's inventory (`ctx.inventory`).
    pub inventory: &'a Inventory,
    /// The FROM snapshot's inventory (`ctx.inventory_before`; describes
    /// removed devices).
    pub inventory_from: &'a Inventory,
    /// The whole TO table of every changed parameter sheet, by device name
    /// (`ctx.table`): one map per row, column name → cell text, plus
    /// `_sheet` (the worksheet) for workbooks. Empty when there is none.
    pub tables: &'a SheetTables,
}

/// Parameter-sheet rows by device name, as scripts see them in `ctx.table`.
pub type SheetTables = BTreeMap<String, Vec<BTreeMap<String, String>>>;

/// The sheet rows behind each device's changes, by device name, as scripts
/// see them in `ctx.cause` (sheet-driven plans only).
pub type Causes = BTreeMap<String, Vec<crate::intended::cause::Cause>>;

/// How to run the rules.
#[derive(Clone, Copy, Debug)]
pub struct AssessOptions {
    /// When false, a script that failed on any device is not run for the
    /// plan-wide phase (it would see an incomplete picture), and callers
    /// should exit 2. When true every phase runs and callers report
    /// failures as warnings.
    pub keep_going: bool,
    /// Wall-clock limit for one call of one script.
    pub timeout: Duration,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            keep_going: false,
            timeout: Duration::from_secs(5),
        }
    }
}

/// What a script printed with `print` or `debug` during one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScriptOutput {
    /// Script name.
    pub script: String,
    /// Device of the call (`None` for `on_plan`).
    pub device: Option<String>,
    /// The printed line.
    pub text: String,
}

/// Everything the rules found, and the scripts that failed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Assessment {
    /// Findings sorted by device (plan-wide first), script, then emission order.
    pub findings: Vec<Finding>,
    /// Script calls that failed; their other calls' findings still stand.
    pub failures: Vec<ScriptFailure>,
    /// What scripts printed (never written to stdout by the engine).
    pub output: Vec<ScriptOutput>,
    /// Steps recorded with `ctx.step`, sorted like the findings.
    pub steps: Vec<DeviceStep>,
}

struct CallResult {
    findings: Vec<Finding>,
    steps: Vec<DeviceStep>,
    failure: Option<ScriptFailure>,
    output: Vec<ScriptOutput>,
}

impl ScriptSet {
    /// Runs every loaded rule over `input`.
    pub fn assess(&self, input: &AssessInput<'_>, options: &AssessOptions) -> Assessment {
        self.assess_with_causes(input, &Causes::new(), options)
    }

    /// Runs every loaded rule over `input`, each device seeing the sheet
    /// rows behind its changes as `ctx.cause` (sheet-driven plans).
    pub fn assess_with_causes(
        &self,
        input: &AssessInput<'_>,
        causes: &Causes,
        options: &AssessOptions,
    ) -> Assessment {
        let mut diffs: Vec<&DeviceDiff> = input.devices.iter().collect();
        diffs.sort_by(|a, b| a.name.cmp(&b.name));
        let devices: Vec<Arc<DeviceView>> = diffs
            .par_iter()
            .map(|d| Arc::new(DeviceView::new(d, input.inventory, input.inventory_from)))
            .collect();
        let index: HashMap<String, usize> = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        let run = Arc::new(RunShared {
            inventory: InventoryView::new(Arc::new(input.inventory.clone())),
            inventory_from: InventoryView::new(Arc::new(input.inventory_from.clone())),
            devices,
            index,
            tables: input
                .tables
                .iter()
                .map(|(name, rows)| {
                    let rows: Array = rows
                        .iter()
                        .map(|row| {
                            let map: Map = row
                                .iter()
                                .map(|(k, v)| (k.as_str().into(), Dynamic::from(v.clone())))
                                .collect();
                            Dynamic::from_map(map)
                        })
                        .collect();
                    (name.clone(), rows)
                })
                .collect(),
            causes: causes
                .iter()
                .map(|(name, list)| {
                    let rows: Array = list
                        .iter()
                        .filter_map(|c| rhai::serde::to_dynamic(c).ok())
                        .collect();
                    (name.clone(), rows)
                })
                .collect(),
        });

        let device_scripts: Vec<&Script> = self.scripts.iter().filter(|s| s.on_device).collect();
        let jobs = run.devices.len() * device_scripts.len();
        let per_device: Vec<CallResult> = (0..jobs)
            .into_par_iter()
            .with_max_len(4)
            .map(|job| {
                let device = &run.devices[job / device_scripts.len()];
                let script = device_scripts[job % device_scripts.len()];
                let ctx = Ctx::new(run.clone(), Some(device.clone()), script.name.clone());
                self.call(
                    script,
                    "on_device",
                    ctx,
                    Some(&device.name),
                    options.timeout,
                )
            })
            .collect();

        let failed: BTreeSet<&str> = per_device
            .iter()
            .filter_map(|r| r.failure.as_ref().map(|f| f.script.as_str()))
            .collect();
        let plan_scripts: Vec<&Script> = self
            .scripts
            .iter()
            .filter(|s| s.on_plan && (options.keep_going || !failed.contains(&*s.name)))
            .collect();
        let per_plan: Vec<CallResult> = plan_scripts
            .par_iter()
            .map(|script| {
                let ctx = Ctx::new(run.clone(), None, script.name.clone());
                self.call(script, "on_plan", ctx, None, options.timeout)
            })
            .collect();

        let mut assessment = Assessment::default();
        for result in per_device.into_iter().chain(per_plan) {
            assessment.findings.extend(result.findings);
            assessment.steps.extend(result.steps);
            assessment.failures.extend(result.failure);
            assessment.output.extend(result.output);
        }
        // Stable: emission order survives within one device and script.
        assessment
            .findings
            .sort_by(|a, b| (&a.device, &a.origin.script).cmp(&(&b.device, &b.origin.script)));
        assessment
            .steps
            .sort_by(|a, b| (&a.device, &a.script).cmp(&(&b.device, &b.script)));
        assessment.failures.sort();
        assessment
    }

    fn call(
        &self,
        script: &Script,
        function: &str,
        ctx: Ctx,
        device: Option<&str>,
        timeout: Duration,
    ) -> CallResult {
        let mut scope = Scope::new();
        // Top-level statements (imports, constants) run before the entry
        // function so that functions see them; rules keep them cheap.
        let options = CallFnOptions::new().eval_ast(true).rewind_scope(false);
        sandbox::start_call(timeout);
        let result = self.engine.call_fn_with_options::<Dynamic>(
            options,
            &mut scope,
            &script.ast,
            function,
            (Dynamic::from(ctx.clone()),),
        );
        let failure = result
            .err()
            .map(|err| super::failure::from_rhai(script, function, device, &err));
        let printed = sandbox::end_call();
        let output = printed
            .into_iter()
            .map(|text| ScriptOutput {
                script: script.name.to_string(),
                device: device.map(str::to_string),
                text,
            })
            .collect();
        // A call that failed half way leaves half its findings: drop them
        // so the reviewer sees the failure, not a misleading partial answer.
        let (findings, steps) = if failure.is_some() {
            (Vec::new(), Vec::new())
        } else {
            (ctx.take_findings(), ctx.take_steps())
        };
        CallResult {
            findings,
            steps,
            failure,
            output,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dialect;
    use crate::diff::{Change, ChangeCategory, DeviceStatus, Op};
    use crate::inventory::{Device, DeviceKind, Env};
    use crate::script::{FindingKind, Level, ScriptOptions};

    pub(crate) fn change(
        op: Op,
        path: &[&str],
        before: Option<&str>,
        after: Option<&str>,
    ) -> Change {
        Change {
            op,
            path: path.iter().map(|s| s.to_string()).collect(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
            category: ChangeCategory::Config,
            line_before: before.map(|_| 10),
            line_after: after.map(|_| 11),
            body: Vec::new(),
        }
    }

    fn diff(name: &str, platform: &str, changes: Vec<Change>) -> DeviceDiff {
        DeviceDiff {
            name: name.into(),
            platform: platform.into(),
            dialect: Dialect::for_platform(platform).unwrap_or_default(),
            status: DeviceStatus::Modified,
            config: format!("configs/{name}.cfg"),
            changes,
            lines: None,
            warnings: Vec::new(),
        }
    }

    fn device(name: &str, kind: DeviceKind, env: Env, depends_on: &[&str]) -> Device {
        Device {
            name: name.into(),
            kind,
            platform: "ios".into(),
            site: "west".into(),
            env,
            depends_on: depends_on.iter().map(|s| s.to_string()).collect(),
            ..Device::default()
        }
    }

    fn run_script(source: &str, devices: &[DeviceDiff], inventory: &Inventory) -> Assessment {
        let set = ScriptSet::load(&ScriptOptions {
            builtin: false,
            dirs: Vec::new(),
            store_scripts: vec![("t.rhai".into(), source.into())],
        })
        .expect("compiles");
        let input = AssessInput {
            tables: &SheetTables::new(),
            devices,
            inventory,
            inventory_from: inventory,
        };
        set.assess(&input, &AssessOptions::default())
    }

    fn bgp_removal() -> Vec<DeviceDiff> {
        vec![diff(
            "r1",
            "ios",
            vec![change(
                Op::Remove,
                &["router bgp 65001", "neighbor 10.0.0.2 remote-as 65002"],
                Some("neighbor 10.0.0.2 remote-as 65002"),
                None,
            )],
        )]
    }

    #[test]
    fn ctx_exposes_device_changes_and_emitters_with_origin() {
        let inventory = Inventory::new(vec![
            device("r1", DeviceKind::Router, Env::Prod, &[]),
            device("esx1", DeviceKind::Hypervisor, Env::Prod, &["r1"]),
        ]);
        let script = r#"
fn on_device(ctx) {
    for c in ctx.changes {
        if c.op == "remove" && path_matches(c, "router bgp *") && value_of(c.before, "neighbor") != () {
            ctx.risk("high", "t.bgp", `gone: ${c.text} on ${ctx.device.name}/${ctx.device.env}`);
        }
        if value_of(c.after, "neighbor") != () { ctx.note("after is unit, must not fire"); }
    }
    for d in ctx.inventory.dependents(ctx.device.name) {
        ctx.impact(d.device, "needs r1");
    }
    ctx.precheck("show ip bgp summary");
}
"#;
        let assessment = run_script(script, &bgp_removal(), &inventory);
        assert!(assessment.failures.is_empty(), "{:?}", assessment.failures);
        let kinds: Vec<&FindingKind> = assessment.findings.iter().map(|f| &f.kind).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert_eq!(
            kinds[0],
            &FindingKind::Risk {
                level: Level::High,
                rule: "t.bgp".into(),
                message: "gone: neighbor 10.0.0.2 remote-as 65002 on r1/prod".into(),
                message_ja: None,
            }
        );
        assert!(
            matches!(kinds[1], FindingKind::Impact { target, path, .. } if target == "esx1" && path == &["r1", "esx1"])
        );
        let first = &assessment.findings[0];
        assert_eq!(first.device.as_deref(), Some("r1"));
        assert_eq!(first.origin.script, "scripts/t.rhai");
        assert_eq!(first.origin.line, Some(5));
    }

    fn failure_of(source: &str) -> ScriptFailure {
        let inventory = Inventory::new(vec![device("r1", DeviceKind::Router, Env::Prod, &[])]);
        let started = std::time::Instant::now();
        let assessment = run_script(source, &bgp_removal(), &inventory);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(assessment.failures.len(), 1, "{:?}", assessment.findings);
        assessment.failures[0].clone()
    }

    #[test]
    fn an_endless_loop_is_stopped_with_its_line() {
        let failure = failure_of("fn on_device(ctx) {\n  let i = 0;\n  loop { i += 1; }\n}\n");
        assert_eq!(failure.script, "scripts/t.rhai");
        assert_eq!(failure.device.as_deref(), Some("r1"));
        assert!(
            failure.message.contains("operations") || failure.message.contains("timed out"),
            "{failure}"
        );
        assert!(failure.message.contains("in `on_device`"), "{failure}");
        assert_eq!((failure.line, failure.column), (1, 1), "{failure}");
    }

    #[test]
    fn endless_recursion_is_stopped() {
        let failure =
            failure_of("fn down(n) { down(n + 1) }\nfn on_device(ctx) {\n  down(0);\n}\n");
        assert!(failure.message.contains("nested deeper"), "{failure}");
        assert!(failure.line > 0);
    }

    #[test]
    fn exponential_strings_are_capped() {
        let failure =
            failure_of("fn on_device(ctx) {\n  let s = \"xx\";\n  while true { s += s; }\n}\n");
        assert!(failure.message.contains("string grew past"), "{failure}");
        assert_eq!(failure.line, 1, "points at fn on_device: {failure}");
    }

    #[test]
    fn a_runtime_type_error_names_line_and_column() {
        let failure =
            failure_of("fn on_device(ctx) {\n  let n = 1;\n  let x = n + \"a\" * 2;\n}\n");
        assert_eq!(failure.line, 3, "{failure}");
        assert!(failure.column > 0);
        assert!(
            failure.to_string().starts_with("scripts/t.rhai:3:"),
            "{failure}"
        );
    }

    #[test]
    fn the_wall_clock_deadline_stops_slow_calls() {
        let inventory = Inventory::new(vec![device("r1", DeviceKind::Router, Env::Prod, &[])]);
        let set = ScriptSet::load(&ScriptOptions {
            builtin: false,
            dirs: Vec::new(),
            // Each pass is slow (a 100,000-entry array reversed), so the
            // deadline comes long before the operation limit, in release
            // builds too (an empty loop reached the limit first there).
            store_scripts: vec![(
                "slow.rhai".into(),
                "fn on_device(ctx) { let a = []; a.pad(100000, 1); loop { a.reverse(); } }".into(),
            )],
        })
        .unwrap();
        let devices = bgp_removal();
        let input = AssessInput {
            tables: &SheetTables::new(),
            devices: &devices,
            inventory: &inventory,
            inventory_from: &inventory,
        };
        let options = AssessOptions {
            keep_going: false,
            timeout: Duration::from_millis(50),
        };
        let started = std::time::Instant::now();
        let assessment = set.assess(&input, &options);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(
            assessment.failures[0].message.contains("timed out"),
            "{:?}",
            assessment.failures
        );
    }

    #[test]
    fn other_scripts_results_stand_when_one_fails() {
        let inventory = Inventory::new(vec![device("r1", DeviceKind::Router, Env::Prod, &[])]);
        let set = ScriptSet::load(&ScriptOptions {
            builtin: false,
            dirs: Vec::new(),
            store_scripts: vec![
                ("bad.rhai".into(), "fn on_device(ctx) { ctx.note(\"half\"); throw \"nope\"; }\nfn on_plan(ctx) { ctx.note(\"plan\"); }".into()),
                ("good.rhai".into(), "fn on_device(ctx) { ctx.risk(\"low\", \"g.r\", \"ok\"); }".into()),
            ],
        })
        .unwrap();
        let devices = bgp_removal();
        let input = AssessInput {
            tables: &SheetTables::new(),
            devices: &devices,
            inventory: &inventory,
            inventory_from: &inventory,
        };
        let strict = set.assess(&input, &AssessOptions::default());
        assert_eq!(strict.failures.len(), 1);
        assert_eq!(strict.failures[0].message, "nope");
        assert_eq!(strict.findings.len(), 1, "{:?}", strict.findings);
        assert_eq!(strict.findings[0].origin.script, "scripts/good.rhai");
        let lenient = set.assess(
            &input,
            &AssessOptions {
                keep_going: true,
                ..AssessOptions::default()
            },
        );
        assert_eq!(lenient.findings.len(), 2, "on_plan runs with --keep-going");
    }

    #[test]
    fn print_never_reaches_stdout() {
        let inventory = Inventory::new(vec![device("r1", DeviceKind::Router, Env::Prod, &[])]);
        let assessment = run_script(
            "fn on_device(ctx) { print(`hello ${ctx.device.name}`); debug(1); }",
            &bgp_removal(),
            &inventory,
        );
        let texts: Vec<&str> = assessment.output.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, ["hello r1", "line 1: 1"]);
    }
}
