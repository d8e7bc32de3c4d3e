//! `henko plan FROM TO` and `henko plan merge PART…`.

use super::{print_out, Format, Outcome};
use crate::plan::pipeline::{make_plan, make_plan_with_steps, merge_plans, PlanOptions};
use crate::plan::{read_plan, Part, Plan, Shard};
use crate::report::i18n::Lang;
use crate::report::{plan_html, plan_json, plan_markdown, plan_text, plan_xlsx};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko plan`: either `FROM TO`, or `merge PART…`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PlanArgs {
    /// `merge`, to join partial plans.
    #[command(subcommand)]
    pub action: Option<PlanAction>,
    /// Making a plan.
    #[command(flatten)]
    pub make: MakeArgs,
}

/// The other forms of `henko plan`.
#[derive(Debug, clap::Subcommand)]
pub enum PlanAction {
    /// Merge partial plans made with `--shard i/n` into one plan.
    ///
    /// Every rule script runs again over the whole change set, so give the
    /// same `--scripts`/`--no-default-scripts` as the parts were made with.
    /// The merged plan has the hash an unsharded run would give.
    Merge(MergeArgs),
}

/// Arguments of `henko plan FROM TO`.
#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// The running side: a revision, a folder, or a config file.
    #[arg(required = true, value_name = "FROM")]
    pub from: Option<String>,
    /// The intended side: a revision, a folder, or a config file.
    #[arg(required = true, value_name = "TO")]
    pub to: Option<String>,
    /// Platform of two loose config files (selects the dialect).
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// Only the devices of shard i of n (1-based, by a stable hash of the name).
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Sheet-driven plan: TO's templates and sheets rendered into FROM's
    /// backups (see `henko render`); each device change carries its cause.
    #[arg(long)]
    pub intended: bool,
    /// Write the pasteable commands with their real secret values to
    /// DIR/<device>/apply.txt and rollback.txt (folders 0700, files 0600).
    /// The plan and every report keep `<secret:…>` placeholders.
    #[arg(long, value_name = "DIR")]
    pub apply_dir: Option<PathBuf>,
    /// YAML mapping of fingerprint to value (e.g. exported from a vault),
    /// for the secrets a redacted store holds only as fingerprints.
    #[arg(long, value_name = "FILE", requires = "apply_dir")]
    pub secrets: Option<PathBuf>,
    /// Script and output options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Arguments of `henko plan merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Partial plans (JSON) of one sharded run.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Script and output options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options shared by both forms.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Write the plan as JSON to FILE.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Extra rule scripts folder (repeatable; later folders override).
    #[arg(long = "scripts", value_name = "DIR")]
    pub scripts: Vec<PathBuf>,
    /// Do not load the shipped rule library.
    #[arg(long)]
    pub no_default_scripts: bool,
    /// Go on when a script fails (its failure is recorded in the plan).
    #[arg(long)]
    pub keep_going: bool,
    /// Write a self-contained HTML page for reviewers to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the work procedure (作業手順書) as an Excel workbook to FILE.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Language of the reports for people.
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

/// `--lang` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// English.
    #[default]
    En,
    /// Japanese (日本語).
    Ja,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Self {
        match arg {
            LangArg::En => Lang::En,
            LangArg::Ja => Lang::Ja,
        }
    }
}

impl CommonArgs {
    fn options(&self) -> PlanOptions {
        PlanOptions {
            default_scripts: !self.no_default_scripts,
            scripts: self.scripts.clone(),
            keep_going: self.keep_going,
            ..PlanOptions::default()
        }
    }
}

/// Runs `henko plan`.
pub fn run(args: PlanArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let (plan, common) = match args.action {
        Some(PlanAction::Merge(merge)) => {
            let mut parts = Vec::new();
            for path in &merge.parts {
                let loaded = read_plan(path)?;
                parts.push(Part {
                    path: path.clone(),
                    plan: loaded.plan,
                });
            }
            let plan = merge_plans(&parts, repo, &merge.common.options())?;
            (plan, merge.common)
        }
        None => {
            let make = args.make;
            let (Some(from), Some(to)) = (make.from.as_deref(), make.to.as_deref()) else {
                return Err(miette!("henko plan needs FROM and TO"));
            };
            let mut options = make.common.options();
            options.shard = make.shard.as_deref().map(Shard::parse).transpose()?;
            options.platform = make.platform.clone();
            options.intended = make.intended;
            let Some(dir) = &make.apply_dir else {
                let plan = make_plan(from, to, repo, &options)?;
                return finish(plan, make.common);
            };
            let (plan, steps) = make_plan_with_steps(from, to, repo, &options, true)?;
            refuse_failures(&plan, &make.common)?;
            let report = super::apply_dir::write(dir, &steps, make.secrets.as_deref())?;
            eprint!("{report}");
            (plan, make.common)
        }
    };
    finish(plan, common)
}

/// Refuses a plan whose scripts failed (unless `--keep-going`), then writes
/// the outputs.
fn finish(plan: Plan, common: CommonArgs) -> miette::Result<Outcome> {
    refuse_failures(&plan, &common)?;
    write_outputs(&plan, &common)?;
    Ok(Outcome::Success)
}

/// Refuses a plan whose scripts failed, unless `--keep-going`.
fn refuse_failures(plan: &Plan, common: &CommonArgs) -> miette::Result<()> {
    if !plan.script_failures.is_empty() && !common.keep_going {
        let list: Vec<String> = plan
            .script_failures
            .iter()
            .map(|f| format!("  {}", f.message))
            .collect();
        return Err(miette!(
            help = "fix the scripts, or pass --keep-going to record the failures in the plan",
            "{} script call(s) failed:\n{}",
            plan.script_failures.len(),
            list.join("\n")
        ));
    }
    Ok(())
}

/// Writes the files asked for, then the report on stdout.
fn write_outputs(plan: &Plan, common: &CommonArgs) -> miette::Result<()> {
    let lang = Lang::from(common.lang);
    if let Some(path) = &common.output {
        write(path, plan_json::render(plan).as_bytes())?;
    }
    if let Some(path) = &common.html {
        write(path, plan_html::render(plan, lang).as_bytes())?;
    }
    if let Some(path) = &common.xlsx {
        let bytes = plan_xlsx::render(plan, lang)
            .into_diagnostic()
            .wrap_err("cannot build the xlsx workbook")?;
        write(path, &bytes)?;
    }
    let text = match common.format {
        Format::Text => plan_text::render(plan, lang),
        Format::Json => plan_json::render(plan),
        Format::Markdown => plan_markdown::render(plan, lang),
    };
    print_out(&text)
}

pub(super) fn write(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    std::fs::write(path, bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}
