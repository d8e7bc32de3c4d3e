//! The work result report (作業結果報告書) as an Excel workbook: a results
//! sheet with one row per device (作業ID, 作業内容, 作業日時, 作業者, 確認者,
//! 結果, missing and extra lines, evidence) and a summary sheet.

use super::i18n::{self, Lang, Msg};
use super::verify_rows::{rows, summary};
use crate::plan::approval::short;
use crate::plan::Plan;
use crate::verify::record::ExecutionRecord;
use crate::verify::Outcome;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// Returns the workbook as the bytes of an `.xlsx` file.
pub fn render(record: &ExecutionRecord, plan: &Plan, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let t = |m: Msg| m.text(lang);
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
    let good = body.clone().set_background_color(0xE2F0D9);
    let bad = body.clone().set_background_color(0xFCE4D6).set_bold();

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Msg::ResultTitle))?;
    let columns: [(Msg, f64); 12] = [
        (Msg::Number, 6.0),
        (Msg::WorkId, 14.0),
        (Msg::Wave, 8.0),
        (Msg::Device, 18.0),
        (Msg::WorkContent, 50.0),
        (Msg::WorkTime, 22.0),
        (Msg::Operator, 14.0),
        (Msg::Checker, 14.0),
        (Msg::Result, 14.0),
        (Msg::MissingLines, 44.0),
        (Msg::ExtraLines, 44.0),
        (Msg::Evidence, 36.0),
    ];
    for (col, (label, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, t(*label), &header)?;
    }
    let work_id = short(&record.plan_hash);
    let checker = record.checked_by.as_deref().unwrap_or_default();
    let rows = rows(record, plan, lang);
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let result_format = if row.outcome == Outcome::Landed {
            &good
        } else {
            &bad
        };
        sheet.write_number_with_format(r, 0, row.number as f64, &body)?;
        sheet.write_string_with_format(r, 1, work_id, &body)?;
        match row.wave {
            Some(wave) => sheet.write_number_with_format(r, 2, f64::from(wave), &body)?,
            None => sheet.write_string_with_format(r, 2, "", &body)?,
        };
        sheet.write_string_with_format(r, 3, &row.device, &body)?;
        sheet.write_string_with_format(r, 4, &row.work, &mono)?;
        sheet.write_string_with_format(r, 5, &record.time, &body)?;
        sheet.write_string_with_format(r, 6, &record.by, &body)?;
        sheet.write_string_with_format(r, 7, checker, &body)?;
        sheet.write_string_with_format(r, 8, i18n::outcome(row.outcome, lang), result_format)?;
        sheet.write_string_with_format(r, 9, &row.missing, &mono)?;
        sheet.write_string_with_format(r, 10, &row.extra, &mono)?;
        sheet.write_string_with_format(r, 11, &row.evidence, &body)?;
        let lines = [&row.work, &row.missing, &row.extra, &row.evidence]
            .iter()
            .map(|s| s.lines().count())
            .max()
            .unwrap_or(1)
            .max(1);
        sheet.set_row_height(r, (lines.min(40) as f64) * 15.0 + 4.0)?;
    }
    if !rows.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, 11)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_landscape();

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Msg::Summary))?;
    sheet.set_column_width(0, 28.0)?;
    sheet.set_column_width(1, 90.0)?;
    sheet.write_string_with_format(0, 0, t(Msg::Item), &header)?;
    sheet.write_string_with_format(0, 1, t(Msg::Value), &header)?;
    for (i, (item, value)) in summary(record, lang).iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, item, &body)?;
        sheet.write_string_with_format(r, 1, value, &body)?;
    }
    workbook.save_to_buffer()
}
