//! Selecting devices by name glob, site, kind, role, tag, env, platform and
//! shard: the one filter behind `diff --device/--site/--kind/--shard`,
//! `inventory.find` in scripts, and [`Inventory::find`].

use super::{Device, DeviceKind, Env, Glob, Inventory};

/// Which devices to select; every criterion set must hold (they are
/// AND-ed), an empty filter selects every device.
#[derive(Clone, Debug, Default)]
pub struct DeviceFilter {
    /// Only devices whose name matches this glob.
    pub name: Option<Glob>,
    /// Only devices at this site.
    pub site: Option<String>,
    /// Only devices of this kind.
    pub kind: Option<DeviceKind>,
    /// Only devices with this role.
    pub role: Option<String>,
    /// Only devices carrying this tag.
    pub tag: Option<String>,
    /// Only devices in this environment.
    pub env: Option<Env>,
    /// Only devices of this platform (compared case-insensitively).
    pub platform: Option<String>,
    /// Only the devices of shard `index` of `count` (1-based; see
    /// [`shard_of`]), so a CI matrix splits one inventory deterministically.
    pub shard: Option<(u32, u32)>,
}

/// Returns the 1-based shard of `count` that the device `name` belongs to:
/// a stable hash of the name, the same on every machine and run.
pub fn shard_of(name: &str, count: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(head) % u64::from(count.max(1))) as u32 + 1
}

impl DeviceFilter {
    /// Returns true when no criterion is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.site.is_none()
            && self.kind.is_none()
            && self.role.is_none()
            && self.tag.is_none()
            && self.env.is_none()
            && self.platform.is_none()
            && self.shard.is_none()
    }

    /// Returns true when `device` meets every criterion set.
    pub fn matches(&self, device: &Device) -> bool {
        self.shard
            .is_none_or(|(index, count)| shard_of(&device.name, count) == index)
            && self.name.as_ref().is_none_or(|g| g.matches(&device.name))
            && self.site.as_ref().is_none_or(|s| *s == device.site)
            && self.kind.is_none_or(|k| k == device.kind)
            && self.role.as_ref().is_none_or(|r| *r == device.role)
            && self.tag.as_ref().is_none_or(|t| device.tags.contains(t))
            && self.env.is_none_or(|e| e == device.env)
            && self
                .platform
                .as_ref()
                .is_none_or(|p| p.eq_ignore_ascii_case(&device.platform))
    }
}

impl Inventory {
    /// Returns the devices that match `filter`, in name order.
    pub fn find(&self, filter: &DeviceFilter) -> Vec<&Device> {
        self.devices()
            .iter()
            .filter(|d| filter.matches(d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(name: &str, site: &str, kind: DeviceKind, tags: &[&str]) -> Device {
        Device {
            name: name.into(),
            site: site.into(),
            kind,
            platform: "fortios".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Device::default()
        }
    }

    #[test]
    fn criteria_are_anded() {
        let inventory = Inventory::new(vec![
            device("fw-w1", "west", DeviceKind::Firewall, &["edge"]),
            device("fw-e1", "east", DeviceKind::Firewall, &[]),
            device("sw-w1", "west", DeviceKind::Switch, &["edge"]),
        ]);
        let names = |f: &DeviceFilter| -> Vec<String> {
            inventory.find(f).iter().map(|d| d.name.clone()).collect()
        };
        assert_eq!(names(&DeviceFilter::default()).len(), 3);
        let west = DeviceFilter {
            site: Some("west".into()),
            ..DeviceFilter::default()
        };
        assert_eq!(names(&west), ["fw-w1", "sw-w1"]);
        let west_fw = DeviceFilter {
            kind: Some(DeviceKind::Firewall),
            ..west.clone()
        };
        assert_eq!(names(&west_fw), ["fw-w1"]);
        let tagged = DeviceFilter {
            tag: Some("edge".into()),
            platform: Some("FortiOS".into()),
            env: Some(Env::Prod),
            ..DeviceFilter::default()
        };
        assert_eq!(names(&tagged), ["fw-w1", "sw-w1"]);
        let none = DeviceFilter {
            role: Some("core".into()),
            ..DeviceFilter::default()
        };
        assert!(names(&none).is_empty());
        let glob = DeviceFilter {
            name: Some(Glob::new("FW-*").unwrap()),
            ..DeviceFilter::default()
        };
        assert_eq!(names(&glob), ["fw-e1", "fw-w1"]);
        assert!(DeviceFilter::default().is_empty() && !glob.is_empty());
    }

    #[test]
    fn shards_split_the_inventory_without_overlap() {
        let inventory = Inventory::new(
            (0..40)
                .map(|i| device(&format!("d{i}"), "west", DeviceKind::Switch, &[]))
                .collect(),
        );
        let mut seen = 0;
        for index in 1..=3 {
            let filter = DeviceFilter {
                shard: Some((index, 3)),
                ..DeviceFilter::default()
            };
            seen += inventory.find(&filter).len();
        }
        assert_eq!(seen, 40);
        assert_eq!(shard_of("fw1", 1), 1);
    }
}
