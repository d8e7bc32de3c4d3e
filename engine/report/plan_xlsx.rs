//! A plan as an Excel work procedure (作業手順書): one row per step with
//! wave, device, fleet group, step kind, command, expected result, rollback
//! command and a checkbox column, plus a summary sheet.
//!
//! Every device keeps its own rows (an operator ticks each one); the rows
//! of devices that share one procedure (see [`plan_groups`](super::plan_groups))
//! name their group and share its background colour, so a group of 480
//! switches reads as one block.

use super::i18n::{self, Lang, Msg};
use super::plan_groups::{group, GROUP_MIN};
use super::plan_rows::rows;
use crate::plan::Plan;
use rust_xlsxwriter::{
    DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The unticked and ticked marks of the checkbox column.
pub const CHECKBOX: [&str; 2] = ["☐", "☑"];

/// Background colours of grouped rows, one per group in turn (pale, so the
/// text stays readable when printed).
const GROUP_FILLS: [u32; 4] = [0xE8F1FB, 0xEAF6E8, 0xFDF3E1, 0xF3E9F7];

/// Returns the workbook as the bytes of an `.xlsx` file.
pub fn render(plan: &Plan, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    // Manual steps in the report's language (the plan keeps the English).
    let plan = &*super::manual_ja::localize(plan, lang);
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDE3EE)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let body = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let mono = body.clone().set_font_name("Consolas");
    let check = body
        .clone()
        .set_align(FormatAlign::Center)
        .set_font_size(14);

    let procedure = workbook.add_worksheet();
    procedure.set_name(Msg::ProcedureTitle.text(lang))?;
    write_procedure(procedure, plan, lang, &header, &body, &mono, &check)?;

    let summary = workbook.add_worksheet();
    summary.set_name(Msg::Summary.text(lang))?;
    write_summary(summary, plan, lang, &header, &body)?;

    workbook.save_to_buffer()
}

fn write_procedure(
    sheet: &mut Worksheet,
    plan: &Plan,
    lang: Lang,
    header: &Format,
    body: &Format,
    mono: &Format,
    check: &Format,
) -> Result<(), XlsxError> {
    let t = |m: Msg| m.text(lang);
    let columns: [(Msg, f64); 9] = [
        (Msg::Number, 6.0),
        (Msg::Wave, 8.0),
        (Msg::Device, 20.0),
        (Msg::Group, 16.0),
        (Msg::StepKind, 12.0),
        (Msg::Command, 60.0),
        (Msg::Expected, 36.0),
        (Msg::RollbackCommand, 50.0),
        (Msg::Done, 8.0),
    ];
    for (col, (label, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, t(*label), header)?;
    }
    let rows = rows(plan);
    let grouped = group(plan, GROUP_MIN);
    let sizes: Vec<String> = grouped
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{} ({} {})", i + 1, g.devices.len(), t(Msg::DeviceCount)))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let in_group = grouped.group_of(&row.device);
        let fill = |format: &Format| match in_group {
            Some(g) => format
                .clone()
                .set_background_color(GROUP_FILLS[g % GROUP_FILLS.len()]),
            None => format.clone(),
        };
        let (body, mono, check) = (fill(body), fill(mono), fill(check));
        let label = in_group.map_or("", |g| sizes[g].as_str());
        sheet.write_number_with_format(r, 0, row.number as f64, &body)?;
        sheet.write_number_with_format(r, 1, f64::from(row.wave), &body)?;
        sheet.write_string_with_format(r, 2, &row.device, &body)?;
        sheet.write_string_with_format(r, 3, label, &body)?;
        sheet.write_string_with_format(r, 4, t(row.kind.label()), &body)?;
        sheet.write_string_with_format(r, 5, &row.command, &mono)?;
        sheet.write_string_with_format(r, 6, t(row.kind.expected()), &body)?;
        sheet.write_string_with_format(r, 7, &row.rollback, &mono)?;
        sheet.write_string_with_format(r, 8, CHECKBOX[0], &check)?;
        // Tall enough for the block, capped so one huge block stays usable.
        let lines = row
            .command
            .lines()
            .count()
            .max(row.rollback.lines().count())
            .max(1);
        sheet.set_row_height(r, (lines.min(40) as f64) * 15.0 + 4.0)?;
    }
    if !rows.is_empty() {
        let last = rows.len() as u32;
        let validation = DataValidation::new().allow_list_strings(&CHECKBOX)?;
        sheet.add_data_validation(1, 8, last, 8, &validation)?;
        sheet.autofilter(0, 0, last, 8)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_landscape();
    Ok(())
}

fn write_summary(
    sheet: &mut Worksheet,
    plan: &Plan,
    lang: Lang,
    header: &Format,
    body: &Format,
) -> Result<(), XlsxError> {
    let t = |m: Msg| m.text(lang);
    sheet.set_column_width(0, 24.0)?;
    sheet.set_column_width(1, 80.0)?;
    sheet.write_string_with_format(0, 0, t(Msg::Item), header)?;
    sheet.write_string_with_format(0, 1, t(Msg::Value), header)?;
    let mut lines: Vec<(String, String)> = vec![
        (t(Msg::PlanTitle).into(), i18n::summary(plan, lang)),
        (
            t(Msg::From).into(),
            format!("{} ({})", plan.from.rev, plan.from.commit),
        ),
        (
            t(Msg::To).into(),
            format!("{} ({})", plan.to.rev, plan.to.commit),
        ),
        (t(Msg::Hash).into(), plan.hash.clone()),
        (t(Msg::Risk).into(), i18n::risk(plan.risk, lang).into()),
    ];
    for wave in &plan.waves {
        lines.push((
            format!("{} {}", t(Msg::Wave), wave.number),
            format!(
                "{}: {}",
                i18n::env(&wave.env, lang),
                wave.devices.join(", ")
            ),
        ));
    }
    for approval in &plan.approvals_required {
        lines.push((
            t(Msg::ApprovalsRequired).into(),
            format!(
                "{} ({}): {}",
                approval.role,
                approval.device.as_deref().unwrap_or("-"),
                approval.reason
            ),
        ));
    }
    for hit in &plan.impact {
        lines.push((
            t(Msg::Impact).into(),
            format!(
                "{}: {} ({})",
                hit.device,
                i18n::impact_reason(hit, lang),
                hit.path.join(" → ")
            ),
        ));
    }
    for device in &plan.devices {
        for cause in &device.cause {
            lines.push((
                t(Msg::Cause).into(),
                format!("{}: {}", device.name, cause.describe()),
            ));
        }
    }
    for step in &plan.manual {
        lines.push((
            t(Msg::Manual).into(),
            format!("{}: {}", step.device, step.text),
        ));
    }
    lines.push((
        t(Msg::RollbackOrder).into(),
        plan.rollback_order.join(" → "),
    ));
    for (i, (item, value)) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, item, body)?;
        sheet.write_string_with_format(r, 1, value, body)?;
    }
    Ok(())
}
