//! `henko diff FROM TO`: what changes on every device between two snapshots.
//!
//! Exits 0 whether or not there are changes (it reports, it does not gate;
//! `henko check` gates), 2 when an input cannot be read or parsed.

use super::{print_out, Format, Outcome};
use crate::config::Dialect;
use crate::diff::{self, DiffOptions};
use crate::inventory::{DeviceFilter, DeviceKind, Glob};
use crate::report::{self, DiffReportOptions};
use crate::source::Snapshot;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{miette, IntoDiagnostic, WrapErr};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::OnceLock;

/// Below this many devices to read, no progress bar is drawn.
const PROGRESS_MIN_DEVICES: usize = 200;

/// Arguments of `henko diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The older side: a git revision of the store, a folder, or a file.
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The newer side: a git revision of the store, a folder, or a file.
    #[arg(value_name = "TO")]
    pub to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// One line per device with change counts.
    #[arg(long)]
    pub stat: bool,
    /// Add a classic unified line diff per device.
    #[arg(long)]
    pub lines: bool,
    /// Platform of loose files (two-file form, or files outside the inventory).
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// Only devices whose name matches this glob (`*`, `?`, `[a-z]`; ASCII case ignored).
    #[arg(long, value_name = "GLOB")]
    pub device: Option<String>,
    /// Only devices at this site.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Only devices of this kind.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Show secret values instead of fingerprints.
    #[arg(long)]
    pub show_secrets: bool,
    /// Leave out secrets that were only re-encrypted (also set by
    /// `ignore_secret_churn: true` in the snapshot's `.henko/settings.yaml`).
    #[arg(long)]
    pub ignore_secret_churn: bool,
    /// Smallest number of devices sharing a change for it to be shown once
    /// as a fleet change (0 turns grouping off).
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_FLEET_MIN)]
    pub fleet_min: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Only the devices of shard i of n (1-based, by a stable hash of the
    /// device name), to split a large inventory across CI jobs.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// TO's templates and sheets rendered into FROM's backups (see `henko render`).
    #[arg(long)]
    pub intended: bool,
}

/// Runs `henko diff`.
pub fn run(args: DiffArgs, repo: Option<&Path>) -> miette::Result<Outcome> {
    let opts = options(&args)?;
    let from = Snapshot::resolve(&args.from, repo)?;
    let to = Snapshot::resolve(&args.to, repo)?;
    // Kept alive while the diff reads the rendered side.
    let intended = match args.intended {
        true => Some(crate::plan::intended::prepare(&from, &to)?),
        false => None,
    };
    let to = intended.as_ref().map_or(to, |side| side.snapshot.clone());

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        pool = pool.num_threads(threads.max(1));
    }
    let pool = pool
        .build()
        .into_diagnostic()
        .wrap_err("cannot start worker threads")?;

    let bar: OnceLock<Option<ProgressBar>> = OnceLock::new();
    let show_progress = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if !show_progress || total < PROGRESS_MIN_DEVICES {
            return;
        }
        let bar = bar.get_or_init(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} devices {elapsed}")
            {
                bar.set_style(style);
            }
            Some(bar)
        });
        if let Some(bar) = bar {
            bar.set_position(done as u64);
        }
    };
    let result =
        pool.install(|| diff::diff_snapshots_with_progress(&from, &to, &opts, Some(&progress)));
    if let Some(Some(bar)) = bar.get() {
        bar.finish_and_clear();
    }
    let diff = result?;

    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let report_opts = DiffReportOptions {
        color: color && args.format == Format::Text,
        stat: args.stat,
        fleet_min: args.fleet_min,
    };
    let text = match args.format {
        Format::Text => report::render_diff_text(&diff, &report_opts),
        Format::Json => report::render_diff_json(&diff, &report_opts),
        Format::Markdown => report::render_diff_markdown(&diff, &report_opts),
    };
    print_out(&text)?;
    Ok(Outcome::Success)
}

/// Turns the flags into validated diff options.
fn options(args: &DiffArgs) -> miette::Result<DiffOptions> {
    if let Some(platform) = &args.platform {
        if Dialect::for_platform(platform).is_none() {
            return Err(diff::DiffError::UnknownPlatform {
                platform: platform.clone(),
            }
            .into());
        }
    }
    let kind = match &args.kind {
        None => None,
        Some(kind) => Some(parse_kind(kind)?),
    };
    let device = match &args.device {
        None => None,
        Some(glob) => Some(Glob::new(glob)?),
    };
    Ok(DiffOptions {
        show_secrets: args.show_secrets,
        ignore_secret_churn: args.ignore_secret_churn,
        lines: args.lines,
        platform: args.platform.clone(),
        filter: DeviceFilter {
            name: device,
            site: args.site.clone(),
            kind,
            shard: match &args.shard {
                None => None,
                Some(spec) => {
                    let shard = crate::plan::Shard::parse(spec)?;
                    Some((shard.index, shard.count))
                }
            },
            ..DeviceFilter::default()
        },
        ..DiffOptions::default()
    })
}

fn parse_kind(kind: &str) -> miette::Result<DeviceKind> {
    serde_yaml::from_str::<DeviceKind>(kind).map_err(|_| {
        miette!(
            help = format!("known kinds: {}", DeviceKind::NAMES.join(", ")),
            "unknown device kind `{kind}`"
        )
    })
}
