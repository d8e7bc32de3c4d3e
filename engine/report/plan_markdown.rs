//! A plan as Markdown, for pull-request comments (GitHub and GitLab).
//!
//! A comment is capped (GitHub: 65 536 characters), so the plan is laid out
//! most important first and every section stops where its share of the
//! budget ends, saying how much is left out: the summary (devices, findings,
//! approvals, blast radius, manual steps, failures), then the fleet groups
//! (devices with the same procedure, shown once), then as many single
//! devices' details as fit, then the rollback order summarised per wave.
//! The HTML page and plan.json always hold everything.

use super::escape::{html as html_text, markdown_code as cell};
use super::i18n::{self, Lang, Msg};
use super::plan_groups::{self, StepGroup, GROUP_MIN};
use super::plan_rows::{origin, review_findings, step_lists};
use super::plan_text::change_block;
use crate::plan::{Plan, PlanDevice, Risk, Steps};
use std::fmt::Write;

/// The largest comment this renderer aims for, in bytes (GitHub allows
/// 65 536 characters; bytes are a safe over-estimate).
pub const MAX_COMMENT_BYTES: usize = 60_000;

/// Room kept for the omission notes, the rollback order and the footer.
const TAIL_RESERVE: usize = 4_000;

/// Where the summary tables and lists stop (bytes of the whole comment so
/// far), so the groups and details keep room.
const SUMMARY_BUDGET: usize = MAX_COMMENT_BYTES / 2;

/// Where the fleet groups stop.
const GROUPS_BUDGET: usize = MAX_COMMENT_BYTES * 3 / 4;

/// Device names listed per group or per rollback wave before the rest is
/// counted.
const NAMES_SHOWN: usize = 12;

/// Renders `plan` as Markdown in `lang`, never longer than
/// [`MAX_COMMENT_BYTES`]: what does not fit is left out with a note.
pub fn render(plan: &Plan, lang: Lang) -> String {
    // Manual steps in the report's language (the plan keeps the English).
    let plan = &*super::manual_ja::localize(plan, lang);
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
            if out.len() > MAX_COMMENT_BYTES / 5 {
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
            if out.len() > MAX_COMMENT_BYTES * 2 / 5 {
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
        let lines = plan.approvals_required.iter().map(|approval| {
            let device = approval.device.as_deref().unwrap_or("-");
            format!(
                "- [ ] **{}** (`{}`): {}",
                cell(&approval.role),
                cell(device),
                cell(&approval.reason)
            )
        });
        capped_lines(&mut out, lines, SUMMARY_BUDGET, lang);
    }
    if !plan.impact.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Impact));
        let lines = plan.impact.iter().map(|hit| {
            format!(
                "- `{}`: {} ({})",
                cell(&hit.device),
                cell(&i18n::impact_reason(hit, lang)),
                cell(&hit.path.join(" → "))
            )
        });
        capped_lines(&mut out, lines, SUMMARY_BUDGET, lang);
    }
    if !plan.manual.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Manual));
        let lines = plan
            .manual
            .iter()
            .map(|step| format!("- `{}`: {}", cell(&step.device), cell(&step.text)));
        capped_lines(&mut out, lines, SUMMARY_BUDGET, lang);
    }
    if !plan.script_failures.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::ScriptFailures));
        let lines = plan
            .script_failures
            .iter()
            .map(|failure| format!("- `{}`: {}", cell(&failure.script), cell(&failure.message)));
        capped_lines(&mut out, lines, SUMMARY_BUDGET, lang);
    }
    let grouped = plan_groups::group(plan, GROUP_MIN);
    if !grouped.groups.is_empty() {
        let _ = writeln!(out, "### {}\n", t(Msg::Groups));
        let _ = writeln!(out, "{}\n", t(Msg::GroupPlaceholders));
        let mut omitted = 0;
        for (number, group) in grouped.groups.iter().enumerate() {
            let mut block = String::new();
            group_details(&mut block, number + 1, group, lang);
            if omitted == 0 && out.len() + block.len() <= GROUPS_BUDGET {
                out.push_str(&block);
            } else {
                omitted += 1;
            }
        }
        if omitted > 0 {
            let count = omitted.to_string();
            let note = i18n::fill(Msg::GroupsOmitted, lang, &[("count", &count)]);
            let _ = writeln!(out, "> {note}\n");
        }
    }
    // Device details as many as fit: the devices in no group first (their
    // procedure is shown nowhere else), then the grouped ones, whose
    // changes are shown and whose procedure points to its group.
    let mut omitted = 0;
    let grouped_devices = plan
        .devices
        .iter()
        .filter_map(|d| grouped.group_of(&d.name).map(|group| (d, Some(group + 1))));
    for (device, group) in grouped
        .single
        .iter()
        .map(|d| (*d, None))
        .chain(grouped_devices)
    {
        let mut block = String::new();
        device_details(&mut block, device, group, lang);
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
        let _ = writeln!(out, "**{}:**\n", t(Msg::RollbackOrder));
        let lines = plan_groups::rollback_waves(plan)
            .into_iter()
            .map(|(wave, names)| {
                let shown: Vec<String> = names
                    .iter()
                    .take(NAMES_SHOWN)
                    .map(|n| format!("`{}`", cell(n)))
                    .collect();
                let rest = names.len().saturating_sub(NAMES_SHOWN);
                let more = if rest > 0 {
                    format!(" → … (+{rest})")
                } else {
                    String::new()
                };
                format!(
                    "- {} {wave} ({} {}): {}{more}",
                    t(Msg::Wave),
                    names.len(),
                    t(Msg::DeviceCount),
                    shown.join(" → ")
                )
            });
        capped_lines(&mut out, lines, MAX_COMMENT_BYTES - TAIL_RESERVE / 4, lang);
    }
    let _ = writeln!(out, "<sub>{} · `{}`</sub>", t(Msg::Generated), plan.schema);
    out
}

