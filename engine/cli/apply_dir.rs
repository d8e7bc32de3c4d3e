//! `henko plan … --apply-dir DIR`: writes each CLI device's pasteable
//! commands with their real secret values, readable by the owner only.
//!
//! `DIR/<device>/apply.txt` and `rollback.txt` hold the commands as the
//! engineer pastes them in configuration mode. A list that needs a secret
//! neither snapshot nor `--secrets FILE` holds is not written; its device's
//! `manual.txt` names each fingerprint needed and the masked command. Every
//! folder is created 0700 and every file 0600 (on Unix).

use crate::plan::executable::{resolve, ClearSteps, NeededSecret, Resolved, SecretValues};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the apply folder and returns the summary for stderr.
pub(crate) fn write(
    dir: &Path,
    steps: &ClearSteps,
    secrets: Option<&Path>,
) -> miette::Result<String> {
    let values = match secrets {
        None => SecretValues::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read {}", path.display()))?;
            SecretValues::parse(&text, steps.key.as_deref())
                .wrap_err_with(|| format!("in {}", path.display()))?
        }
    };
    private_dir(dir)?;
    let mut written = 0;
    let mut manual = Vec::new();
    for (name, commands) in &steps.devices {
        if commands.apply.is_empty() && commands.rollback.is_empty() && commands.manual.is_empty() {
            continue;
        }
        let folder = device_folder(dir, name)?;
        let mut notes = String::new();
        for (file, clear, masked) in [
            ("apply.txt", &commands.apply, &commands.masked_apply),
            (
                "rollback.txt",
                &commands.rollback,
                &commands.masked_rollback,
            ),
        ] {
            let path = folder.join(file);
            match resolve(clear, masked, &values) {
                Resolved::Ready(lines) => {
                    let mut text = lines.join("\n");
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    private_file(&path, text.as_bytes())?;
                }
                Resolved::Manual(needed) => {
                    // A stale file from an earlier run must not be pasted.
                    remove_stale(&path)?;
                    notes.push_str(&needed_note(file, &needed));
                }
            }
        }
        if !commands.verified {
            notes.push_str("simulation did not prove these commands: see the plan's simulation errors before pasting them\n");
        }
        for step in &commands.manual {
            let _ = writeln!(notes, "manual step: {step}");
        }
        let manual_path = folder.join("manual.txt");
        if notes.is_empty() {
            remove_stale(&manual_path)?;
        } else {
            private_file(&manual_path, notes.as_bytes())?;
            manual.push(name.clone());
        }
        written += 1;
    }
    let mut report = format!(
        "wrote the pasteable commands of {written} device(s) to {}\n",
        dir.display()
    );
    if !manual.is_empty() {
        let _ = writeln!(
            report,
            "manual steps (see <device>/manual.txt): {}",
            manual.join(", ")
        );
    }
    Ok(report)
}

/// The manual note for a command list that needs secrets.
fn needed_note(file: &str, needed: &[NeededSecret]) -> String {
    let mut out = format!(
        "{file} was not written: {} command(s) need a secret the snapshots do not hold; \
         pass its value in --secrets FILE (fingerprint: value) or enter it by hand\n",
        needed.len()
    );
    for need in needed {
        let _ = writeln!(
            out,
            "  step {}: needs <secret:{}> in `{}`",
            need.step,
            need.fingerprint,
            need.command.trim()
        );
    }
    out
}

/// `DIR/<device>`, refusing names that would leave DIR.
fn device_folder(dir: &Path, name: &str) -> miette::Result<PathBuf> {
    let mut folder = dir.to_path_buf();
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return Err(miette!(
                "device name `{name}` cannot be a folder under {}",
                dir.display()
            ));
        }
        folder.push(part);
        private_dir(&folder)?;
    }
    Ok(folder)
}

/// Creates `dir` (and its parents) owner-only, or makes an existing one so.
fn private_dir(dir: &Path) -> miette::Result<()> {
    let fail = |e| miette!("cannot create {}: {e}", dir.display());
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir).map_err(fail)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(fail)?;
    Ok(())
}

/// Writes `bytes` to `path`, readable and writable by the owner only.
fn private_file(path: &Path, bytes: &[u8]) -> miette::Result<()> {
    let fail = |e| miette!("cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // An existing file keeps its mode on open: narrow it first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        }
    }
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, bytes).map_err(fail)
}

/// Removes a file left by an earlier run, if any.
fn remove_stale(path: &Path) -> miette::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(miette!("cannot remove {}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}
