//! The store every verify test starts from: FROM (`v1`), the intended side
//! (`v2`), a plan between them, and helpers to snapshot an AFTER side.

pub use crate::common::TestEnv;
use serde_json::Value;

pub const INVENTORY: &str = "devices:
  - { name: r1, kind: router, platform: ios, site: west, env: prod, pair: r2 }
  - { name: r2, kind: router, platform: ios, site: east, env: standby, pair: r1 }
  - { name: fw1, kind: firewall, platform: fortios, site: west, env: prod }
  - { name: j1, kind: router, platform: junos, site: east, env: standby }
  - { name: vm1, kind: vm, platform: vmware, site: west, env: prod }
  - { name: r9, kind: router, platform: ios, site: east, env: verify }
";

/// The configs at FROM (`v1`).
pub fn from_configs() -> Vec<(&'static str, String)> {
    vec![
        ("r1.cfg", ios("r1", "")),
        ("r2.cfg", ios("r2", "")),
        ("fw1.conf", fortios("", "AAAAone")),
        ("j1.conf", junos("", "")),
        ("vm1.yaml", vm(2, 8)),
        ("r9.cfg", ios("r9", "")),
    ]
}

/// The configs at the intended side (`v2`): two planned lines per device.
pub fn to_configs() -> Vec<(&'static str, String)> {
    vec![
        ("r1.cfg", ios("r1", " ip ospf cost 20\n shutdown\n")),
        ("r2.cfg", ios("r2", " ip ospf cost 20\n shutdown\n")),
        (
            "fw1.conf",
            fortios("    set timezone 04\n    set admintimeout 30\n", "AAAAone"),
        ),
        (
            "j1.conf",
            junos(
                "        mtu 9000;\n",
                "    ntp {\n        server 10.0.0.1;\n    }\n",
            ),
        ),
        ("vm1.yaml", vm(4, 16)),
        ("r9.cfg", ios("r9", "")),
    ]
}

pub fn ios(name: &str, under_interface: &str) -> String {
    format!("hostname {name}\n!\ninterface Gi0/1\n description uplink\n{under_interface}!\nntp server 10.9.9.9\n")
}

pub fn fortios(global: &str, password: &str) -> String {
    format!("config system global\n    set hostname \"fw1\"\n{global}end\nconfig system admin\n    edit \"admin\"\n        set password ENC {password}\n    next\nend\n")
}

pub fn junos(interface: &str, system: &str) -> String {
    format!("system {{\n    host-name j1;\n{system}}}\ninterfaces {{\n    ge-0/0/0 {{\n        description uplink;\n{interface}    }}\n}}\n")
}

pub fn vm(cpu: u32, memory: u32) -> String {
    format!("name: vm1\ncpu: {cpu}\nmemory_gb: {memory}\nnetwork: vlan120\n")
}

/// Writes `configs` (with the inventory) into the folder `name`.
pub fn write_side(env: &TestEnv, name: &str, configs: &[(&str, String)]) {
    env.write(format!("{name}/inventory.yaml"), INVENTORY);
    for (file, text) in configs {
        env.write(format!("{name}/configs/{file}"), text);
    }
}

/// A store with `v1` and `v2` tagged, and `plan.json` between the two
/// revisions.
pub fn setup() -> TestEnv {
    let env = TestEnv::new();
    env.init_store();
    // Folders named apart from the tags: `v1`/`v2` must resolve to the
    // store's revisions, not to folders in the working directory.
    write_side(&env, "backup-v1", &from_configs());
    let v1 = env.snapshot("backup-v1", "v1");
    write_side(&env, "backup-v2", &to_configs());
    let v2 = env.snapshot("backup-v2", "v2");
    env.git(&["-C", "store", "tag", "v1", &v1]);
    env.git(&["-C", "store", "tag", "v2", &v2]);
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "plan",
            "v1",
            "v2",
            "-o",
            "plan.json",
            "--no-default-scripts",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env
}

/// Snapshots `configs` as the next backup and returns its commit id.
pub fn after(env: &TestEnv, configs: &[(&str, String)]) -> String {
    write_side(env, "after", configs);
    env.snapshot("after", "after the window")
}

/// Runs `henko verify plan.json AFTER --format json` and returns the exit
/// code and the verification.
pub fn verify_json(env: &TestEnv, after: &str) -> (i32, Value) {
    let out = env
        .henko()
        .args([
            "--repo",
            "store",
            "verify",
            "plan.json",
            after,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(code != 2, "{}", String::from_utf8_lossy(&out.stderr));
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

/// Returns device → outcome of a verification.
pub fn outcomes(verification: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = verification["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// Returns one device of a verification.
pub fn device<'a>(verification: &'a Value, name: &str) -> &'a Value {
    verification["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {verification}"))
}
