//! `soc2scan verify [--from DATE] [--to DATE]`: recompute the chain, re-hash the snapshots.

use super::print_stdout;
use crate::cli::VerifyArgs;
use crate::commands::record::open_store;
use crate::config::Config;
use crate::error::CliError;
use crate::exit;
use crate::history::parse_time;
use crate::history::store::Access;
use crate::history::verify::{verify_chain, verify_snapshots};
use chrono::NaiveDate;

/// Parses a `--from`/`--to` day.
pub(crate) fn parse_day(flag: &str, value: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::Usage(format!("{flag} {value:?}: expected a date YYYY-MM-DD")))
}

/// Checks that `from` is not after `to`.
pub(crate) fn check_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), CliError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(CliError::Usage(format!(
            "--from {from} is after --to {to}: the period would be empty"
        ))),
        _ => Ok(()),
    }
}

/// Runs `soc2scan verify`: exit 0 when intact, 1 with what is broken.
pub fn run(args: &VerifyArgs) -> Result<u8, CliError> {
    let from = args
        .from
        .as_deref()
        .map(|v| parse_day("--from", v))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|v| parse_day("--to", v))
        .transpose()?;
    check_range(from, to)?;
    let config = Config::discover(args.config.as_deref())?;
    let mut store = open_store(&args.store, &config, Access::Read)?;
    let history = store.load()?;
    let selected = |run: &crate::history::store::RunRow| {
        let Some(day) = parse_time(&run.collected_at).map(|t| t.date_naive()) else {
            // An unreadable time is itself checked (it is part of the content hash).
            return true;
        };
        from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to)
    };
    let mut verification = verify_chain(&history, selected);
    verify_snapshots(&mut store, &history, selected, &mut verification)?;
    let range = match (from, to) {
        (None, None) => String::new(),
        (from, to) => format!(
            " collected {} to {}",
            from.map_or("the first run".to_string(), |d| d.to_string()),
            to.map_or("the newest run".to_string(), |d| d.to_string())
        ),
    };
    let head = verification
        .head
        .as_ref()
        .map_or(String::new(), |(seq, hash)| {
            format!("; newest run #{seq}, run hash {hash}")
        });
    let mut text = String::new();
    if verification.intact() {
        text.push_str(&format!(
            "{}: intact: {} run{}{range} checked, {} snapshot{} re-hashed{head}\n",
            store.label(),
            verification.runs_checked,
            if verification.runs_checked == 1 {
                ""
            } else {
                "s"
            },
            verification.snapshots_checked,
            if verification.snapshots_checked == 1 {
                ""
            } else {
                "s"
            },
        ));
    } else {
        text.push_str(&format!(
            "{}: BROKEN: {} problem{} in {} run{}{range} checked{head}\n",
            store.label(),
            verification.problems.len(),
            if verification.problems.len() == 1 {
                ""
            } else {
                "s"
            },
            verification.runs_checked,
            if verification.runs_checked == 1 {
                ""
            } else {
                "s"
            },
        ));
        for problem in &verification.problems {
            match problem.seq {
                Some(seq) => text.push_str(&format!("  run #{seq}: {}\n", problem.message)),
                None => text.push_str(&format!("  store: {}\n", problem.message)),
            }
        }
    }
    print_stdout(&text)?;
    Ok(if verification.intact() {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}
