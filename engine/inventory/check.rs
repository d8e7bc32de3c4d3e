//! Checks that span entries: unique names, references that resolve, pairs
//! that agree, no dependency cycles, config files that exist. Builds the
//! final [`Device`]s on the way.

use super::schema::{Document, Walker};
use super::suggest::hint;
use super::Device;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Applies defaults, resolves config paths and checks every cross-entry
/// rule, reporting through `w`. Returns the devices, in file order, with the
/// index of the entry each came from.
pub fn build(doc: Document, files: &[String], w: &mut Walker) -> Vec<(usize, Device)> {
    let configs = ConfigIndex::new(files);
    let mut devices = Vec::with_capacity(doc.entries.len());
    for entry in doc.entries {
        let Some(name) = entry.name else { continue };
        let f = entry.fields.over(&doc.defaults);
        let explicit = f.config.is_some();
        let config = match configs.resolve(&name, f.config.as_deref()) {
            Ok(path) => path,
            Err((code, message, help)) => {
                let key = explicit.then_some("config");
                let span = w.loc.device_or_fallback(entry.index, key);
                w.report(span, code, message, help);
                f.config.unwrap_or_default()
            }
        };
        let line = w
            .loc
            .device(entry.index)
            .map_or(0, |r| w.file.line_column(r.start).0 as u32);
        let mut depends_on = f.depends_on.unwrap_or_default();
        dedup(&mut depends_on);
        devices.push((
            entry.index,
            Device {
                name,
                kind: f.kind.unwrap_or_default(),
                platform: f.platform.unwrap_or_default(),
                site: f.site.unwrap_or_default(),
                env: f.env.unwrap_or_default(),
                role: f.role.unwrap_or_default(),
                tags: f.tags.unwrap_or_default(),
                depends_on,
                pair: f.pair,
                config,
                key: f.key,
                vars: f.vars.unwrap_or_default(),
                templates: f.templates.unwrap_or_default(),
                line,
            },
        ));
    }
    let first = check_unique(&devices, w);
    check_references(&devices, &first, w);
    check_pairs(&devices, &first, w);
    check_cycles(&devices, &first, w);
    devices
}

/// Removes repeated names, keeping the first occurrence's position.
fn dedup(names: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
}

/// Reports repeated names; returns name → position (in `devices`) of its
/// first entry.
fn check_unique(devices: &[(usize, Device)], w: &mut Walker) -> HashMap<String, usize> {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (pos, (index, device)) in devices.iter().enumerate() {
        if let Some(&earlier) = first.get(&device.name) {
            let span = w.loc.device_or_fallback(*index, Some("name"));
            let at = devices[earlier].1.line;
            let help = if at > 0 {
                format!(
                    "`{}` is first defined at line {at}; device names must be unique",
                    device.name
                )
            } else {
                "device names must be unique".to_string()
            };
            w.report(
                span,
                "duplicate_name",
                format!("duplicate device name `{}`", device.name),
                Some(help),
            );
        } else {
            first.insert(device.name.clone(), pos);
        }
    }
    first
}

fn check_references(devices: &[(usize, Device)], first: &HashMap<String, usize>, w: &mut Walker) {
    // "Did you mean" compares against every name; cap the total work so a
    // huge inventory full of bad references still answers in seconds.
    let mut budget = 250_000usize;
    let mut suggest = |word: &str| {
        budget = budget.checked_sub(first.len())?;
        hint(word, first.keys().map(String::as_str))
    };
    for (index, device) in devices {
        for provider in &device.depends_on {
            if !first.contains_key(provider) {
                let span = w
                    .loc
                    .device_value(*index, "depends_on", provider)
                    .unwrap_or_else(|| w.loc.device_or_fallback(*index, None));
                let help = suggest(provider);
                w.report(
                    span,
                    "unknown_device",
                    format!(
                        "`{}` depends on `{provider}`, which is not a device of the inventory",
                        device.name
                    ),
                    help,
                );
            }
        }
        if let Some(twin) = &device.pair {
            let span = w
                .loc
                .device_value(*index, "pair", twin)
                .unwrap_or_else(|| w.loc.device_or_fallback(*index, None));
            if twin == &device.name {
                w.report(
                    span,
                    "self_pair",
                    format!("`{}` is declared as its own pair", device.name),
                    Some("`pair` names the other device of an HA/DR pair".into()),
                );
            } else if !first.contains_key(twin) {
                let help = suggest(twin);
                w.report(
                    span,
                    "unknown_device",
                    format!(
                        "`{}` pairs with `{twin}`, which is not a device of the inventory",
                        device.name
                    ),
                    help,
                );
            }
        }
    }
}

