//! Golden outputs of the diff reports on a small hand-built diff.

use super::*;
use crate::config::{Dialect, LineSpan, Node};
use crate::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op, SnapshotDiff};
use crate::inventory::Inventory;
use crate::source::SnapshotRef;

fn change(op: Op, path: &[&str], before: Option<&str>, after: Option<&str>) -> Change {
    Change::new(
        op,
        path.iter().map(|s| s.to_string()).collect(),
        before.map(str::to_string),
        after.map(str::to_string),
        ChangeCategory::Config,
    )
}

fn device(name: &str, status: DeviceStatus, changes: Vec<Change>) -> DeviceDiff {
    DeviceDiff {
        name: name.to_string(),
        platform: "ios".to_string(),
        dialect: Dialect::Ios,
        status,
        config: format!("configs/{name}.cfg"),
        changes,
        lines: None,
        warnings: Vec::new(),
    }
}

fn fixture() -> SnapshotDiff {
    let ntp = || {
        change(
            Op::Add,
            &["ntp server 10.0.0.5"],
            None,
            Some("ntp server 10.0.0.5"),
        )
    };
    let mut section = change(Op::Add, &["interface Gi0/3"], None, Some("interface Gi0/3"));
    section.body = vec![
        Node::leaf("description new uplink", 12),
        Node {
            text: "ip address 10.9.0.1 255.255.255.252".into(),
            span: LineSpan { start: 13, end: 13 },
            children: Vec::new(),
            ordered: false,
        },
    ];
    let mut secret = change(
        Op::Modify,
        &["username admin secret 9 <secret:0a1b2c3d>"],
        Some("username admin secret 9 <secret:9f8e7d6c>"),
        Some("username admin secret 9 <secret:0a1b2c3d>"),
    );
    secret.category = ChangeCategory::Secret;
    let mut site = change(
        Op::Modify,
        &["inventory", "site: east"],
        Some("site: west"),
        Some("site: east"),
    );
    site.category = ChangeCategory::Inventory;
    let mut moved = change(
        Op::Move,
        &["ip access-list extended EDGE", "permit tcp any any eq 22"],
        Some("permit tcp any any eq 22"),
        Some("permit tcp any any eq 22"),
    );
    moved.line_before = Some(20);
    moved.line_after = Some(23);
    SnapshotDiff {
        from: SnapshotRef {
            rev: "v1".into(),
            commit: "1".repeat(40),
        },
        to: SnapshotRef {
            rev: "v2".into(),
            commit: "2".repeat(40),
        },
        devices: vec![
            device(
                "core-rt1",
                DeviceStatus::Modified,
                vec![
                    site,
                    change(
                        Op::Modify,
                        &["interface Gi0/1", "description to east"],
                        Some("description to west"),
                        Some("description to east"),
                    ),
                    section,
                    secret,
                    moved,
                ],
            ),
            device("edge-sw1", DeviceStatus::Modified, vec![ntp()]),
            device(
                "edge-sw2",
                DeviceStatus::Modified,
                vec![
                    ntp(),
                    change(Op::Remove, &["vlan 30"], Some("vlan 30"), None),
                ],
            ),
            device("edge-sw3", DeviceStatus::Modified, vec![ntp()]),
            device(
                "edge-sw4",
                DeviceStatus::Modified,
                vec![change(
                    Op::Remove,
                    &["logging host 10.0.0.9"],
                    Some("logging host 10.0.0.9"),
                    None,
                )],
            ),
            device(
                "new-fw1",
                DeviceStatus::Added,
                vec![change(
                    Op::Add,
                    &["hostname new-fw1"],
                    None,
                    Some("hostname new-fw1"),
                )],
            ),
        ],
        inventory: Inventory::default(),
        inventory_from: Inventory::default(),
    }
}

#[test]
fn text_report() {
    insta::assert_snapshot!(render_diff_text(&fixture(), &DiffReportOptions::default()));
}

#[test]
fn text_report_in_colour_marks_signs() {
    let opts = DiffReportOptions {
        color: true,
        ..DiffReportOptions::default()
    };
    let text = render_diff_text(&fixture(), &opts);
    assert!(
        text.contains("\x1b[32m+ ntp server 10.0.0.5\x1b[0m"),
        "{text}"
    );
    assert!(!render_diff_text(&fixture(), &DiffReportOptions::default()).contains('\x1b'));
}

#[test]
fn stat_report() {
    let opts = DiffReportOptions {
        stat: true,
        ..DiffReportOptions::default()
    };
    insta::assert_snapshot!(render_diff_text(&fixture(), &opts));
}

#[test]
fn json_report() {
    let text = render_diff_json(&fixture(), &DiffReportOptions::default());
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["schema"], "henko.diff/v1");
    insta::assert_json_snapshot!(value);
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(render_diff_markdown(
        &fixture(),
        &DiffReportOptions::default()
    ));
}

#[test]
fn fleet_grouping_can_be_turned_off() {
    let opts = DiffReportOptions {
        fleet_min: 0,
        ..DiffReportOptions::default()
    };
    let text = render_diff_text(&fixture(), &opts);
    assert!(!text.contains("Fleet changes"));
    assert_eq!(text.matches("+ ntp server 10.0.0.5").count(), 3);
}

#[test]
fn markdown_stays_under_the_comment_limit_and_says_what_it_left_out() {
    let mut diff = fixture();
    diff.devices = (0..2000)
        .map(|i| {
            let changes = (0..20)
                .map(|j| {
                    let line = format!("interface Gi0/{j} description device {i} port {j}");
                    change(Op::Add, &[&line], None, Some(&line))
                })
                .collect();
            device(&format!("sw{i:04}"), DeviceStatus::Modified, changes)
        })
        .collect();
    let text = render_diff_markdown(&diff, &DiffReportOptions::default());
    assert!(text.chars().count() <= MARKDOWN_LIMIT, "{}", text.len());
    assert!(text.contains("left out to stay under GitHub's comment size limit"));
    assert!(text.contains("sw0000"));
}
