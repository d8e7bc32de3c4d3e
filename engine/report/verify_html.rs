//! The work result report (作業結果報告書) as one self-contained HTML page:
//! the same summary and rows as the xlsx.

use super::escape::html as escape;
use super::i18n::{self, Lang, Msg};
use super::verify_rows::{rows, summary};
use crate::plan::approval::short;
use crate::plan::Plan;
use crate::verify::record::ExecutionRecord;
use crate::verify::Outcome;
use std::fmt::Write;

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:1.5rem;color:#222}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top;text-align:left}\
th{background:#dde3ee}pre{margin:0;font-family:Consolas,monospace;font-size:.85rem;white-space:pre-wrap}\
.ok{background:#e2f0d9}.ng{background:#fce4d6;font-weight:bold}";

/// Returns the report as HTML.
pub fn render(record: &ExecutionRecord, plan: &Plan, lang: Lang) -> String {
    let t = |m: Msg| m.text(lang);
    let title = format!("{} {}", t(Msg::ResultTitle), short(&record.plan_hash));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        lang.code(),
        escape(&title),
        escape(&title)
    );
    let _ = write!(out, "<h2>{}</h2><table>", t(Msg::Summary));
    for (item, value) in summary(record, lang) {
        let _ = write!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&item),
            escape(&value)
        );
    }
    out.push_str("</table>\n");
    let _ = write!(out, "<h2>{}</h2><table><tr>", t(Msg::ResultTitle));
    for label in [
        Msg::Number,
        Msg::Wave,
        Msg::Device,
        Msg::WorkContent,
        Msg::Result,
        Msg::MissingLines,
        Msg::ExtraLines,
        Msg::Evidence,
    ] {
        let _ = write!(out, "<th>{}</th>", t(label));
    }
    out.push_str("</tr>\n");
    for row in rows(record, plan, lang) {
        let class = if row.outcome == Outcome::Landed {
            "ok"
        } else {
            "ng"
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td><td class=\"{class}\">{}</td><td><pre>{}</pre></td><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
            row.number,
            row.wave.map(|w| w.to_string()).unwrap_or_default(),
            escape(&row.device),
            escape(&row.work),
            i18n::outcome(row.outcome, lang),
            escape(&row.missing),
            escape(&row.extra),
            escape(&row.evidence),
        );
    }
    out.push_str("</table>\n</body></html>\n");
    out
}
