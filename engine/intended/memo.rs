//! Renderings shared between devices that a template cannot tell apart.
//!
//! A template sees `device`, and besides it only what is the same for every
//! device (the sheets, the inventory, the feature's name), and every filter
//! is a pure function. So a template's output for a device depends only on
//! the device fields it reads, and which fields it reads depends only on the
//! values of the fields read before. [`DeviceView`] records the top-level
//! fields a rendering reads; [`RenderMemo`] keeps the rendering under the
//! values of exactly those fields, and a later device with the same values
//! there gets it without rendering or parsing again. An NTP or VLAN feature
//! that never looks at the device renders once per run; one that reads
//! `device.site` once per site; one that prints `device.name` never hits
//! and costs a lookup per device.
//!
//! Iterating or printing `device` as a whole counts as reading every field,
//! which no other device matches. The memo holds at most [`LIMIT`]
//! renderings per feature, so memory stays flat however many devices run.

use super::render::FeatureRendering;
use crate::config::Dialect;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

/// Renderings kept per feature at most.
pub const LIMIT: usize = 64;

/// The field name recorded when a template reads the whole device.
const WHOLE: &str = "*";

thread_local! {
    static READS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The device as templates see it: its serialized fields, read through a
/// map that records which top-level field each read asked for.
#[derive(Debug)]
pub struct DeviceView {
    fields: Value,
}

impl DeviceView {
    /// Wraps a device's serialized value.
    pub fn new(fields: Value) -> DeviceView {
        DeviceView { fields }
    }
}

fn note(field: &str) {
    READS.with(|r| {
        let mut reads = r.borrow_mut();
        if !reads.iter().any(|f| f == field) {
            reads.push(field.to_string());
        }
    });
}

impl Object for DeviceView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str() {
            Some(name) => self.get_value_by_str(name),
            None => {
                note(WHOLE);
                let value = self.fields.get_item(key).ok()?;
                (!value.is_undefined()).then_some(value)
            }
        }
    }

    fn get_value_by_str(self: &Arc<Self>, name: &str) -> Option<Value> {
        note(name);
        let value = self.fields.get_attr(name).ok()?;
        (!value.is_undefined()).then_some(value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        note(WHOLE);
        match self.fields.try_iter() {
            Ok(keys) => Enumerator::Values(keys.collect()),
            Err(_) => Enumerator::Empty,
        }
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        note(WHOLE);
        self.fields.len()
    }
}

/// Starts recording the device fields this thread's rendering reads.
pub fn start_reads() {
    READS.with(|r| r.borrow_mut().clear());
}

/// Returns the fields read since [`start_reads`], sorted.
pub fn take_reads() -> Vec<String> {
    let mut reads = READS.with(|r| std::mem::take(&mut *r.borrow_mut()));
    reads.sort_unstable();
    reads
}

/// One set of fields some rendering read, and the renderings kept under
/// the values those fields had.
#[derive(Default)]
struct Shape {
    fields: Vec<String>,
    renderings: HashMap<String, Arc<FeatureRendering>>,
}

/// The kept renderings of every feature (see the module comment).
pub struct RenderMemo {
    features: Vec<RwLock<Vec<Shape>>>,
}

impl RenderMemo {
    /// An empty memo for `features` features.
    pub fn new(features: usize) -> RenderMemo {
        RenderMemo {
            features: (0..features).map(|_| RwLock::default()).collect(),
        }
    }

    /// Returns a rendering of `feature` kept for a device that agrees with
    /// `device` on every field that rendering read.
    pub fn get(
        &self,
        feature: usize,
        dialect: Dialect,
        device: &Value,
    ) -> Option<Arc<FeatureRendering>> {
        let shapes = self.features[feature].read().ok()?;
        shapes.iter().find_map(|shape| {
            let key = key(dialect, &shape.fields, device)?;
            shape.renderings.get(&key).cloned()
        })
    }

    /// Keeps `rendering` of `feature`, made for `device` while reading
    /// `fields`, unless the feature already keeps [`LIMIT`] renderings.
    pub fn put(
        &self,
        feature: usize,
        dialect: Dialect,
        device: &Value,
        fields: Vec<String>,
        rendering: &Arc<FeatureRendering>,
    ) {
        if fields.iter().any(|f| f == WHOLE) {
            return;
        }
        let Some(key) = key(dialect, &fields, device) else {
            return;
        };
        let Ok(mut shapes) = self.features[feature].write() else {
            return;
        };
        if shapes.iter().map(|s| s.renderings.len()).sum::<usize>() >= LIMIT {
            return;
        }
        let at = match shapes.iter().position(|s| s.fields == fields) {
            Some(at) => at,
            None => {
                shapes.push(Shape {
                    fields,
                    renderings: HashMap::new(),
                });
                shapes.len() - 1
            }
        };
        shapes[at].renderings.insert(key, rendering.clone());
    }
}

