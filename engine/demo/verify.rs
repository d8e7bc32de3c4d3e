//! The verify part of `henko demo`: the last plan held against the backup
//! taken after its window ([`AFTER_WINDOW`]), recorded as an execution
//! record, with the work result report (作業結果報告書) as xlsx and HTML.

use crate::plan::approval::rfc3339_utc;
use crate::plan::Plan;
use crate::report::i18n::Lang;
use crate::report::{verify_html, verify_text, verify_xlsx};
use crate::source::Store;
use crate::verify::record::{store_record, ExecutionRecord};
use crate::verify::verify;
use miette::{IntoDiagnostic, WrapErr};
use std::fmt::Write;
use std::path::Path;

/// The point in time that is the backup after the last window: no plan is
/// made to it; `verify` reads it.
pub(super) const AFTER_WINDOW: &str = "2023-07-01";

/// Who the demo records as having done and checked the work.
const OPERATOR: &str = "山田 太郎";
const CHECKER: &str = "鈴木 花子";

/// Verifies `plan` against the snapshot tagged `after`, records the
/// outcome, writes the reports under `reports`, and appends a summary;
/// with the command to try when the store is `kept` after the demo.
pub(super) fn write_verification(
    out: &mut String,
    store: &Store,
    plan: &Plan,
    after: &str,
    reports: &Path,
    kept: bool,
) -> miette::Result<()> {
    let verification = verify(plan, after, Some(store.path()))?;
    let mut record = ExecutionRecord::new(
        &verification,
        OPERATOR,
        Some(CHECKER.to_string()),
        Some("henko demo".to_string()),
        Vec::new(),
    );
    // A fixed time keeps the demo's output the same on every run.
    record.time =
        rfc3339_utc(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_688_184_000));
    let (commit, _) = store_record(store, &record)?;
    let stem = format!("verify_{}_{after}", &plan.to.rev);
    let workbook = verify_xlsx::render(&record, plan, Lang::Ja)
        .into_diagnostic()
        .wrap_err("cannot build the result workbook")?;
    let outputs = [
        (format!("{stem}.json"), verification.to_json().into_bytes()),
        (format!("{stem}.xlsx"), workbook),
        (
            format!("{stem}.ja.html"),
            verify_html::render(&record, plan, Lang::Ja).into_bytes(),
        ),
    ];
    let _ = writeln!(
        out,
        "\nverify: plan {} → {} held against {after} (the backup after the window)",
        plan.from.rev, plan.to.rev
    );
    for line in verify_text::render(&verification, Lang::En).lines().skip(1) {
        if !line.starts_with("  ") || !line.ends_with("landed") {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(
        out,
        "  recorded by {OPERATOR}, checked by {CHECKER} ({} on refs/henko/records)",
        &commit.to_string()[..12]
    );
    for (name, bytes) in outputs {
        let path = reports.join(&name);
        std::fs::write(&path, bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        let _ = writeln!(out, "  wrote {}", path.display());
    }
    // With --clean the store and reports are gone when the demo ends.
    if kept {
        let _ = writeln!(out, "  try: {}", try_command(store, plan, after, reports));
    }
    Ok(())
}

/// The `henko verify` command that repeats what the demo did, on the
/// store's own folder (as the next steps name it).
fn try_command(store: &Store, plan: &Plan, after: &str, reports: &Path) -> String {
    let repo = store.path().display().to_string();
    format!(
        "henko --repo {} verify {} {after}",
        repo.trim_end_matches('/'),
        reports
            .join(format!("plan_{}_{}.json", plan.from.rev, plan.to.rev))
            .display()
    )
}
