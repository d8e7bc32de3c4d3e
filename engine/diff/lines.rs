//! Classic unified line diffs (`--lines`, and files with no dialect).

use super::DiffOptions;
use crate::config::Dialect;
use crate::config::Secrets;
use similar::{Algorithm, TextDiff};
use std::borrow::Cow;
use std::time::Instant;

/// Returns the unified diff of two texts (patience, three lines of
/// context), secrets masked line by line (as `dialect` defines them) unless
/// asked to show them. Empty when the texts are equal.
pub fn unified_diff(
    dialect: Dialect,
    from_name: &str,
    to_name: &str,
    from: &str,
    to: &str,
    opts: &DiffOptions,
) -> String {
    if from == to {
        return String::new();
    }
    let secrets = Secrets::new(dialect, opts.fingerprint_key.as_deref());
    let from = masked(from, &secrets, opts);
    let to = masked(to, &secrets, opts);
    let deadline = Instant::now().checked_add(opts.deadline);
    let mut config = TextDiff::configure();
    config.algorithm(Algorithm::Patience);
    if let Some(deadline) = deadline {
        config.deadline(deadline);
    }
    let diff = config.diff_lines(from.as_ref(), to.as_ref());
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{from_name}"), &format!("b/{to_name}"))
        .to_string()
}

/// Masks secrets line by line. The section headers above a line are
/// followed by indentation (IOS, FortiOS and Junos exports all indent their
/// nesting), so rules that need a line's section still apply.
fn masked<'t>(text: &'t str, secrets: &Secrets<'_>, opts: &DiffOptions) -> Cow<'t, str> {
    if opts.show_secrets {
        return Cow::Borrowed(text);
    }
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut in_key = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        // A private key's body lines hold no keyword of their own.
        if crate::config::inside_private_key(line, &mut in_key) {
            out.push_str(&line[..indent]);
            out.push_str(&secrets.mask_whole(trimmed));
            out.push('\n');
            changed = true;
            continue;
        }
        while stack.last().is_some_and(|&(depth, _)| depth >= indent) {
            stack.pop();
        }
        let context: Vec<&str> = stack.iter().map(|&(_, header)| header).collect();
        let shown = secrets.mask(&context, trimmed);
        if shown != trimmed {
            out.push_str(&line[..indent]);
            out.push_str(&shown);
            changed = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
        if !trimmed.is_empty() {
            stack.push((indent, trimmed));
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_has_headers_hunks_and_masks_secrets() {
        let a = "hostname r1\nsnmp-server community Pub1icRO RO\nntp server 1.1.1.1\n";
        let b = "hostname r1\nsnmp-server community N3wC0mm RO\nntp server 2.2.2.2\n";
        let text = unified_diff(
            Dialect::Ios,
            "r1.cfg",
            "r1.cfg",
            a,
            b,
            &DiffOptions::default(),
        );
        assert!(text.starts_with("--- a/r1.cfg\n+++ b/r1.cfg\n@@"), "{text}");
        assert!(text.contains("\n-ntp server 1.1.1.1\n"), "{text}");
        assert!(text.contains("\n+ntp server 2.2.2.2\n"), "{text}");
        assert!(
            !text.contains("Pub1icRO") && !text.contains("N3wC0mm"),
            "{text}"
        );
        assert!(unified_diff(Dialect::Ios, "a", "b", a, a, &DiffOptions::default()).is_empty());
    }
}
