//! The shape of `inventory.yaml`: top-level keys, `defaults`, device entries
//! and their field types.
//!
//! The YAML is read into a generic value first and walked by hand (rather
//! than derived with `deny_unknown_fields`) so that every problem in the
//! file is reported, not just the first one serde meets.

use super::locate::Locator;
use super::suggest::hint;
use super::{DeviceKind, Env, SourceFile, Violation};
use crate::config::Dialect;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::ops::Range;

/// Top-level keys `inventory.yaml` may hold.
pub const TOP_KEYS: &[&str] = &["defaults", "devices", "drift", "sheets"];

/// Keys a device entry may hold (`defaults` takes all but `name`).
pub const DEVICE_KEYS: &[&str] = &[
    "name",
    "kind",
    "platform",
    "site",
    "env",
    "role",
    "tags",
    "depends_on",
    "pair",
    "config",
    "key",
    "vars",
    "templates",
];

/// Device fields as written, before defaults are applied.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub kind: Option<DeviceKind>,
    pub platform: Option<String>,
    pub site: Option<String>,
    pub env: Option<Env>,
    pub role: Option<String>,
    pub tags: Option<Vec<String>>,
    pub depends_on: Option<Vec<String>>,
    pub pair: Option<String>,
    pub config: Option<String>,
    pub key: Option<String>,
    pub vars: Option<BTreeMap<String, serde_json::Value>>,
    pub templates: Option<Vec<String>>,
}

impl Fields {
    /// Returns these fields with `defaults` filling the gaps; `vars` merge
    /// key by key (the device's value wins).
    pub fn over(self, defaults: &Fields) -> Fields {
        let vars = match (defaults.vars.clone(), self.vars) {
            (Some(mut base), Some(own)) => {
                base.extend(own);
                Some(base)
            }
            (base, own) => own.or(base),
        };
        Fields {
            kind: self.kind.or(defaults.kind),
            platform: self.platform.or_else(|| defaults.platform.clone()),
            site: self.site.or_else(|| defaults.site.clone()),
            env: self.env.or(defaults.env),
            role: self.role.or_else(|| defaults.role.clone()),
            tags: self.tags.or_else(|| defaults.tags.clone()),
            depends_on: self.depends_on.or_else(|| defaults.depends_on.clone()),
            pair: self.pair.or_else(|| defaults.pair.clone()),
            config: self.config.or_else(|| defaults.config.clone()),
            key: self.key.or_else(|| defaults.key.clone()),
            templates: self.templates.or_else(|| defaults.templates.clone()),
            vars,
        }
    }
}

/// One device entry as written: its position in the file, its name (when
/// it has a usable one) and its fields.
#[derive(Clone, Debug)]
pub struct Entry {
    pub index: usize,
    pub name: Option<String>,
    pub fields: Fields,
}

/// The whole file, walked.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub defaults: Fields,
    pub entries: Vec<Entry>,
    pub drift: serde_json::Value,
    pub sheets: serde_json::Value,
}

/// Where a mapping sits, to locate its keys.
#[derive(Clone, Copy)]
enum Place {
    Defaults,
    Device(usize),
}

/// Walks a parsed YAML value, collecting violations as it goes.
pub struct Walker<'a> {
    pub file: &'a SourceFile,
    pub loc: &'a Locator,
    pub violations: Vec<Violation>,
}

