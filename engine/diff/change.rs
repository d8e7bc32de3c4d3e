//! What changed: the values every later stage (scripts, plan, reports) consumes.

use serde::Serialize;

/// The kind of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// A line or section exists only in TO.
    Add,
    /// A line or section exists only in FROM.
    Remove,
    /// The same setting has a new value (`ip address A` → `ip address B`).
    Modify,
    /// An entry of an ordered section (ACL, policy) changed position.
    Move,
}

impl Op {
    /// Returns the op as scripts and JSON spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Modify => "modify",
            Op::Move => "move",
        }
    }
}

/// Which family a change belongs to, so reports and filters can treat them apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeCategory {
    /// An ordinary configuration line or section.
    #[default]
    Config,
    /// A secret value (password, key, community) changed; values are masked.
    Secret,
    /// The device's inventory entry changed (site, env, depends_on…).
    Inventory,
}

/// One change on one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// add, remove, modify or move.
    pub op: Op,
    /// Section headers from the top down to the changed line, the line itself
    /// last (for a section add/remove, the section header is last).
    pub path: Vec<String>,
    /// The line in FROM (absent for `add`). Secrets are already masked
    /// unless the diff was asked to show them.
    pub before: Option<String>,
    /// The line in TO (absent for `remove`). Masked like `before`.
    pub after: Option<String>,
    /// Config, secret or inventory.
    pub category: ChangeCategory,
    /// Line in the FROM file (for remove/modify/move), 1-based.
    pub line_before: Option<u32>,
    /// Line in the TO file (for add/modify/move), 1-based.
    pub line_after: Option<u32>,
    /// For a section added or removed as a whole (the path ends with its
    /// header): the lines under the header, as nodes, secrets masked like
    /// `before`/`after`. Empty for a single line. Remediation pastes these
    /// under the header; reports print them indented. Serialised as
    /// indented lines (one space per level), omitted when empty.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_body"
    )]
    pub body: Vec<crate::config::Node>,
}

impl Change {
    /// Returns a change with no line numbers and no body.
    pub fn new(
        op: Op,
        path: Vec<String>,
        before: Option<String>,
        after: Option<String>,
        category: ChangeCategory,
    ) -> Self {
        Change {
            op,
            path,
            before,
            after,
            category,
            line_before: None,
            line_after: None,
            body: Vec::new(),
        }
    }

    /// Returns the lines of [`Change::body`], each indented one space per
    /// level below the section header.
    pub fn body_lines(&self) -> Vec<String> {
        indented_lines(&self.body, 1)
    }

    /// Returns the lines of [`Change::body`] as a reader of `dialect`
    /// expects them under the header (see
    /// [`Dialect::display_indent`](crate::config::Dialect::display_indent)):
    /// what diff reports show.
    pub fn display_body_lines(&self, dialect: crate::config::Dialect) -> Vec<String> {
        indented_lines(&self.body, dialect.display_indent())
    }
}

/// Flattens nodes into lines indented `width` spaces per level, starting
/// at one level.
fn indented_lines(nodes: &[crate::config::Node], width: usize) -> Vec<String> {
    fn walk(nodes: &[crate::config::Node], indent: usize, width: usize, out: &mut Vec<String>) {
        for node in nodes {
            out.push(format!("{:indent$}{}", "", node.text));
            walk(&node.children, indent + width, width, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, width, width, &mut out);
    out
}

fn serialize_body<S: serde::Serializer>(
    body: &[crate::config::Node],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(indented_lines(body, 1))
}

/// Whether a device exists on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceStatus {
    /// Present in FROM and TO.
    Modified,
    /// Present only in TO.
    Added,
    /// Present only in FROM.
    Removed,
}

/// Every change on one device between two snapshots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceDiff {
    /// Device name (inventory name, or the file stem for loose files).
    pub name: String,
    /// Platform from the inventory (or `--platform`), empty when unknown.
    pub platform: String,
    /// Dialect used to parse the configuration.
    pub dialect: crate::config::Dialect,
    /// Added, removed or modified.
    pub status: DeviceStatus,
    /// Config file path inside the TO snapshot (FROM for a removed device).
    pub config: String,
    /// The changes, in tree order.
    pub changes: Vec<Change>,
    /// A unified line diff, when asked for (`--lines`) or when the file has
    /// no dialect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<String>,
    /// Non-fatal problems met while reading or parsing (lossy UTF-8…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}
