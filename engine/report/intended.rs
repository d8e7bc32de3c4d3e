//! The `henko render` summary: which features each templated device got,
//! how many lines, and where they were written (or the renderings).

use serde::Serialize;

/// One rendered device, as the summary shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RenderedDevice {
    /// Device name.
    pub name: String,
    /// Features rendered, in `templates.yaml` order.
    pub features: Vec<String>,
    /// Lines rendered.
    pub lines: usize,
    /// Where the rendering was written (`-o DIR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The rendered text.
    pub text: String,
}

/// Returns the text summary; `with_text` prints each rendering under a
/// `== device (features) ==` header instead of one line per device.
pub fn render_text(devices: &[RenderedDevice], with_text: bool) -> String {
    let mut out = String::new();
    for d in devices {
        if with_text {
            out.push_str(&format!(
                "== {} ({}) ==\n{}",
                d.name,
                d.features.join(", "),
                d.text
            ));
            if !d.text.ends_with('\n') && !d.text.is_empty() {
                out.push('\n');
            }
        } else {
            let file = d
                .file
                .as_deref()
                .map(|f| format!(" → {f}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{}  {}  {} lines{file}\n",
                d.name,
                d.features.join(", "),
                d.lines
            ));
        }
    }
    out.push_str(&format!(
        "{} templated device(s), {} line(s) rendered\n",
        devices.len(),
        devices.iter().map(|d| d.lines).sum::<usize>()
    ));
    out
}

/// Returns the JSON form: `{"schema": "henko.render/v1", "devices": [...]}`.
pub fn render_json(devices: &[RenderedDevice]) -> String {
    let value = serde_json::json!({ "schema": "henko.render/v1", "devices": devices });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
