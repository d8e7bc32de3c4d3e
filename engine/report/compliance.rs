//! The compliance report (`henko compliance`): text, JSON, Markdown, and a
//! self-contained HTML page styled like the plan page.

use super::escape::html as escape;
use super::plan_html::STYLE;
use crate::plan::compliance::{Compliance, DeviceCompliance, GroupSummary};
use std::fmt::Write;

/// Returns the report for a terminal.
pub fn render_text(report: &Compliance) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Compliance of {} ({})",
        report.snapshot.rev, report.snapshot.commit
    );
    for d in &report.devices {
        let state = if d.compliant {
            "compliant"
        } else {
            "NOT compliant"
        };
        let _ = writeln!(
            out,
            "\n== {} ({}, {}): {state} ==",
            d.name, d.platform, d.site
        );
        if d.backup_missing {
            let _ = writeln!(
                out,
                "  (no backup in the snapshot: everything rendered is missing)"
            );
        }
        for f in &d.features {
            let _ = writeln!(
                out,
                "  {}: {}",
                f.name,
                if f.compliant { "ok" } else { "differs" }
            );
            for line in &f.missing {
                let _ = writeln!(out, "    + {line}");
            }
            for line in &f.extra {
                let _ = writeln!(out, "    - {line}");
            }
        }
        remediation_text(&mut out, d);
    }
    let _ = writeln!(out, "\nBy feature:");
    groups_text(&mut out, &report.features);
    let _ = writeln!(out, "By site:");
    groups_text(&mut out, &report.sites);
    let compliant = report.devices.iter().filter(|d| d.compliant).count();
    let _ = writeln!(
        out,
        "{compliant} of {} templated device(s) compliant",
        report.devices.len()
    );
    out
}

fn remediation_text(out: &mut String, d: &DeviceCompliance) {
    if d.apply.is_empty() {
        return;
    }
    let proof = if d.verified {
        "verified by simulation"
    } else {
        "NOT verified by simulation"
    };
    let _ = writeln!(out, "  remediation ({proof}):");
    for line in &d.apply {
        let _ = writeln!(out, "    {line}");
    }
}

fn groups_text(out: &mut String, groups: &[GroupSummary]) {
    for g in groups {
        let name = if g.name.is_empty() {
            "(no site)"
        } else {
            g.name.as_str()
        };
        let _ = writeln!(
            out,
            "  {name}: {}/{} compliant ({:.1}%)",
            g.compliant, g.devices, g.percent
        );
    }
}

