//! Dialects and the platform names that select them.

use serde::Serialize;

/// A configuration syntax family; each has one parser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// Indentation-based CLI: Cisco IOS/IOS-XE/NX-OS/ASA, Arista EOS, A10 ACOS.
    Ios,
    /// FortiGate `config` / `edit` / `set` / `next` / `end`.
    Fortios,
    /// Junos braces or `set` lines, also PAN-OS set output.
    Junos,
    /// PAN-OS XML configuration.
    PanosXml,
    /// YAML documents (VM specs, NSX, Ansible vars, array settings).
    Yaml,
    /// JSON documents (vCenter exports and similar).
    Json,
    /// `key = value` / `key value` files with optional `[sections]`.
    Ini,
    /// Comma-separated parameter sheets, one row per object.
    Csv,
    /// Excel parameter sheets, one table per worksheet.
    Xlsx,
    /// No structure known: one node per line.
    #[default]
    Lines,
}

impl Dialect {
    /// Every dialect, in a fixed order.
    pub const ALL: [Dialect; 10] = [
        Dialect::Ios,
        Dialect::Fortios,
        Dialect::Junos,
        Dialect::PanosXml,
        Dialect::Yaml,
        Dialect::Json,
        Dialect::Ini,
        Dialect::Csv,
        Dialect::Xlsx,
        Dialect::Lines,
    ];

    /// Returns the dialect's name as written in DESIGN.md.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Ios => "ios",
            Dialect::Fortios => "fortios",
            Dialect::Junos => "junos",
            Dialect::PanosXml => "panos-xml",
            Dialect::Yaml => "yaml",
            Dialect::Json => "json",
            Dialect::Ini => "ini",
            Dialect::Csv => "csv",
            Dialect::Xlsx => "xlsx",
            Dialect::Lines => "lines",
        }
    }

    /// Returns how many spaces a reader expects per nesting level when a
    /// section's lines are shown under it: two for YAML and JSON trees, so
    /// a list item's entries line up under its first key (`- name: d1` /
    /// `  lun: 10`), one elsewhere.
    pub fn display_indent(self) -> usize {
        match self {
            Dialect::Yaml | Dialect::Json => 2,
            _ => 1,
        }
    }

    /// Returns the dialect that parses configurations of `platform`
    /// (an inventory `platform` or a `--platform` value), or `None` when the
    /// platform is unknown.
    pub fn for_platform(platform: &str) -> Option<Dialect> {
        let dialect = match platform.to_ascii_lowercase().as_str() {
            "ios" | "iosxe" | "ios-xe" | "nxos" | "nx-os" | "asa" | "eos" | "acos" => Dialect::Ios,
            "fortios" | "fortigate" => Dialect::Fortios,
            "junos" | "panos-set" => Dialect::Junos,
            "panos" | "panos-xml" => Dialect::PanosXml,
            "yaml" | "vmware" | "nsx" | "purestorage" | "esxi" | "vm" => Dialect::Yaml,
            "json" => Dialect::Json,
            "ini" | "kv" | "sshd" | "sysctl" | "ifcfg" | "linux" | "rhel" | "chrony" => {
                Dialect::Ini
            }
            "csv" => Dialect::Csv,
            "xlsx" => Dialect::Xlsx,
            "lines" | "text" => Dialect::Lines,
            _ => return None,
        };
        Some(dialect)
    }

    /// Every platform name that [`Dialect::for_platform`] accepts.
    pub const PLATFORMS: &'static [&'static str] = &[
        "ios",
        "iosxe",
        "nxos",
        "asa",
        "eos",
        "acos",
        "fortios",
        "junos",
        "panos-set",
        "panos",
        "yaml",
        "json",
        "vmware",
        "nsx",
        "purestorage",
        "esxi",
        "ini",
        "kv",
        "sshd",
        "sysctl",
        "ifcfg",
        "linux",
        "rhel",
        "chrony",
        "csv",
        "xlsx",
        "lines",
    ];
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
