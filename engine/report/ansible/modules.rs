//! Steps as data (a plan device's `actions`) as the Ansible modules that do
//! the same thing: community.vmware for ESXi hosts and VMs,
//! ansible.builtin.uri for REST calls (the NSX Policy API),
//! purestorage.flasharray for FlashArray, ansible.builtin.lineinfile for
//! keyed file edits on RHEL hosts.
//!
//! A module's parameters come from the step's data (`args`, `method`,
//! `path`, `body`); the command's leading words only say which operation
//! it is. A step that no module covers with the data at hand gives `None`,
//! and the caller runs the reviewed command line as it is. Why each module
//! was chosen, and which are not in the `ansible` pip package:
//! `docs/ansible.md`.

use super::text::{literal, templated, SecretUses};
use crate::plan::{Step, StepKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A step as a module call.
#[derive(Debug)]
pub struct Mapped {
    /// The task, without its `name`.
    pub task: Value,
    /// Variables the task reads that the inventory must define (vCenter,
    /// API and array credentials), checked at the start of the play.
    pub needs: &'static [&'static str],
}

/// vCenter connection variables every community.vmware task reads.
const VCENTER: &[&str] = &[
    "henko_vcenter_hostname",
    "henko_vcenter_username",
    "henko_vcenter_password",
];
/// The datacenter VM modules look the VM up in, besides [`VCENTER`].
const VCENTER_VM: &[&str] = &[
    "henko_vcenter_hostname",
    "henko_vcenter_username",
    "henko_vcenter_password",
    "henko_vcenter_datacenter",
];
/// REST API credentials (`ansible.builtin.uri` with basic auth).
const API: &[&str] = &["henko_api_username", "henko_api_password"];
/// The FlashArray API token.
const FLASHARRAY: &[&str] = &["henko_fa_api_token"];

/// What a step's values become inside the project: secrets as vault
/// references, Jinja markers kept literal.
struct Values<'a> {
    device: &'a str,
    uses: &'a mut SecretUses,
}

