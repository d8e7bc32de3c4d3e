//! Parameter sheets at scale: parse and diff a 100,000-row sheet in which
//! 1% of the rows changed a cell, and the same rows shuffled (no change).
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, Criterion};
use henko::config::{parse, Dialect, ParseOptions};
use henko::diff::{diff_trees, DiffOptions};

const ROWS: usize = 100_000;

fn sheet(rows: usize, edit: impl Fn(usize) -> bool, reverse: bool) -> String {
    let mut lines: Vec<String> = (0..rows)
        .map(|i| {
            let name = if edit(i) {
                format!("SEG-{i}-NEW")
            } else {
                format!("SEG-{i}")
            };
            format!(
                "{i},{name},10.{}.{}.0/24,10.{}.{}.1,web,w-leaf{:02}",
                i / 256 % 256,
                i % 256,
                i / 256 % 256,
                i % 256,
                i % 40
            )
        })
        .collect();
    if reverse {
        lines.reverse();
    }
    format!(
        "ID,名前,サブネット,ゲートウェイ,用途,機器\n{}\n",
        lines.join("\n")
    )
}

fn bench(c: &mut Criterion) {
    let before = sheet(ROWS, |_| false, false);
    let after = sheet(ROWS, |i| i % 100 == 7, false);
    let shuffled = sheet(ROWS, |_| false, true);
    let options = ParseOptions::default();
    let mut group = c.benchmark_group("sheet_100k_rows");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| parse(before.as_bytes(), Dialect::Csv, &options))
    });
    group.bench_function("parse_and_diff_1pct_changed", |b| {
        b.iter(|| {
            let from = parse(before.as_bytes(), Dialect::Csv, &options);
            let to = parse(after.as_bytes(), Dialect::Csv, &options);
            let changes = diff_trees(&from, &to, &DiffOptions::default());
            assert_eq!(changes.len(), ROWS / 100);
            changes
        })
    });
    group.bench_function("parse_and_diff_sorted_differently", |b| {
        b.iter(|| {
            let from = parse(before.as_bytes(), Dialect::Csv, &options);
            let to = parse(shuffled.as_bytes(), Dialect::Csv, &options);
            let changes = diff_trees(&from, &to, &DiffOptions::default());
            assert!(changes.is_empty());
            changes
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
