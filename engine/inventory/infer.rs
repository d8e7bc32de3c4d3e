//! The inventory of a snapshot without `inventory.yaml`: one device per file.

use super::{Device, Inventory};
use std::collections::HashMap;

impl Inventory {
    /// Returns one device per file of a snapshot that has no
    /// `inventory.yaml`: named by the file's stem (its whole path without
    /// the extension when two files share a stem), platform left empty so
    /// the diff sniffs the dialect, `config` the file's path.
    ///
    /// Skipped: dotfiles and anything under a dot folder (`.henko/`,
    /// `.ci/`), `README*`, Rhai scripts and their YAML under `scripts/`,
    /// and sheet schemas (`*.schema.yaml`).
    pub fn infer<S: AsRef<str>>(files: &[S]) -> Inventory {
        let paths: Vec<&str> = files
            .iter()
            .map(AsRef::as_ref)
            .filter(|p| is_device_file(p))
            .collect();
        let mut stems: HashMap<&str, usize> = HashMap::new();
        for path in &paths {
            *stems.entry(stem(path)).or_default() += 1;
        }
        let devices = paths
            .iter()
            .map(|path| {
                let name = if stems[stem(path)] > 1 {
                    without_extension(path)
                } else {
                    stem(path)
                };
                Device {
                    name: name.to_string(),
                    config: path.to_string(),
                    ..Device::default()
                }
            })
            .collect();
        let mut inventory = Inventory::new(devices);
        inventory.inferred = true;
        inventory
    }
}

/// True for a file that stands for a device when there is no inventory.
fn is_device_file(path: &str) -> bool {
    let mut parts = path.split('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    if parts.any(|p| p.starts_with('.')) || name.starts_with("README") || name.starts_with("readme")
    {
        return false;
    }
    let script = name.ends_with(".rhai");
    // A parameter sheet's schema (`vlans.schema.yaml` beside `vlans.xlsx`).
    let schema = name.ends_with(".schema.yaml") || name.ends_with(".schema.yml");
    let script_yaml =
        path.starts_with("scripts/") && (name.ends_with(".yaml") || name.ends_with(".yml"));
    !(script || script_yaml || schema) && path != super::INVENTORY_FILE
}

/// Returns the file name without its last extension.
fn stem(path: &str) -> &str {
    without_extension(path.rsplit('/').next().unwrap_or(path))
}

/// Returns `path` without the extension of its file name.
fn without_extension(path: &str) -> &str {
    let name_start = path.rfind('/').map_or(0, |p| p + 1);
    match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..name_start + dot],
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_device_per_file_skipping_support_files() {
        let files = [
            ".henko/ignore.yaml",
            ".gitignore",
            "README.md",
            "configs/fw1.conf",
            "configs/sw1.cfg",
            "scripts/risk.rhai",
            "scripts/thresholds.yaml",
            "sheets/vlans.csv",
            "sheets/vlans.schema.yaml",
            "vms/web01.yaml",
        ];
        let inventory = Inventory::infer(&files);
        let names: Vec<&str> = inventory
            .devices()
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["fw1", "sw1", "vlans", "web01"]);
        let fw1 = inventory.get("fw1").unwrap();
        assert_eq!(fw1.config, "configs/fw1.conf");
        assert_eq!(fw1.platform, "");
        assert!(inventory.is_inferred());
    }

    #[test]
    fn shared_stems_keep_their_paths() {
        let inventory = Inventory::infer(&["west/r1.cfg", "east/r1.cfg", "lone"]);
        let names: Vec<&str> = inventory
            .devices()
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["east/r1", "lone", "west/r1"]);
    }
}
