//! `templates/templates.yaml`: the features of a snapshot, which devices
//! each one applies to, and the top-level sections it owns there.

use super::error::{span_of, IntendedError};
use crate::inventory::{Device, Glob};
use serde::Deserialize;

/// Where the feature list lives inside a snapshot.
pub const FEATURES_PATH: &str = "templates/templates.yaml";

/// One feature: a template, the devices it applies to, and its scope.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Feature name, shown in reports.
    pub name: String,
    /// Template path inside the snapshot (`templates/vlans.j2`).
    pub file: String,
    /// Selectors; a device is selected when every selector given matches
    /// (an empty list selects any), or when it lists the feature by name.
    pub selector: Selector,
    /// Top-level lines/sections the feature owns (globs on the line text);
    /// `None` when the feature owns only what it renders.
    pub scope: Option<Vec<Glob>>,
    /// Line of the entry in `templates.yaml`.
    pub line: u32,
}

/// Which devices a feature applies to; each list is one criterion.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    /// Platforms (case-insensitive).
    pub platform: Vec<String>,
    /// Roles.
    pub role: Vec<String>,
    /// Sites.
    pub site: Vec<String>,
    /// Kinds (`switch`, `firewall`…).
    pub kind: Vec<String>,
    /// Device name globs.
    pub devices: Vec<Glob>,
}

impl Selector {
    /// Returns true when no criterion is given.
    fn is_empty(&self) -> bool {
        self.platform.is_empty()
            && self.role.is_empty()
            && self.site.is_empty()
            && self.kind.is_empty()
            && self.devices.is_empty()
    }

    /// Returns true when `device` meets every criterion given.
    pub fn matches(&self, device: &Device) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        (self.platform.is_empty()
            || self
                .platform
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&device.platform)))
            && any(&self.role, &device.role)
            && any(&self.site, &device.site)
            && any(&self.kind, device.kind.as_str())
            && (self.devices.is_empty() || self.devices.iter().any(|g| g.matches(&device.name)))
    }
}

impl Feature {
    /// Returns true when the feature applies to `device`: the device lists
    /// it under `templates:`, or it has selectors and they all match.
    pub fn applies_to(&self, device: &Device) -> bool {
        device.templates.iter().any(|t| t == &self.name)
            || (!self.selector.is_empty() && self.selector.matches(device))
    }

    /// Returns true when the feature's scope owns the top-level line `text`
    /// (always false without a scope).
    pub fn scope_owns(&self, text: &str) -> bool {
        self.scope
            .as_ref()
            .is_some_and(|globs| globs.iter().any(|g| g.matches(text)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    templates: Vec<EntrySpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    name: String,
    file: String,
    #[serde(default)]
    platform: OneOrMany,
    #[serde(default)]
    role: OneOrMany,
    #[serde(default)]
    site: OneOrMany,
    #[serde(default)]
    kind: OneOrMany,
    #[serde(default)]
    devices: OneOrMany,
    #[serde(default)]
    scope: Option<OneOrMany>,
}

/// A YAML scalar or a list of scalars.
#[derive(Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Parses `templates.yaml`; `files` are the snapshot's paths, so a feature
/// naming a missing template is refused here with its line.
pub fn parse_features(text: &str, files: &[String]) -> Result<Vec<Feature>, IntendedError> {
    let located = |message: String, offset: usize| IntendedError::features(text, offset, message);
    let spec: FileSpec = serde_yaml::from_str(text).map_err(|e| {
        let offset = e.location().map_or(0, |l| l.index());
        located(e.to_string(), offset)
    })?;
    let mut features: Vec<Feature> = Vec::new();
    let mut search_from = 0;
    for entry in spec.templates {
        let offset = span_of(text, &entry.name, search_from);
        search_from = offset;
        let line = text[..offset].matches('\n').count() as u32 + 1;
        if features.iter().any(|f| f.name == entry.name) {
            return Err(located(
                format!("feature `{}` is declared twice", entry.name),
                offset,
            ));
        }
        let file = format!("templates/{}", entry.file.trim_start_matches("./"));
        if !files.contains(&file) {
            return Err(located(
                format!("feature `{}`: {file} is not in the snapshot", entry.name),
                span_of(text, &entry.file, offset),
            ));
        }
        let globs = |list: Vec<String>| -> Result<Vec<Glob>, IntendedError> {
            list.iter()
                .map(|g| Glob::new(g).map_err(|e| located(e.to_string(), offset)))
                .collect()
        };
        let scope = match entry.scope {
            None => None,
            Some(list) => {
                let list = list.into_vec();
                if list.is_empty() {
                    return Err(located(
                        format!(
                            "feature `{}`: an empty scope owns nothing; leave `scope:` out to own what the template renders",
                            entry.name
                        ),
                        offset,
                    ));
                }
                Some(globs(list)?)
            }
        };
        features.push(Feature {
            selector: Selector {
                platform: entry.platform.into_vec(),
                role: entry.role.into_vec(),
                site: entry.site.into_vec(),
                kind: entry.kind.into_vec(),
                devices: globs(entry.devices.into_vec())?,
            },
            name: entry.name,
            file,
            scope,
            line,
        });
    }
    Ok(features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::DeviceKind;

    fn files() -> Vec<String> {
        vec!["templates/vlans.j2".into(), "templates/ntp.j2".into()]
    }

    #[test]
    fn selectors_and_scope() {
        let text = "templates:\n  - name: vlans\n    file: vlans.j2\n    platform: [ios, eos]\n    site: west\n    scope: [\"vlan *\", \"interface Vlan*\"]\n  - name: ntp\n    file: ntp.j2\n";
        let features = parse_features(text, &files()).unwrap();
        assert_eq!(features.len(), 2);
        let vlans = &features[0];
        assert_eq!(vlans.file, "templates/vlans.j2");
        assert_eq!(vlans.line, 2);
        let mut device = Device {
            name: "sw1".into(),
            platform: "EOS".into(),
            site: "west".into(),
            kind: DeviceKind::Switch,
            ..Device::default()
        };
        assert!(vlans.applies_to(&device));
        device.site = "east".into();
        assert!(!vlans.applies_to(&device));
        assert!(vlans.scope_owns("vlan 120"));
        assert!(vlans.scope_owns("interface Vlan120"));
        assert!(!vlans.scope_owns("interface Ethernet1"));
        // No selector: only devices that name it.
        assert!(!features[1].applies_to(&device));
        device.templates = vec!["ntp".into()];
        assert!(features[1].applies_to(&device));
        assert!(features[1].scope.is_none());
    }

    #[test]
    fn a_missing_template_is_refused_at_its_line() {
        let text = "templates:\n  - name: acl\n    file: acl.j2\n";
        let err = parse_features(text, &files()).unwrap_err();
        assert!(err
            .to_string()
            .contains("templates/acl.j2 is not in the snapshot"));
        assert!(err.to_string().contains("templates.yaml:3:11"), "{err}");
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let text = "templates:\n  - name: vlans\n    file: vlans.j2\n    scoop: [x]\n";
        let err = parse_features(text, &files()).unwrap_err();
        assert!(err.to_string().contains("templates.yaml:4:"), "{err}");
        assert!(err.to_string().contains("scoop"), "{err}");
    }
}
