//! Errors of the config stage. Parsing itself never fails (it records
//! warnings on the tree); only user-supplied settings such as ignore
//! patterns can be rejected.

use miette::{NamedSource, SourceSpan};

/// A setting of the config stage that cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ConfigError {
    /// A noise pattern (from the store's ignore file or an option) is not a
    /// valid regular expression.
    #[error(transparent)]
    #[diagnostic(transparent)]
    InvalidIgnorePattern(Box<InvalidPattern>),
    /// A configuration file whose structure cannot be read unambiguously.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unreadable(Box<UnreadableConfig>),
}

impl ConfigError {
    /// Returns the error for `origin` (its text given) refused at `why.line`.
    pub(crate) fn unreadable(
        origin: &str,
        text: &str,
        why: super::fortios::Unreadable,
    ) -> ConfigError {
        let line = why.line.max(1) as usize;
        let offset: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let length = text[offset.min(text.len())..]
            .split('\n')
            .next()
            .map_or(0, str::len);
        ConfigError::Unreadable(Box::new(UnreadableConfig {
            origin: origin.to_string(),
            line: why.line,
            message: why.message,
            source_code: NamedSource::new(origin, text.to_string()),
            span: (offset.min(text.len()), length).into(),
        }))
    }
}

/// A configuration whose sections cannot be told apart, with where.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{origin}:{line}: {message}")]
#[diagnostic(
    code(henko::config::unreadable),
    help("close every section with `next`/`end` as FortiOS writes it, or indent every section's lines deeper than its header")
)]
pub struct UnreadableConfig {
    /// The file.
    pub origin: String,
    /// 1-based line where the structure stops making sense.
    pub line: u32,
    /// What is wrong there.
    pub message: String,
    /// The file's text, for the diagnostic.
    #[source_code]
    pub source_code: NamedSource<String>,
    /// The line at fault.
    #[label("here")]
    pub span: SourceSpan,
}

/// An ignore pattern that does not compile, with where it was written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{origin}:{line}: invalid ignore pattern `{pattern}`: {message}")]
#[diagnostic(
    code(henko::config::ignore_pattern),
    help("each non-empty, non-`#` line of the ignore file is a regular expression matched against a configuration line")
)]
pub struct InvalidPattern {
    /// The file (or option) the pattern came from.
    pub origin: String,
    /// 1-based line of the pattern in `origin`.
    pub line: usize,
    /// The pattern as written.
    pub pattern: String,
    /// What the regex compiler said.
    pub message: String,
    /// The text of `origin`, for the diagnostic.
    #[source_code]
    pub source_code: NamedSource<String>,
    /// Where the pattern sits in `origin`.
    #[label("this pattern")]
    pub span: SourceSpan,
}
