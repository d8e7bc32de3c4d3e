//! Render + scope merge + cause, end to end inside the engine, on ios,
//! eos/nxos and fortios. Expected configurations are written by hand.

use super::cause::{device_causes, Side};
use super::scope::merge;
use super::*;
use crate::config::{self, serialize, ConfigTree, Dialect, ParseOptions};
use crate::diff::{diff_trees, DiffOptions};
use crate::inventory::Inventory;
use crate::source::Snapshot;

struct Fixture {
    _dir: tempfile::TempDir,
    renderer: Renderer,
    inventory: Inventory,
}

fn fixture(files: &[(&str, &str)]) -> Result<Fixture, IntendedError> {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let snapshot = Snapshot::resolve(dir.path().to_str().unwrap(), None).unwrap();
    let tree = snapshot.open().unwrap();
    let inventory = crate::inventory::load(tree.as_ref()).unwrap();
    let renderer = Renderer::load(tree.as_ref(), &inventory)?.expect("templates.yaml");
    Ok(Fixture {
        _dir: dir,
        renderer,
        inventory,
    })
}

fn intended(f: &Fixture, device: &str, backup: &str, dialect: Dialect) -> String {
    let device = f.inventory.get(device).unwrap();
    let rendering = f.renderer.render_device(device).unwrap().unwrap();
    let backup = config::parse(backup.as_bytes(), dialect, &ParseOptions::default());
    serialize(&merge(&backup, &rendering, &f.renderer.features).unwrap())
}

const INVENTORY: &str = "devices:
  - name: sw1
    platform: ios
    kind: switch
    site: west
    config: configs/sw1.cfg
  - name: leaf1
    platform: eos
    kind: switch
    config: configs/leaf1.cfg
    templates: [ntp]
  - name: fw1
    platform: fortios
    kind: firewall
    config: configs/fw1.conf
";

const VLANS_J2: &str = "{% for r in sheets.vlans | sort(attribute='VLAN ID') %}
vlan {{ r['VLAN ID'] }}
 name {{ r.名前 }}
{% endfor %}
{% for r in sheets.vlans if r.ゲートウェイ %}
interface Vlan{{ r['VLAN ID'] }}
 ip address {{ r.ゲートウェイ | ipaddr('address') }} {{ r.ゲートウェイ | ipaddr('netmask') }}
{% endfor %}
";

