//! The plan part of `henko demo`: one change plan per window between two
//! consecutive points in time, written as JSON, HTML (English and Japanese)
//! and the Japanese work-procedure workbook (作業手順書), and summarised in a
//! few lines each (by `report::demo`).

use crate::plan::pipeline::{make_plan, PlanOptions};
use crate::plan::Plan;
use crate::report::i18n::Lang;
use crate::report::{demo, plan_html, plan_json, plan_xlsx};
use miette::{IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Makes the plan of every window, writes its reports under `reports` and
/// appends a summary of each to `out`; returns the last plan.
pub(super) fn write_plans(
    out: &mut String,
    store: &Path,
    reports: &Path,
    tags: &[String],
) -> miette::Result<Option<Plan>> {
    std::fs::create_dir_all(reports)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", reports.display()))?;
    // Script failures are recorded in the plan rather than stopping the demo:
    // the demo shows what a reviewer gets, failures included.
    let options = PlanOptions {
        keep_going: true,
        ..PlanOptions::default()
    };
    let mut last = None;
    for window in tags.windows(2) {
        let (from, to) = (&window[0], &window[1]);
        let plan = make_plan(from, to, Some(store), &options)?;
        let files = write_reports(&plan, reports, &format!("plan_{from}_{to}"))?;
        demo::render_plan_summary(out, &plan, &files);
        last = Some(plan);
    }
    Ok(last)
}

/// Writes the four reports of one plan and returns their paths.
pub(super) fn write_reports(plan: &Plan, dir: &Path, stem: &str) -> miette::Result<Vec<PathBuf>> {
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
