//! A plan as plain text for a terminal, in English or Japanese.

use super::i18n::{self, Lang, Msg};
use super::plan_groups::{self, StepGroup, GROUP_MIN};
use super::plan_rows::{origin, review_findings, step_lists};
use crate::config::Dialect;
use crate::plan::{Finding, Plan, PlanChange, PlanDevice, Risk, Steps};
use std::fmt::Write;

/// Renders `plan` as text in `lang`.
pub fn render(plan: &Plan, lang: Lang) -> String {
    // Manual steps in the report's language (the plan keeps the English).
    let plan = &*super::manual_ja::localize(plan, lang);
    let t = |m: Msg| m.text(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        t(Msg::PlanTitle),
        plan.from.rev,
        plan.to.rev
    );
    let _ = writeln!(
        out,
        "  {}: {} ({})",
        t(Msg::From),
        plan.from.rev,
        plan.from.commit
    );
    let _ = writeln!(
        out,
        "  {}: {} ({})",
        t(Msg::To),
        plan.to.rev,
        plan.to.commit
    );
    let _ = writeln!(out, "  {}: {}", t(Msg::Hash), plan.hash);
    let _ = writeln!(
        out,
        "  {}: {}",
        t(Msg::Risk),
        i18n::risk(plan.risk, lang).to_uppercase()
    );
    let _ = writeln!(out, "  {}", i18n::summary(plan, lang));
    if plan.devices.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::NoChanges));
    }
    if !plan.waves.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::Waves));
        for wave in &plan.waves {
            let _ = writeln!(
                out,
                "  {} {} ({}): {}",
                t(Msg::Wave),
                wave.number,
                i18n::env(&wave.env, lang),
                wave.devices.join(", ")
            );
        }
    }
    let grouped: Vec<&PlanDevice> = plan
        .devices
        .iter()
        .filter(|d| !review_findings(&d.findings).is_empty())
        .collect();
    if !grouped.is_empty() || !review_findings(&plan.findings).is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::Findings));
        for device in grouped {
            let _ = writeln!(out, "  {}", device.name);
            findings(&mut out, &device.findings, lang, "    ");
        }
        if !review_findings(&plan.findings).is_empty() {
            let _ = writeln!(out, "  {}", t(Msg::PlanFindings));
            findings(&mut out, &plan.findings, lang, "    ");
        }
    }
    let groups = plan_groups::group(plan, GROUP_MIN);
    if !groups.groups.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::Groups));
        let _ = writeln!(out, "  {}", t(Msg::GroupPlaceholders).replace('`', ""));
        for (number, group) in groups.groups.iter().enumerate() {
            group_block(&mut out, number + 1, group, lang);
        }
    }
    for device in &plan.devices {
        let group = groups.group_of(&device.name).map(|g| g + 1);
        device_block(&mut out, device, group, lang);
    }
    if !plan.impact.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::Impact));
        for hit in &plan.impact {
            let _ = writeln!(
                out,
                "  {}: {} ({})",
                hit.device,
                i18n::impact_reason(hit, lang),
                hit.path.join(" → ")
            );
        }
    }
    if !plan.approvals_required.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::ApprovalsRequired));
        for approval in &plan.approvals_required {
            let device = approval.device.as_deref().unwrap_or("-");
            let _ = writeln!(out, "  {} ({device}): {}", approval.role, approval.reason);
        }
    }
    if !plan.manual.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::Manual));
        for step in &plan.manual {
            let _ = writeln!(out, "  {}: {}", step.device, step.text);
        }
    }
    if !plan.rollback_order.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::RollbackOrder));
        for (wave, names) in plan_groups::rollback_waves(plan) {
            let _ = writeln!(out, "  {} {wave}: {}", t(Msg::Wave), names.join(" → "));
        }
    }
    if !plan.script_failures.is_empty() {
        let _ = writeln!(out, "\n{}", t(Msg::ScriptFailures));
        for failure in &plan.script_failures {
            let device = failure.device.as_deref().unwrap_or("-");
            let _ = writeln!(out, "  {} ({device}): {}", failure.script, failure.message);
        }
    }
    out
}

