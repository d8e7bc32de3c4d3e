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