/// The memo key of `device` for `fields`: the dialect and each field's
/// value written out exactly (type and content); `None` for a value that
/// cannot be written out so.
fn key(dialect: Dialect, fields: &[String], device: &Value) -> Option<String> {
    let mut out = String::with_capacity(64);
    let _ = write!(out, "{dialect:?}");
    for field in fields {
        out.push('\u{1}');
        out.push_str(field);
        out.push('=');
        let value = device.get_attr(field).ok()?;
        exact(&value, &mut out, 0)?;
    }
    Some(out)
}

/// Writes `value` so that two values write the same text only when a
/// template could not tell them apart.
fn exact(value: &Value, out: &mut String, depth: usize) -> Option<()> {
    if depth > 32 {
        return None;
    }
    match value.kind() {
        ValueKind::Undefined => out.push('U'),
        ValueKind::None => out.push('N'),
        ValueKind::Bool => out.push(if value.is_true() { 'T' } else { 'F' }),
        ValueKind::Number => {
            // Debug tells 1 from 1.0.
            let _ = write!(out, "n{value:?};");
        }
        ValueKind::String => {
            let text = value.as_str()?;
            let _ = write!(out, "s{}:{text}", text.len());
        }
        ValueKind::Seq => {
            out.push('[');
            for item in value.try_iter().ok()? {
                exact(&item, out, depth + 1)?;
                out.push(',');
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            for k in value.try_iter().ok()? {
                exact(&k, out, depth + 1)?;
                out.push(':');
                exact(&value.get_item(&k).ok()?, out, depth + 1)?;
                out.push(',');
            }
            out.push('}');
        }
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

    fn view(fields: Value) -> Value {
        Value::from_object(DeviceView::new(fields))
    }

    fn reads_of(template: &str, device: Value) -> (String, Vec<String>) {
        let env = Environment::new();
        start_reads();
        let out = env
            .render_str(template, minijinja::context! { device => view(device) })
            .unwrap();
        (out, take_reads())
    }

    #[test]
    fn the_view_records_each_top_level_field_read_once() {
        let device = Value::from(minijinja::value::Serde(serde_json::json!({
            "name": "sw1", "site": "west", "vars": {"host": 7}
        })));
        let (out, reads) = reads_of(
            "{{ device.name }} {{ device['site'] }} {{ device.vars.host }} {{ device.name }}",
            device.clone(),
        );
        assert_eq!(out, "sw1 west 7 sw1");
        assert_eq!(reads, ["name", "site", "vars"]);
        let (_, reads) = reads_of("{% for k in device %}{{ k }}{% endfor %}", device.clone());
        assert_eq!(reads, [WHOLE]);
        let (out, reads) = reads_of("{{ device.missing is defined }}", device);
        assert_eq!(
            (out.as_str(), reads.as_slice()),
            ("False", ["missing".to_string()].as_slice())
        );
    }

    #[test]
    fn keys_tell_apart_what_templates_tell_apart() {
        let k = |v: serde_json::Value| {
            let device = Value::from(minijinja::value::Serde(serde_json::json!({ "x": v })));
            key(Dialect::Ios, &["x".to_string()], &device).unwrap()
        };
        assert_ne!(k(serde_json::json!(1)), k(serde_json::json!(1.0)));
        assert_ne!(k(serde_json::json!(1)), k(serde_json::json!("1")));
        assert_ne!(k(serde_json::json!(true)), k(serde_json::json!(1)));
        assert_ne!(
            k(serde_json::json!("a,b")),
            k(serde_json::json!(["a", "b"]))
        );
        assert_ne!(
            k(serde_json::json!({"a": 1})),
            k(serde_json::json!({"a": 2}))
        );
        assert_eq!(
            k(serde_json::json!({"a": [1, "b"]})),
            k(serde_json::json!({"a": [1, "b"]}))
        );
        let device = Value::from(minijinja::value::Serde(serde_json::json!({ "x": 1 })));
        assert_ne!(
            key(Dialect::Ios, &["x".to_string()], &device),
            key(Dialect::Fortios, &["x".to_string()], &device)
        );
    }
}
