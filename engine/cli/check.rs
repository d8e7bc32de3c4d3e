//! `henko check PLAN [--fail-on LEVEL] [--junit FILE] [--sarif FILE]`.

use super::{print_out, Outcome};
use crate::plan::approval::{ApprovalRecord, APPROVALS_REF, APPROVAL_SCHEMA};
use crate::plan::gate::{evaluate, GateInput, Reason, Verdict};
use crate::plan::pipeline::{make_plan, PlanOptions};
use crate::plan::{read_plan, LoadedPlan, Risk};
use crate::report::{junit, sarif};
use crate::source::Store;
use crate::verify::record::{read_records, record_problem};
use miette::{IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The plan file (JSON) to check.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Findings at or above this level need an approval (info, low,
    /// medium, high, critical, or none to ignore risk).
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_level)]
    pub fail_on: Risk,
    /// Write the verdict as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the findings as SARIF 2.1.0 to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Script folders to recompute with (default: those the plan recorded).
    #[arg(long = "scripts", value_name = "DIR")]
    pub scripts: Vec<PathBuf>,
    /// Recompute without the shipped rule library (default: as recorded).
    #[arg(long)]
    pub no_default_scripts: bool,
    /// Pass only when the plan's newest execution record (`henko verify
    /// --record`) says every device landed.
    #[arg(long)]
    pub require_record: bool,
}

pub(super) fn parse_level(name: &str) -> Result<Risk, String> {
    match name.to_ascii_lowercase().as_str() {
        "none" => Ok(Risk::None),
        other => crate::script::Level::parse(other)
            .map(Risk::from)
            .ok_or_else(|| {
                format!("`{name}` is not one of none, info, low, medium, high, critical")
            }),
    }
}

/// Returns what the gate says about the plan read as `loaded`: recomputed
/// from its FROM/TO (with `scripts` instead of the recorded folders when
/// given) and checked against the store's approvals.
pub(super) fn gate(
    loaded: &LoadedPlan,
    repo: Option<&Path>,
    fail_on: Risk,
    scripts: &[PathBuf],
    no_default_scripts: bool,
) -> miette::Result<Verdict> {
    let plan = &loaded.plan;
    let mut options = PlanOptions::from_meta(&plan.meta)?;
    if !scripts.is_empty() {
        options.scripts = scripts.to_vec();
    }
    if no_default_scripts {
        options.default_scripts = false;
    }
    options.keep_going = true;
    let recomputed = make_plan(&plan.from.rev, &plan.to.rev, repo, &options)
        .wrap_err("cannot recompute the plan from its FROM/TO")?;
    let store = Store::open(repo)?;
    let approvals: Vec<ApprovalRecord> = store
        .records(APPROVALS_REF)?
        .into_iter()
        .filter_map(|r| serde_json::from_slice::<ApprovalRecord>(&r.bytes).ok())
        .filter(|a| a.schema == APPROVAL_SCHEMA)
        .collect();
    Ok(evaluate(
        plan,
        &GateInput {
            body_hash: &loaded.body_hash,
            recomputed_hash: &recomputed.hash,
            approvals: &approvals,
            fail_on,
        },
    ))
}

/// Runs `henko check`.
pub fn run(args: CheckArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let loaded = read_plan(&args.plan)?;
    let plan = &loaded.plan;
    let mut verdict = gate(
        &loaded,
        repo,
        args.fail_on,
        &args.scripts,
        args.no_default_scripts,
    )?;
    if args.require_record {
        verdict.record_required = true;
        let store = Store::open(repo)?;
        if let Some(detail) = record_problem(&read_records(&store)?, &plan.hash) {
            verdict.reasons.push(Reason::NotVerified { detail });
        }
    }
    if let Some(path) = &args.junit {
        write(path, &junit::render(plan, &verdict, args.fail_on))?;
    }
    if let Some(path) = &args.sarif {
        write(path, &sarif::render(plan, &verdict, args.fail_on))?;
    }
    let mut text = String::new();
    if verdict.passed() {
        text.push_str(&format!(
            "check passed: plan {} is fresh, approved by {} ({}), risk {}\n",
            plan.hash,
            verdict.approvals,
            verdict
                .approved_roles
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            plan.risk
        ));
        if verdict.record_required {
            text.push_str("  its newest execution record says every device landed\n");
        }
    } else {
        text.push_str(&format!("check failed: plan {}\n", plan.hash));
        for reason in &verdict.reasons {
            text.push_str(&format!("  - {reason}\n"));
        }
    }
    print_out(&text)?;
    if verdict.passed() {
        Ok(Outcome::Success)
    } else {
        Ok(Outcome::CheckFailed)
    }
}

fn write(path: &Path, text: &str) -> miette::Result<()> {
    std::fs::write(path, text)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_with_none() {
        assert_eq!(parse_level("HIGH"), Ok(Risk::High));
        assert_eq!(parse_level("none"), Ok(Risk::None));
        assert!(parse_level("severe").is_err());
    }
}
