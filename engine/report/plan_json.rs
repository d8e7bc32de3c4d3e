//! A plan as JSON (`henko.plan/v1`), for programs and for `check`.

use crate::plan::Plan;

/// Renders `plan` as pretty-printed JSON with a trailing newline.
pub fn render(plan: &Plan) -> String {
    // Plans hold only strings, numbers and lists: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}
