//! `henko verify PLAN AFTER`: holds the backup taken after a change window
//! against the approved plan.

use super::plan::{write, LangArg};
use super::{print_out, Format, Outcome};
use crate::plan::approval::short;
use crate::plan::{read_plan, Plan};
use crate::report::i18n::Lang;
use crate::report::{verify_html, verify_text, verify_xlsx};
use crate::source::Store;
use crate::verify::record::{evidence_files, store_record, ExecutionRecord, RECORDS_REF};
use crate::verify::{verify, Verification};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The plan file (JSON) that was carried out.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The backup taken after the change window: a revision or a folder
    /// (a config file for a plan of two files).
    #[arg(value_name = "AFTER")]
    pub after: String,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Write the verification as JSON to FILE.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the work result report (作業結果報告書) as HTML to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the work result report (作業結果報告書) as an Excel workbook to FILE.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Language of the reports: the HTML and xlsx reports default to
    /// Japanese, the text and Markdown output to English.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Store the outcome as an execution record bound to the plan hash
    /// (on refs/henko/records, beside the approvals).
    #[arg(long, requires = "by")]
    pub record: bool,
    /// Who carried out the change (作業者), for the record and the reports.
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Who checked it (確認者).
    #[arg(long, value_name = "NAME")]
    pub checked_by: Option<String>,
    /// Free text for the record.
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// Folder of evidence files (the exported project's `evidence/`); their
    /// SHA-256 go into the record and their names into the reports.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
}

/// Runs `henko verify`: exit 0 when every planned device landed and
/// nothing else changed, 1 otherwise.
pub fn run(args: VerifyArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let loaded = read_plan(&args.plan)?;
    if loaded.body_hash != loaded.plan.hash {
        return Err(miette!(
            help = "verify the plan file as it was approved; never edit a plan file",
            "{} was edited after it was made (its content no longer matches its hash)",
            args.plan.display()
        ));
    }
    if args.by.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(miette!("--by must not be empty"));
    }
    let verification = verify(&loaded.plan, &args.after, repo)?;
    let evidence = match &args.evidence {
        Some(dir) => evidence_files(dir)?,
        None => Vec::new(),
    };
    let record = ExecutionRecord::new(
        &verification,
        args.by.as_deref().unwrap_or_default(),
        args.checked_by.clone(),
        args.comment.clone(),
        evidence,
    );
    write_outputs(&verification, &record, &loaded.plan, &args)?;
    if args.record {
        let store = Store::open(repo)?;
        let (commit, _path) = store_record(&store, &record)?;
        eprintln!(
            "recorded the outcome of plan {} by {} ({} on {RECORDS_REF})",
            short(&record.plan_hash),
            record.by,
            &commit.to_string()[..12]
        );
    }
    Ok(if verification.passed() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

fn write_outputs(
    verification: &Verification,
    record: &ExecutionRecord,
    plan: &Plan,
    args: &VerifyArgs,
) -> miette::Result<()> {
    if let Some(path) = &args.output {
        write(path, verification.to_json().as_bytes())?;
    }
    let report_lang = args.lang.map(Lang::from).unwrap_or(Lang::Ja);
    if let Some(path) = &args.html {
        write(
            path,
            verify_html::render(record, plan, report_lang).as_bytes(),
        )?;
    }
    if let Some(path) = &args.xlsx {
        let bytes = verify_xlsx::render(record, plan, report_lang)
            .into_diagnostic()
            .wrap_err("cannot build the xlsx workbook")?;
        write(path, &bytes)?;
    }
    let lang = args.lang.map(Lang::from).unwrap_or(Lang::En);
    let text = match args.format {
        Format::Text => verify_text::render(verification, lang),
        Format::Json => verification.to_json(),
        Format::Markdown => verify_text::render_markdown(verification, lang),
    };
    print_out(&text)
}