/// Reports pair declarations that disagree: `a` pairs with `b` while `b`
/// pairs with someone else, or two devices claim the same twin.
fn check_pairs(devices: &[(usize, Device)], first: &HashMap<String, usize>, w: &mut Walker) {
    let mut claimed: HashMap<&str, &str> = HashMap::new();
    for (index, device) in devices {
        let Some(twin) = device.pair.as_deref() else {
            continue;
        };
        if twin == device.name {
            continue;
        }
        let Some(&pos) = first.get(twin) else {
            continue;
        };
        let span = w
            .loc
            .device_value(*index, "pair", twin)
            .unwrap_or_else(|| w.loc.device_or_fallback(*index, None));
        if let Some(other) = devices[pos].1.pair.as_deref().filter(|o| *o != device.name) {
            w.report(
                span,
                "pair_conflict",
                format!(
                    "`{}` pairs with `{twin}`, but `{twin}` pairs with `{other}`",
                    device.name
                ),
                Some(
                    "an HA/DR pair is two devices naming each other (or one naming the other)"
                        .into(),
                ),
            );
            continue;
        }
        if let Some(rival) = claimed.insert(twin, &device.name) {
            w.report(
                span,
                "pair_conflict",
                format!(
                    "`{twin}` is claimed as the pair of both `{rival}` and `{}`",
                    device.name
                ),
                Some("a device has at most one HA/DR twin".into()),
            );
        }
    }
}

/// Reports every distinct dependency cycle found by a depth-first walk
/// (iterative, so a 100,000-device chain cannot overflow the stack).
fn check_cycles(devices: &[(usize, Device)], first: &HashMap<String, usize>, w: &mut Walker) {
    let order: BTreeMap<&str, usize> = first.iter().map(|(n, &p)| (n.as_str(), p)).collect();
    let edges = |pos: usize| -> Vec<usize> {
        devices[pos]
            .1
            .depends_on
            .iter()
            .filter_map(|d| first.get(d).copied())
            .collect()
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; devices.len()];
    let mut seen_cycles: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    for &start in order.values() {
        if mark[start] != Mark::New {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, edges(start), 0)];
        mark[start] = Mark::Open;
        while let Some((node, next, at)) = stack.last_mut() {
            let Some(&child) = next.get(*at) else {
                mark[*node] = Mark::Done;
                stack.pop();
                continue;
            };
            *at += 1;
            match mark[child] {
                Mark::New => {
                    mark[child] = Mark::Open;
                    let e = edges(child);
                    stack.push((child, e, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|(n, _, _)| *n == child).unwrap_or(0);
                    let cycle: Vec<usize> = stack[from..].iter().map(|(n, _, _)| *n).collect();
                    let mut key = cycle.clone();
                    key.sort_unstable();
                    if seen_cycles.insert(key) {
                        cycles.push(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
    }
    for mut cycle in cycles {
        // Start at the alphabetically first member for a stable message.
        let lowest = (0..cycle.len())
            .min_by(|&a, &b| devices[cycle[a]].1.name.cmp(&devices[cycle[b]].1.name))
            .unwrap_or(0);
        cycle.rotate_left(lowest);
        let names: Vec<&str> = cycle.iter().map(|&p| devices[p].1.name.as_str()).collect();
        let next = names.get(1).copied().unwrap_or(names[0]);
        let (index, _) = &devices[cycle[0]];
        let span = w
            .loc
            .device_value(*index, "depends_on", next)
            .unwrap_or_else(|| w.loc.device_or_fallback(*index, None));
        let shown = names
            .iter()
            .chain(std::iter::once(&names[0]))
            .copied()
            .collect::<Vec<_>>()
            .join(" → ");
        w.report(span, "dependency_cycle", format!("dependency cycle: {shown}"), Some("`depends_on` must not lead back to the device itself; remove one of these dependencies".into()));
    }
}

/// Files under `configs/`, by stem, for the default `config`.
struct ConfigIndex<'a> {
    files: BTreeSet<&'a str>,
    by_stem: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> ConfigIndex<'a> {
    fn new(files: &'a [String]) -> Self {
        let mut by_stem: HashMap<&str, Vec<&str>> = HashMap::new();
        for path in files {
            if path.starts_with("configs/") {
                by_stem.entry(stem(path)).or_default().push(path);
            }
        }
        ConfigIndex {
            files: files.iter().map(String::as_str).collect(),
            by_stem,
        }
    }

    /// Returns the device's config path, or (code, message, help).
    fn resolve(
        &self,
        name: &str,
        explicit: Option<&str>,
    ) -> Result<String, (&'static str, String, Option<String>)> {
        if let Some(path) = explicit {
            let path = path.trim_start_matches("./");
            if self.files.contains(path) {
                return Ok(path.to_string());
            }
            let similar = self.by_stem.get(stem(path)).and_then(|c| c.first());
            let help = similar.map(|p| format!("did you mean `{p}`?"));
            return Err((
                "config_missing",
                format!("config file `{path}` of `{name}` is not in the snapshot"),
                help,
            ));
        }
        match self.by_stem.get(name).map(Vec::as_slice) {
            Some([one]) => Ok(one.to_string()),
            Some(many) if many.len() > 1 => Err((
                "config_ambiguous",
                format!(
                    "several files under configs/ could be the config of `{name}`: {}",
                    many.join(", ")
                ),
                Some("set `config:` to the right one".into()),
            )),
            _ => Err((
                "config_missing",
                format!("no config file for `{name}`: nothing under configs/ is named `{name}.*`"),
                Some("add the file, or set `config:` to its path inside the snapshot".into()),
            )),
        }
    }
}

/// Returns the file name without its last extension.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    }
}
