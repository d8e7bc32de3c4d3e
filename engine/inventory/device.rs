//! One inventory entry.

use crate::config::Dialect;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a device is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// A firewall (FortiGate, Palo Alto, ASA).
    Firewall,
    /// A router.
    Router,
    /// A switch.
    Switch,
    /// A load balancer (A10).
    Loadbalancer,
    /// A physical or virtual server OS (RHEL, Windows).
    Server,
    /// A virtual machine spec.
    Vm,
    /// A storage array.
    Storage,
    /// A hypervisor host (ESXi).
    Hypervisor,
    /// A logical service or anything else (NSX, vCenter, parameter sheets).
    #[default]
    Service,
}

impl DeviceKind {
    /// Every kind's name, as written in `inventory.yaml`.
    pub const NAMES: &'static [&'static str] = &[
        "firewall",
        "router",
        "switch",
        "loadbalancer",
        "server",
        "vm",
        "storage",
        "hypervisor",
        "service",
    ];

    /// Returns the kind called `name` (as written in `inventory.yaml`).
    pub fn from_name(name: &str) -> Option<DeviceKind> {
        Some(match name {
            "firewall" => DeviceKind::Firewall,
            "router" => DeviceKind::Router,
            "switch" => DeviceKind::Switch,
            "loadbalancer" => DeviceKind::Loadbalancer,
            "server" => DeviceKind::Server,
            "vm" => DeviceKind::Vm,
            "storage" => DeviceKind::Storage,
            "hypervisor" => DeviceKind::Hypervisor,
            "service" => DeviceKind::Service,
            _ => return None,
        })
    }

    /// Returns the kind's name as written in `inventory.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Firewall => "firewall",
            DeviceKind::Router => "router",
            DeviceKind::Switch => "switch",
            DeviceKind::Loadbalancer => "loadbalancer",
            DeviceKind::Server => "server",
            DeviceKind::Vm => "vm",
            DeviceKind::Storage => "storage",
            DeviceKind::Hypervisor => "hypervisor",
            DeviceKind::Service => "service",
        }
    }
}

/// The environment a device serves; it decides the change waves.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Env {
    /// Development: changed first.
    Dev,
    /// Verification: changed first.
    Verify,
    /// Standby / DR site: changed before production.
    Standby,
    /// Production: changed last.
    #[default]
    Prod,
}

impl Env {
    /// Every env's name, as written in `inventory.yaml`.
    pub const NAMES: &'static [&'static str] = &["dev", "verify", "standby", "prod"];

    /// Returns the env called `name` (as written in `inventory.yaml`).
    pub fn from_name(name: &str) -> Option<Env> {
        Some(match name {
            "dev" => Env::Dev,
            "verify" => Env::Verify,
            "standby" => Env::Standby,
            "prod" => Env::Prod,
            _ => return None,
        })
    }

    /// Returns the env's name as written in `inventory.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Env::Dev => "dev",
            Env::Verify => "verify",
            Env::Standby => "standby",
            Env::Prod => "prod",
        }
    }
}

/// One device (or VM, sheet, service) of the inventory, defaults applied.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Device {
    /// Unique name.
    pub name: String,
    /// What it is.
    pub kind: DeviceKind,
    /// Platform name; selects the configuration dialect.
    pub platform: String,
    /// Site (data centre), e.g. `west` or `east`.
    pub site: String,
    /// Environment; decides the change wave.
    pub env: Env,
    /// Free-form role (`core`, `edge`, `uplink`, `web`…).
    pub role: String,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Devices this one needs (its providers).
    pub depends_on: Vec<String>,
    /// The HA/DR twin, if any.
    pub pair: Option<String>,
    /// Path of the configuration file inside the snapshot.
    pub config: String,
    /// For parameter sheets: the key column (defaults to the first column).
    pub key: Option<String>,
    /// Free-form variables (site-specific values, drift substitutions…).
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Features of `templates/templates.yaml` this device takes besides the
    /// ones whose selectors match it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<String>,
    /// Line of the entry in `inventory.yaml`, for diagnostics (0 when unknown).
    #[serde(skip)]
    pub line: u32,
}

impl Device {
    /// Returns the dialect of the device's configuration, from its
    /// `platform`; `None` when the platform is empty (the diff then sniffs
    /// the dialect from the text) or unknown.
    pub fn dialect(&self) -> Option<Dialect> {
        if self.platform.is_empty() {
            None
        } else {
            Dialect::for_platform(&self.platform)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in DeviceKind::NAMES {
            assert_eq!(DeviceKind::from_name(name).unwrap().as_str(), *name);
        }
        for name in Env::NAMES {
            assert_eq!(Env::from_name(name).unwrap().as_str(), *name);
        }
        assert_eq!(DeviceKind::from_name("toaster"), None);
        assert_eq!(Env::from_name("Prod"), None);
    }

    #[test]
    fn dialect_follows_platform() {
        let mut device = Device::default();
        assert_eq!(device.dialect(), None);
        device.platform = "FortiOS".into();
        assert_eq!(device.dialect(), Some(Dialect::Fortios));
        device.platform = "nxos".into();
        assert_eq!(device.dialect(), Some(Dialect::Ios));
    }
}
