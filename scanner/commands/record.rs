//! Recording runs into the evidence history, shared by `scan --record`, `snapshot
//! --record` and `history import`.

use crate::cli::StoreArgs;
use crate::config::Config;
use crate::error::CliError;
use crate::history::run::{rules_run, NewRun, RunSource};
use crate::history::store::{Access, Appended};
use crate::history::{location, Store};
use chrono::Utc;
use soc2scan_output::suppress::Suppressions;
use soc2scan_rules::Report;

/// Opens the store the flags, the environment or the configuration name.
pub fn open_store(args: &StoreArgs, config: &Config, access: Access) -> Result<Store, CliError> {
    let location = location::resolve(args.url.as_deref(), config.history.url.as_deref())?;
    Ok(Store::open(&location, access)?)
}

/// The run of an evaluated report, ready to append.
pub fn new_run(
    report: &Report<'_>,
    suppressions: &Suppressions,
    source: RunSource,
    snapshot_bytes: &[u8],
) -> (NewRun, Vec<String>) {
    (
        NewRun::from_report(report, suppressions, source, snapshot_bytes, Utc::now()),
        rules_run(report),
    )
}

/// Appends one run and says so on standard error unless quiet.
pub fn append(
    store: &mut Store,
    run: (NewRun, Vec<String>),
    quiet: bool,
) -> Result<Appended, CliError> {
    let appended = store.append(run.0, run.1)?;
    if !quiet {
        eprintln!("{}", recorded_line(store.label(), &appended));
    }
    Ok(appended)
}

/// `soc2scan: recorded run #12 in sqlite:h.db (run hash 1a2b3c4d5e6f…)`.
pub fn recorded_line(store: &str, appended: &Appended) -> String {
    format!(
        "soc2scan: recorded run #{} in {store} (run hash {})",
        appended.seq, appended.run_hash
    )
}
