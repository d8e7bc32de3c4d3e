//! `henko approve PLAN --by NAME [--role ROLE] [--comment TEXT]`.

use super::{print_out, Outcome};
use crate::plan::approval::{short, ApprovalRecord, APPROVALS_REF, DEFAULT_ROLE};
use crate::plan::read_plan;
use crate::source::Store;
use miette::miette;
use std::path::{Path, PathBuf};

/// Arguments of `henko approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The plan file (JSON) to approve.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Who approves.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// In which role (matches the plan's `approvals_required`).
    #[arg(long, value_name = "ROLE", default_value = DEFAULT_ROLE)]
    pub role: String,
    /// Why, or under which conditions.
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
}

/// Runs `henko approve`.
pub fn run(args: ApproveArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let loaded = read_plan(&args.plan)?;
    if loaded.body_hash != loaded.plan.hash {
        return Err(miette!(
            help = "make the plan again with `henko plan`; never edit a plan file",
            "{} was edited after it was made (its content no longer matches its hash); refusing to approve it",
            args.plan.display()
        ));
    }
    if args.by.trim().is_empty() || args.role.trim().is_empty() {
        return Err(miette!("--by and --role must not be empty"));
    }
    let store = Store::open(repo)?;
    let record = ApprovalRecord::new(&loaded.plan, &args.by, &args.role, args.comment);
    // The first free number, chosen against the tip the record is committed
    // on: two approvals at once never overwrite each other.
    let (commit, _path) = store.add_record(
        APPROVALS_REF,
        |n| record.path(n as usize),
        record.to_json().as_bytes(),
        &record.message(),
    )?;
    print_out(&format!(
        "approved plan {} as {} by {} ({} on {APPROVALS_REF})\n",
        short(&record.plan_hash),
        record.role,
        record.by,
        &commit.to_string()[..12]
    ))?;
    Ok(Outcome::Success)
}