impl Walker<'_> {
    /// Records a violation at `span`.
    pub fn report(
        &mut self,
        span: Range<usize>,
        code: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut v = Violation::at(
            self.file,
            span,
            format!("henko::inventory::{code}"),
            message,
        );
        v.help = help;
        self.violations.push(v);
    }

    /// Walks the document's root.
    pub fn document(&mut self, root: &Value) -> Document {
        let mut doc = Document::default();
        let root = match root {
            Value::Mapping(m) => m,
            Value::Null => {
                let span = self.loc.file_start();
                self.report(
                    span,
                    "empty",
                    "the inventory is empty".into(),
                    Some("list devices under `devices:`, or delete the file to let henko infer one device per file".into()),
                );
                return doc;
            }
            other => {
                let span = self.loc.file_start();
                self.report(
                    span,
                    "not_a_mapping",
                    format!(
                        "the inventory must be a mapping with `devices:`, found {}",
                        describe(other)
                    ),
                    None,
                );
                return doc;
            }
        };
        for (key, value) in root {
            let Some(name) = key.as_str() else {
                let span = self.loc.file_start();
                self.report(
                    span,
                    "unknown_key",
                    format!("unexpected top-level key {}", describe(key)),
                    None,
                );
                continue;
            };
            match name {
                "defaults" => doc.defaults = self.defaults(value),
                "devices" => doc.entries = self.devices(value),
                "drift" | "sheets" => {
                    let converted = self.free_form(value, name);
                    if name == "drift" {
                        doc.drift = converted;
                    } else {
                        doc.sheets = converted;
                    }
                }
                _ => {
                    let span = self
                        .loc
                        .top_key(name)
                        .unwrap_or_else(|| self.loc.file_start());
                    let help = hint(name, TOP_KEYS.iter().copied())
                        .unwrap_or_else(|| format!("top-level keys are: {}", TOP_KEYS.join(", ")));
                    self.report(
                        span,
                        "unknown_key",
                        format!("unknown top-level key `{name}`"),
                        Some(help),
                    );
                }
            }
        }
        if !root.contains_key("devices") {
            let span = self.loc.file_start();
            self.report(
                span,
                "no_devices",
                "the inventory has no `devices:` list".into(),
                Some("add `devices:` with one `- name: …` entry per device".into()),
            );
        }
        doc
    }

    fn free_form(&mut self, value: &Value, key: &str) -> serde_json::Value {
        match serde_json::to_value(value) {
            Ok(v) if key != "drift" || v.is_object() || v.is_null() => v,
            Ok(_) => {
                let span = self
                    .loc
                    .top_key(key)
                    .unwrap_or_else(|| self.loc.file_start());
                self.report(
                    span,
                    "wrong_type",
                    format!("`{key}` must be a mapping"),
                    None,
                );
                serde_json::Value::Null
            }
            Err(e) => {
                let span = self
                    .loc
                    .top_key(key)
                    .unwrap_or_else(|| self.loc.file_start());
                self.report(
                    span,
                    "wrong_type",
                    format!("`{key}` cannot be read: {e}"),
                    None,
                );
                serde_json::Value::Null
            }
        }
    }

    fn defaults(&mut self, value: &Value) -> Fields {
        match value {
            Value::Mapping(m) => self.fields(m, Place::Defaults),
            Value::Null => Fields::default(),
            other => {
                let span = self.span(Place::Defaults, None);
                self.report(
                    span,
                    "wrong_type",
                    format!("`defaults` must be a mapping, found {}", describe(other)),
                    None,
                );
                Fields::default()
            }
        }
    }

    fn devices(&mut self, value: &Value) -> Vec<Entry> {
        let items = match value {
            Value::Sequence(items) => items,
            Value::Null => return Vec::new(),
            other => {
                let span = self
                    .loc
                    .top_key("devices")
                    .unwrap_or_else(|| self.loc.file_start());
                self.report(
                    span,
                    "wrong_type",
                    format!("`devices` must be a list, found {}", describe(other)),
                    Some("write one `- name: …` entry per device".into()),
                );
                return Vec::new();
            }
        };
        let mut entries = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let Value::Mapping(map) = item else {
                let span = self.loc.device_or_fallback(index, None);
                self.report(
                    span,
                    "wrong_type",
                    format!(
                        "device entry {} must be a mapping with `name:`, found {}",
                        index + 1,
                        describe(item)
                    ),
                    None,
                );
                continue;
            };
            let name = match map.get("name") {
                None => {
                    let span = self.loc.device_or_fallback(index, None);
                    self.report(
                        span,
                        "missing_name",
                        format!("device entry {} has no `name`", index + 1),
                        None,
                    );
                    None
                }
                Some(v) => match scalar(v) {
                    Some(n) if !n.trim().is_empty() => Some(n),
                    _ => {
                        let span = self.loc.device_or_fallback(index, Some("name"));
                        self.report(
                            span,
                            "wrong_type",
                            format!("device entry {} needs a non-empty name", index + 1),
                            None,
                        );
                        None
                    }
                },
            };
            let fields = self.fields(map, Place::Device(index));
            entries.push(Entry {
                index,
                name,
                fields,
            });
        }
        entries
    }

    fn span(&self, place: Place, key: Option<&str>) -> Range<usize> {
        match place {
            Place::Defaults => key
                .and_then(|k| self.loc.child_key("defaults", k))
                .or_else(|| self.loc.top_key("defaults"))
                .unwrap_or_else(|| self.loc.file_start()),
            Place::Device(i) => self.loc.device_or_fallback(i, key),
        }
    }

    fn value_span(&self, place: Place, key: &str, value: &str) -> Range<usize> {
        match place {
            Place::Device(i) => self
                .loc
                .device_value(i, key, value)
                .unwrap_or_else(|| self.loc.device_or_fallback(i, Some(key))),
            Place::Defaults => self.span(place, Some(key)),
        }
    }

    fn fields(&mut self, map: &Mapping, place: Place) -> Fields {
        let mut f = Fields::default();
        for (key, value) in map {
            let Some(key) = key.as_str() else {
                let span = self.span(place, None);
                self.report(
                    span,
                    "unknown_field",
                    format!("unexpected key {}", describe(key)),
                    None,
                );
                continue;
            };
            match key {
                "name" => {
                    if let Place::Defaults = place {
                        let span = self.span(place, Some(key));
                        self.report(
                            span,
                            "unknown_field",
                            "`name` cannot have a default".into(),
                            Some("give each device its own `name`".into()),
                        );
                    }
                }
                "kind" => f.kind = self.named(place, key, value, DeviceKind::NAMES, parse_kind),
                "env" => f.env = self.named(place, key, value, Env::NAMES, parse_env),
                "platform" => {
                    f.platform = self.string(place, key, value).and_then(|p| {
                        if p.is_empty() || Dialect::for_platform(&p).is_some() {
                            Some(p)
                        } else {
                            self.unknown_name(place, key, &p, Dialect::PLATFORMS);
                            None
                        }
                    })
                }
                "site" => f.site = self.string(place, key, value),
                "role" => f.role = self.string(place, key, value),
                "pair" => f.pair = self.string(place, key, value),
                "config" => f.config = self.string(place, key, value),
                "key" => f.key = self.string(place, key, value),
                "tags" => f.tags = self.list(place, key, value),
                "depends_on" => f.depends_on = self.list(place, key, value),
                "templates" => f.templates = self.list(place, key, value),
                "vars" => f.vars = self.vars(place, value),
                _ => {
                    let span = self.span(place, Some(key));
                    let allowed = match place {
                        Place::Defaults => &DEVICE_KEYS[1..],
                        Place::Device(_) => DEVICE_KEYS,
                    };
                    let help = hint(key, allowed.iter().copied())
                        .unwrap_or_else(|| format!("device fields are: {}", allowed.join(", ")));
                    self.report(
                        span,
                        "unknown_field",
                        format!("unknown field `{key}`"),
                        Some(help),
                    );
                }
            }
        }
        f
    }

    fn string(&mut self, place: Place, key: &str, value: &Value) -> Option<String> {
        if value.is_null() {
            return None;
        }
        let s = scalar(value);
        if s.is_none() {
            let span = self.span(place, Some(key));
            self.report(
                span,
                "wrong_type",
                format!("`{key}` must be a single value, found {}", describe(value)),
                None,
            );
        }
        s
    }

    fn list(&mut self, place: Place, key: &str, value: &Value) -> Option<Vec<String>> {
        match value {
            Value::Null => Some(Vec::new()),
            Value::Sequence(items) => {
                let names: Option<Vec<String>> = items.iter().map(scalar).collect();
                if names.is_none() {
                    let span = self.span(place, Some(key));
                    self.report(
                        span,
                        "wrong_type",
                        format!("`{key}` must be a name or a list of names"),
                        None,
                    );
                }
                names
            }
            other => self.string(place, key, other).map(|s| vec![s]),
        }
    }

    fn named<T>(
        &mut self,
        place: Place,
        key: &str,
        value: &Value,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.string(place, key, value)?;
        let parsed = parse(&text.to_ascii_lowercase());
        if parsed.is_none() {
            self.unknown_name(place, key, &text, names);
        }
        parsed
    }

    fn unknown_name(&mut self, place: Place, key: &str, value: &str, names: &[&str]) {
        let span = self.value_span(place, key, value);
        let mut help = format!("valid {key} names: {}", names.join(", "));
        if let Some(h) = hint(value, names.iter().copied()) {
            help = format!("{h} ({help})");
        }
        self.report(
            span,
            &format!("unknown_{key}"),
            format!("unknown {key} `{value}`"),
            Some(help),
        );
    }

    fn vars(&mut self, place: Place, value: &Value) -> Option<BTreeMap<String, serde_json::Value>> {
        let problem = match value {
            Value::Null => return Some(BTreeMap::new()),
            Value::Mapping(_) => match serde_json::to_value(value) {
                Ok(serde_json::Value::Object(map)) => return Some(map.into_iter().collect()),
                Ok(_) => "`vars` must be a mapping".to_string(),
                Err(e) => format!("`vars` cannot be read: {e}"),
            },
            other => format!("`vars` must be a mapping, found {}", describe(other)),
        };
        let span = self.span(place, Some("vars"));
        self.report(span, "wrong_type", problem, None);
        None
    }
}

/// Returns a scalar as text (numbers and booleans included), else `None`.
pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

fn parse_kind(name: &str) -> Option<DeviceKind> {
    DeviceKind::from_name(name)
}

fn parse_env(name: &str) -> Option<Env> {
    Env::from_name(name)
}
