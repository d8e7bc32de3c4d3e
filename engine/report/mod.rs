//! Values → text, JSON, Markdown, HTML, xlsx, JUnit and SARIF for people and
//! programs. Reports render; they decide nothing.

pub mod i18n;
pub mod junit;
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
