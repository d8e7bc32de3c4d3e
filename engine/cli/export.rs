//! `henko export PLAN --ansible DIR`: writes the Ansible project that
//! carries out an approved plan.

use super::check::{gate, parse_level};
use super::{print_out, Outcome};
use crate::plan::approval::short;
use crate::plan::{read_plan, Risk};
use crate::report::ansible::{render, AnsibleOptions};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The approved plan file (JSON).
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Write an Ansible project to DIR (created; must be empty or absent).
    #[arg(long, value_name = "DIR", required = true)]
    pub ansible: PathBuf,
    /// Export even a plan that `henko check` refuses (stale, unapproved).
    #[arg(long)]
    pub force: bool,
    /// As for `henko check`: findings at or above LEVEL need an approval.
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_level)]
    pub fail_on: Risk,
    /// Minutes a Junos `commit confirmed` waits before it rolls back by itself.
    #[arg(long, value_name = "MIN", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=65535))]
    pub confirm_minutes: u32,
}

/// Runs `henko export`.
pub fn run(args: ExportArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let loaded = read_plan(&args.plan)?;
    let verdict = gate(&loaded, repo, args.fail_on, &[], false)?;
    if !verdict.passed() {
        let reasons: Vec<String> = verdict.reasons.iter().map(|r| format!("  - {r}")).collect();
        if !args.force {
            return Err(miette!(
                help = "approve the plan (or make a fresh one) until `henko check` passes; --force exports anyway",
                "refusing to export plan {}: `henko check` would refuse it:\n{}",
                short(&loaded.plan.hash),
                reasons.join("\n")
            ));
        }
        eprintln!(
            "warning: exporting plan {} although `henko check` refuses it (--force):\n{}",
            short(&loaded.plan.hash),
            reasons.join("\n")
        );
    }
    prepare(&args.ansible)?;
    let files = render(
        &loaded.plan,
        &AnsibleOptions {
            confirm_minutes: args.confirm_minutes,
        },
    );
    for file in &files {
        let path = args.ansible.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::create_dir_all(args.ansible.join("evidence"))
        .into_diagnostic()
        .wrap_err("cannot create the evidence folder")?;
    print_out(&format!(
        "exported plan {} to {} ({} files): ansible-playbook -i inventory.yml site.yml\n",
        short(&loaded.plan.hash),
        args.ansible.display(),
        files.len()
    ))?;
    Ok(Outcome::Success)
}

/// Creates `dir`, refusing one that already holds files: an export never
/// overwrites a project someone may have edited or run.
fn prepare(dir: &Path) -> miette::Result<()> {
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let not_empty = std::fs::read_dir(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", dir.display()))?
        .next()
        .is_some();
    if not_empty {
        return Err(miette!(
            help = "export into a new folder",
            "{} is not empty",
            dir.display()
        ));
    }
    Ok(())
}
