//! Compiling a snapshot's templates once and rendering them per device
//! (callers run it in parallel, see [`super::IntendedSet`]) into parsed trees that remember which sheet cells each
//! rendered line came from.

use super::error::{line_column, IntendedError, SheetValueError, TemplateError};
use super::features::{parse_features, Feature, FEATURES_PATH};
use super::memo::{start_reads, take_reads, DeviceView, RenderMemo};
use super::sheets::{note_written, start_recording, take_recording, CellRef, Sheets};
use crate::config::{self, ConfigTree, Dialect, ParseOptions};
use crate::inventory::{Device, Inventory};
use crate::source::FileTree;
use miette::NamedSource;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A snapshot's templates, compiled, with the sheets and inventory they see.
pub struct Renderer {
    env: Environment<'static>,
    /// The features of `templates.yaml`, in file order.
    pub features: Vec<Feature>,
    /// The snapshot's parameter sheets.
    pub sheets: Sheets,
    sheets_value: Value,
    inventory_value: Value,
    sources: HashMap<String, String>,
    memo: RenderMemo,
}

/// What one feature rendered for one device.
#[derive(Clone, Debug)]
pub struct FeatureRendering {
    /// Index of the feature in [`Renderer::features`].
    pub feature: usize,
    /// The rendered text.
    pub text: String,
    /// The text parsed in the device's dialect (spans are lines of `text`).
    pub tree: ConfigTree,
    /// For each line of `text` (0-based), the sheet cells read for it.
    pub line_cells: Vec<Vec<CellRef>>,
}

/// Everything rendered for one device.
#[derive(Clone, Debug)]
pub struct DeviceRendering {
    /// Device name.
    pub device: String,
    /// Dialect the renderings were parsed with.
    pub dialect: Dialect,
    /// One rendering per feature that applies, in feature order (shared
    /// with the devices the same rendering was made for, see
    /// [`super::memo`]).
    pub features: Vec<Arc<FeatureRendering>>,
}

