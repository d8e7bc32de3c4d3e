//! Script engine micro-benches: the full shipped rule library over one
//! changed device, and over a 200-device slice of a change set, with a
//! 2,000-device inventory behind them (dependents, pairs, VLAN users).
//!
//! `cargo bench --bench script`
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, Criterion};
use henko::config::Dialect;
use henko::diff::{Change, ChangeCategory, DeviceDiff, DeviceStatus, Op};
use henko::inventory::{Device, DeviceKind, Env, Inventory};
use henko::script::{AssessInput, AssessOptions, ScriptOptions, ScriptSet};
use std::hint::black_box;

fn change(op: Op, path: &[String], before: Option<String>, after: Option<String>) -> Change {
    Change::new(op, path.to_vec(), before, after, ChangeCategory::Config)
}

/// A realistic switch/router change: interfaces re-described and shut,
/// a BGP neighbour removed, VLANs added, an NTP server removed — 56 changes.
fn device_changes(i: usize) -> Vec<Change> {
    let mut out = Vec::new();
    for port in 0..20 {
        let header = format!("interface Ethernet{port}");
        let after = format!("description server-{i}-{port}");
        out.push(change(
            Op::Modify,
            &[header.clone(), after.clone()],
            Some(format!("description old-{port}")),
            Some(after),
        ));
        if port % 5 == 0 {
            out.push(change(
                Op::Add,
                &[header, "shutdown".into()],
                None,
                Some("shutdown".into()),
            ));
        }
    }
    for vlan in 0..30 {
        let line = format!("vlan {}", 200 + vlan);
        let after = Some(line.clone());
        out.push(change(Op::Add, std::slice::from_ref(&line), None, after));
    }
    let neighbor = "neighbor 10.255.0.2 remote-as 65002".to_string();
    out.push(change(
        Op::Remove,
        &["router bgp 65001".into(), neighbor.clone()],
        Some(neighbor),
        None,
    ));
    out.push(change(
        Op::Remove,
        &["ntp server 10.1.100.10".into()],
        Some("ntp server 10.1.100.10".into()),
        None,
    ));
    out
}

fn inventory(devices: usize) -> Inventory {
    let mut all = Vec::new();
    for i in 0..devices {
        let (kind, depends_on) = match i % 10 {
            0 => (DeviceKind::Switch, vec![]),
            1..=3 => (
                DeviceKind::Hypervisor,
                vec![format!("dev-{:05}", i - i % 10)],
            ),
            _ => (DeviceKind::Vm, vec![format!("dev-{:05}", i - i % 10 + 1)]),
        };
        let mut vars = std::collections::BTreeMap::new();
        vars.insert("vlan".to_string(), serde_json::json!(100 + i % 50));
        all.push(Device {
            name: format!("dev-{i:05}"),
            kind,
            platform: "eos".into(),
            site: if i % 2 == 0 { "west" } else { "east" }.into(),
            env: if i % 2 == 0 { Env::Prod } else { Env::Standby },
            depends_on,
            pair: (i % 20 == 0).then(|| format!("dev-{:05}", i + 1)),
            vars,
            ..Device::default()
        });
    }
    Inventory::new(all)
}

fn diff(i: usize) -> DeviceDiff {
    DeviceDiff {
        name: format!("dev-{:05}", i * 10),
        platform: "eos".into(),
        dialect: Dialect::Ios,
        status: DeviceStatus::Modified,
        config: String::new(),
        changes: device_changes(i),
        lines: None,
        warnings: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let set = ScriptSet::load(&ScriptOptions {
        builtin: true,
        ..ScriptOptions::default()
    })
    .expect("shipped rules compile");
    let inventory = inventory(2_000);
    let options = AssessOptions::default();

    let one = vec![diff(0)];
    c.bench_function("assess: one device (62 changes) x full library", |b| {
        b.iter(|| {
            let input = AssessInput {
                devices: &one,
                inventory: &inventory,
                inventory_from: &inventory,
                tables: &Default::default(),
            };
            black_box(set.assess(&input, &options))
        })
    });

    let many: Vec<DeviceDiff> = (0..200).map(diff).collect();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.bench_function("200 devices x full library", |b| {
        b.iter(|| {
            let input = AssessInput {
                devices: &many,
                inventory: &inventory,
                inventory_from: &inventory,
                tables: &Default::default(),
            };
            black_box(set.assess(&input, &options))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
