//! A verification as text for a terminal and as Markdown for a
//! pull-request comment: one line per device with its outcome, the
//! missing and extra lines under it, and a count per outcome.

use super::escape::markdown_code as cell;
use super::i18n::{self, Lang, Msg};
use crate::plan::approval::short;
use crate::verify::{DeviceOutcome, Outcome, Verification};
use std::fmt::Write;

/// Returns the verification as text.
pub fn render(verification: &Verification, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {}: {} ({})",
        Msg::Hash.text(lang),
        short(&verification.plan_hash),
        Msg::AfterBackup.text(lang),
        verification.after.rev,
        short(&verification.after.commit),
    );
    let width = verification
        .devices
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0);
    for device in &verification.devices {
        let mut line = format!(
            "  {:<width$}  {}",
            device.name,
            i18n::outcome(device.outcome, lang)
        );
        if device.wave.is_some() && device.outcome != Outcome::Landed {
            line.push_str(&format!("  ({})", progress(device, lang)));
        }
        if let Some(note) = &device.note {
            line.push_str(&format!("  — {note}"));
        }
        let _ = writeln!(out, "{}", line.trim_end());
        for missing in &device.missing {
            let _ = writeln!(out, "      - {missing}");
        }
        for extra in &device.extra {
            let _ = writeln!(out, "      + {extra}");
        }
    }
    let _ = writeln!(out, "{}", summary(verification, lang));
    out
}

/// Returns the verification as Markdown.
pub fn render_markdown(verification: &Verification, lang: Lang) -> String {
    let t = |m: Msg| m.text(lang);
    let mut out = format!(
        "## {} · `{}`\n\n{}: `{}` → `{}` · {}: `{}` (`{}`)\n\n**{}**\n\n",
        t(Msg::ResultTitle),
        short(&verification.plan_hash),
        t(Msg::From),
        verification.from.rev,
        verification.to.rev,
        t(Msg::AfterBackup),
        verification.after.rev,
        short(&verification.after.commit),
        summary(verification, lang),
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        t(Msg::Device),
        t(Msg::Wave),
        t(Msg::Result),
        t(Msg::MissingLines),
        t(Msg::ExtraLines)
    );
    for device in &verification.devices {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&device.name),
            device.wave.map(|w| w.to_string()).unwrap_or_default(),
            i18n::outcome(device.outcome, lang),
            code_list(&device.missing),
            code_list(&device.extra),
        );
    }
    out
}

/// Returns the one-line count per outcome, and whether all is well.
pub fn summary(verification: &Verification, lang: Lang) -> String {
    let counts: Vec<String> = verification
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(outcome, n)| format!("{} {n}", i18n::outcome(*outcome, lang)))
        .collect();
    let attention = verification
        .devices
        .iter()
        .filter(|d| !d.outcome.is_success())
        .count();
    let verdict = if attention == 0 {
        Msg::VerifyPassed.text(lang).to_string()
    } else {
        i18n::fill(
            Msg::VerifyFailed,
            lang,
            &[("count", &attention.to_string())],
        )
    };
    if counts.is_empty() {
        verdict
    } else {
        format!("{} — {verdict}", counts.join(", "))
    }
}

/// Returns "n of m planned change(s) present" in `lang`.
pub fn progress(device: &DeviceOutcome, lang: Lang) -> String {
    i18n::fill(
        Msg::PlannedChanges,
        lang,
        &[
            ("landed", &device.landed_changes.to_string()),
            ("planned", &device.planned_changes.to_string()),
        ],
    )
}

fn code_list(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("`{}`", cell(l)))
        .collect::<Vec<_>>()
        .join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::RevRef;
    use crate::verify::VERIFY_SCHEMA;

    fn sample() -> Verification {
        let device = |name: &str, outcome, missing: &[&str], extra: &[&str]| DeviceOutcome {
            name: name.into(),
            platform: "ios".into(),
            site: "west".into(),
            env: "prod".into(),
            wave: (outcome != Outcome::Unplanned).then_some(1),
            outcome,
            missing: missing.iter().map(|s| s.to_string()).collect(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            changes: Vec::new(),
            planned_changes: 2,
            landed_changes: 1,
            note: None,
        };
        Verification {
            schema: VERIFY_SCHEMA.into(),
            plan_hash: "ab".repeat(32),
            from: RevRef {
                rev: "v1".into(),
                commit: "1".repeat(40),
            },
            to: RevRef {
                rev: "v2".into(),
                commit: "2".repeat(40),
            },
            after: RevRef {
                rev: "v3".into(),
                commit: "3".repeat(40),
            },
            devices: vec![
                device("r1", Outcome::Landed, &[], &[]),
                device("r2", Outcome::Partial, &["interface Gi0/1 > shutdown"], &[]),
                device(
                    "sw9",
                    Outcome::Unplanned,
                    &["ntp server a"],
                    &["ntp server b|c"],
                ),
            ],
        }
    }

    #[test]
    fn text_lists_each_device_with_its_lines() {
        let text = render(&sample(), Lang::En);
        assert!(text.contains("  r2   partial  (1 of 2 planned change(s) present)\n      - interface Gi0/1 > shutdown\n"), "{text}");
        assert!(
            text.contains(
                "  sw9  unplanned change\n      - ntp server a\n      + ntp server b|c\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "landed 1, partial 1, unplanned change 1 — 2 device(s) need attention.\n"
            ),
            "{text}"
        );
        let ja = render(&sample(), Lang::Ja);
        assert!(ja.contains("正常 1, 一部未反映 1, 計画外変更 1"), "{ja}");
    }

    #[test]
    fn markdown_escapes_cells() {
        let md = render_markdown(&sample(), Lang::En);
        assert!(
            md.contains("| sw9 |  | unplanned change | `ntp server a` | `ntp server b\\|c` |"),
            "{md}"
        );
    }
}
