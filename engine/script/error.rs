//! Errors of the script stage: loading (a rule that does not compile, a
//! folder that cannot be read) and running (a rule that failed on a device).

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Serialize;
use std::path::PathBuf;

/// A script set could not be loaded.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScriptError {
    /// A scripts folder or file could not be read.
    #[error("cannot read scripts from {path}: {source}")]
    #[diagnostic(code(henko::script::io))]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A script does not compile (syntax error, bad import, forbidden symbol).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Compile(Box<CompileError>),
}

/// Why a script does not compile, with the place in its source.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{script}:{line}:{column}: {message}")]
#[diagnostic(code(henko::script::compile))]
pub struct CompileError {
    /// Script name (path, or `builtin:NAME`).
    pub script: String,
    /// Line, 1-based (0 when unknown).
    pub line: u32,
    /// Column, 1-based (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// The script text, for the diagnostic.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where in the script.
    #[label("{message}")]
    pub span: SourceSpan,
}

/// A script that failed while running on one device (or on the plan).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ScriptFailure {
    /// Script name (path, or `builtin:NAME`).
    pub script: String,
    /// The device it was running on (`None` for `on_plan`).
    pub device: Option<String>,
    /// What went wrong, in the script's terms.
    pub message: String,
    /// Line in the script, 1-based (0 when unknown).
    pub line: u32,
    /// Column in the script, 1-based (0 when unknown).
    pub column: u32,
}

impl std::fmt::Display for ScriptFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.script, self.line, self.column)?;
        match &self.device {
            Some(device) => write!(f, "on device {device}: ")?,
            None => f.write_str("in on_plan: ")?,
        }
        f.write_str(&self.message)
    }
}

/// Returns the byte offset of 1-based `line`:`column` (columns count
/// characters) in `text`, clamped to the text.
pub(crate) fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let skip = column.saturating_sub(1) as usize;
            let within = content
                .char_indices()
                .nth(skip)
                .map_or(content.trim_end_matches('\n').len(), |(i, _)| i);
            return offset + within;
        }
        offset += content.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let text = "ab\ncdé f\n";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 1), 3);
        assert_eq!(byte_offset(text, 2, 5), 8);
        assert_eq!(byte_offset(text, 9, 1), text.len());
    }

    #[test]
    fn failures_read_like_compiler_messages() {
        let failure = ScriptFailure {
            script: "rules/x.rhai".into(),
            device: Some("fw1".into()),
            message: "boom".into(),
            line: 3,
            column: 7,
        };
        assert_eq!(failure.to_string(), "rules/x.rhai:3:7: on device fw1: boom");
    }
}
