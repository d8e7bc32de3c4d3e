//! Changes to a device's inventory entry (it moved site, gained a
//! dependency, got a new pair), as `inventory` category changes.

use super::{Change, ChangeCategory, DiffOptions, Op};
use crate::config::Dialect;
use crate::config::Secrets;
use crate::inventory::Device;
use std::collections::BTreeSet;

/// Returns the changes between two inventory entries of the same device,
/// each with the path `inventory / <field>` (`inventory / vars / <key>` for
/// variables; list fields add or remove one item per change).
pub fn inventory_changes(from: &Device, to: &Device, opts: &DiffOptions) -> Vec<Change> {
    let mut out = Vec::new();
    let mut scalar = |field: &str, before: &str, after: &str| {
        if before != after {
            out.push(entry_change(field, before, after));
        }
    };
    scalar("kind", from.kind.as_str(), to.kind.as_str());
    scalar("platform", &from.platform, &to.platform);
    scalar("site", &from.site, &to.site);
    scalar("env", from.env.as_str(), to.env.as_str());
    scalar("role", &from.role, &to.role);
    scalar(
        "pair",
        from.pair.as_deref().unwrap_or(""),
        to.pair.as_deref().unwrap_or(""),
    );
    scalar("config", &from.config, &to.config);
    scalar(
        "key",
        from.key.as_deref().unwrap_or(""),
        to.key.as_deref().unwrap_or(""),
    );
    list_changes(&mut out, "tags", &from.tags, &to.tags);
    list_changes(&mut out, "depends_on", &from.depends_on, &to.depends_on);

    let secrets = Secrets::new(Dialect::Yaml, opts.fingerprint_key.as_deref());
    let keys: BTreeSet<&String> = from.vars.keys().chain(to.vars.keys()).collect();
    for key in keys {
        let before = from.vars.get(key).map(render);
        let after = to.vars.get(key).map(render);
        if before == after {
            continue;
        }
        let is_secret = [&before, &after]
            .into_iter()
            .flatten()
            .any(|v| secrets.contains(&[], &format!("{key}: {v}")));
        let show = |v: Option<String>| {
            v.map(|v| {
                if is_secret && !opts.show_secrets {
                    secrets.mask(&[], &format!("{key}: {v}"))
                } else {
                    format!("{key}: {v}")
                }
            })
        };
        let op = match (&before, &after) {
            (None, _) => Op::Add,
            (_, None) => Op::Remove,
            _ => Op::Modify,
        };
        let (before, after) = (show(before), show(after));
        let mut path = vec!["inventory".to_string(), "vars".to_string()];
        path.push(after.clone().or_else(|| before.clone()).unwrap_or_default());
        let category = if is_secret {
            ChangeCategory::Secret
        } else {
            ChangeCategory::Inventory
        };
        out.push(Change::new(op, path, before, after, category));
    }
    out
}

fn render(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn entry_change(field: &str, before: &str, after: &str) -> Change {
    let op = match (before.is_empty(), after.is_empty()) {
        (true, false) => Op::Add,
        (false, true) => Op::Remove,
        _ => Op::Modify,
    };
    let line = |value: &str| (!value.is_empty()).then(|| format!("{field}: {value}"));
    let (before, after) = (line(before), line(after));
    let last = after.clone().or_else(|| before.clone()).unwrap_or_default();
    Change::new(
        op,
        vec!["inventory".to_string(), last],
        before,
        after,
        ChangeCategory::Inventory,
    )
}

fn list_changes(out: &mut Vec<Change>, field: &str, from: &[String], to: &[String]) {
    for item in from.iter().filter(|i| !to.contains(i)) {
        out.push(entry_change(field, item, ""));
    }
    for item in to.iter().filter(|i| !from.contains(i)) {
        out.push(entry_change(field, "", item));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_site_and_new_dependency_are_inventory_changes() {
        let from = Device {
            name: "fw1".into(),
            site: "west".into(),
            depends_on: vec!["core1".into()],
            ..Device::default()
        };
        let mut to = from.clone();
        to.site = "east".into();
        to.depends_on.push("core2".into());
        to.vars
            .insert("snmp_password".into(), "s3cr3t-value".into());
        let changes = inventory_changes(&from, &to, &DiffOptions::default());
        let shown: Vec<String> = changes
            .iter()
            .map(|c| format!("{} {} {:?}", c.op.as_str(), c.path.join("/"), c.after))
            .collect();
        assert_eq!(shown[0], "modify inventory/site: east Some(\"site: east\")");
        assert_eq!(
            shown[1],
            "add inventory/depends_on: core2 Some(\"depends_on: core2\")"
        );
        assert_eq!(changes[2].category, ChangeCategory::Secret);
        assert!(!format!("{changes:?}").contains("s3cr3t-value"));
        assert!(inventory_changes(&from, &from, &DiffOptions::default()).is_empty());
    }
}
