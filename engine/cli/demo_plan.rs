//! The plan part of `henko demo`: one change plan per window between two
//! consecutive points in time, written as JSON, HTML (English and Japanese)
//! and the Japanese work-procedure workbook (作業手順書), and summarised in a
//! few lines each.

use crate::plan::pipeline::{make_plan, PlanOptions};
use crate::plan::{Plan, PlanFindingKind, Risk};
use crate::report::i18n::Lang;
use crate::report::{plan_html, plan_json, plan_xlsx};
use miette::{IntoDiagnostic, WrapErr};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Risk findings listed per plan before the rest is counted.
const FINDINGS_SHOWN: usize = 12;

/// Makes the plan of every window, writes its reports under `reports` and
/// appends a summary of each to `out`.
pub(super) fn write_plans(
    out: &mut String,
    store: &Path,
    reports: &Path,
    tags: &[String],
) -> miette::Result<()> {
    std::fs::create_dir_all(reports)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", reports.display()))?;
    // Script failures are recorded in the plan rather than stopping the demo:
    // the demo shows what a reviewer gets, failures included.
    let options = PlanOptions {
        keep_going: true,
        ..PlanOptions::default()
    };
    for window in tags.windows(2) {
        let (from, to) = (&window[0], &window[1]);
        let plan = make_plan(from, to, Some(store), &options)?;
        let files = write_reports(&plan, reports, &format!("plan_{from}_{to}"))?;
        summarise(out, &plan, &files);
    }
    Ok(())
}

/// Writes the four reports of one plan and returns their paths.
fn write_reports(plan: &Plan, dir: &Path, stem: &str) -> miette::Result<Vec<PathBuf>> {
    let workbook = plan_xlsx::render(plan, Lang::Ja)
        .into_diagnostic()
        .wrap_err("cannot build the xlsx workbook")?;
    let outputs = [
        (format!("{stem}.json"), plan_json::render(plan).into_bytes()),
        (
            format!("{stem}.html"),
            plan_html::render(plan, Lang::En).into_bytes(),
        ),
        (
            format!("{stem}.ja.html"),
            plan_html::render(plan, Lang::Ja).into_bytes(),
        ),
        (format!("{stem}.xlsx"), workbook),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in outputs {
        let path = dir.join(name);
        std::fs::write(&path, bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// A few lines per plan: risk, waves, the risk findings that matter,
/// approvals, failures and where the reports are.
fn summarise(out: &mut String, plan: &Plan, files: &[PathBuf]) {
    let _ = writeln!(
        out,
        "plan {} → {}: risk {}, {} device(s) in {} wave(s), hash {}",
        plan.from.rev,
        plan.to.rev,
        plan.risk.as_str().to_uppercase(),
        plan.devices.len(),
        plan.waves.len(),
        &plan.hash[..plan.hash.len().min(12)]
    );
    let waves: Vec<String> = plan
        .waves
        .iter()
        .map(|w| format!("{} {} ({})", w.number, w.env, w.devices.len()))
        .collect();
    let _ = writeln!(out, "  waves: {}", waves.join(", "));
    let findings = notable_findings(plan);
    for group in findings.iter().take(FINDINGS_SHOWN) {
        let _ = writeln!(
            out,
            "  [{}] {}: {} ({})",
            group.level.as_str(),
            group.rule,
            group.message,
            group.devices.join(", ")
        );
    }
    if findings.len() > FINDINGS_SHOWN {
        let _ = writeln!(
            out,
            "  … and {} more risk finding(s) in the reports",
            findings.len() - FINDINGS_SHOWN
        );
    }
    let mut roles: Vec<&str> = plan
        .approvals_required
        .iter()
        .map(|a| a.role.as_str())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if !roles.is_empty() {
        let _ = writeln!(out, "  approvals required: {}", roles.join(", "));
    }
    if !plan.script_failures.is_empty() {
        let _ = writeln!(
            out,
            "  {} script call(s) failed; recorded in the plan",
            plan.script_failures.len()
        );
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(out, "  reports: {}\n", names.join("\n           "));
}

/// One risk finding and every device it was raised on.
struct FindingGroup<'a> {
    level: Risk,
    rule: &'a str,
    message: &'a str,
    devices: Vec<&'a str>,
}

/// Risk findings at medium or above, the same rule and message on several
/// devices shown once, highest level first (stable within a level, so the
/// plan's own order is kept).
fn notable_findings(plan: &Plan) -> Vec<FindingGroup<'_>> {
    let all = plan
        .devices
        .iter()
        .flat_map(|d| d.findings.iter().map(move |f| (d.name.as_str(), f)))
        .chain(plan.findings.iter().map(|f| ("plan-wide", f)));
    let mut groups: Vec<FindingGroup<'_>> = Vec::new();
    for (device, finding) in all {
        let PlanFindingKind::Risk {
            level,
            rule,
            message,
        } = &finding.kind
        else {
            continue;
        };
        if *level < Risk::Medium {
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.level == *level && g.rule == rule && g.message == message)
        {
            Some(group) if !group.devices.contains(&device) => group.devices.push(device),
            Some(_) => {}
            None => groups.push(FindingGroup {
                level: *level,
                rule,
                message,
                devices: vec![device],
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.level));
    groups
}
