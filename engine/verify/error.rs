//! Errors of the verify stage.

use crate::diff::DiffError;
use crate::source::SourceError;

/// What can stop a verification.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum VerifyError {
    /// A snapshot could not be resolved or read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// A diff failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Diff(#[from] DiffError),
    /// The intended side of a sheet-driven plan (`--intended`) could not be
    /// rendered again from TO's templates and sheets.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Intended(#[from] Box<crate::plan::pipeline::PipelineError>),
    /// A side of the plan is a folder or file whose content is no longer
    /// what the plan was made from.
    #[error("the plan's {side} ({rev}) has changed since the plan was made: it was {recorded}, it is now {now}")]
    #[diagnostic(
        code(henko::verify::side_changed),
        help("verify against the snapshot the plan was made from (snapshot the folders into a store before planning)")
    )]
    SideChanged {
        /// `FROM` or `TO`.
        side: &'static str,
        /// The revision or path as the plan recorded it.
        rev: String,
        /// The content hash the plan recorded.
        recorded: String,
        /// The content hash now.
        now: String,
    },
    /// The plan compares two loose files but AFTER is not a file (or the
    /// other way round).
    #[error("the plan compares {plan_kind}, but AFTER ({after}) is {after_kind}")]
    #[diagnostic(
        code(henko::verify::mixed_sides),
        help("give AFTER in the same form as the plan's FROM and TO: a single config file for a file plan, a folder or revision otherwise")
    )]
    MixedSides {
        /// What the plan compares.
        plan_kind: &'static str,
        /// AFTER as given.
        after: String,
        /// What AFTER is.
        after_kind: &'static str,
    },
    /// `--evidence` names something that is not a folder.
    #[error("{path} is not a folder of evidence files")]
    #[diagnostic(
        code(henko::verify::evidence),
        help("give the folder the exported playbooks saved their outputs in (DIR/evidence)")
    )]
    EvidenceNotAFolder {
        /// The path given.
        path: std::path::PathBuf,
    },
}