fn findings(out: &mut String, list: &[Finding], lang: Lang, indent: &str) {
    for finding in review_findings(list) {
        let label = match finding.level().map(Risk::from) {
            Some(level) => i18n::risk(level, lang).to_string(),
            None => i18n::finding_kind(finding.kind_name(), lang).to_string(),
        };
        let _ = writeln!(
            out,
            "{indent}[{label}] {}  ({})",
            finding.summary(),
            origin(finding)
        );
    }
}

/// One fleet group: how many devices, which, and their shared procedure.
fn group_block(out: &mut String, number: usize, group: &StepGroup<'_>, lang: Lang) {
    let count = group.devices.len().to_string();
    let title = i18n::fill(
        Msg::GroupSummary,
        lang,
        &[("count", &count), ("platform", group.platform)],
    );
    let _ = writeln!(out, "  {number}. {title}: {}", group.names().join(", "));
    steps(out, &group.steps, &group.manual, lang, "    ");
}

/// The labelled step lists ([`step_lists`]), each line under its label.
fn steps(out: &mut String, steps: &Steps, manual: &[String], lang: Lang, indent: &str) {
    for (kind, lines) in step_lists(steps, manual) {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{indent}{}:", kind.label().text(lang));
        for line in lines {
            let _ = writeln!(out, "{indent}  {line}");
        }
    }
}

/// One device: its changes, then its procedure, or (`group`) a pointer to
/// the fleet group that shows it.
fn device_block(out: &mut String, device: &PlanDevice, group: Option<usize>, lang: Lang) {
    let t = |m: Msg| m.text(lang);
    let _ = writeln!(
        out,
        "\n== {} {}: {} ({}, {}, {}) ==",
        t(Msg::Wave),
        device.wave,
        device.name,
        device.platform,
        i18n::env(&device.env, lang),
        i18n::status(&device.status, lang)
    );
    if let Some(verified) = device.verified {
        let word = if verified {
            Msg::Verified
        } else {
            Msg::Unverified
        };
        let _ = writeln!(out, "  ({})", t(word));
    }
    if !device.cause.is_empty() {
        let _ = writeln!(out, "  {}:", t(Msg::Cause));
        for cause in &device.cause {
            let _ = writeln!(out, "    {}", cause.describe());
        }
    }
    let _ = writeln!(out, "  {}:", t(Msg::Changes));
    for change in &device.changes {
        for line in change_block(change, device.dialect()) {
            let _ = writeln!(out, "    {line}");
        }
    }
    match group {
        Some(group) => {
            let number = group.to_string();
            let note = i18n::fill(Msg::InGroup, lang, &[("group", &number)]);
            let _ = writeln!(out, "  ({note})");
        }
        None => steps(out, &device.steps, &device.manual, lang, "  "),
    }
}

/// Returns one change as its [`change_line`] followed, for a section added
/// or removed whole, by the lines under its header with the same marker,
/// indented as the diff reports indent them for `dialect`.
pub fn change_block(change: &PlanChange, dialect: Dialect) -> Vec<String> {
    let marker = if change.op == "remove" { "-" } else { "+" };
    std::iter::once(change_line(change))
        .chain(
            change
                .display_body(dialect)
                .into_iter()
                .map(|line| format!("{marker} {line}")),
        )
        .collect()
}

/// Returns one change as `+ path > line`, `- …` or `~ … : before → after`.
pub fn change_line(change: &PlanChange) -> String {
    let context = if change.path.len() > 1 {
        format!("{} > ", change.path[..change.path.len() - 1].join(" > "))
    } else {
        String::new()
    };
    let before = change.before.as_deref().unwrap_or("");
    let after = change.after.as_deref().unwrap_or("");
    match change.op.as_str() {
        "add" => format!("+ {context}{after}"),
        "remove" => format!("- {context}{before}"),
        "move" => format!("↕ {context}{after}"),
        _ => format!("~ {context}{before} → {after}"),
    }
}
