//! `soc2scan snapshot PROVIDER -o FILE`: collect live accounts into a snapshot file.

use crate::cli::SnapshotArgs;
use crate::collect::{collect, resolve_providers, Verbosity};
use crate::commands::record::{append, new_run, open_store};
use crate::commands::scan::{configured_rule_runs, snapshot_json, RuleFilters};
use crate::config::Config;
use crate::error::CliError;
use crate::exit;
use crate::history::run::RunSource;
use crate::history::store::Access;
use chrono::Utc;
use soc2scan_output::suppress::Suppressions;
use soc2scan_rules::Engine;

/// Runs `soc2scan snapshot`.
pub fn run(args: &SnapshotArgs) -> Result<u8, CliError> {
    let config = Config::discover(args.config.as_deref())?;
    let verbosity = Verbosity {
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let providers = resolve_providers(&args.providers, &config)?;
    // Check the rule settings and open the store before collecting: a bad store or
    // configuration fails before any API call.
    let recording = if args.record {
        let runs = configured_rule_runs(&RuleFilters::default(), &config)?;
        let store = open_store(&args.store, &config, Access::Write)?;
        Some((runs, store))
    } else {
        None
    };
    let snapshot = collect(&providers, &args.live, &config, verbosity)?;
    let bytes = snapshot_json(&snapshot)?;
    let staged = soc2scan_output::stage(&args.output, &bytes)?;
    if let Some((runs, mut store)) = recording {
        let report = Engine::new(runs).evaluate(&snapshot);
        let suppressions = Suppressions::new(config.suppressions()?, Utc::now().date_naive());
        let run = new_run(&report, &suppressions, RunSource::Snapshot, &bytes);
        append(&mut store, run, args.quiet)?;
    }
    staged.commit()?;
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
