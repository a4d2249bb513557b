//! Terraform plan benchmark: the whole `soc2scan scan --terraform-plan plan.json --tf-root
//! DIR` on a generated configuration of 10,000 resource instances across 50 local modules
//! (`scanner/synthetic_plan.rs`): reading and mapping the plan, looking up the `.tf` block
//! of every resource, running every rule, and writing the SARIF report. Target: < 1 s on
//! 2 cores.
//!
//! `cargo bench --no-default-features --bench plan`; `SOC2SCAN_BENCH_PLAN_RESOURCES` and
//! `SOC2SCAN_BENCH_PLAN_MODULES` change the size.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use soc2scan::cli::{Cli, Command};
use std::time::Duration;

fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn plan_benches(c: &mut Criterion) {
    let resources = env_size("SOC2SCAN_BENCH_PLAN_RESOURCES", 10_000);
    let modules = env_size("SOC2SCAN_BENCH_PLAN_MODULES", 50);
    let dir = tempfile::tempdir().expect("temporary directory");
    let plan = soc2scan::synthetic_plan::write(dir.path(), resources, modules).expect("plan");
    let out = dir.path().join("out.sarif");
    let argv = [
        "soc2scan".to_string(),
        "scan".to_string(),
        "--terraform-plan".to_string(),
        plan.display().to_string(),
        "--tf-root".to_string(),
        dir.path().display().to_string(),
        "--quiet".to_string(),
        "--fail-on".to_string(),
        "none".to_string(),
        "-o".to_string(),
        format!("sarif={}", out.display()),
    ];

    let mut group = c.benchmark_group("plan");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(resources as u64));
    group.bench_function(format!("scan/{resources}x{modules}"), |b| {
        b.iter(|| {
            let Command::Scan(args) = Cli::try_parse_from(&argv).expect("arguments").command else {
                unreachable!("a scan command")
            };
            soc2scan::commands::scan::run(&args).expect("scan succeeds")
        })
    });
    group.finish();
}

criterion_group!(benches, plan_benches);
criterion_main!(benches);