/// Returns a few lines for the demo: the share of compliant devices per
/// feature and per site, the devices that differ, and where the page is.
pub fn render_summary(report: &Compliance, page: &std::path::Path) -> String {
    let mut out = String::new();
    let compliant = report.devices.iter().filter(|d| d.compliant).count();
    let _ = writeln!(
        out,
        "\ncompliance {}: {compliant} of {} templated device(s) compliant",
        report.snapshot.rev,
        report.devices.len()
    );
    let line = |groups: &[GroupSummary]| -> String {
        groups
            .iter()
            .map(|g| format!("{} {:.1}%", g.name, g.percent))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "  by feature: {}", line(&report.features));
    let _ = writeln!(out, "  by site: {}", line(&report.sites));
    for d in report.devices.iter().filter(|d| !d.compliant) {
        for f in d.features.iter().filter(|f| !f.compliant) {
            let _ = writeln!(
                out,
                "  {} [{}]: {} missing, {} extra — {}",
                d.name,
                f.name,
                f.missing.len(),
                f.extra.len(),
                f.missing
                    .first()
                    .or(f.extra.first())
                    .cloned()
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "  report: {}", page.display());
    out
}

/// Returns, for each device of a sheet-driven plan, the sheet cells behind
/// it and the commands they turn into.
pub fn render_sheet_plan(plan: &crate::plan::Plan) -> String {
    let mut out = String::new();
    for device in plan.devices.iter().filter(|d| !d.cause.is_empty()) {
        let _ = writeln!(out, "  {}:", device.name);
        for cause in &device.cause {
            let _ = writeln!(out, "    cause: {}", cause.describe());
        }
        for line in &device.steps.apply {
            let _ = writeln!(out, "    | {line}");
        }
    }
    out
}

/// Returns the report as JSON (`henko.compliance/v1`).
pub fn render_json(report: &Compliance) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

/// Returns the report as Markdown, for a pull-request comment.
pub fn render_markdown(report: &Compliance) -> String {
    let mut out = String::new();
    let compliant = report.devices.iter().filter(|d| d.compliant).count();
    let _ = writeln!(
        out,
        "## Compliance of `{}`\n\n{compliant} of {} templated device(s) compliant.\n",
        report.snapshot.rev,
        report.devices.len()
    );
    for (title, groups) in [("Feature", &report.features), ("Site", &report.sites)] {
        let _ = writeln!(
            out,
            "| {title} | Compliant | Devices | % |\n|---|---:|---:|---:|"
        );
        for g in groups.iter() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} |",
                g.name, g.compliant, g.devices, g.percent
            );
        }
        out.push('\n');
    }
    for d in report.devices.iter().filter(|d| !d.compliant) {
        let _ = writeln!(
            out,
            "<details><summary><code>{}</code> differs</summary>\n",
            d.name
        );
        let mut lines = Vec::new();
        for f in &d.features {
            lines.extend(f.missing.iter().map(|l| format!("+ [{}] {l}", f.name)));
            lines.extend(f.extra.iter().map(|l| format!("- [{}] {l}", f.name)));
        }
        let _ = writeln!(out, "```diff\n{}\n```\n", lines.join("\n"));
        if !d.apply.is_empty() {
            let _ = writeln!(
                out,
                "Remediation:\n\n```text\n{}\n```\n",
                d.apply.join("\n")
            );
        }
        out.push_str("</details>\n\n");
    }
    out
}

/// Returns the report as one self-contained HTML page.
pub fn render_html(report: &Compliance) -> String {
    let mut out = String::new();
    let title = format!("Compliance {}", report.snapshot.rev);
    let compliant = report.devices.iter().filter(|d| d.compliant).count();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<header><h1>{}</h1>\
         <p>{compliant} / {} compliant <span class=\"meta\">{}</span></p></header>\n<main>\n",
        escape(&title),
        escape(&title),
        report.devices.len(),
        escape(&report.snapshot.commit)
    );
    for (heading, groups) in [("By feature", &report.features), ("By site", &report.sites)] {
        let _ = write!(
            out,
            "<h2>{heading}</h2><table><tr><th>Name</th><th>Compliant</th><th>Devices</th><th>%</th></tr>"
        );
        for g in groups.iter() {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td></tr>",
                escape(&g.name),
                g.compliant,
                g.devices,
                g.percent
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2>Devices</h2>\n");
    for d in &report.devices {
        let badge = if d.compliant {
            "<span class=\"badge r-low\">compliant</span>"
        } else {
            "<span class=\"badge r-high\">differs</span>"
        };
        let _ = write!(
            out,
            "<article class=\"device\"><h3>{} {badge}</h3><p class=\"meta\">{} · {}</p>",
            escape(&d.name),
            escape(&d.platform),
            escape(&d.site)
        );
        let rows: Vec<(String, &str, &str)> = d
            .features
            .iter()
            .flat_map(|f| {
                f.missing
                    .iter()
                    .map(move |l| (f.name.clone(), "after", l.as_str()))
                    .chain(
                        f.extra
                            .iter()
                            .map(move |l| (f.name.clone(), "before", l.as_str())),
                    )
            })
            .collect();
        if !rows.is_empty() {
            out.push_str("<table class=\"diff\"><tr><th>Feature</th><th>Line</th></tr>");
            for (feature, class, line) in rows {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td class=\"{class}\"><code>{}</code></td></tr>",
                    escape(&feature),
                    escape(line)
                );
            }
            out.push_str("</table>");
        }
        for (label, class, lines) in [
            ("Remediation", "apply", &d.apply),
            ("Rollback", "rollback", &d.rollback),
        ] {
            if !lines.is_empty() {
                let _ = write!(
                    out,
                    "<h4>{label}</h4><pre class=\"{class}\">{}</pre>",
                    escape(&lines.join("\n"))
                );
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str("</main></body></html>\n");
    out
}
