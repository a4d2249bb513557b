//! Writes the benchmark's generated Terraform configuration and plan JSON into a directory:
//! `cargo run --release --no-default-features --example gen-synthetic-plan -- DIR [RESOURCES [MODULES]]`
//! (default 10,000 resource instances across 50 modules), then
//! `soc2scan scan --terraform-plan DIR/plan.json --tf-root DIR`.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-synthetic-plan DIR [RESOURCES [MODULES]]");
        std::process::exit(2);
    };
    let resources = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let modules = args.next().and_then(|n| n.parse().ok()).unwrap_or(50);
    match soc2scan::synthetic_plan::write(std::path::Path::new(&dir), resources, modules) {
        Ok(plan) => println!("{}", plan.display()),
        Err(error) => {
            eprintln!("gen-synthetic-plan: {dir}: {error}");
            std::process::exit(1);
        }
    }
}