impl Values<'_> {
    fn text(&mut self, value: &str) -> Value {
        Value::String(templated(value, self.device, self.uses))
    }

    /// A whole number as a number, anything else as text.
    fn number(&mut self, value: &str) -> Value {
        match value.parse::<u64>() {
            Ok(n) => json!(n),
            Err(_) => self.text(value),
        }
    }

    /// A JSON body with every string templated.
    fn body(&mut self, value: &Value) -> Value {
        match value {
            Value::String(s) => self.text(s),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.body(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (literal(k), self.body(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Returns the module call that carries out `step` on a device of
/// `platform` named `device`, or `None` when no module covers it.
pub fn module_task(
    platform: &str,
    device: &str,
    step: &Step,
    uses: &mut SecretUses,
) -> Option<Mapped> {
    let mut values = Values { device, uses };
    match step.kind {
        StepKind::Api => Some(api(step, &mut values)),
        StepKind::File => file(step, &mut values),
        StepKind::Command => {
            let words: Vec<&str> = step.command.as_deref()?.split_whitespace().collect();
            let args = &step.args;
            match platform {
                "esxi" => esxi(&words, args, &mut values),
                "vmware" => vm(&words, args, &mut values),
                "purestorage" => flasharray(&words, args, &mut values),
                _ => None,
            }
        }
        StepKind::Manual => None,
    }
}

/// `module: params` with the vCenter connection parameters added.
fn vcenter(module: &str, mut params: Map<String, Value>) -> Value {
    params.insert("hostname".into(), json!("{{ henko_vcenter_hostname }}"));
    params.insert("username".into(), json!("{{ henko_vcenter_username }}"));
    params.insert("password".into(), json!("{{ henko_vcenter_password }}"));
    params.insert(
        "validate_certs".into(),
        json!("{{ henko_vcenter_validate_certs | default(true) }}"),
    );
    json!({ module: params })
}

fn params(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// ESXi host settings through vCenter (community.vmware).
fn esxi(words: &[&str], args: &BTreeMap<String, String>, v: &mut Values<'_>) -> Option<Mapped> {
    let host = v.text(args.get("host")?);
    let on_host = |mut p: Map<String, Value>| {
        p.insert("esxi_hostname".into(), host.clone());
        p
    };
    let task = match words {
        ["govc", "host.portgroup.add" | "host.portgroup.remove", ..] => {
            let present = words[1] == "host.portgroup.add";
            let mut p = vec![
                ("switch", v.text(args.get("vswitch")?)),
                ("portgroup", v.text(args.get("portgroup")?)),
                ("state", json!(if present { "present" } else { "absent" })),
            ];
            if present {
                p.push(("vlan_id", v.number(args.get("vlan")?)));
            }
            // vmware_portgroup takes a list of hosts.
            p.push(("hosts", json!([host.clone()])));
            vcenter("community.vmware.vmware_portgroup", params(p))
        }
        ["govc", "host.service", "-host", _, action, service] => {
            if args.get("service").map(String::as_str) != Some(*service) {
                return None;
            }
            let (key, value, state) = match *action {
                "start" | "stop" => ("state", *action, None),
                "enable" => ("service_policy", "on", Some("unchanged")),
                "disable" => ("service_policy", "off", Some("unchanged")),
                _ => return None,
            };
            let mut p = vec![("service_name", v.text(service)), (key, json!(value))];
            if let Some(state) = state {
                p.push(("state", json!(state)));
            }
            vcenter(
                "community.vmware.vmware_host_service_manager",
                on_host(params(p)),
            )
        }
        ["Add-VMHostNtpServer" | "Remove-VMHostNtpServer", ..] => {
            let present = words[0] == "Add-VMHostNtpServer";
            let p = vec![
                ("ntp_servers", json!([v.text(args.get("server")?)])),
                ("state", json!(if present { "present" } else { "absent" })),
            ];
            vcenter("community.vmware.vmware_host_ntp", on_host(params(p)))
        }
        // The NTP daemon restart after a server list change.
        ["Get-VMHostService", ..]
            if words.contains(&"'ntpd'}") && words.contains(&"Restart-VMHostService") =>
        {
            let p = vec![("service_name", json!("ntpd")), ("state", json!("restart"))];
            vcenter(
                "community.vmware.vmware_host_service_manager",
                on_host(params(p)),
            )
        }
        ["govc", "host.esxcli", "-host", _, "system", "syslog", "config", "set", ..] => {
            let mut options = Map::new();
            options.insert("Syslog.global.logHost".into(), v.text(args.get("loghost")?));
            let p = vec![("options", Value::Object(options))];
            vcenter(
                "community.vmware.vmware_host_config_manager",
                on_host(params(p)),
            )
        }
        _ => return None,
    };
    Some(Mapped {
        task,
        needs: VCENTER,
    })
}

/// vSphere VMs (community.vmware).
fn vm(words: &[&str], args: &BTreeMap<String, String>, v: &mut Values<'_>) -> Option<Mapped> {
    let name = v.text(args.get("vm")?);
    let datacenter = json!("{{ henko_vcenter_datacenter }}");
    let task = match words {
        ["govc", "vm.change", rest @ ..] => {
            // Only a CPU/memory resize; other flags (annotation) run as the
            // reviewed command.
            let flags: Vec<&&str> = rest.iter().filter(|w| w.starts_with('-')).collect();
            if flags.iter().any(|f| !["-vm", "-c", "-m"].contains(*f)) {
                return None;
            }
            let mut hardware = Map::new();
            if let Some(cpus) = args.get("cpus") {
                hardware.insert("num_cpus".into(), v.number(cpus));
            }
            if let Some(memory) = args.get("memory_mb") {
                hardware.insert("memory_mb".into(), v.number(memory));
            }
            if hardware.is_empty() {
                return None;
            }
            let p = vec![
                ("name", name),
                ("datacenter", datacenter),
                ("state", json!("present")),
                ("hardware", Value::Object(hardware)),
            ];
            vcenter("community.vmware.vmware_guest", params(p))
        }
        ["govc", "vm.power", flag, _] => {
            let state = match *flag {
                "-on" => "powered-on",
                "-s" => "shutdown-guest",
                _ => return None,
            };
            let p = vec![
                ("name", name),
                ("datacenter", datacenter),
                ("state", json!(state)),
            ];
            vcenter("community.vmware.vmware_guest_powerstate", params(p))
        }
        ["govc", "vm.network.change", ..] => {
            // govc counts NICs from 0 (ethernet-0); vSphere labels them
            // from 1 ("Network adapter 1").
            let n: u32 = args.get("nic")?.strip_prefix("ethernet-")?.parse().ok()?;
            let p = vec![
                ("name", name),
                ("datacenter", datacenter),
                ("label", json!(format!("Network adapter {}", n + 1))),
                ("network_name", v.text(args.get("network")?)),
                ("state", json!("present")),
            ];
            vcenter("community.vmware.vmware_guest_network", params(p))
        }
        _ => return None,
    };
    Some(Mapped {
        task,
        needs: VCENTER_VM,
    })
}

/// A REST call (the NSX Policy API): the method, path and body as they are.
fn api(step: &Step, v: &mut Values<'_>) -> Mapped {
    let path = step.path.as_deref().unwrap_or_default();
    let mut p = vec![
        (
            "url",
            json!(format!(
                "https://{{{{ ansible_host | default(inventory_hostname) }}}}{}",
                literal(path)
            )),
        ),
        (
            "method",
            json!(step.method.as_deref().unwrap_or("GET").to_ascii_uppercase()),
        ),
        ("url_username", json!("{{ henko_api_username }}")),
        ("url_password", json!("{{ henko_api_password }}")),
        ("force_basic_auth", json!(true)),
        (
            "validate_certs",
            json!("{{ henko_api_validate_certs | default(true) }}"),
        ),
        ("return_content", json!(true)),
        ("status_code", json!([200, 201, 204])),
    ];
    if let Some(body) = &step.body {
        p.push(("body_format", json!("json")));
        p.push(("body", v.body(body)));
    }
    Mapped {
        task: json!({"ansible.builtin.uri": params(p)}),
        needs: API,
    }
}

/// FlashArray volumes, hosts and host groups (purestorage.flasharray),
/// run on the control node against the array's REST API.
fn flasharray(
    words: &[&str],
    args: &BTreeMap<String, String>,
    v: &mut Values<'_>,
) -> Option<Mapped> {
    let p = match words {
        ["purevol", "create" | "setattr", "--size", ..] => (
            "purestorage.flasharray.purefa_volume",
            vec![
                ("name", v.text(args.get("vol")?)),
                ("size", v.text(args.get("size")?)),
                ("state", json!("present")),
            ],
        ),
        [tool @ ("purehost" | "purehgroup"), op @ ("connect" | "disconnect"), ..] => {
            let module = purity_module(tool)?;
            let vol = v.text(args.get("vol")?);
            // purefa_hg takes a list of volumes, purefa_host one.
            let volume = if *tool == "purehgroup" {
                json!([vol])
            } else {
                vol
            };
            let mut p = vec![
                ("name", v.text(args.get("owner")?)),
                ("volume", volume),
                (
                    "state",
                    json!(if *op == "connect" {
                        "present"
                    } else {
                        "absent"
                    }),
                ),
            ];
            match args.get("lun").filter(|l| !l.is_empty()) {
                Some(lun) if *op == "connect" => p.push(("lun", v.number(lun))),
                _ => {}
            }
            (module, p)
        }
        [tool @ ("purehost" | "purehgroup"), "delete", name] => {
            if args.get("name").map(String::as_str) != Some(*name) {
                return None;
            }
            (
                purity_module(tool)?,
                vec![("name", v.text(name)), ("state", json!("absent"))],
            )
        }
        ["purehgroup", "setattr", flag @ ("--addhostlist" | "--remhostlist"), ..] => (
            "purestorage.flasharray.purefa_hg",
            vec![
                ("name", v.text(args.get("name")?)),
                ("host", json!([v.text(args.get("member")?)])),
                (
                    "state",
                    json!(if *flag == "--addhostlist" {
                        "present"
                    } else {
                        "absent"
                    }),
                ),
            ],
        ),
        _ => return None,
    };
    let (module, mut pairs) = p;
    pairs.push((
        "fa_url",
        json!("{{ henko_fa_url | default(ansible_host | default(inventory_hostname)) }}"),
    ));
    pairs.push(("api_token", json!("{{ henko_fa_api_token }}")));
    Some(Mapped {
        task: json!({ module: params(pairs), "delegate_to": "localhost" }),
        needs: FLASHARRAY,
    })
}

/// The module that manages what a Purity CLI tool manages.
fn purity_module(tool: &str) -> Option<&'static str> {
    match tool {
        "purehost" => Some("purestorage.flasharray.purefa_host"),
        "purehgroup" => Some("purestorage.flasharray.purefa_hg"),
        _ => None,
    }
}

/// A keyed file edit (`lineinfile`): the old line's regexp, the new line,
/// present or absent, as root.
fn file(step: &Step, v: &mut Values<'_>) -> Option<Mapped> {
    let args = &step.args;
    let path = args.get("path").or(step.path.as_ref())?;
    let state = args.get("state").map_or("present", String::as_str);
    let mut p = vec![("path", v.text(path)), ("state", json!(state))];
    if let Some(regexp) = args.get("regexp") {
        p.push(("regexp", v.text(regexp)));
    }
    match args.get("line") {
        Some(line) => p.push(("line", v.text(line))),
        // A line present needs its text; removal needs the regexp.
        None if state == "present" => return None,
        None => {}
    }
    if state == "absent" && !args.contains_key("regexp") {
        return None;
    }
    Some(Mapped {
        task: json!({"ansible.builtin.lineinfile": params(p), "become": true}),
        needs: &[],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Phase;

    fn command(command: &str, args: &[(&str, &str)]) -> Step {
        Step {
            phase: Phase::Apply,
            kind: StepKind::Command,
            text: command.into(),
            command: Some(command.into()),
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Step::default()
        }
    }

    fn task(platform: &str, step: &Step) -> Value {
        module_task(platform, "d1", step, &mut SecretUses::new())
            .unwrap_or_else(|| panic!("no module for {step:?}"))
            .task
    }

    // Expected parameters from the modules' documentation
    // (docs.ansible.com/ansible/latest/collections/…).
    #[test]
    fn esxi_port_groups_ntp_and_services_become_community_vmware_modules() {
        let add = command(
            "govc host.portgroup.add -host esx1 -vswitch vSwitch0 -vlan 140 PG-BATCH",
            &[
                ("host", "esx1"),
                ("portgroup", "PG-BATCH"),
                ("vlan", "140"),
                ("vswitch", "vSwitch0"),
            ],
        );
        let t = task("esxi", &add);
        let p = &t["community.vmware.vmware_portgroup"];
        assert_eq!(p["hosts"], json!(["esx1"]));
        assert_eq!(p["switch"], "vSwitch0");
        assert_eq!(p["portgroup"], "PG-BATCH");
        assert_eq!(p["vlan_id"], 140);
        assert_eq!(p["state"], "present");
        assert_eq!(p["hostname"], "{{ henko_vcenter_hostname }}");

        let ntp = command(
            "Remove-VMHostNtpServer -VMHost esx1 -NtpServer 10.0.0.1 -Confirm:$false",
            &[("host", "esx1"), ("server", "10.0.0.1")],
        );
        let p = &task("esxi", &ntp)["community.vmware.vmware_host_ntp"];
        assert_eq!(p["ntp_servers"], json!(["10.0.0.1"]));
        assert_eq!(p["state"], "absent");

        let restart = command(
            "Get-VMHostService -VMHost esx1 | Where-Object {$_.Key -eq 'ntpd'} | Restart-VMHostService -Confirm:$false",
            &[("host", "esx1")],
        );
        let p = &task("esxi", &restart)["community.vmware.vmware_host_service_manager"];
        assert_eq!(
            (&p["service_name"], &p["state"]),
            (&json!("ntpd"), &json!("restart"))
        );

        let ssh = command(
            "govc host.service -host esx1 enable TSM-SSH",
            &[("host", "esx1"), ("service", "TSM-SSH")],
        );
        let p = &task("esxi", &ssh)["community.vmware.vmware_host_service_manager"];
        assert_eq!(p["service_policy"], "on");
        assert_eq!(p["state"], "unchanged");

        // A port group's VLAN change does not carry its vSwitch, which
        // vmware_portgroup requires: the reviewed govc command runs instead.
        let change = command(
            "govc host.portgroup.change -host esx1 -vlan-id 150 PG-WEB",
            &[("host", "esx1"), ("portgroup", "PG-WEB"), ("vlan", "150")],
        );
        assert!(module_task("esxi", "d1", &change, &mut SecretUses::new()).is_none());
    }

    #[test]
    fn vm_resize_power_and_nic_moves_become_vmware_guest_modules() {
        let resize = command(
            "govc vm.change -vm web1 -c 4 -m 16384",
            &[("vm", "web1"), ("cpus", "4"), ("memory_mb", "16384")],
        );
        let p = &task("vmware", &resize)["community.vmware.vmware_guest"];
        assert_eq!(p["hardware"], json!({"num_cpus": 4, "memory_mb": 16384}));
        assert_eq!(p["name"], "web1");
        let nic = command(
            "govc vm.network.change -vm web1 -net PG-BATCH ethernet-0",
            &[
                ("vm", "web1"),
                ("nic", "ethernet-0"),
                ("network", "PG-BATCH"),
            ],
        );
        let p = &task("vmware", &nic)["community.vmware.vmware_guest_network"];
        assert_eq!(p["label"], "Network adapter 1");
        assert_eq!(p["network_name"], "PG-BATCH");
        let off = command("govc vm.power -s web1", &[("vm", "web1")]);
        let p = &task("vmware", &off)["community.vmware.vmware_guest_powerstate"];
        assert_eq!(p["state"], "shutdown-guest");
        let note = command(
            "govc vm.change -vm web1 -annotation 'db tier'",
            &[("vm", "web1")],
        );
        assert!(module_task("vmware", "d1", &note, &mut SecretUses::new()).is_none());
    }

    #[test]
    fn api_calls_keep_method_path_and_body_with_secrets_as_vault_references() {
        let step = Step {
            kind: StepKind::Api,
            method: Some("PATCH".into()),
            path: Some("/policy/api/v1/infra/segments/seg-batch".into()),
            body: Some(json!({"id": "seg-batch", "key": "<secret:ab12cd34>"})),
            text: "PATCH …".into(),
            ..Step::default()
        };
        let mut uses = SecretUses::new();
        let t = module_task("nsx", "nsx1", &step, &mut uses).unwrap().task;
        let p = &t["ansible.builtin.uri"];
        assert_eq!(p["method"], "PATCH");
        assert_eq!(
            p["url"],
            "https://{{ ansible_host | default(inventory_hostname) }}/policy/api/v1/infra/segments/seg-batch"
        );
        assert_eq!(p["body"]["key"], "{{ henko_secret_ab12cd34 }}");
        assert_eq!(p["body_format"], "json");
        assert!(uses.contains_key("ab12cd34"));
    }

    #[test]
    fn flasharray_connections_volumes_and_groups_become_purefa_modules() {
        let connect = command(
            "purehost connect --vol vol-db01-data --lun 10 esx01",
            &[
                ("tool", "purehost"),
                ("owner", "esx01"),
                ("vol", "vol-db01-data"),
                ("lun", "10"),
            ],
        );
        let t = task("purestorage", &connect);
        let p = &t["purestorage.flasharray.purefa_host"];
        assert_eq!(p["name"], "esx01");
        assert_eq!(p["volume"], "vol-db01-data");
        assert_eq!(p["lun"], 10);
        assert_eq!(p["state"], "present");
        assert_eq!(t["delegate_to"], "localhost");
        let disconnect = command(
            "purehgroup disconnect --vol vol-ds01 hg-west",
            &[
                ("tool", "purehgroup"),
                ("owner", "hg-west"),
                ("vol", "vol-ds01"),
                ("lun", ""),
            ],
        );
        let p = &task("purestorage", &disconnect)["purestorage.flasharray.purefa_hg"];
        assert_eq!(p["volume"], json!(["vol-ds01"]));
        assert_eq!(p["state"], "absent");
        assert!(p.get("lun").is_none());
        let create = command(
            "purevol create --size 500G vol-new",
            &[("vol", "vol-new"), ("size", "500G")],
        );
        let p = &task("purestorage", &create)["purestorage.flasharray.purefa_volume"];
        assert_eq!(
            (&p["name"], &p["size"]),
            (&json!("vol-new"), &json!("500G"))
        );
        // Creating a host with its initiators: the data has no IQN list.
        let host = command(
            "purehost create --iqnlist iqn.x esx02",
            &[("tool", "purehost"), ("name", "esx02")],
        );
        assert!(module_task("purestorage", "p1", &host, &mut SecretUses::new()).is_none());
    }

    #[test]
    fn file_edits_become_lineinfile_as_root() {
        let step = Step {
            kind: StepKind::File,
            path: Some("/etc/ssh/sshd_config".into()),
            command: Some("sed …".into()),
            text: "sed …".into(),
            args: [
                ("path", "/etc/ssh/sshd_config"),
                ("regexp", r"^PermitRootLogin\s+no$"),
                ("line", "PermitRootLogin prohibit-password"),
                ("state", "present"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            ..Step::default()
        };
        let t = task("sshd", &step);
        let p = &t["ansible.builtin.lineinfile"];
        assert_eq!(p["regexp"], r"^PermitRootLogin\s+no$");
        assert_eq!(p["line"], "PermitRootLogin prohibit-password");
        assert_eq!(t["become"], true);
    }
}
