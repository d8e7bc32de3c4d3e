//! Every report of a plan written into one folder: what `henko demo` and a
//! CI job hand to reviewers (plan.json, plan.txt, plan.md, plan.html,
//! plan.xlsx).

use super::i18n::Lang;
use super::{plan_html, plan_json, plan_markdown, plan_text, plan_xlsx};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// What can go wrong while writing the reports.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum BundleError {
    /// A file could not be written.
    #[error("cannot write {path}")]
    #[diagnostic(code(henko::report::write))]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The workbook could not be built.
    #[error("cannot build the xlsx workbook: {0}")]
    #[diagnostic(code(henko::report::xlsx))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Writes plan.json, plan.txt, plan.md, plan.html and plan.xlsx into `dir`
/// (created when missing) and returns their paths, in that order.
pub fn write_bundle(plan: &Plan, dir: &Path, lang: Lang) -> Result<Vec<PathBuf>, BundleError> {
    let write = |name: &str, bytes: &[u8]| -> Result<PathBuf, BundleError> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| BundleError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    };
    std::fs::create_dir_all(dir).map_err(|source| BundleError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(vec![
        write("plan.json", plan_json::render(plan).as_bytes())?,
        write("plan.txt", plan_text::render(plan, lang).as_bytes())?,
        write("plan.md", plan_markdown::render(plan, lang).as_bytes())?,
        write("plan.html", plan_html::render(plan, lang).as_bytes())?,
        write("plan.xlsx", &plan_xlsx::render(plan, lang)?)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::sample_plan;

    #[test]
    fn writes_every_report_and_the_json_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("reports");
        let plan = sample_plan();
        let files = write_bundle(&plan, &out, Lang::Ja).unwrap();
        assert_eq!(files.len(), 5);
        for file in &files {
            assert!(
                std::fs::metadata(file).unwrap().len() > 100,
                "{}",
                file.display()
            );
        }
        let loaded = crate::plan::read_plan(&files[0]).unwrap();
        assert_eq!(loaded.plan, plan);
        assert_eq!(loaded.body_hash, plan.hash);
    }
}
