//! A plan as one self-contained HTML page for reviewers: summary, risk
//! badges, the blast radius as a picture, per-device side-by-side diff,
//! apply and rollback blocks, and the procedure. Inline CSS and SVG only;
//! the page never refers to anything outside itself.

use super::escape::html as escape;
use super::i18n::{self, Lang, Msg};
use super::plan_rows::{origin, review_findings, rows, step_lists};
use super::plan_svg;
use crate::plan::{Plan, PlanDevice, Risk, Steps};
use std::fmt::Write;

/// The page style, shared with the compliance page.
pub(crate) const STYLE: &str = r#"
:root{--fg:#1d2330;--muted:#5b6477;--line:#d9dde5;--bg:#f6f7f9;--add:#e6f6ea;--del:#fdecec;}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,"Hiragino Sans","Yu Gothic","Noto Sans CJK JP",Meiryo,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1200px;margin:0 auto;padding:16px 24px}
header{background:#fff;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 8px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600;white-space:nowrap}
td:first-child{white-space:nowrap}
code,pre{font:13px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK JP",monospace}
pre{background:#fff;border:1px solid var(--line);border-left:4px solid #4a78c2;padding:8px 12px;margin:4px 0 12px;overflow-x:auto;white-space:pre}
pre.rollback{border-left-color:#c2614a}
pre.precheck,pre.verify{border-left-color:#6a8f3b}
.badge{display:inline-block;white-space:nowrap;border-radius:10px;padding:1px 10px;font-size:12px;font-weight:700;color:#fff;background:#8a93a6}
.r-info{background:#4a78c2}.r-low{background:#3b8f5a}.r-medium{background:#c49a1b}.r-high{background:#d2691e}.r-critical{background:#c0392b}
.device{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 16px;margin:12px 0}
.meta{color:var(--muted)}
td.before{background:var(--del)}td.after{background:var(--add)}
td.ctx{color:var(--muted);font-size:12px}
table.diff td code{white-space:pre-wrap}
.graph rect{stroke:#666;stroke-width:1}
.graph .changed rect{fill:#ffd8b0}.graph .hit rect{fill:#e8ebf1}
.graph text{font-size:12px;fill:#1d2330}
.check{font-size:16px;text-align:center}
@media print{body{background:#fff}header{border:0}}
"#;

/// Renders `plan` as a self-contained HTML page in `lang`.
pub fn render(plan: &Plan, lang: Lang) -> String {
    // Manual steps in the report's language (the plan keeps the English).
    let plan = &*super::manual_ja::localize(plan, lang);
    let t = |m: Msg| m.text(lang);
    let mut out = String::new();
    let title = format!("{} {} → {}", t(Msg::PlanTitle), plan.from.rev, plan.to.rev);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        lang.code(),
        escape(&title)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p>{} {} <span class=\"meta\">{}</span></p></header>\n<main>\n",
        escape(&title),
        badge(plan.risk, lang),
        escape(&i18n::summary(plan, lang)),
        escape(&plan.hash)
    );
    let _ = write!(
        out,
        "<h2 id=\"summary\">{}</h2><table><tr><th>{}</th><td><code>{}</code> ({})</td></tr>\
         <tr><th>{}</th><td><code>{}</code> ({})</td></tr><tr><th>{}</th><td><code>{}</code></td></tr>\
         <tr><th>{}</th><td>{}</td></tr></table>",
        t(Msg::Summary),
        t(Msg::From),
        escape(&plan.from.rev),
        escape(&plan.from.commit),
        t(Msg::To),
        escape(&plan.to.rev),
        escape(&plan.to.commit),
        t(Msg::Hash),
        escape(&plan.hash),
        t(Msg::Risk),
        badge(plan.risk, lang)
    );
    out.push('\n');
    if plan.devices.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", t(Msg::NoChanges));
    }
    if !plan.waves.is_empty() {
        let _ = write!(
            out,
            "<h2 id=\"waves\">{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(Msg::Waves),
            t(Msg::Wave),
            t(Msg::Env),
            t(Msg::Devices)
        );
        for wave in &plan.waves {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                wave.number,
                escape(&i18n::env(&wave.env, lang)),
                escape(&wave.devices.join(", "))
            );
        }
        out.push_str("</table>\n");
    }
    findings_table(&mut out, plan, lang);
    if !plan.approvals_required.is_empty() {
        let _ = write!(
            out,
            "<h2 id=\"approvals\">{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(Msg::ApprovalsRequired),
            t(Msg::Role),
            t(Msg::Device),
            t(Msg::Reason)
        );
        for a in &plan.approvals_required {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.role),
                escape(a.device.as_deref().unwrap_or("-")),
                escape(&a.reason)
            );
        }
        out.push_str("</table>\n");
    }
    if let Some(svg) = plan_svg::blast_radius(plan) {
        let _ = write!(out, "<h2 id=\"impact\">{}</h2>{svg}", t(Msg::Impact));
        let _ = write!(
            out,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(Msg::Device),
            t(Msg::Reason),
            t(Msg::Path)
        );
        for hit in &plan.impact {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&hit.device),
                escape(&i18n::impact_reason(hit, lang)),
                escape(&hit.path.join(" → "))
            );
        }
        out.push_str("</table>\n");
    }
    groups_section(&mut out, plan, lang);
    if !plan.devices.is_empty() {
        let _ = writeln!(out, "<h2 id=\"devices\">{}</h2>", t(Msg::Devices));
    }
    for device in &plan.devices {
        device_section(&mut out, device, lang);
    }
    procedure(&mut out, plan, lang);
    if !plan.script_failures.is_empty() {
        let _ = write!(
            out,
            "<h2 id=\"failures\">{}</h2><ul>",
            t(Msg::ScriptFailures)
        );
        for f in &plan.script_failures {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&f.script),
                escape(&f.message)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        "</main><footer class=\"meta\">{} · {}</footer></body></html>",
        t(Msg::Generated),
        escape(&plan.schema)
    );
    out.push('\n');
    out
}

fn findings_table(out: &mut String, plan: &Plan, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let list: Vec<_> = plan
        .devices
        .iter()
        .flat_map(|d| review_findings(&d.findings))
        .chain(review_findings(&plan.findings))
        .collect();
    if list.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h2 id=\"findings\">{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(Msg::Findings),
        t(Msg::Device),
        t(Msg::Level),
        t(Msg::Message),
        t(Msg::Source)
    );
    for finding in list {
        let level = match finding.level().map(Risk::from) {
            Some(level) => badge(level, lang),
            None => escape(i18n::finding_kind(finding.kind_name(), lang)),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{level}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(finding.device.as_deref().unwrap_or("-")),
            escape(&finding.summary()),
            escape(&origin(finding))
        );
    }
    out.push_str("</table>\n");
}

/// The fleet groups: devices with the same procedure, each group's device
/// list and its shared procedure once (every device's own section below
/// still holds its full procedure).
fn groups_section(out: &mut String, plan: &Plan, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let grouped = super::plan_groups::group(plan, super::plan_groups::GROUP_MIN);
    if grouped.groups.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h2 id=\"groups\">{}</h2><p class=\"meta\">{}</p>",
        t(Msg::Groups),
        escape(&t(Msg::GroupPlaceholders).replace('`', ""))
    );
    for (number, group) in grouped.groups.iter().enumerate() {
        let count = group.devices.len().to_string();
        let title = i18n::fill(
            Msg::GroupSummary,
            lang,
            &[("count", &count), ("platform", group.platform)],
        );
        let _ = write!(
            out,
            "<article class=\"group\" id=\"group-{}\"><h3>{}. {}</h3><p>{}</p>",
            number + 1,
            number + 1,
            escape(&title),
            escape(&group.names().join(", "))
        );
        step_blocks(out, &group.steps, &group.manual, lang);
        out.push_str("</article>\n");
    }
}

fn device_section(out: &mut String, device: &PlanDevice, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let risk = device
        .findings
        .iter()
        .filter_map(|f| f.level().map(Risk::from))
        .max()
        .unwrap_or(Risk::None);
    let env = i18n::env(&device.env, lang);
    let facts: Vec<&str> = [
        device.platform.as_str(),
        device.site.as_str(),
        env.as_str(),
        i18n::status(&device.status, lang),
    ]
    .into_iter()
    .filter(|f| !f.is_empty())
    .collect();
    let verified = match device.verified {
        Some(true) => t(Msg::Verified),
        Some(false) => t(Msg::Unverified),
        None => "",
    };
    let _ = write!(
        out,
        "<article class=\"device\" id=\"device-{}\"><h3>{} {} · {} {}</h3>\
         <p class=\"meta\">{} · <code>{}</code> {}</p>",
        escape(&device.name),
        t(Msg::Wave),
        device.wave,
        escape(&device.name),
        badge(risk, lang),
        escape(&facts.join(" · ")),
        escape(&device.config),
        escape(verified)
    );
    if !device.cause.is_empty() {
        let _ = write!(out, "<h4>{}</h4><ul class=\"cause\">", t(Msg::Cause));
        for cause in &device.cause {
            let _ = write!(out, "<li><code>{}</code></li>", escape(&cause.describe()));
        }
        out.push_str("</ul>");
    }
    if !device.changes.is_empty() {
        let _ = write!(
            out,
            "<table class=\"diff\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(Msg::Path),
            t(Msg::Before),
            t(Msg::After)
        );
        let dialect = device.dialect();
        for change in &device.changes {
            let context = change.path[..change.path.len().saturating_sub(1)].join(" › ");
            // A section added or removed whole shows its body under the
            // header, indented as the diff reports indent it.
            let body = change.display_body(dialect);
            let with_body = |line: Option<&str>| match line {
                Some(line) if !body.is_empty() => std::iter::once(line.to_string())
                    .chain(body.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(line) => line.to_string(),
                None => String::new(),
            };
            let before = with_body(change.before.as_deref());
            let after = with_body(change.after.as_deref());
            let _ = write!(
                out,
                "<tr><td class=\"ctx\"><code>{}</code></td><td class=\"{}\"><code>{}</code></td><td class=\"{}\"><code>{}</code></td></tr>",
                escape(&context),
                if before.is_empty() { "" } else { "before" },
                escape(&before),
                if after.is_empty() { "" } else { "after" },
                escape(&after)
            );
        }
        out.push_str("</table>");
    }
    step_blocks(out, &device.steps, &device.manual, lang);
    out.push_str("</article>\n");
}

/// The labelled step lists ([`step_lists`]), each as one block.
fn step_blocks(out: &mut String, steps: &Steps, manual: &[String], lang: Lang) {
    for (kind, lines) in step_lists(steps, manual) {
        if !lines.is_empty() {
            let _ = write!(
                out,
                "<h4>{}</h4><pre class=\"{}\">{}</pre>",
                kind.label().text(lang),
                kind.name(),
                escape(&lines.join("\n"))
            );
        }
    }
}

fn procedure(out: &mut String, plan: &Plan, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let rows = rows(plan);
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h2 id=\"procedure\">{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr>",
        t(Msg::ProcedureTitle),
        t(Msg::Number),
        t(Msg::Wave),
        t(Msg::Device),
        t(Msg::StepKind),
        t(Msg::Command),
        t(Msg::Expected),
        t(Msg::Done)
    );
    for row in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td><td>{}</td><td class=\"check\">☐</td></tr>",
            row.number,
            row.wave,
            escape(&row.device),
            t(row.kind.label()),
            escape(&row.command),
            t(row.kind.expected())
        );
    }
    out.push_str("</table>\n");
}

/// Returns a risk badge.
fn badge(risk: Risk, lang: Lang) -> String {
    format!(
        "<span class=\"badge r-{}\">{}</span>",
        risk.as_str(),
        escape(&i18n::risk(risk, lang).to_uppercase())
    )
}