impl DeviceRendering {
    /// Returns the text of every feature, one after the other.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.features {
            out.push_str(&f.text);
            if !f.text.is_empty() && !f.text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

impl Renderer {
    /// Loads `templates/templates.yaml`, compiles every template, reads the
    /// sheets; `Ok(None)` when the snapshot has no `templates.yaml`.
    pub fn load(
        tree: &dyn FileTree,
        inventory: &Inventory,
    ) -> Result<Option<Renderer>, IntendedError> {
        let paths: Vec<String> = tree.paths()?;
        if !paths.iter().any(|p| p == FEATURES_PATH) {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&tree.read(FEATURES_PATH)?).into_owned();
        let features = parse_features(&text, &paths)?;
        for device in inventory.devices() {
            if let Some(unknown) = device
                .templates
                .iter()
                .find(|t| !features.iter().any(|f| &f.name == *t))
            {
                return Err(IntendedError::UnknownFeature {
                    device: device.name.clone(),
                    feature: unknown.clone(),
                    line: device.line,
                });
            }
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        // Ansible's defaults for network templates: block tags on their
        // own lines leave no blank lines or stray indentation behind.
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid");
        env.set_syntax(syntax);
        env.set_debug(true);
        env.set_formatter(format_value);
        super::filters::register(&mut env);
        let mut sources = HashMap::new();
        for feature in &features {
            if sources.contains_key(&feature.file) {
                continue;
            }
            let source = String::from_utf8_lossy(&tree.read(&feature.file)?).into_owned();
            sources.insert(feature.file.clone(), source.clone());
            if let Err(e) = env.add_template_owned(feature.file.clone(), source) {
                return Err(template_error(&e, &sources, None));
            }
        }
        let sheets = Sheets::load(tree)?;
        let sheets_value = sheets.value();
        let inventory_value = inventory_value(inventory);
        Ok(Some(Renderer {
            env,
            memo: RenderMemo::new(features.len()),
            features,
            sheets,
            sheets_value,
            inventory_value,
            sources,
        }))
    }

    /// Returns the indexes of the features that apply to `device`.
    pub fn features_for(&self, device: &Device) -> Vec<usize> {
        (0..self.features.len())
            .filter(|&i| self.features[i].applies_to(device))
            .collect()
    }

    /// Renders every feature that applies to `device`; `None` when none does.
    pub fn render_device(&self, device: &Device) -> Result<Option<DeviceRendering>, IntendedError> {
        let features = self.features_for(device);
        if features.is_empty() {
            return Ok(None);
        }
        let dialect = device.dialect().unwrap_or(Dialect::Lines);
        let device_fields = Value::from(Serde(device));
        let device_value = Value::from_object(DeviceView::new(device_fields.clone()));
        let mut out = Vec::with_capacity(features.len());
        for index in features {
            if let Some(kept) = self.memo.get(index, dialect, &device_fields) {
                out.push(kept);
                continue;
            }
            let feature = &self.features[index];
            let template = self
                .env
                .get_template(&feature.file)
                .map_err(|e| template_error(&e, &self.sources, Some(&device.name)))?;
            let context = minijinja::context! {
                device => device_value.clone(),
                inventory => self.inventory_value.clone(),
                sheets => self.sheets_value.clone(),
                feature => feature.name.clone(),
            };
            start_recording();
            start_reads();
            let mut buffer = Counting(Vec::new());
            let result = template.render_captured_to(context, &mut buffer);
            let recording = take_recording();
            let device_reads = take_reads();
            if let Err(e) = result {
                let located = match recording.last_undefined {
                    Some(undefined) if e.kind() == ErrorKind::UndefinedError => {
                        sheet_value_error(&e, &self.sources, &device.name, &self.sheets, undefined)
                    }
                    _ => None,
                };
                return Err(located
                    .unwrap_or_else(|| template_error(&e, &self.sources, Some(&device.name))));
            }
            let text = String::from_utf8(buffer.0)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let line_cells = cells_per_line(&text, &recording.reads);
            let tree = config::parse(text.as_bytes(), dialect, &ParseOptions::default());
            let rendering = Arc::new(FeatureRendering {
                feature: index,
                text,
                tree,
                line_cells,
            });
            self.memo
                .put(index, dialect, &device_fields, device_reads, &rendering);
            out.push(rendering);
        }
        Ok(Some(DeviceRendering {
            device: device.name.clone(),
            dialect,
            features: out,
        }))
    }
}

/// Prints a value as minijinja's own formatter does, but writes strings
/// and integers straight out instead of through `fmt` (a template prints a
/// few values per line for every device).
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let plain = matches!(state.auto_escape(), minijinja::AutoEscape::None);
    if plain && value.kind() == minijinja::value::ValueKind::String {
        if let Some(text) = value.as_str() {
            return out.write_str(text).map_err(minijinja::Error::from);
        }
    }
    if plain && value.is_integer() {
        if let Some(n) = value.as_i64() {
            return out
                .write_str(itoa::Buffer::new().format(n))
                .map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// An `io::Write` that keeps the thread's recording told of the output
/// length, so each sheet read knows which line it feeds.
struct Counting(Vec<u8>);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        note_written(buf.len());
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Assigns every read to the line its value was written on.
fn cells_per_line(text: &str, reads: &[(usize, CellRef)]) -> Vec<Vec<CellRef>> {
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let mut lines = vec![Vec::new(); newlines.len() + 1];
    for &(offset, cell) in reads {
        let line = newlines.partition_point(|&n| n < offset);
        let cells = &mut lines[line.min(newlines.len())];
        if !cells.contains(&cell) {
            cells.push(cell);
        }
    }
    lines
}

/// Turns a minijinja error into a located diagnostic.
fn template_error(
    e: &minijinja::Error,
    sources: &HashMap<String, String>,
    device: Option<&str>,
) -> IntendedError {
    let name = e.name().unwrap_or("template").to_string();
    let source = sources.get(&name).cloned().unwrap_or_default();
    let (offset, line, column) = position(e, &source);
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    if let Some(device) = device {
        message = format!("{message} (rendering {device})");
    }
    IntendedError::Template(Box::new(TemplateError {
        location: format!("{name}:{line}:{column}"),
        message,
        src: NamedSource::new(name, source),
        span: (offset, 0).into(),
    }))
}

/// Returns the byte offset, line and column of an error in `source`.
fn position(e: &minijinja::Error, source: &str) -> (usize, usize, usize) {
    if let Some(range) = e.range() {
        let (line, column) = line_column(source, range.start);
        return (range.start, line, column);
    }
    let line = e.line().unwrap_or(1);
    let offset = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (offset, line, 1)
}

/// Returns the located error for a printed missing column or empty cell,
/// when the failing expression is the one that read it.
fn sheet_value_error(
    e: &minijinja::Error,
    sources: &HashMap<String, String>,
    device: &str,
    sheets: &Sheets,
    (cell, column, missing): (CellRef, String, bool),
) -> Option<IntendedError> {
    let name = e.name()?.to_string();
    let source = sources.get(&name).cloned().unwrap_or_default();
    let range = e.range()?;
    let expression = source.get(range.clone())?;
    if !expression.contains(column.as_str()) {
        return None;
    }
    let (line, col) = line_column(&source, range.start);
    let (_, table, row) = sheets.row(cell)?;
    let message = if missing {
        format!(
            "no column `{column}` in worksheet {} (header row {}: {}) — rendering {device}",
            table.name,
            table.header_row,
            table.columns.join(", ")
        )
    } else {
        format!(
            "cell `{column}` of row {} is empty — rendering {device}",
            row.number
        )
    };
    Some(IntendedError::SheetValue(Box::new(SheetValueError {
        location: format!("{name}:{line}:{col}"),
        place: sheets.place(cell),
        message,
        src: NamedSource::new(name, source),
        span: (range.start, range.len()).into(),
    })))
}

/// The inventory as templates see it: a list of devices that can also be
/// indexed by name (`inventory["core-1"]`).
#[derive(Debug)]
struct InventoryObject {
    devices: Vec<Value>,
    by_name: BTreeMap<String, usize>,
}

impl Object for InventoryObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = match key.as_str() {
            Some(name) => *self.by_name.get(name)?,
            None => key.as_usize()?,
        };
        self.devices.get(index).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.devices.len())
    }
}

fn inventory_value(inventory: &Inventory) -> Value {
    let devices: Vec<Value> = inventory
        .devices()
        .iter()
        .map(|d| Value::from(Serde(d)))
        .collect();
    let by_name = inventory
        .devices()
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.clone(), i))
        .collect();
    Value::from_object(InventoryObject { devices, by_name })
}
