//! A plan as Markdown, for pull-request comments (GitHub and GitLab).

use super::i18n::{self, Lang, Msg};
use super::plan_rows::{origin, review_findings};
use super::plan_text::change_block;
use crate::plan::{Plan, PlanDevice, Risk};
use std::fmt::Write;

/// The largest comment this renderer aims for, in bytes (GitHub allows
/// 65 536 characters; bytes are a safe over-estimate).
pub const MAX_COMMENT_BYTES: usize = 60_000;

/// Room kept for the omission note, the rollback order and the footer.
const TAIL_RESERVE: usize = 4_000;

/// Renders `plan` as Markdown in `lang`. Device details that would push the
/// comment past [`MAX_COMMENT_BYTES`] are left out with a note.
pub fn render(plan: &Plan, lang: Lang) -> String {
    let t = |m: Msg| m.text(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} `{}` → `{}`\n",
        t(Msg::PlanTitle),
        cell(&plan.from.rev),
        cell(&plan.to.rev)
    );
    let _ = writeln!(
        out,
        "**{}: {} {}** · {} · {} `{}`\n",
        t(Msg::Risk),
        badge(plan.risk),
        i18n::risk(plan.risk, lang).to_uppercase(),
        i18n::summary(plan, lang),
        t(Msg::Hash),
        plan.hash
    );
    if plan.devices.is_empty() {
        let _ = writeln!(out, "{}\n", t(Msg::NoChanges));
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            t(Msg::Wave),
            t(Msg::Device),
            t(Msg::Platform),
            t(Msg::Env),
            t(Msg::Status),
            t(Msg::Changes),
            t(Msg::Risk)
        );
        let _ = writeln!(out, "|---:|---|---|---|---|---:|---|");
        let mut rows_left_out = 0;
        for device in &plan.devices {
            if out.len() > MAX_COMMENT_BYTES / 3 {
                rows_left_out += 1;
                continue;
            }
            let risk = device
                .findings
                .iter()
                .filter_map(|f| f.level().map(Risk::from))
                .max()
                .unwrap_or(Risk::None);
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} | {} {} |",
                device.wave,
                cell(&device.name),
                cell(&device.platform),
                cell(&i18n::env(&device.env, lang)),
                i18n::status(&device.status, lang),
                device.changes.len(),
                badge(risk),
                i18n::risk(risk, lang)
            );
        }
        more_rows(&mut out, rows_left_out, lang);
        out.push('\n');
    }
    let mut device_findings: Vec<(&str, _)> = plan
        .devices
        .iter()
        .flat_map(|d| {
            review_findings(&d.findings)
                .into_iter()
                .map(move |f| (d.name.as_str(), f))
        })
        .chain(
            review_findings(&plan.findings)
                .into_iter()
                .map(|f| ("-", f)),
        )
        .collect();
    if !device_findings.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Findings));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            t(Msg::Device),
            t(Msg::Level),
            t(Msg::Message),
            t(Msg::Source)
        );
        // Highest risk first across the plan, so a capped table keeps the
        // findings that matter.
        device_findings.sort_by_key(|(_, f)| std::cmp::Reverse(f.level().map(Risk::from)));
        let mut rows_left_out = 0;
        for (device, finding) in device_findings {
            if out.len() > MAX_COMMENT_BYTES * 2 / 3 {
                rows_left_out += 1;
                continue;
            }
            let level = match finding.level().map(Risk::from) {
                Some(level) => format!("{} {}", badge(level), i18n::risk(level, lang)),
                None => i18n::finding_kind(finding.kind_name(), lang).to_string(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | `{}` |",
                cell(device),
                level,
                cell(&finding.summary()),
                cell(&origin(finding))
            );
        }
        more_rows(&mut out, rows_left_out, lang);
        out.push('\n');
    }
    if !plan.approvals_required.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::ApprovalsRequired));
        for approval in &plan.approvals_required {
            let device = approval.device.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "- [ ] **{}** (`{}`): {}",
                cell(&approval.role),
                cell(device),
                cell(&approval.reason)
            );
        }
        out.push('\n');
    }
    if !plan.impact.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Impact));
        for hit in &plan.impact {
            let _ = writeln!(
                out,
                "- `{}`: {} ({})",
                cell(&hit.device),
                cell(&i18n::impact_reason(hit, lang)),
                cell(&hit.path.join(" → "))
            );
        }
        out.push('\n');
    }
    if !plan.manual.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Manual));
        for step in &plan.manual {
            let _ = writeln!(out, "- `{}`: {}", cell(&step.device), cell(&step.text));
        }
        out.push('\n');
    }
    if !plan.script_failures.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::ScriptFailures));
        for failure in &plan.script_failures {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                cell(&failure.script),
                cell(&failure.message)
            );
        }
        out.push('\n');
    }
    // Pull-request comments are capped (GitHub: 65 536 characters): the
    // device details stop where the budget ends, and the reader is sent to
    // the HTML page and the JSON for the rest.
    let mut omitted = 0;
    for device in &plan.devices {
        let mut block = String::new();
        device_details(&mut block, device, lang);
        if omitted == 0 && out.len() + block.len() + TAIL_RESERVE <= MAX_COMMENT_BYTES {
            out.push_str(&block);
        } else {
            omitted += 1;
        }
    }
    if omitted > 0 {
        let _ = writeln!(
            out,
            "> {}\n",
            i18n::fill(Msg::Omitted, lang, &[("count", &omitted.to_string())])
        );
    }
    if !plan.rollback_order.is_empty() {
        let _ = writeln!(
            out,
            "**{}:** {}\n",
            t(Msg::RollbackOrder),
            plan.rollback_order
                .iter()
                .map(|n| format!("`{}`", cell(n)))
                .collect::<Vec<_>>()
                .join(" → ")
        );
    }
    let _ = writeln!(out, "<sub>{} · `{}`</sub>", t(Msg::Generated), plan.schema);
    out
}

