//! `proved: true` in a rule test: the steps the rules emitted, replayed on
//! the test's before/after trees (`diff::prove_steps`).

use super::{side_text, Differ, LoadedFile, TestCase};
use crate::config::ParseOptions;
use crate::diff::DeviceDiff;
use crate::inventory::Device;

/// Proves the steps of the device under test on its before/after trees
/// (`proved: true`): the problems, empty when the proof holds.
pub(super) fn prove_case(
    file: &LoadedFile,
    device: &Device,
    test: &TestCase,
    diff: &DeviceDiff,
    steps: &[crate::script::DeviceStep],
    differ: Differ<'_>,
) -> Result<Vec<String>, String> {
    let sides = test.sides();
    let before = side_text(file, &sides.before, &sides.before_file)?;
    let after = side_text(file, &sides.after, &sides.after_file)?;
    if before.is_none() || after.is_none() {
        return Err("`proved: true` needs `before` and `after`".into());
    }
    let parse = |text: Option<String>| {
        crate::config::parse(
            text.unwrap_or_default().as_bytes(),
            diff.dialect,
            &ParseOptions::default(),
        )
    };
    let (from, to) = (parse(before), parse(after));
    let of = |phase: crate::script::Phase| -> Vec<usize> {
        steps
            .iter()
            .filter(|s| s.device.as_ref() == Some(&device.name) && s.step.phase == phase)
            .flat_map(|s| s.step.changes.iter().copied())
            .collect()
    };
    let errors = crate::diff::prove_steps(
        &from,
        &to,
        &diff.changes,
        &of(crate::script::Phase::Apply),
        &of(crate::script::Phase::Rollback),
        differ,
    );
    Ok(errors
        .into_iter()
        .map(|e| format!("steps not proved: {e}"))
        .collect())
}
