//! `henko completions SHELL` (shell completion scripts, by clap_complete)
//! and `henko man` (manual pages, by clap_mangen), both generated from the
//! same clap definitions as the command line itself, so they never go stale.

use super::{Cli, Outcome};
use clap::CommandFactory;
use clap_complete::Shell;
use miette::{IntoDiagnostic, WrapErr};
use std::path::{Path, PathBuf};

/// Arguments of `henko completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell (or elvish).
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `henko man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `henko.1` and one `henko-SUBCOMMAND.1` per subcommand into DIR
    /// (created when missing) instead of printing `henko.1` on stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `henko completions`: the script on stdout.
pub fn completions(args: CompletionsArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "henko", &mut script);
    super::print_out(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Success)
}

/// Runs `henko man`.
pub fn man(args: ManArgs, _repo: Option<&Path>) -> miette::Result<Outcome> {
    let command = Cli::command();
    let Some(dir) = args.out else {
        super::print_out(&String::from_utf8_lossy(&render(&command, "henko")?))?;
        return Ok(Outcome::Success);
    };
    std::fs::create_dir_all(&dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let mut pages = vec![("henko.1".to_string(), render(&command, "henko")?)];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("henko-{}", sub.get_name());
        pages.push((format!("{name}.1"), render(sub, &name)?));
    }
    for (file, bytes) in pages {
        let path = dir.join(&file);
        std::fs::write(&path, bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        super::print_out(&format!("{}\n", path.display()))?;
    }
    Ok(Outcome::Success)
}

/// One manual page in roff, titled `title`.
fn render(command: &clap::Command, title: &str) -> miette::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .title(title)
        .render(&mut page)
        .into_diagnostic()
        .wrap_err("cannot render the manual page")?;
    Ok(page)
}
