//! The intended-configuration part of `henko demo`: the compliance of the
//! last point in time against its own sheets and templates, and the
//! sheet-driven plan (`--intended`) of the last window, with its reports.

use super::plans::write_reports;
use crate::intended::intended_set;
use crate::plan::compliance::compliance;
use crate::plan::pipeline::{make_plan, PlanOptions};
use crate::report::compliance::{render_html, render_sheet_plan, render_summary};
use crate::report::demo::render_plan_summary;
use crate::source::Snapshot;
use miette::{IntoDiagnostic, WrapErr};
use std::path::Path;

/// Appends the compliance of the last point in time and the sheet-driven
/// plan of the last window to `out`, writing their reports under `reports`.
pub(super) fn write_intended(
    out: &mut String,
    store: &Path,
    reports: &Path,
    tags: &[String],
) -> miette::Result<()> {
    let Some(last) = tags.last() else {
        return Ok(());
    };
    let snapshot = Snapshot::resolve(last, Some(store))?;
    let Some(set) = intended_set(&snapshot, &snapshot)? else {
        return Ok(());
    };
    let report = compliance(&set, &snapshot, &|_| true)?;
    let page = reports.join(format!("compliance_{last}.html"));
    std::fs::write(&page, render_html(&report))
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", page.display()))?;
    out.push_str(&render_summary(&report, &page));
    if let [.., from, to] = tags {
        let options = PlanOptions {
            keep_going: true,
            intended: true,
            ..PlanOptions::default()
        };
        let plan = make_plan(from, to, Some(store), &options)?;
        let files = write_reports(&plan, reports, &format!("plan_{from}_{to}_intended"))?;
        out.push_str(&format!(
            "\nsheet-driven plan (--intended) {from} → {to}:\n"
        ));
        render_plan_summary(out, &plan, &files);
        out.push_str(&render_sheet_plan(&plan));
    }
    Ok(())
}
