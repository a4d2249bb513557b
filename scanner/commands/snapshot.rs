//! `soc2scan snapshot PROVIDER -o FILE`: collect live accounts into a snapshot file.

use crate::cli::SnapshotArgs;
use crate::collect::{collect, resolve_providers, Verbosity};
use crate::config::Config;
use crate::error::CliError;
use crate::exit;

/// Runs `soc2scan snapshot`.
pub fn run(args: &SnapshotArgs) -> Result<u8, CliError> {
    let config = Config::discover(args.config.as_deref())?;
    let verbosity = Verbosity {
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let providers = resolve_providers(&args.providers, &config)?;
    let snapshot = collect(&providers, &args.live, &config, verbosity)?;
    let json = snapshot
        .to_json_pretty()
        .map_err(|error| CliError::Usage(format!("cannot serialise the snapshot: {error}")))?;
    soc2scan_output::write_atomic(&args.output, format!("{json}\n").as_bytes())?;
    let gaps = snapshot.gaps().count();
    if !args.quiet {
        eprintln!(
            "soc2scan: wrote {} ({} resources, {gaps} coverage gap{})",
            args.output.display(),
            snapshot.resources.len(),
            if gaps == 1 { "" } else { "s" }
        );
    }
    Ok(if gaps > 0 && !args.allow_incomplete {
        exit::INCOMPLETE
    } else {
        exit::CLEAN
    })
}
