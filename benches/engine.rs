//! Rule-engine benchmarks on a synthetic snapshot of 1,000,000 resources (mixed kinds).
//!
//! `cargo bench --bench engine` reports:
//! - `evaluate/all-rules/1000000`: every rule over the whole snapshot (target: < 1 s on
//!   2 cores), including building the inventory indexes;
//! - `load/json/1000000`: parsing and validating the snapshot's JSON, reported separately.
//!
//! Peak memory is measured on the real binary instead (see BENCHMARKS.md).
//! `SOC2SCAN_BENCH_RESOURCES` changes the size (e.g. 100000 for a quick run).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use soc2scan::rules::{all_rules, Engine, RuleRun};
use soc2scan::synthetic;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn size() -> usize {
    std::env::var("SOC2SCAN_BENCH_RESOURCES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000_000)
}

fn engine_benches(c: &mut Criterion) {
    let size = size();
    let snapshot = synthetic::snapshot(size);
    let engine = Engine::new(
        all_rules()
            .iter()
            .map(|rule| RuleRun::with_defaults(*rule))
            .collect(),
    );

    let mut group = c.benchmark_group("evaluate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(size as u64));
    group.bench_function(format!("all-rules/{size}"), |b| {
        b.iter(|| black_box(engine.evaluate(black_box(&snapshot)).evaluations.len()))
    });
    group.finish();

    let json = serde_json::to_vec(&snapshot).unwrap_or_default();
    drop(snapshot);
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function(format!("json/{size}"), |b| {
        b.iter(|| {
            let loaded = soc2scan::providers::Snapshot::from_json_slice(
                black_box(&json),
                Path::new("synthetic.json"),
            );
            black_box(loaded.map(|s| s.resources.len()).unwrap_or_default())
        })
    });
    group.finish();
}

criterion_group!(benches, engine_benches);
criterion_main!(benches);
