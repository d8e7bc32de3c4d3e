//! Executable steps for the non-CLI estate, end to end through `henko
//! plan`: ESXi, vSphere VMs, NSX, FlashArray and RHEL files each get apply
//! and rollback steps as strings and as data (`actions`), proved on henko's
//! model of the document (`verified`), and ordered across domains (a port
//! group exists before a VM moves onto it; the array keeps a connection
//! until the host using it has let go).
//!
//! Expected commands are written by hand from the vendors' references
//! (govc USAGE, Purity CLI man pages, NSX-T Policy API), not from the code.

use crate::common::TestEnv;
use serde_json::Value;

const INVENTORY: &str = "\
devices:
  - {name: w-pure01, kind: storage, platform: purestorage, site: west, env: prod, config: configs/w-pure01.yaml}
  - {name: w-esx01, kind: hypervisor, platform: esxi, site: west, env: prod, depends_on: [w-pure01], config: configs/w-esx01.yaml, vars: {vcenter_name: w-esx01.dc.example.co.jp}}
  - {name: a-web01, kind: vm, platform: vmware, site: west, env: prod, depends_on: [w-esx01], config: configs/a-web01.yaml}
  - {name: nsx-west, kind: service, platform: nsx, site: west, env: prod, config: configs/nsx-west.yaml}
  - {name: w-web01-sshd, kind: server, platform: sshd, site: west, env: prod, depends_on: [a-web01], config: configs/w-web01-sshd.conf}
  - {name: w-web01-sysctl, kind: server, platform: sysctl, site: west, env: prod, depends_on: [a-web01], config: configs/w-web01-sysctl.conf, vars: {file: /etc/sysctl.d/99-baseline.conf}}
  - {name: w-web01-ifcfg, kind: server, platform: ifcfg, site: west, env: prod, depends_on: [a-web01], config: configs/w-web01-ifcfg.conf, vars: {interface: ens192}}
  - {name: w-web01-selinux, kind: server, platform: linux, site: west, env: prod, depends_on: [a-web01], config: configs/w-web01-selinux.conf, vars: {file: /etc/selinux/config, reload: 'setenforce 0'}}
";

struct Side<'a> {
    esx: &'a str,
    vm: &'a str,
    pure: &'a str,
    nsx: &'a str,
    sshd: &'a str,
    sysctl: &'a str,
    ifcfg: &'a str,
    linux: &'a str,
}

fn write(env: &TestEnv, folder: &str, side: &Side<'_>) {
    env.write(format!("{folder}/inventory.yaml"), INVENTORY);
    for (file, text) in [
        ("w-esx01.yaml", side.esx),
        ("a-web01.yaml", side.vm),
        ("w-pure01.yaml", side.pure),
        ("nsx-west.yaml", side.nsx),
        ("w-web01-sshd.conf", side.sshd),
        ("w-web01-sysctl.conf", side.sysctl),
        ("w-web01-ifcfg.conf", side.ifcfg),
        ("w-web01-selinux.conf", side.linux),
    ] {
        env.write(format!("{folder}/configs/{file}"), text);
    }
}

pub(crate) fn plan(env: &TestEnv, extra: &[&str]) -> Value {
    env.henko()
        .args(["plan", "./from", "./to", "-o", "plan.json"])
        .args(extra)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(env.join("plan.json")).unwrap()).unwrap()
}

fn device<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the plan"))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

