//! Remediation micro-benches: parse both sides of a 12,000-line IOS
//! running/intended pair and compute the remediation and rollback, each
//! proved by simulation, in process (the figure hier_config 4's
//! `benches/hier_config_bench.py` times for itself), the same with the
//! rule table's lookup memo empty as in a fresh process, and with both
//! sides already parsed.
//!
//! The pair is the one `benches/ios_pair.py` writes, in shape: VLANs,
//! access ports and SVIs, a 3,000-entry ACL, a prefix list, route maps and
//! 220 BGP neighbours, with descriptions, VLAN moves, shut ports, retired
//! and new VLANs, ACL entries, neighbours and a prefix edited.
//!
//! `cargo bench --bench remediate` (it writes the pair under
//! `target/tmp/remediate-ios-pair/` for timing hier_config on it).
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use henko::config::{parse, ConfigTree, Dialect, ParseOptions};
use henko::plan::remediate::{remediate, PlatformRules};
use std::hint::black_box;

/// Returns one side of the pair (`intended` or running).
fn side(intended: bool) -> String {
    let mut out = vec![
        "hostname core-sw-01".to_string(),
        "ip routing".to_string(),
        "!".to_string(),
    ];
    let (ports, vlans, acl, peers) = (680, 1000, 3000, 220);
    for vlan in 100..100 + vlans {
        if intended && vlan % 97 == 0 {
            continue;
        }
        out.push(format!("vlan {vlan}"));
        out.push(format!(" name SEG-{vlan}"));
    }
    if intended {
        for vlan in 3000..3010 {
            out.push(format!("vlan {vlan}"));
            out.push(format!(" name NEW-{vlan}"));
        }
    }
    for port in 0..ports {
        let (slot, num) = (port / 48, port % 48);
        let desc = match intended && port % 23 == 0 {
            true => format!("access port {port} moved to rack {}", port % 40 + 1),
            false => format!("access port {port} rack {}", port % 40 + 1),
        };
        let vlan = match intended && port % 31 == 0 {
            true => 100 + (port + 7) % vlans,
            false => 100 + port % vlans,
        };
        out.push(format!(
            "interface GigabitEthernet{}/0/{}",
            slot + 1,
            num + 1
        ));
        out.push(format!(" description {desc}"));
        out.push(" switchport mode access".to_string());
        out.push(format!(" switchport access vlan {vlan}"));
        out.push(" spanning-tree portfast".to_string());
        if intended && port % 53 == 0 {
            out.push(" shutdown".to_string());
        }
        out.push("!".to_string());
    }
    for svi in 100..100 + vlans / 4 {
        out.push(format!("interface Vlan{svi}"));
        out.push(format!(" description SVI {svi}"));
        out.push(format!(
            " ip address 10.{}.{}.1 255.255.255.0",
            svi / 250,
            svi % 250
        ));
        out.push("!".to_string());
    }
    out.push("ip access-list extended EDGE-IN".to_string());
    for seq in (10..10 * (acl + 1)).step_by(10) {
        if intended && seq % 1370 == 0 {
            continue;
        }
        out.push(format!(
            " {seq} permit tcp 10.{}.{}.0 0.0.0.255 any eq {}",
            seq % 250,
            seq / 250 % 250,
            1024 + seq % 5000
        ));
        if intended && seq % 910 == 0 {
            out.push(format!(
                " {} permit udp host 192.0.2.{} any eq 514",
                seq + 5,
                seq % 250
            ));
        }
    }
    out.push(" 999990 deny ip any any log".to_string());
    for entry in (5..=1000).step_by(5) {
        let prefix = match intended && entry == 500 {
            true => "172.31.250.0/24".to_string(),
            false => format!("172.{}.{}.0/24", 16 + entry % 16, entry % 250),
        };
        out.push(format!(
            "ip prefix-list PL-CUSTOMERS seq {entry} permit {prefix}"
        ));
    }
    out.push("router bgp 65001".to_string());
    out.push(" bgp log-neighbor-changes".to_string());
    for peer in 0..peers {
        if intended && peer % 41 == 0 {
            continue;
        }
        let address = format!("100.64.{}.{}", peer / 250, peer % 250 + 1);
        out.push(format!(" neighbor {address} remote-as {}", 65100 + peer));
        out.push(format!(" neighbor {address} description peer-{peer}"));
        out.push(format!(
            " neighbor {address} route-map RM-IN-{} in",
            peer % 20
        ));
    }
    out.push("!".to_string());
    out.join("\n") + "\n"
}

fn parsed(text: &str) -> ConfigTree {
    parse(text.as_bytes(), Dialect::Ios, &ParseOptions::default())
}

fn remediation(c: &mut Criterion) {
    let (running, intended) = (side(false), side(true));
    // The pair on disk, for timing hier_config on the same input:
    // `python3 benches/hier_config_bench.py DIR/running.cfg DIR/intended.cfg 30`.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("remediate-ios-pair");
    std::fs::create_dir_all(&dir).expect("target tmp dir");
    std::fs::write(dir.join("running.cfg"), &running).expect("write the pair");
    std::fs::write(dir.join("intended.cfg"), &intended).expect("write the pair");
    eprintln!("pair written to {}", dir.display());
    let rules = PlatformRules::builtin("ios");
    let (from, to) = (parsed(&running), parsed(&intended));
    let first = remediate(&from, &to, "ios", &rules);
    assert!(first.verified, "{:?}", first.simulation_errors);
    assert!(!first.apply.is_empty() && !first.rollback.is_empty());
    let lines = running.lines().count() + intended.lines().count();
    let mut group = c.benchmark_group(format!("remediate_ios_pair_{lines}_lines"));
    group.sample_size(30);
    group.bench_function("parse_remediate_rollback_prove", |b| {
        b.iter(|| {
            let (from, to) = (parsed(&running), parsed(&intended));
            black_box(remediate(&from, &to, "ios", &rules))
        })
    });
    // As a process meets the pair: the rule table's lookup memo empty (its
    // regexes stay compiled, as they would be after the first device).
    group.bench_function("parse_remediate_rollback_prove_empty_memo", |b| {
        b.iter_batched(
            || rules.clone().with_overrides("{}", "bench").unwrap(),
            |fresh| {
                let (from, to) = (parsed(&running), parsed(&intended));
                black_box(remediate(&from, &to, "ios", &fresh))
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("remediate_rollback_prove_parsed", |b| {
        b.iter(|| black_box(remediate(&from, &to, "ios", &rules)))
    });
    group.finish();
}

criterion_group!(benches, remediation);
criterion_main!(benches);
