//! Text → [`ConfigTree`]: one module per dialect, noise filtering and secret
//! masking.
//!
//! Every dialect parses into the same ordered tree so that the diff, the
//! scripts and the plan never need to know where a configuration came from.
//! Parsers never fail: they always return a tree and record what they
//! worked around (lossy UTF-8, an unterminated banner, malformed XML…) in
//! [`ConfigTree::warnings`]. They are linear-time and never recurse deeper
//! than [`MAX_DEPTH`], whatever the input.
//!
//! Each dialect module documents its conventions (node texts, dropped
//! lines, ordered sections): [`ios`], [`fortios`], [`junos`], [`panos_xml`],
//! [`structured`] (yaml, json), [`ini`], [`csv`], [`sheet`] (xlsx), [`lines`]. [`serialize()`]
//! writes a tree back so that parsing the output gives the same tree.

mod banner;
mod builder;
pub mod csv;
mod dialect;
mod error;
pub mod fortios;
mod fortios_fold;
mod fortios_indent;
pub mod ini;
mod input;
pub mod ios;
pub mod junos;
mod junos_arena;
mod junos_lex;
pub mod lines;
pub mod noise;
pub mod panos_xml;
pub mod secrets;
pub mod serialize;
pub mod sheet;
pub mod sniff;
pub mod structured;
mod structured_lines;
mod tree;
mod violation;
pub mod yaml_depth;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod roundtrip_tests;

pub use dialect::Dialect;
pub use error::{ConfigError, InvalidPattern, UnreadableConfig};
pub use noise::parse_ignore_file;
pub use secrets::at_rest;
pub use secrets::{
    find_secret, find_secrets, find_secrets_in_context, fingerprint, inside_private_key, mask,
    mask_commands, mask_quoted, mask_text, mask_tree, SecretSpan, Secrets,
};
pub use serialize::serialize;
pub use sniff::sniff;
pub use tree::{ConfigTree, LineSpan, Node};
pub use violation::{SourceFile, TableCell, Violation};

/// The deepest nesting a tree can have. Deeper input attaches at this depth
/// with a warning, so no parser, serializer or tree walk can overflow the
/// stack.
pub const MAX_DEPTH: usize = 128;

/// Options that change how text becomes a tree.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Extra noise patterns (regular expressions) whose matching lines are
    /// dropped, on top of the built-in ones. A pattern is matched against
    /// each node's text; a matching section is dropped with its subtree.
    pub ignore: Vec<String>,
    /// Key column for parameter sheets (default: the first column).
    pub key_column: Option<String>,
}

impl ParseOptions {
    /// Checks that every ignore pattern compiles; `origin` names where the
    /// patterns came from (the ignore file) for the error. Call it once
    /// before parsing many files: [`parse`] itself skips an invalid set
    /// with a warning instead of failing.
    ///
    /// # Errors
    /// [`ConfigError::InvalidIgnorePattern`] for the first bad pattern.
    pub fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        noise::validate_patterns(origin, &self.ignore)
    }
}

/// Parses `bytes` in `dialect` into a [`ConfigTree`]. Invalid UTF-8 is
/// decoded lossily and recorded as a warning on the tree; the parse itself
/// never fails (a structure that cannot be read is a warning here; see
/// [`parse_checked`]).
pub fn parse(bytes: &[u8], dialect: Dialect, options: &ParseOptions) -> ConfigTree {
    parse_reading(bytes, dialect, options).0
}

/// Parses like [`parse`], also telling whether the structure was read
/// unambiguously (when it was not, [`parse_checked`] refuses the file).
pub fn parse_readable(
    bytes: &[u8],
    dialect: Dialect,
    options: &ParseOptions,
) -> (ConfigTree, bool) {
    let (tree, unreadable) = parse_reading(bytes, dialect, options);
    (tree, unreadable.is_none())
}

/// Parses like [`parse`], but refuses a file whose structure cannot be read
/// unambiguously (FortiOS whose `next`/`end` markers and indentation
/// disagree, or that has neither), so nothing is planned from a guess.
/// `origin` names the file for the error.
///
/// # Errors
/// [`ConfigError::Unreadable`] with the file and line.
pub fn parse_checked(
    bytes: &[u8],
    dialect: Dialect,
    options: &ParseOptions,
    origin: &str,
) -> Result<ConfigTree, ConfigError> {
    match parse_reading(bytes, dialect, options) {
        (tree, None) => Ok(tree),
        (_, Some(e)) => Err(ConfigError::unreadable(
            origin,
            &String::from_utf8_lossy(bytes),
            e,
        )),
    }
}

fn parse_reading(
    bytes: &[u8],
    dialect: Dialect,
    options: &ParseOptions,
) -> (ConfigTree, Option<fortios::Unreadable>) {
    if dialect == Dialect::Xlsx {
        // A workbook is a zip archive, not text: hand the bytes over as-is.
        let mut tree = sheet::parse_xlsx(bytes, options.key_column.as_deref());
        noise::prune(&mut tree.roots, &options.ignore, &mut tree.warnings);
        return (tree, None);
    }
    let mut warnings = Vec::new();
    let text = input::decode(bytes, &mut warnings);
    let mut unreadable = None;
    let (mut roots, more, ordered) = match dialect {
        Dialect::Ios => with_order(ios::parse(&text), false),
        Dialect::Fortios => {
            let reading = fortios::read(&text);
            unreadable = reading.structure.as_ref().err().cloned();
            with_order(fortios::with_refusal(reading), false)
        }
        Dialect::Junos => with_order(junos::parse(&text), false),
        Dialect::PanosXml => with_order(panos_xml::parse(&text), false),
        Dialect::Yaml => structured::parse_yaml(&text),
        Dialect::Json => structured::parse_json(&text),
        Dialect::Ini => with_order(ini::parse(&text), false),
        Dialect::Csv => with_order(csv::parse(&text, options.key_column.as_deref()), false),
        Dialect::Xlsx => unreachable_xlsx(),
        Dialect::Lines => (lines::parse(&text), Vec::new(), true),
    };
    warnings.extend(more);
    noise::prune(&mut roots, &options.ignore, &mut warnings);
    let tree = ConfigTree {
        dialect,
        roots,
        ordered,
        warnings,
    };
    (tree, unreadable)
}

/// Xlsx returns early in [`parse`]; this arm only keeps the match exhaustive.
fn unreachable_xlsx() -> structured::Parsed {
    (Vec::new(), Vec::new(), false)
}

fn with_order((roots, warnings): (Vec<Node>, Vec<String>), ordered: bool) -> structured::Parsed {
    (roots, warnings, ordered)
}

/// Returns the ordered group a top-level node belongs to, for dialects
/// whose ordered lists are flat top-level lines rather than sections: in
/// ios, `access-list NAME …` lines (numbered IOS and ASA access lists)
/// belong to the group `access-list NAME`, and the relative order of the
/// roots of one group is meaningful. `None` for every other node.
pub fn ordered_group(dialect: Dialect, text: &str) -> Option<&str> {
    match dialect {
        Dialect::Ios => ios::ordered_group(text),
        _ => None,
    }
}
