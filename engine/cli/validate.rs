//! `henko validate [REV|DIR]`: checks a snapshot and lists every problem.
//!
//! The command gathers [`Violation`]s into one [`Findings`] value, check by
//! check, then renders them all: miette diagnostics with the offending line
//! (text), a list (markdown) or objects with `file`, `line`, `column`,
//! `code`, `message` (json). A new check (parameter sheets, scripts) is one
//! more function that takes the snapshot and pushes onto
//! [`Findings::violations`]; call it from [`run`] after the inventory check.
//!
//! Exit codes: 0 clean, 1 violations, 2 when the inventory cannot be read at
//! all (too large, binary, not UTF-8, not YAML) — an input error, like
//! everywhere else.

use super::{print_out, Format, Outcome};
use crate::inventory::{self, Inventory, InventoryError, Violation, INVENTORY_FILE};
use crate::source::{FileTree, Snapshot, SnapshotRef};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `henko validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Snapshot to check: a revision of the store, a folder, or an
    /// inventory file (default: the tip of the `snapshots` branch, else the
    /// current directory).
    #[arg(value_name = "REV|DIR")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Everything `henko validate` found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Every problem, check after check.
    pub violations: Vec<Violation>,
    /// Set when an input could not be read at all (exit code 2).
    pub unreadable: bool,
    /// The inventory, when it loaded.
    pub inventory: Option<Inventory>,
}

/// Runs `henko validate`.
pub fn run(args: ValidateArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let target = Target::resolve(args.target.as_deref(), repo)?;
    let tree = target.snapshot.open()?;
    let mut findings = Findings::default();
    check_inventory(tree.as_ref(), &target, &mut findings)?;
    check_sheets(tree.as_ref(), &mut findings);
    check_scripts(tree.as_ref(), &mut findings)?;
    check_drift_rules(tree.as_ref(), &mut findings);

    let rendered = match args.format {
        Format::Text => text(&findings, &target),
        Format::Markdown => markdown(&findings, &target),
        Format::Json => json(&findings, target.snapshot.reference())?,
    };
    print_out(&rendered)?;
    if findings.unreadable {
        return Err(miette::miette!(
            code = "henko::validate::unreadable",
            "{}: cannot be read; nothing else was checked",
            target.inventory_name
        ));
    }
    Ok(if findings.violations.is_empty() {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    })
}

/// What to check, and how to name its inventory file in messages.
struct Target {
    snapshot: Snapshot,
    /// Where the inventory is read from, inside the snapshot.
    inventory_path: String,
    /// How the inventory file is shown (a real path for folders, so editors
    /// can jump to `path:line:column`).
    inventory_name: String,
}

impl Target {
    fn resolve(arg: Option<&str>, repo: Option<&Path>) -> miette::Result<Target> {
        let arg = match arg {
            Some(arg) => arg.to_string(),
            None => default_target(repo),
        };
        let path = Path::new(&arg);
        if path.is_file() {
            // An inventory file: check it against the folder around it.
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| INVENTORY_FILE.to_string());
            let snapshot = Snapshot::resolve(&folder.to_string_lossy(), repo)?;
            return Ok(Target {
                snapshot,
                inventory_path: name,
                inventory_name: arg.clone(),
            });
        }
        let snapshot = Snapshot::resolve(&arg, repo)?;
        let inventory_name = match &snapshot {
            Snapshot::Folder { root, .. } if root != Path::new(".") => {
                root.join(INVENTORY_FILE).display().to_string()
            }
            _ => INVENTORY_FILE.to_string(),
        };
        Ok(Target {
            snapshot,
            inventory_path: INVENTORY_FILE.to_string(),
            inventory_name,
        })
    }
}

/// The tip of the store's `snapshots` branch, else the current directory.
pub(crate) fn default_target(repo: Option<&Path>) -> String {
    let store = match repo {
        Some(repo) => git2::Repository::open(repo),
        None => git2::Repository::discover("."),
    };
    match store {
        Ok(store) if store.find_reference("refs/heads/snapshots").is_ok() => {
            "refs/heads/snapshots".to_string()
        }
        _ => ".".to_string(),
    }
}

/// Loads the inventory and records its problems.
fn check_inventory(
    tree: &dyn FileTree,
    target: &Target,
    findings: &mut Findings,
) -> miette::Result<()> {
    let loaded = inventory::load_from(tree, &target.inventory_path, &target.inventory_name);
    match loaded {
        Ok(inventory) => findings.inventory = Some(inventory),
        Err(InventoryError::Source(e)) => return Err(e.into()),
        Err(e) => {
            findings.unreadable |= e.is_unreadable();
            findings.violations.extend(e.violations());
        }
    }
    Ok(())
}

/// Checks every parameter sheet that has a schema beside it; each broken
/// rule names the sheet, row, column and cell.
fn check_sheets(tree: &dyn FileTree, findings: &mut Findings) {
    let devices = findings
        .inventory
        .as_ref()
        .map(|inventory| inventory.devices().iter().map(|d| d.name.clone()).collect())
        .unwrap_or_default();
    for mut problem in crate::config::sheet::validate_snapshot(tree, devices) {
        let mut place = Vec::new();
        if let Some(table) = &problem.table {
            if !table.sheet.is_empty() {
                place.push(format!("sheet {}", table.sheet));
            }
            if problem.line > 0 {
                place.push(format!("row {}", problem.line));
            }
            if let Some(column) = &table.column {
                place.push(format!("column {column}"));
            }
            if let Some(cell) = &table.cell {
                place.push(format!("cell {cell}"));
            }
        }
        if !place.is_empty() {
            problem.message = format!("{}: {}", place.join(", "), problem.message);
        }
        // A CSV row is a line of the file; an xlsx row is not.
        if !problem.file.to_ascii_lowercase().ends_with(".csv") {
            problem.line = 0;
        }
        findings.violations.push(problem);
    }
}

/// Compiles the snapshot's own rule scripts (`scripts/*.rhai`) together
/// with the shipped library, as `henko plan` would; a script that does not
/// compile is a violation at its file, line and column.
fn check_scripts(tree: &dyn FileTree, findings: &mut Findings) -> miette::Result<()> {
    use crate::script::{ScriptError, ScriptOptions, ScriptSet};
    let store_scripts = crate::script::read_store_scripts(tree)?;
    if store_scripts.is_empty() {
        return Ok(());
    }
    let options = ScriptOptions {
        builtin: true,
        dirs: Vec::new(),
        store_scripts,
    };
    match ScriptSet::load(&options) {
        Ok(_) => {}
        Err(ScriptError::Compile(error)) => {
            let mut violation = Violation::in_file(
                format!("scripts/{}", error.script.trim_start_matches("scripts/")),
                "henko::script::compile",
                error.message.clone(),
            );
            violation.line = error.line as usize;
            violation.column = error.column as usize;
            findings.violations.push(violation);
        }
        Err(other) => {
            findings.violations.push(Violation::in_file(
                "scripts/",
                "henko::script::load",
                other.to_string(),
            ));
        }
    }
    Ok(())
}

/// Checks that the drift rules parse and their patterns compile.
fn check_drift_rules(tree: &dyn FileTree, findings: &mut Findings) {
    let Some(inventory) = &findings.inventory else {
        return;
    };
    if let Err(error) = crate::diff::drift::check_rules(tree, inventory) {
        let file = match &error {
            crate::diff::drift::DriftError::Rules { source_name, .. } => source_name.clone(),
            _ => crate::diff::drift::DRIFT_FILE.to_string(),
        };
        findings.violations.push(Violation::in_file(
            file,
            "henko::drift::rules",
            error.to_string(),
        ));
    }
}

fn text(findings: &Findings, target: &Target) -> String {
    let tty = std::io::stdout().is_terminal();
    let mut out = super::diagnostics::render_violations(&findings.violations, tty);
    out.push_str(&summary(findings, target));
    out.push('\n');
    out
}

fn markdown(findings: &Findings, target: &Target) -> String {
    let mut out = format!("### henko validate: {}\n\n", summary(findings, target));
    for v in &findings.violations {
        out.push_str(&format!(
            "- `{}` {} (`{}`)",
            v.location(),
            v.message,
            v.code
        ));
        if let Some(help) = &v.help {
            out.push_str(&format!(" — {help}"));
        }
        out.push('\n');
    }
    out
}

fn json(findings: &Findings, reference: &SnapshotRef) -> miette::Result<String> {
    let value = serde_json::json!({
        "schema": "henko.validate/v1",
        "target": reference,
        "valid": findings.violations.is_empty(),
        "devices": findings.inventory.as_ref().map(|i| i.devices().len()),
        "inferred": findings.inventory.as_ref().map(Inventory::is_inferred),
        "violations": findings.violations,
    });
    let mut text = serde_json::to_string_pretty(&value)
        .map_err(|e| miette::miette!("cannot render JSON: {e}"))?;
    text.push('\n');
    Ok(text)
}

fn summary(findings: &Findings, target: &Target) -> String {
    let count = findings.violations.len();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match (&findings.inventory, count) {
        (Some(inv), 0) if inv.is_inferred() => format!(
            "ok: no {INVENTORY_FILE} in {}; {} device{} inferred from its files",
            target.snapshot.reference().rev,
            inv.devices().len(),
            plural(inv.devices().len())
        ),
        (Some(inv), 0) => format!(
            "ok: {} is valid ({} device{})",
            target.inventory_name,
            inv.devices().len(),
            plural(inv.devices().len())
        ),
        _ => format!(
            "{} problem{} found in {}",
            count,
            plural(count),
            target.snapshot.reference().rev
        ),
    }
}
