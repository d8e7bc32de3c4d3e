//! The command line: clap definitions and one small function per subcommand.
//!
//! This module parses arguments, calls the engine and hands values to
//! `report` for rendering. It holds no logic of its own.

mod apply_dir;
mod approve;
mod check;
mod completions;
mod compliance;
mod demo;
mod diagnostics;
mod diff;
mod drift;
mod export;
mod init;
mod log;
mod plan;
mod redaction;
mod render;
mod scripts;
mod snapshot;
mod validate;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// How a command ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success, or a check that passed: exit 0.
    Success,
    /// A check that failed (risk over threshold, missing approval, stale
    /// plan, drift, violations): exit 1.
    CheckFailed,
}

/// henko: configuration diff and change planning for networks, servers and VMs.
#[derive(Debug, Parser)]
#[command(name = "henko", version, about, long_about = None)]
pub struct Cli {
    /// The snapshot store (default: the git repository around the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a snapshot store.
    Init(init::InitArgs),
    /// Commit a folder of backups as the next snapshot.
    Snapshot(snapshot::SnapshotArgs),
    /// List snapshots, newest first.
    Log(log::LogArgs),
    /// Show what changes between two snapshots, device by device.
    Diff(diff::DiffArgs),
    /// Build a change plan: findings, commands, rollback, order.
    Plan(plan::PlanArgs),
    /// Record an approval of a plan, bound to its hash.
    Approve(approve::ApproveArgs),
    /// Gate CI on a plan: fresh, approved, under the risk threshold.
    Check(check::CheckArgs),
    /// Check a snapshot: inventory, parameter sheets, scripts.
    Validate(validate::ValidateArgs),
    /// Compare HA/DR pairs and report what really differs.
    Drift(drift::DriftArgs),
    /// Render the snapshot's templates and sheets into intended configs.
    Render(render::RenderArgs),
    /// Hold each templated device's backup against its rendering.
    Compliance(compliance::ComplianceArgs),
    /// Work with rule scripts.
    Scripts(scripts::ScriptsArgs),
    /// Write an approved plan as a ready-to-run Ansible project.
    Export(export::ExportArgs),
    /// Hold the backup after a change window against the plan: landed,
    /// partial, not applied, rolled back, unplanned.
    Verify(verify::VerifyArgs),
    /// Build a temporary store from the embedded demo and run the main job on it.
    Demo(demo::DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write every page into a folder.
    Man(completions::ManArgs),
}

/// Output format for commands whose output is data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people, in a terminal.
    #[default]
    Text,
    /// For programs.
    Json,
    /// For pull-request comments.
    Markdown,
}

/// Parses the process arguments, runs the command, and returns the exit code
/// (0 success, 1 check failed, 2 usage/input/script error).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::CheckFailed) => ExitCode::from(1),
        Err(report) => {
            if is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> miette::Result<Outcome> {
    let repo = cli.repo.as_deref();
    match cli.command {
        Command::Init(args) => init::run(args, repo),
        Command::Snapshot(args) => snapshot::run(args, repo),
        Command::Log(args) => log::run(args, repo),
        Command::Diff(args) => diff::run(args, repo),
        Command::Plan(args) => plan::run(args, repo),
        Command::Approve(args) => approve::run(args, repo),
        Command::Check(args) => check::run(args, repo),
        Command::Validate(args) => validate::run(args, repo),
        Command::Drift(args) => drift::run(args, repo),
        Command::Render(args) => render::run(args, repo),
        Command::Compliance(args) => compliance::run(args, repo),
        Command::Scripts(args) => scripts::run(args, repo),
        Command::Export(args) => export::run(args, repo),
        Command::Verify(args) => verify::run(args, repo),
        Command::Demo(args) => demo::run(args, repo),
        Command::Completions(args) => completions::completions(args, repo),
        Command::Man(args) => completions::man(args, repo),
    }
}

/// True when the error is a closed stdout (`henko diff | head`): not a failure.
fn is_broken_pipe(report: &miette::Report) -> bool {
    report
        .chain()
        .any(|cause| matches!(cause.downcast_ref::<std::io::Error>(), Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Writes `text` to stdout, turning a closed pipe into a quiet success.
#[allow(dead_code)] // used by the subcommands as they land
pub(crate) fn print_out(text: &str) -> miette::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(miette::miette!("cannot write to stdout: {e}")),
    }
}
