//! Writes a synthetic snapshot of N resources (default 1,000,000) to standard output, for
//! measuring a full `soc2scan scan` on a large input:
//!
//! ```sh
//! cargo run --release --example gen-synthetic-snapshot -- 1000000 > /tmp/synthetic.json
//! /usr/bin/time -v target/release/soc2scan scan --snapshot /tmp/synthetic.json --format json > /dev/null
//! ```

use std::io::Write;

fn main() -> std::process::ExitCode {
    let size = match std::env::args().nth(1).map(|arg| arg.parse::<usize>()) {
        None => 1_000_000,
        Some(Ok(size)) => size,
        Some(Err(error)) => {
            eprintln!("gen-synthetic-snapshot: the size must be a whole number: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let snapshot = soc2scan::synthetic::snapshot(size);
    let stdout = std::io::stdout().lock();
    let mut writer = std::io::BufWriter::new(stdout);
    if let Err(error) = serde_json::to_writer(&mut writer, &snapshot)
        .map_err(std::io::Error::from)
        .and_then(|()| writer.flush())
    {
        eprintln!("gen-synthetic-snapshot: cannot write: {error}");
        return std::process::ExitCode::from(1);
    }
    std::process::ExitCode::SUCCESS
}
