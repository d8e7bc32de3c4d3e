//! How Ansible reaches each platform: `ansible_network_os`, the connection
//! plugin, and which module applies the plan's lines.
//!
//! One table, keyed by the plan's platform names (the inventory's
//! `platform`); a platform not listed is done by hand (pause prompts).

/// How a device's apply and rollback lines are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apply {
    /// `ansible.netcommon.cli_config` over `network_cli`.
    CliConfig,
    /// `junipernetworks.junos.junos_config` with a confirmed commit, then
    /// `confirm_commit` once the post-checks passed.
    JunosConfirmed,
    /// FortiOS: a CLI script uploaded and run through the REST API
    /// (`fortinet.fortios.fortios_monitor`, `upload.system.config-script`).
    FortiosScript,
    /// Shell commands on the control node (`ansible.builtin.shell`), for
    /// tools such as `govc` that talk to vCenter themselves.
    LocalCommand,
    /// Shell commands on the host over SSH, as root (`ansible.builtin.shell`
    /// with `become`).
    HostCommand,
    /// Commands typed into the device's own SSH shell (`ansible.builtin.raw`).
    RawShell,
    /// No safe automatic path: an `ansible.builtin.pause` shows the lines.
    Manual,
}

/// How Ansible reaches one platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// `ansible_network_os`, for network platforms.
    pub network_os: Option<&'static str>,
    /// `ansible_connection`.
    pub connection: &'static str,
    /// How lines are applied.
    pub apply: Apply,
}

const NETWORK_CLI: &str = "ansible.netcommon.network_cli";

/// Returns how Ansible reaches `platform`.
pub fn target(platform: &str) -> Target {
    let network = |os: &'static str, apply: Apply| Target {
        network_os: Some(os),
        connection: NETWORK_CLI,
        apply,
    };
    let plain = |connection: &'static str, apply: Apply| Target {
        network_os: None,
        connection,
        apply,
    };
    match platform {
        "ios" | "iosxe" => network("cisco.ios.ios", Apply::CliConfig),
        "nxos" => network("cisco.nxos.nxos", Apply::CliConfig),
        "eos" => network("arista.eos.eos", Apply::CliConfig),
        "asa" => network("cisco.asa.asa", Apply::CliConfig),
        "acos" => network("a10.acos_cli.acos", Apply::CliConfig),
        "junos" => network("junipernetworks.junos.junos", Apply::JunosConfirmed),
        "fortios" => Target {
            network_os: Some("fortinet.fortios.fortios"),
            connection: "ansible.netcommon.httpapi",
            apply: Apply::FortiosScript,
        },
        // govc talks to vCenter itself; steps held as data become
        // community.vmware tasks, which run on the control node too.
        "vmware" | "esxi" => plain("local", Apply::LocalCommand),
        // NSX Policy API calls become ansible.builtin.uri tasks on the
        // control node; anything else is done by hand.
        "nsx" => plain("local", Apply::Manual),
        "linux" | "sshd" | "sysctl" | "ifcfg" | "ini" => plain("ssh", Apply::HostCommand),
        "purestorage" => plain("ssh", Apply::RawShell),
        _ => plain("local", Apply::Manual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_platforms_get_their_collection() {
        assert_eq!(target("iosxe").network_os, Some("cisco.ios.ios"));
        assert_eq!(target("junos").apply, Apply::JunosConfirmed);
        assert_eq!(target("fortios").connection, "ansible.netcommon.httpapi");
        assert_eq!(target("panos").apply, Apply::Manual);
        assert_eq!(target("xlsx").connection, "local");
        assert_eq!(target("esxi").apply, Apply::LocalCommand);
    }
}