const FEATURES: &str = "templates:
  - name: vlans
    file: vlans.j2
    platform: [ios, eos, nxos]
    site: west
    scope: [\"vlan *\", \"interface Vlan*\"]
  - name: ntp
    file: ntp.j2
  - name: addresses
    file: addresses.j2
    kind: firewall
    scope: [\"config firewall address\"]
";

const NTP_J2: &str = "{% for r in sheets.ntp %}
ntp server {{ r.server }}
{% endfor %}
";

const ADDRESSES_J2: &str = "config firewall address
{% for r in sheets.addresses %}
    edit \"{{ r.名前 }}\"
        set subnet {{ r.サブネット | network }} {{ r.サブネット | netmask }}
    next
{% endfor %}
end
";

fn files(vlans_csv: &str) -> Vec<(&str, &str)> {
    vec![
        ("inventory.yaml", INVENTORY),
        ("templates/templates.yaml", FEATURES),
        ("templates/vlans.j2", VLANS_J2),
        ("templates/ntp.j2", NTP_J2),
        ("templates/addresses.j2", ADDRESSES_J2),
        ("sheets/vlans.csv", vlans_csv),
        ("sheets/ntp.csv", "server\n10.0.0.1\n10.0.0.2\n"),
        ("configs/sw1.cfg", "hostname sw1\n"),
        ("configs/leaf1.cfg", "hostname leaf1\n"),
        ("configs/fw1.conf", "config system global\nend\n"),
        (
            "sheets/addresses.csv",
            "名前,サブネット\nWEB,192.0.2.10/24\nDB,198.51.100.0/25\n",
        ),
    ]
}

const VLANS: &str = "VLAN ID,名前,ゲートウェイ\n120,WEB,10.1.120.1/24\n10,MGMT,\n";

const SW1: &str = "hostname sw1
!
vlan 10
 name OLD
!
vlan 99
 name GONE
!
interface GigabitEthernet1
 switchport access vlan 10
!
interface Vlan99
 ip address 10.9.9.1 255.255.255.0
!
ntp server 10.0.0.9
";

/// `SW1` with the templates of `files(VLANS)` merged in.
const SW1_INTENDED: &str = "hostname sw1
vlan 10
 name MGMT
vlan 120
 name WEB
interface GigabitEthernet1
 switchport access vlan 10
interface Vlan120
 ip address 10.1.120.1 255.255.255.0
ntp server 10.0.0.9
";

#[test]
fn ios_scope_replaces_owned_sections_and_keeps_the_rest() {
    let f = fixture(&files(VLANS)).unwrap();
    let got = intended(&f, "sw1", SW1, Dialect::Ios);
    // vlan 99 and interface Vlan99 are in scope but no longer rendered:
    // removed. Everything else stays where it was.
    let expected = SW1_INTENDED;
    assert_eq!(got, expected);
}

#[test]
fn eos_without_scope_owns_only_what_it_renders() {
    let f = fixture(&files(VLANS)).unwrap();
    // leaf1 is not at site west: only `ntp` (listed in the inventory) applies.
    let backup = "hostname leaf1\nntp server 10.0.0.1\nntp server 10.0.0.9\n";
    let got = intended(&f, "leaf1", backup, Dialect::Ios);
    assert_eq!(
        got,
        "hostname leaf1\nntp server 10.0.0.1\nntp server 10.0.0.9\nntp server 10.0.0.2\n"
    );
}

#[test]
fn fortios_owned_config_section_is_replaced_whole() {
    let f = fixture(&files(VLANS)).unwrap();
    let backup = "config system global
    set hostname \"fw1\"
end
config firewall address
    edit \"OLD\"
        set subnet 203.0.113.0 255.255.255.0
    next
end
";
    let got = intended(&f, "fw1", backup, Dialect::Fortios);
    let expected = "config system global
    set hostname \"fw1\"
end
config firewall address
    edit \"WEB\"
        set subnet 192.0.2.0 255.255.255.0
    next
    edit \"DB\"
        set subnet 198.51.100.0 255.255.255.128
    next
end
";
    assert_eq!(got, expected);
}

#[test]
fn a_rendered_line_outside_the_scope_is_refused() {
    let mut files = files(VLANS);
    files[2] = (
        "templates/vlans.j2",
        "vlan 5\nspanning-tree mode rapid-pvst\n",
    );
    let f = fixture(&files).unwrap();
    let device = f.inventory.get("sw1").unwrap();
    let rendering = f.renderer.render_device(device).unwrap().unwrap();
    let backup = ConfigTree::default();
    let err = merge(&backup, &rendering, &f.renderer.features).unwrap_err();
    assert!(
        err.to_string().contains("`spanning-tree mode rapid-pvst`"),
        "{err}"
    );
}

#[test]
fn a_syntax_error_names_the_template_line_and_column() {
    let mut files = files(VLANS);
    files[2] = (
        "templates/vlans.j2",
        "vlan 1\n{% for r in sheets.vlans %}\nvlan {{ r.x \n",
    );
    let err = fixture(&files).err().unwrap();
    let text = err.to_string();
    assert!(text.starts_with("templates/vlans.j2:3:"), "{text}");
}

#[test]
fn a_missing_column_names_the_template_and_the_sheet_cell() {
    let mut files = files(VLANS);
    files[2] = (
        "templates/vlans.j2",
        "{% for r in sheets.vlans %}\nvlan {{ r['VLAN ID'] }}\n name {{ r.名称 }}\n{% endfor %}\n",
    );
    let f = fixture(&files).unwrap();
    let err = f
        .renderer
        .render_device(f.inventory.get("sw1").unwrap())
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("templates/vlans.j2:3:10: sheets/vlans.csv D2:"),
        "{text}"
    );
    assert!(text.contains("no column `名称`"), "{text}");
}

#[test]
fn an_empty_printed_cell_names_the_cell() {
    let mut files = files(VLANS);
    files[2] = ("templates/vlans.j2", "{% for r in sheets.vlans %}\ninterface Vlan{{ r['VLAN ID'] }}\n ip address {{ r.ゲートウェイ }}\n{% endfor %}\n");
    let f = fixture(&files).unwrap();
    let err = f
        .renderer
        .render_device(f.inventory.get("sw1").unwrap())
        .unwrap_err();
    let text = err.to_string();
    // Row 3 of the CSV (VLAN 10) has no gateway; column C.
    assert!(
        text.starts_with("templates/vlans.j2:3:16: sheets/vlans.csv C3:"),
        "{text}"
    );
    assert!(text.contains("is empty"), "{text}");
}

#[test]
fn causes_name_added_renamed_and_deleted_rows() {
    let before = fixture(&files(
        "VLAN ID,名前,ゲートウェイ\n10,MGMT,\n30,OLD,\n20,USERS,\n",
    ))
    .unwrap();
    // 30 deleted, 20 renamed, 120 added.
    let after = fixture(&files(
        "VLAN ID,名前,ゲートウェイ\n10,MGMT,\n20,STAFF,\n120,WEB,\n",
    ))
    .unwrap();
    let sw1 = after.inventory.get("sw1").unwrap();
    let to = after.renderer.render_device(sw1).unwrap().unwrap();
    let from = before.renderer.render_device(sw1).unwrap().unwrap();
    let backup_text = serialize(
        &merge(
            &config::parse(b"hostname sw1\n", Dialect::Ios, &ParseOptions::default()),
            &from,
            &before.renderer.features,
        )
        .unwrap(),
    );
    let backup = config::parse(
        backup_text.as_bytes(),
        Dialect::Ios,
        &ParseOptions::default(),
    );
    let target = merge(&backup, &to, &after.renderer.features).unwrap();
    let changes = diff_trees(&backup, &target, &DiffOptions::default());
    let causes = device_causes(
        &changes,
        Side {
            rendering: &to,
            sheets: &after.renderer.sheets,
        },
        Some(Side {
            rendering: &from,
            sheets: &before.renderer.sheets,
        }),
        &before.renderer.sheets,
        &after.inventory,
    );
    let got: Vec<String> = causes.iter().map(|c| c.describe()).collect();
    assert_eq!(
        got,
        [
            "sheets/vlans.csv B3 (row 3 `20` modified: 名前)",
            "sheets/vlans.csv A3,B3 (row 3 `30` removed: VLAN ID, 名前)",
            "sheets/vlans.csv A4,B4 (row 4 `120` added: VLAN ID, 名前)",
        ],
        "{changes:#?}"
    );
}

/// Three switches, two at one site: `site.j2` reads `device.site`,
/// `name.j2` reads `device.name`, `fixed.j2` reads no device field.
fn memo_fixture() -> Fixture {
    let inventory = "devices:
  - {name: a1, platform: ios, site: east, config: configs/a1.cfg}
  - {name: a2, platform: ios, site: east, config: configs/a2.cfg}
  - {name: b1, platform: ios, site: west, config: configs/b1.cfg}
";
    let features = "templates:
  - {name: site, file: site.j2, platform: [ios]}
  - {name: name, file: name.j2, platform: [ios]}
  - {name: fixed, file: fixed.j2, platform: [ios]}
";
    fixture(&[
        ("inventory.yaml", inventory),
        ("templates/templates.yaml", features),
        (
            "templates/site.j2",
            "{% if device.site == 'east' %}ntp server 10.0.0.1\n{% else %}ntp server 10.9.0.1\n{% endif %}",
        ),
        ("templates/name.j2", "hostname {{ device.name }}\n"),
        ("templates/fixed.j2", "{% for r in sheets.ntp %}logging host {{ r.server }}\n{% endfor %}"),
        ("sheets/ntp.csv", "server\n10.0.0.5\n"),
        ("configs/a1.cfg", "hostname a1\n"),
        ("configs/a2.cfg", "hostname a2\n"),
        ("configs/b1.cfg", "hostname b1\n"),
    ])
    .unwrap()
}

#[test]
fn renderings_are_shared_only_between_devices_the_template_cannot_tell_apart() {
    let f = memo_fixture();
    let render = |name: &str| {
        let device = f.inventory.get(name).unwrap();
        f.renderer.render_device(device).unwrap().unwrap()
    };
    // b1 first, so the west rendering is made before any east one.
    let (b1, a1, a2) = (render("b1"), render("a1"), render("a2"));
    assert_eq!(
        a1.text(),
        "ntp server 10.0.0.1\nhostname a1\nlogging host 10.0.0.5\n"
    );
    assert_eq!(
        a2.text(),
        "ntp server 10.0.0.1\nhostname a2\nlogging host 10.0.0.5\n"
    );
    assert_eq!(
        b1.text(),
        "ntp server 10.9.0.1\nhostname b1\nlogging host 10.0.0.5\n"
    );
    let shared = |x: &DeviceRendering, y: &DeviceRendering, i: usize| {
        std::sync::Arc::ptr_eq(&x.features[i], &y.features[i])
    };
    // Same site: the site feature is shared; names differ: never shared;
    // the fixed feature is the same for all.
    assert!(shared(&a1, &a2, 0));
    assert!(!shared(&a1, &b1, 0));
    assert!(!shared(&a1, &a2, 1));
    assert!(shared(&a1, &b1, 2) && shared(&a2, &b1, 2));
    // A shared rendering keeps the sheet cells its lines came from.
    assert_eq!(a2.features[2].line_cells[0].len(), 1);
}

#[test]
fn merge_keeps_only_when_merging_changes_nothing_a_diff_can_see() {
    let f = fixture(&files(VLANS)).unwrap();
    let device = f.inventory.get("sw1").unwrap();
    let rendering = f.renderer.render_device(device).unwrap().unwrap();
    let features = &f.renderer.features;
    let compliant = SW1_INTENDED;
    let cases = [
        (compliant, true),
        // In scope but not rendered, or a value changed, or a line missing.
        (SW1, false),
        (&*compliant.replace("name WEB", "name WWW"), false),
        (
            &*compliant.replace(" ip address 10.1.120.1 255.255.255.0\n", ""),
            false,
        ),
        // The same lines in another order: merge_keeps cannot tell, the diff can.
        (
            &*compliant.replace(
                "vlan 10\n name MGMT\nvlan 120\n name WEB\n",
                "vlan 120\n name WEB\nvlan 10\n name MGMT\n",
            ),
            false,
        ),
        // An owned section twice.
        (&*format!("{compliant}vlan 10\n name MGMT\n"), false),
    ];
    for (text, keeps) in cases {
        let backup = config::parse(text.as_bytes(), Dialect::Ios, &ParseOptions::default());
        assert_eq!(
            scope::merge_keeps(&backup, &rendering, features),
            keeps,
            "{text}"
        );
        if keeps {
            let merged = merge(&backup, &rendering, features).unwrap();
            assert!(diff_trees(&backup, &merged, &DiffOptions::default()).is_empty());
        }
    }
}
