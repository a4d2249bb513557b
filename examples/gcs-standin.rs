//! The Cloud Storage gRPC stand-in of the tests, as a program: serves a fixture file or a
//! generated project of N buckets on a loopback port until standard input closes.
//!
//! ```text
//! cargo run --release --example gcs-standin -- --buckets 2000 --project bench
//! cargo run --example gcs-standin -- --fixture tests/fixtures/gcs/two-projects.json
//! ```
//!
//! It prints `endpoint http://127.0.0.1:PORT` once it listens; point soc2scan at it with
//! `soc2scan scan gcp --project bench --gcp-endpoint URL --gcp-anonymous`.
//! `benches/gcs_scan.py` drives it for the 2,000-bucket benchmark.

#[path = "../tests/support/gcs_standin.rs"]
mod gcs_standin;

use gcs_standin::{Fixture, FixtureBinding, FixtureBucket};
use std::io::{Read, Write};

fn usage() -> ! {
    eprintln!("usage: gcs-standin (--fixture FILE | --buckets N [--project ID]) [--listen ADDR]");
    std::process::exit(2)
}

/// `count` buckets in `project`, a mix of good and bad settings like a real estate.
fn generated(project: &str, count: usize) -> Fixture {
    let buckets = (0..count)
        .map(|i| FixtureBucket {
            name: format!("{project}-bucket-{i:05}"),
            location: if i % 3 == 0 { "EU" } else { "US-CENTRAL1" }.to_string(),
            location_type: if i % 3 == 0 { "multi-region" } else { "region" }.to_string(),
            uniform_bucket_level_access: i % 5 != 0,
            public_access_prevention: if i % 4 == 0 { "inherited" } else { "enforced" }.to_string(),
            versioning: i % 2 == 0,
            default_kms_key: if i % 3 == 0 {
                format!("projects/{project}/locations/eu/keyRings/r/cryptoKeys/k{i}")
            } else {
                String::new()
            },
            log_bucket: if i % 7 == 0 {
                String::new()
            } else {
                format!("{project}-logs")
            },
            log_object_prefix: String::new(),
            soft_delete_seconds: Some(if i % 6 == 0 { 0 } else { 604_800 }),
            retention_seconds: None,
            retention_locked: false,
            labels: [("env".to_string(), "bench".to_string())].into(),
            bindings: vec![
                FixtureBinding {
                    role: "roles/storage.legacyBucketOwner".to_string(),
                    members: vec![
                        format!("projectOwner:{project}"),
                        format!("projectEditor:{project}"),
                    ],
                    condition_title: None,
                    condition_expression: None,
                },
                FixtureBinding {
                    role: "roles/storage.objectViewer".to_string(),
                    members: if i % 50 == 0 {
                        vec!["allUsers".to_string()]
                    } else {
                        vec![format!("group:team-{}@example.com", i % 20)]
                    },
                    condition_title: None,
                    condition_expression: None,
                },
            ],
        })
        .collect();
    Fixture {
        projects: [(project.to_string(), buckets)].into(),
        faults: Default::default(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut fixture, mut count, mut project, mut listen) =
        (None, None, "bench".to_string(), "127.0.0.1:0".to_string());
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--fixture" => fixture = Some(Fixture::load(std::path::Path::new(&value()))),
            "--buckets" => count = Some(value().parse::<usize>().unwrap_or_else(|_| usage())),
            "--project" => project = value(),
            "--listen" => listen = value(),
            _ => usage(),
        }
    }
    let fixture = match (fixture, count) {
        (Some(fixture), None) => fixture,
        (None, Some(count)) => generated(&project, count),
        _ => usage(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let standin = runtime.block_on(gcs_standin::start(fixture, &listen));
    println!("endpoint {}", standin.endpoint);
    let _ = std::io::stdout().flush();
    // Serve until whoever started us closes our standard input (or exits).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    let calls = standin.calls().len();
    drop(standin);
    eprintln!("gcs-standin: served {calls} calls");
}