fn order(plan: &Value) -> Vec<&str> {
    plan["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect()
}

const ESX_FROM: &str = "portgroups:\n  - name: PG-WEB\n    vlan: 110\n    vswitch: vSwitch0\n";
const ESX_TO: &str = "portgroups:\n  - name: PG-WEB\n    vlan: 110\n    vswitch: vSwitch0\n  - name: PG-BATCH\n    vlan: 140\n    vswitch: vSwitch0\n";
const VM_FROM: &str = "name: a-web01\nhardware:\n  cpu: 2\n  memory_mb: 8192\nnics:\n  - name: Network adapter 1\n    portgroup: PG-WEB\n";
const VM_TO: &str = "name: a-web01\nhardware:\n  cpu: 4\n  memory_mb: 8192\nnics:\n  - name: Network adapter 1\n    portgroup: PG-BATCH\n";
const PURE_FROM: &str = "hosts:\n  - name: esx01\n    connections:\n      - name: vol-ds01\n        lun: 1\n      - name: vol-db01-data\n        lun: 10\n";
const PURE_TO: &str =
    "hosts:\n  - name: esx01\n    connections:\n      - name: vol-ds01\n        lun: 1\n";
const NSX_FROM: &str = "segments:\n  - id: seg-web\n    display_name: seg-web\n";
const NSX_TO: &str = "segments:\n  - id: seg-web\n    display_name: seg-web\n  - id: seg-batch\n    display_name: seg-batch\n    connectivity_path: /infra/tier-1s/t1-west\n";
const SSHD_FROM: &str = "PermitRootLogin no\nPasswordAuthentication no\n";
const SSHD_TO: &str = "PermitRootLogin prohibit-password\nPasswordAuthentication no\n";
const SYSCTL_FROM: &str = "net.ipv4.ip_forward = 0\nvm.swappiness = 10\n";
const SYSCTL_TO: &str = "net.ipv4.ip_forward = 0\nvm.swappiness = 1\n";
const IFCFG_FROM: &str = "DEVICE=ens192\nBOOTPROTO=none\nIPADDR=10.1.10.21\nPREFIX=24\nMTU=1500\n";
const IFCFG_TO: &str = "DEVICE=ens192\nBOOTPROTO=none\nIPADDR=10.1.10.21\nPREFIX=24\nMTU=9000\n";
const LINUX_FROM: &str = "SELINUX=enforcing\nSELINUXTYPE=targeted\n";
const LINUX_TO: &str = "SELINUX=permissive\nSELINUXTYPE=targeted\n";

/// Every planned device of the fixture, one per platform.
const DEVICES: [&str; 8] = [
    "w-esx01",
    "a-web01",
    "w-pure01",
    "nsx-west",
    "w-web01-sshd",
    "w-web01-sysctl",
    "w-web01-ifcfg",
    "w-web01-selinux",
];

/// A folder pair `from`/`to` with one change per platform (esxi, vmware,
/// purestorage, nsx, sshd, sysctl, ifcfg, linux).
pub(crate) fn setup() -> TestEnv {
    let env = TestEnv::new();
    let from = Side {
        esx: ESX_FROM,
        vm: VM_FROM,
        pure: PURE_FROM,
        nsx: NSX_FROM,
        sshd: SSHD_FROM,
        sysctl: SYSCTL_FROM,
        ifcfg: IFCFG_FROM,
        linux: LINUX_FROM,
    };
    let to = Side {
        esx: ESX_TO,
        vm: VM_TO,
        pure: PURE_TO,
        nsx: NSX_TO,
        sshd: SSHD_TO,
        sysctl: SYSCTL_TO,
        ifcfg: IFCFG_TO,
        linux: LINUX_TO,
    };
    write(&env, "from", &from);
    write(&env, "to", &to);
    env
}

#[test]
fn every_platform_gets_proved_apply_and_rollback_steps() {
    let env = setup();
    let plan = plan(&env, &[]);
    for name in DEVICES {
        let d = device(&plan, name);
        // `verified`: henko replayed the apply steps' changes on its model
        // of the running document and got the intended one, and the
        // rollback steps' inverses on the intended one and got the running
        // one back.
        assert_eq!(d["verified"], true, "{name}: {d:#}");
        for phase in ["precheck", "apply", "verify", "rollback"] {
            assert!(
                !d["steps"][phase].as_array().unwrap().is_empty(),
                "{name}: no {phase} step"
            );
        }
        assert!(
            d["manual"].as_array().unwrap().is_empty(),
            "{name}: {:#}",
            d["manual"]
        );
    }

    let esx = device(&plan, "w-esx01");
    assert_eq!(
        strings(&esx["steps"]["apply"]),
        ["govc host.portgroup.add -host w-esx01.dc.example.co.jp -vswitch vSwitch0 -vlan 140 PG-BATCH"]
    );
    assert_eq!(
        strings(&esx["steps"]["rollback"]),
        ["govc host.portgroup.remove -host w-esx01.dc.example.co.jp PG-BATCH"]
    );
    let add = &esx["actions"][0];
    assert_eq!(add["phase"], "apply");
    assert_eq!(add["kind"], "command");
    assert_eq!(add["args"]["portgroup"], "PG-BATCH");
    assert_eq!(add["args"]["vlan"], "140");
    assert_eq!(add["changes"], serde_json::json!([0]));

    let vm = device(&plan, "a-web01");
    let apply = strings(&vm["steps"]["apply"]);
    assert!(apply.contains(&"govc vm.network.change -vm a-web01 -net PG-BATCH ethernet-0"));
    assert!(apply.contains(&"govc vm.change -vm a-web01 -c 4"));
    assert!(strings(&vm["steps"]["rollback"])
        .contains(&"govc vm.network.change -vm a-web01 -net PG-WEB ethernet-0"));

    let pure = device(&plan, "w-pure01");
    assert_eq!(
        strings(&pure["steps"]["apply"]),
        ["purehost disconnect --vol vol-db01-data esx01"]
    );
    assert_eq!(
        strings(&pure["steps"]["rollback"]),
        ["purehost connect --vol vol-db01-data --lun 10 esx01"]
    );

    let nsx = device(&plan, "nsx-west");
    let patch = &nsx["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["phase"] == "apply")
        .unwrap();
    assert_eq!(patch["kind"], "api");
    assert_eq!(patch["method"], "PATCH");
    assert_eq!(patch["path"], "/policy/api/v1/infra/segments/seg-batch");
    assert_eq!(
        patch["body"],
        serde_json::json!({"id": "seg-batch", "display_name": "seg-batch", "connectivity_path": "/infra/tier-1s/t1-west"})
    );
    assert_eq!(
        strings(&nsx["steps"]["rollback"]),
        ["DELETE /policy/api/v1/infra/segments/seg-batch"]
    );

    let sshd = device(&plan, "w-web01-sshd");
    assert_eq!(
        strings(&sshd["steps"]["apply"]),
        [
            "sed -i -E 's|^PermitRootLogin[[:space:]]+no$|PermitRootLogin prohibit-password|' /etc/ssh/sshd_config",
            "sshd -t -f /etc/ssh/sshd_config",
            "systemctl reload sshd"
        ]
    );
    let edit = &sshd["actions"][0];
    assert_eq!(edit["kind"], "file");
    assert_eq!(edit["path"], "/etc/ssh/sshd_config");
    assert_eq!(edit["args"]["regexp"], r"^PermitRootLogin\s+no$");
    assert_eq!(edit["args"]["line"], "PermitRootLogin prohibit-password");

    let sysctl = device(&plan, "w-web01-sysctl");
    assert!(strings(&sysctl["steps"]["rollback"]).contains(
        &"sed -i -E 's|^vm\\.swappiness[[:space:]]+=[[:space:]]+1$|vm.swappiness = 10|' /etc/sysctl.d/99-baseline.conf"
    ));
    assert!(strings(&sysctl["steps"]["precheck"]).contains(&"sysctl -n vm.swappiness"));

    let ifcfg = device(&plan, "w-web01-ifcfg");
    assert_eq!(
        strings(&ifcfg["steps"]["apply"]),
        [
            "sed -i -E 's|^MTU=1500$|MTU=9000|' /etc/sysconfig/network-scripts/ifcfg-ens192",
            "nmcli con load /etc/sysconfig/network-scripts/ifcfg-ens192",
            "nmcli con up ifname ens192"
        ]
    );
    assert!(strings(&ifcfg["steps"]["verify"]).contains(&"nmcli -f GENERAL,IP4 device show ens192"));
    let linux = device(&plan, "w-web01-selinux");
    assert!(strings(&linux["steps"]["rollback"])
        .contains(&"sed -i -E 's|^SELINUX=permissive$|SELINUX=enforcing|' /etc/selinux/config"));
    assert!(strings(&linux["steps"]["apply"]).contains(&"setenforce 0"));
}

#[test]
fn the_backup_after_the_apply_lands_and_the_one_after_the_rollback_is_rolled_back() {
    // What the steps do, seen the way henko sees the next backup: the TO
    // documents are the state after the apply, the FROM documents the
    // state after the rollback.
    let env = setup();
    plan(&env, &[]);
    for (after, outcome) in [("./to", "landed"), ("./from", "rolled_back")] {
        let out = env
            .henko()
            .args(["verify", "plan.json", after, "--format", "json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
        });
        let devices = report["devices"].as_array().unwrap();
        for name in DEVICES {
            let d = devices
                .iter()
                .find(|d| d["name"] == name)
                .unwrap_or_else(|| panic!("{name} not verified: {report:#}"));
            assert_eq!(d["outcome"], outcome, "{after}: {d:#}");
        }
        assert_eq!(
            out.status.code(),
            Some(if outcome == "landed" { 0 } else { 1 }),
            "{after}"
        );
    }
}

#[test]
fn port_group_goes_first_and_the_array_keeps_its_connection_until_the_host_let_go() {
    let env = setup();
    let plan = plan(&env, &[]);
    let names = order(&plan);
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    // The ESXi host adds PG-BATCH before the VM moves onto it.
    assert!(pos("w-esx01") < pos("a-web01"), "{names:?}");
    // The array only takes a connection away: the host using it goes first.
    assert!(pos("w-esx01") < pos("w-pure01"), "{names:?}");
    assert_eq!(device(&plan, "w-pure01")["order"]["withdraws"], true);

    // Removing the port group instead: the VM moves off it first.
    env.write("from/configs/w-esx01.yaml", ESX_TO);
    env.write("to/configs/w-esx01.yaml", ESX_FROM);
    env.write(
        "from/configs/a-web01.yaml",
        VM_TO.replace("cpu: 4", "cpu: 2"),
    );
    env.write("to/configs/a-web01.yaml", VM_FROM);
    let plan = self::plan(&env, &[]);
    let names = order(&plan);
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("a-web01") < pos("w-esx01"), "{names:?}");
    let rollback: Vec<&str> = strings(&plan["rollback_order"]);
    let back = |n: &str| rollback.iter().position(|x| *x == n).unwrap();
    assert!(back("w-esx01") < back("a-web01"), "{rollback:?}");
}

#[test]
fn a_rule_that_forgets_a_change_leaves_the_device_unproved() {
    // A site rule replaces the shipped vm.rhai with one that only resizes:
    // the port group move has no step, so the proof must fail and say so.
    let env = setup();
    env.write(
        "rules/vm.rhai",
        r#"fn on_device(ctx) {
    if ctx.device.platform != "vmware" { return; }
    for c in ctx.changes {
        if c.text.starts_with("cpu:") {
            ctx.step("apply", #{kind: "command", command: "govc vm.change -vm a-web01 -c 4", edit: c});
            ctx.step("rollback", #{kind: "command", command: "govc vm.change -vm a-web01 -c 2", edit: c});
        }
    }
}
"#,
    );
    let plan = plan(&env, &["--scripts", "rules"]);
    let vm = device(&plan, "a-web01");
    assert_eq!(vm["verified"], false, "{vm:#}");
    let unproved = vm["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "henko.remediation-unverified")
        .expect("an unverified risk");
    let message = unproved["message"].as_str().unwrap();
    assert!(
        message.contains(
            "apply: no step for modify nics: > - name: Network adapter 1 > portgroup: PG-BATCH"
        ),
        "{message}"
    );
    assert!(message.contains("rollback: no step for"), "{message}");
}