/// Writes `lines` one per line while the comment stays under `budget`
/// bytes, then notes how many were left out, and ends the list.
fn capped_lines(out: &mut String, lines: impl Iterator<Item = String>, budget: usize, lang: Lang) {
    let mut left_out = 0;
    for line in lines {
        if out.len() + line.len() > budget {
            left_out += 1;
            continue;
        }
        let _ = writeln!(out, "{line}");
    }
    more_rows(out, left_out, lang);
    out.push('\n');
}

/// One fleet group: its devices (the first few named), then its shared
/// procedure with the placeholders.
fn group_details(out: &mut String, number: usize, group: &StepGroup<'_>, lang: Lang) {
    let names = group.names();
    let count = names.len().to_string();
    let title = i18n::fill(
        Msg::GroupSummary,
        lang,
        &[("count", &count), ("platform", group.platform)],
    );
    let listed = super::fleet::name_list(&names, NAMES_SHOWN);
    let _ = writeln!(
        out,
        "<details><summary>{number}. {} · {}</summary>\n",
        html_text(&title),
        html_text(&listed)
    );
    procedure(out, &group.steps, &group.manual, lang);
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

/// One device: its changes, then its procedure, or (`group`) a pointer to
/// the fleet group that shows it.
fn device_details(out: &mut String, device: &PlanDevice, group: Option<usize>, lang: Lang) {
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
    if !device.cause.is_empty() {
        let _ = writeln!(out, "**{}**\n", t(Msg::Cause));
        for cause in &device.cause {
            let _ = writeln!(out, "- `{}`", cause.describe().replace('`', "'"));
        }
        out.push('\n');
    }
    let dialect = device.dialect();
    let changes: Vec<String> = device
        .changes
        .iter()
        .flat_map(|c| change_block(c, dialect))
        .collect();
    fenced(out, t(Msg::Changes), "diff", &changes);
    if let Some(group) = group {
        let number = group.to_string();
        let note = i18n::fill(Msg::InGroup, lang, &[("group", &number)]);
        let _ = writeln!(out, "_{note}_\n\n</details>\n");
        return;
    }
    procedure(out, &device.steps, &device.manual, lang);
}

/// The labelled step lists ([`step_lists`]) as fenced blocks, closing the
/// `<details>` they stand in.
fn procedure(out: &mut String, steps: &Steps, manual: &[String], lang: Lang) {
    for (kind, lines) in step_lists(steps, manual) {
        if !lines.is_empty() {
            fenced(out, kind.label().text(lang), "text", lines);
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
