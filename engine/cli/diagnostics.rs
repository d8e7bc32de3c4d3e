//! Located problems (file, line, column, code, message) rendered as miette
//! diagnostics for a terminal or a CI log; shared by `validate` (the report)
//! and `snapshot` (warnings on stderr).

use crate::inventory::Violation;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// Renders every violation with the offending line: coloured and wrapped
/// for a terminal (`tty`, unless `NO_COLOR` is set), plain and unwrapped
/// (greppable) otherwise.
pub(crate) fn render_violations(violations: &[Violation], tty: bool) -> String {
    let handler = if tty && std::env::var_os("NO_COLOR").is_none() {
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
    } else {
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(10_000)
    };
    let mut out = String::new();
    for violation in violations {
        if handler
            .render_report(&mut out, violation as &dyn Diagnostic)
            .is_err()
        {
            out.push_str(&violation.to_string());
        }
        out.push('\n');
    }
    out
}
