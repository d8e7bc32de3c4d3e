//! `henko verify PLAN AFTER`: holds the backup taken after a change window
//! against the approved plan.

use super::plan::{write, LangArg};
use super::{print_out, Format, Outcome};
use crate::plan::read_plan;
use crate::report::i18n::Lang;
use crate::report::verify_text;
use crate::verify::{verify, Verification};
use miette::miette;
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
    /// Language of the text and Markdown output (default English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
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
    let verification = verify(&loaded.plan, &args.after, repo)?;
    write_outputs(&verification, &args)?;
    Ok(if verification.passed() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

fn write_outputs(verification: &Verification, args: &VerifyArgs) -> miette::Result<()> {
    if let Some(path) = &args.output {
        write(path, verification.to_json().as_bytes())?;
    }
    let lang = args.lang.map(Lang::from).unwrap_or(Lang::En);
    let text = match args.format {
        Format::Text => verify_text::render(verification, lang),
        Format::Json => verification.to_json(),
        Format::Markdown => verify_text::render_markdown(verification, lang),
    };
    print_out(&text)
}
