//! The rows of the work result report (作業結果報告書), shared by its xlsx
//! and HTML forms: one row per device with what was to be done, the
//! outcome, the missing and extra lines and the evidence files.

use super::i18n::{self, Lang, Msg};
use super::plan_text::change_line;
use crate::plan::approval::{path_safe, short};
use crate::plan::Plan;
use crate::verify::record::ExecutionRecord;
use crate::verify::Outcome;

/// At most this many lines go into one cell (the JSON has them all).
pub const CELL_LINES: usize = 30;

/// One device of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    /// 1-based row number.
    pub number: usize,
    /// The plan's wave (`None` for an unplanned device).
    pub wave: Option<u32>,
    /// Device name.
    pub device: String,
    /// What the plan does on the device, one change per line (作業内容).
    pub work: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Missing lines, one per line.
    pub missing: String,
    /// Extra lines, one per line.
    pub extra: String,
    /// Evidence file names for the device, one per line.
    pub evidence: String,
}

/// Returns the report's rows: the planned devices in plan order, then the
/// unplanned ones.
pub fn rows(record: &ExecutionRecord, plan: &Plan, lang: Lang) -> Vec<ResultRow> {
    record
        .verification
        .devices
        .iter()
        .enumerate()
        .map(|(i, device)| {
            let work: Vec<String> = match plan.device(&device.name) {
                Some(planned) => planned.changes.iter().map(change_line).collect(),
                None => vec![Msg::NotInPlan.text(lang).to_string()],
            };
            let prefix = format!("{}/", path_safe(&device.name));
            let evidence: Vec<String> = record
                .evidence
                .iter()
                .filter(|e| e.path.starts_with(&prefix))
                .map(|e| e.path.clone())
                .collect();
            ResultRow {
                number: i + 1,
                wave: device.wave,
                device: device.name.clone(),
                work: cell_lines(&work, lang),
                outcome: device.outcome,
                missing: cell_lines(&device.missing, lang),
                extra: cell_lines(&device.extra, lang),
                evidence: cell_lines(&evidence, lang),
            }
        })
        .collect()
}

/// Returns the summary items (項目, 値) of the report.
pub fn summary(record: &ExecutionRecord, lang: Lang) -> Vec<(String, String)> {
    let t = |m: Msg| m.text(lang).to_string();
    let v = &record.verification;
    let mut items = vec![
        (t(Msg::WorkId), short(&record.plan_hash).to_string()),
        (t(Msg::Hash), record.plan_hash.clone()),
        (t(Msg::From), format!("{} ({})", v.from.rev, v.from.commit)),
        (t(Msg::To), format!("{} ({})", v.to.rev, v.to.commit)),
        (
            t(Msg::AfterBackup),
            format!("{} ({})", v.after.rev, v.after.commit),
        ),
        (t(Msg::WorkTime), record.time.clone()),
        (t(Msg::Operator), record.by.clone()),
        (
            t(Msg::Checker),
            record.checked_by.clone().unwrap_or_default(),
        ),
        (t(Msg::Result), super::verify_text::summary(v, lang)),
    ];
    for (outcome, count) in v.counts() {
        items.push((
            format!("{}: {}", t(Msg::Count), i18n::outcome(outcome, lang)),
            count.to_string(),
        ));
    }
    items.push((t(Msg::Evidence), record.evidence.len().to_string()));
    if let Some(comment) = &record.comment {
        items.push((t(Msg::Comment), comment.clone()));
    }
    items
}

/// Joins lines for one cell, keeping the first [`CELL_LINES`].
fn cell_lines(lines: &[String], lang: Lang) -> String {
    let mut kept: Vec<String> = lines.iter().take(CELL_LINES).cloned().collect();
    if lines.len() > CELL_LINES {
        kept.push(i18n::fill(
            Msg::MoreLines,
            lang,
            &[("count", &(lines.len() - CELL_LINES).to_string())],
        ));
    }
    kept.join("\n")
}
