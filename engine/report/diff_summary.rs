//! Counts shared by every diff report: per device and for the whole diff.

use crate::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op, SnapshotDiff};
use serde::Serialize;

/// How many changes of each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Every change.
    pub changes: usize,
    /// `add`s.
    pub add: usize,
    /// `remove`s.
    pub remove: usize,
    /// `modify`s.
    pub modify: usize,
    /// `move`s.
    #[serde(rename = "move")]
    pub moved: usize,
    /// Changes of secret values (masked).
    pub secret: usize,
    /// Changes to inventory entries.
    pub inventory: usize,
}

impl Counts {
    /// Counts `changes`.
    pub fn of<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Counts {
        let mut counts = Counts::default();
        for change in changes {
            counts.changes += 1;
            match change.op {
                Op::Add => counts.add += 1,
                Op::Remove => counts.remove += 1,
                Op::Modify => counts.modify += 1,
                Op::Move => counts.moved += 1,
            }
            match change.category {
                ChangeCategory::Secret => counts.secret += 1,
                ChangeCategory::Inventory => counts.inventory += 1,
                ChangeCategory::Config => {}
            }
        }
        counts
    }
}

/// Totals of a whole snapshot diff.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Devices with at least one change (added and removed included).
    pub devices_changed: usize,
    /// Devices only in TO.
    pub devices_added: usize,
    /// Devices only in FROM.
    pub devices_removed: usize,
    /// Change counts over every device.
    #[serde(flatten)]
    pub counts: Counts,
}

impl Summary {
    /// Totals `diff`.
    pub fn of(diff: &SnapshotDiff) -> Summary {
        let status = |s: DeviceStatus| diff.devices.iter().filter(|d| d.status == s).count();
        Summary {
            devices_changed: diff.devices.len(),
            devices_added: status(DeviceStatus::Added),
            devices_removed: status(DeviceStatus::Removed),
            counts: Counts::of(diff.devices.iter().flat_map(|d| &d.changes)),
        }
    }

    /// Returns the one-line summary: devices changed (added, removed),
    /// changes (secret, inventory).
    pub fn line(&self) -> String {
        if self.devices_changed == 0 {
            return "no changes".to_string();
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!("{} changed", plural(self.devices_changed, "device"));
        if self.devices_added + self.devices_removed > 0 {
            line.push_str(&format!(
                " ({} added, {} removed)",
                self.devices_added, self.devices_removed
            ));
        }
        line.push_str(&format!(", {}", plural(self.counts.changes, "change")));
        let mut extra = Vec::new();
        if self.counts.secret > 0 {
            extra.push(format!("{} secret", self.counts.secret));
        }
        if self.counts.inventory > 0 {
            extra.push(format!("{} inventory", self.counts.inventory));
        }
        if !extra.is_empty() {
            line.push_str(&format!(" ({})", extra.join(", ")));
        }
        line
    }
}

/// Returns the label of a device's status.
pub fn status_label(device: &DeviceDiff) -> &'static str {
    match device.status {
        DeviceStatus::Modified => "modified",
        DeviceStatus::Added => "added",
        DeviceStatus::Removed => "removed",
    }
}

/// Returns the sign a change is drawn with: `+`, `-`, `~` or `>`.
pub fn sign(op: Op) -> char {
    match op {
        Op::Add => '+',
        Op::Remove => '-',
        Op::Modify => '~',
        Op::Move => '>',
    }
}

/// Returns the line a change is about: the TO line, or the FROM line for a
/// removal (falling back to the last path element).
pub fn line_of(change: &Change) -> &str {
    let line = match change.op {
        Op::Remove => change.before.as_deref(),
        _ => change.after.as_deref(),
    };
    line.or(change.path.last().map(String::as_str))
        .unwrap_or_default()
}
