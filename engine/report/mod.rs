//! Values → text, JSON, Markdown, HTML, xlsx, JUnit and SARIF for people and
//! programs. Reports render; they decide nothing.

mod color;
pub mod compliance;
mod diff_json;
mod diff_markdown;
mod diff_summary;
mod diff_text;
mod fleet;

pub use color::Palette;
pub use diff_json::{render_diff_json, DIFF_SCHEMA};
pub use diff_markdown::{render_diff_markdown, MARKDOWN_LIMIT};
pub use diff_summary::{Counts, Summary};
pub use diff_text::{render_diff_text, DiffReportOptions};
pub use fleet::{group as fleet_groups, FleetGroup, FleetView, DEFAULT_FLEET_MIN};
pub mod ansible;
pub mod demo;
pub mod escape;
pub mod i18n;
pub mod intended;
pub mod junit;
pub mod manual_ja;
pub mod plan_bundle;
pub mod plan_groups;
pub mod plan_html;
pub mod plan_json;
pub mod plan_markdown;
pub mod plan_rows;
pub mod plan_svg;
#[cfg(test)]
mod plan_tests;
pub mod plan_text;
pub mod plan_xlsx;
pub mod sarif;
pub mod verify_html;
pub mod verify_rows;
pub mod verify_text;
pub mod verify_xlsx;

#[cfg(test)]
mod diff_tests;
