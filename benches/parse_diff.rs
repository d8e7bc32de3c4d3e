//! Criterion micro-benches: parse one large generated configuration per
//! dialect, and diff two versions of it (a handful of changes, the usual
//! nightly-backup shape). Sample sizes are small so `cargo bench` stays in
//! the minutes.
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use henko::config::{parse, Dialect, ParseOptions};
use henko::diff::{diff_trees, DiffOptions};
use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

/// Lines of each generated configuration, roughly.
const SIZE: usize = 5_000;

fn ios(variant: u32) -> String {
    let mut s = String::from("hostname bench\n!\n");
    for port in 0..SIZE / 8 {
        let desc = if variant > 0 && port % 200 == 7 {
            "moved"
        } else {
            "user"
        };
        let _ = write!(
            s,
            "interface GigabitEthernet1/0/{port}\n description {desc} port {port}\n switchport mode access\n switchport access vlan {}\n spanning-tree portfast\n no cdp enable\n!\n",
            100 + port % 100
        );
    }
    s.push_str("ip access-list extended EDGE\n");
    for entry in 0..SIZE / 8 {
        let _ = writeln!(
            s,
            " {} permit tcp 10.{}.0.0 0.0.255.255 any eq {}",
            entry * 10,
            entry % 250,
            1000 + entry
        );
        if variant > 0 && entry == 50 {
            s.push_str(" 505 permit tcp host 192.0.2.1 any eq 8443\n");
        }
    }
    let _ = writeln!(s, "ntp server 10.0.0.{}", 1 + variant);
    s
}

fn fortios(variant: u32) -> String {
    let mut s = String::from("config firewall policy\n");
    for policy in 1..=SIZE / 9 {
        let action = if variant > 0 && policy % 100 == 3 {
            "deny"
        } else {
            "accept"
        };
        let _ = write!(
            s,
            "    edit {policy}\n        set name \"p{policy}\"\n        set srcintf \"port1\"\n        set dstintf \"port2\"\n        set srcaddr \"all\"\n        set dstaddr \"net-{policy}\"\n        set action {action}\n        set service \"HTTPS\"\n    next\n"
        );
    }
    s.push_str("end\n");
    s
}

fn junos(variant: u32) -> String {
    let mut s = String::from("system {\n    host-name bench;\n}\ninterfaces {\n");
    for unit in 0..SIZE / 6 {
        let desc = if variant > 0 && unit % 150 == 9 {
            "moved"
        } else {
            "user"
        };
        let _ = write!(
            s,
            "    ge-0/0/{unit} {{\n        description \"{desc} {unit}\";\n        unit 0 {{\n            family inet {{ address 10.{}.{}.1/24; }}\n        }}\n    }}\n",
            unit / 250,
            unit % 250
        );
    }
    s.push_str("}\n");
    s
}

fn yaml(variant: u32) -> String {
    let mut s = String::from("vms:\n");
    for vm in 0..SIZE / 5 {
        let cpu = if variant > 0 && vm % 120 == 4 { 8 } else { 4 };
        let _ = write!(
            s,
            "  - name: vm{vm:05}\n    cpu: {cpu}\n    memory_gb: 16\n    network: pg-{}\n    datastore: ds{}\n",
            vm % 20,
            vm % 8
        );
    }
    s
}

fn json(variant: u32) -> String {
    let mut s = String::from("{\"hosts\": [\n");
    for host in 0..SIZE / 5 {
        let state = if variant > 0 && host % 130 == 2 {
            "maintenance"
        } else {
            "connected"
        };
        let comma = if host + 1 < SIZE / 5 { "," } else { "" };
        let _ = writeln!(
            s,
            "  {{\"name\": \"esx{host:04}\", \"state\": \"{state}\", \"cluster\": \"c{}\", \"cpus\": 64}}{comma}",
            host % 6
        );
    }
    s.push_str("]}\n");
    s
}

fn ini(variant: u32) -> String {
    let mut s = String::new();
    for section in 0..SIZE / 5 {
        let mtu = if variant > 0 && section % 90 == 1 {
            1500
        } else {
            9000
        };
        let _ = write!(
            s,
            "[eth{section}]\nDEVICE = eth{section}\nBOOTPROTO = none\nIPADDR = 10.{}.{}.10\nMTU = {mtu}\n",
            section / 250,
            section % 250
        );
    }
    s
}

fn csv(variant: u32) -> String {
    let mut s = String::from("hostname,mgmt_ip,vlan,site,role\n");
    for row in 0..SIZE {
        let vlan = if variant > 0 && row % 400 == 5 {
            999
        } else {
            100 + row % 50
        };
        let _ = writeln!(
            s,
            "host{row:05},10.{}.{}.5,{vlan},west,web",
            row / 250,
            row % 250
        );
    }
    s
}

fn lines(variant: u32) -> String {
    let mut s = String::new();
    for line in 0..SIZE {
        if variant > 0 && line % 500 == 11 {
            let _ = writeln!(s, "changed line {line}");
        } else {
            let _ = writeln!(s, "line {line} of a file with no known dialect");
        }
    }
    s
}

type Generator = fn(u32) -> String;

const CASES: &[(Dialect, Generator)] = &[
    (Dialect::Ios, ios),
    (Dialect::Fortios, fortios),
    (Dialect::Junos, junos),
    (Dialect::Yaml, yaml),
    (Dialect::Json, json),
    (Dialect::Ini, ini),
    (Dialect::Csv, csv),
    (Dialect::Lines, lines),
];

fn parse_and_diff(c: &mut Criterion) {
    let options = ParseOptions::default();
    let mut parse_group = c.benchmark_group("parse");
    parse_group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for &(dialect, generate) in CASES {
        let text = generate(0);
        parse_group.throughput(Throughput::Bytes(text.len() as u64));
        parse_group.bench_with_input(BenchmarkId::from_parameter(dialect), &text, |b, text| {
            b.iter(|| parse(black_box(text.as_bytes()), dialect, &options))
        });
    }
    parse_group.finish();

    let mut diff_group = c.benchmark_group("diff");
    diff_group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let diff_options = DiffOptions::default();
    for &(dialect, generate) in CASES {
        let from = parse(generate(0).as_bytes(), dialect, &options);
        let to = parse(generate(1).as_bytes(), dialect, &options);
        diff_group.bench_with_input(
            BenchmarkId::from_parameter(dialect),
            &(from, to),
            |b, (from, to)| b.iter(|| diff_trees(black_box(from), black_box(to), &diff_options)),
        );
    }
    diff_group.finish();
}

criterion_group!(benches, parse_and_diff);
criterion_main!(benches);