/// Notes that a table was cut short.
fn more_rows(out: &mut String, count: usize, lang: Lang) {
    if count > 0 {
        let _ = writeln!(
            out,
            "\n_{}_",
            i18n::fill(Msg::RowsOmitted, lang, &[("count", &count.to_string())])
        );
    }
}

fn device_details(out: &mut String, device: &PlanDevice, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let _ = writeln!(
        out,
        "<details><summary>{} {} · <code>{}</code> · {} {}</summary>\n",
        t(Msg::Wave),
        device.wave,
        html_text(&device.name),
        device.changes.len(),
        t(Msg::Changes)
    );
    let changes: Vec<String> = device.changes.iter().flat_map(change_block).collect();
    fenced(out, t(Msg::Changes), "diff", &changes);
    for (label, lines) in [
        (Msg::StepPrecheck, &device.steps.precheck),
        (Msg::StepApply, &device.steps.apply),
        (Msg::StepVerify, &device.steps.verify),
        (Msg::StepRollback, &device.steps.rollback),
        (Msg::StepManual, &device.manual),
    ] {
        if !lines.is_empty() {
            fenced(out, t(label), "text", lines);
        }
    }
    let _ = writeln!(out, "</details>\n");
}

/// Writes a labelled fenced block whose fence is longer than any run of
/// backticks inside it.
fn fenced(out: &mut String, label: &str, info: &str, lines: &[String]) {
    let longest = lines
        .iter()
        .map(|l| l.split(|c| c != '`').map(str::len).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "**{label}**\n\n{fence}{info}");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{fence}\n");
}

/// Returns a coloured marker for a risk level (emoji render on GitHub and GitLab).
fn badge(risk: Risk) -> &'static str {
    match risk {
        Risk::None => "⚪",
        Risk::Info => "🔵",
        Risk::Low => "🟢",
        Risk::Medium => "🟡",
        Risk::High => "🟠",
        Risk::Critical => "🔴",
    }
}

/// Makes text safe inside a table cell or inline code: no pipes, no newlines.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('`', "'")
}

fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
