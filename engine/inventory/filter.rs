//! Selecting devices by site, kind, role, tag, env and platform.

use super::{Device, DeviceKind, Env, Inventory};

/// Which devices to select; every criterion set must hold (they are
/// AND-ed), an empty filter selects every device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceFilter {
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
}

impl DeviceFilter {
    /// Returns true when `device` meets every criterion set.
    pub fn matches(&self, device: &Device) -> bool {
        self.site.as_ref().is_none_or(|s| *s == device.site)
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
    }
}
