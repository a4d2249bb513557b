//! `soc2scan history`: list the recorded runs; `history import`: backfill from kept
//! snapshots; `history migrate`: bring an older store's schema forward.

use super::print_stdout;
use crate::cli::{HistoryAction, HistoryArgs, ImportArgs, ListFormat, MigrateArgs};
use crate::commands::record::{new_run, open_store, recorded_line};
use crate::commands::scan::{configured_rule_runs, RuleFilters};
use crate::config::Config;
use crate::error::CliError;
use crate::exit;
use crate::history::run::{Counter, RunSource};
use crate::history::sha256_hex;
use crate::history::store::{Access, RunRow};
use comfy_table::{presets::ASCII_MARKDOWN, Table};
use soc2scan_output::suppress::Suppressions;
use soc2scan_providers::{ScanTarget, Snapshot};
use soc2scan_rules::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs `soc2scan history`.
pub fn run(args: &HistoryArgs) -> Result<u8, CliError> {
    match &args.action {
        Some(HistoryAction::Import(import_args)) => import(import_args),
        Some(HistoryAction::Migrate(migrate_args)) => migrate(migrate_args),
        None => list(args),
    }
}

/// Totals of a run's counters.
pub(crate) fn totals(run: &RunRow) -> Counter {
    let counters: BTreeMap<String, Counter> =
        serde_json::from_str(&run.counters).unwrap_or_default();
    let mut total = Counter::default();
    for counter in counters.values() {
        total.merge(counter);
    }
    total
}

/// `aws:111122223333 (eu-west-1, us-east-1), gcp:acme-prod`.
pub(crate) fn targets_text(run: &RunRow) -> String {
    let targets: Vec<ScanTarget> = serde_json::from_str(&run.targets).unwrap_or_default();
    targets
        .iter()
        .map(|target| {
            let mut text = format!("{}:{}", target.provider, target.account);
            if !target.regions.is_empty() {
                text.push_str(&format!(" ({})", target.regions.join(", ")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(args: &HistoryArgs) -> Result<u8, CliError> {
    let config = Config::discover(args.config.as_deref())?;
    let mut store = open_store(&args.store, &config, Access::Read)?;
    let runs = store.runs()?;
    let text = match args.format {
        ListFormat::Json => {
            let runs: Vec<serde_json::Value> = runs
                .iter()
                .map(|run| {
                    let total = totals(run);
                    serde_json::json!({
                        "seq": run.seq,
                        "collected_at": run.collected_at,
                        "recorded_at": run.recorded_at,
                        "source": run.source,
                        "tool_version": run.tool_version,
                        "targets": serde_json::from_str::<serde_json::Value>(&run.targets)
                            .unwrap_or_default(),
                        "complete": run.complete,
                        "passed": total.passed,
                        "failed": total.failed,
                        "suppressed": total.suppressed,
                        "not_evaluated": total.not_evaluated,
                        "snapshot_sha256": run.snapshot,
                        "run_hash": run.run_hash,
                    })
                })
                .collect();
            let document = serde_json::json!({
                "format": "soc2scan-history",
                "format_version": 1,
                "store": store.label(),
                "runs": runs,
            });
            let mut text = serde_json::to_string_pretty(&document)
                .map_err(|e| CliError::Usage(format!("cannot serialise the history: {e}")))?;
            text.push('\n');
            text
        }
        ListFormat::Table | ListFormat::Markdown => {
            let mut table = Table::new();
            table.load_preset(ASCII_MARKDOWN).set_header([
                "seq",
                "collected (UTC)",
                "source",
                "targets",
                "complete",
                "passed",
                "failed",
                "suppressed",
                "not evaluated",
                "snapshot sha256",
            ]);
            for run in &runs {
                let total = totals(run);
                table.add_row([
                    run.seq.to_string(),
                    run.collected_at.clone(),
                    run.source.clone(),
                    targets_text(run),
                    if run.complete { "yes" } else { "no" }.to_string(),
                    total.passed.to_string(),
                    total.failed.to_string(),
                    total.suppressed.to_string(),
                    total.not_evaluated.to_string(),
                    run.snapshot.clone(),
                ]);
            }
            let head = runs.last().map_or(String::new(), |run| {
                format!("; newest run #{} has run hash {}", run.seq, run.run_hash)
            });
            format!(
                "{table}\n{} run{} in {}{head}\n",
                runs.len(),
                if runs.len() == 1 { "" } else { "s" },
                store.label()
            )
        }
    };
    print_stdout(&text)?;
    Ok(exit::CLEAN)
}

fn migrate(args: &MigrateArgs) -> Result<u8, CliError> {
    let config = Config::discover(args.config.as_deref())?;
    // Opening for writing applies the forward migrations (and refuses a newer store).
    let store = open_store(&args.store, &config, Access::Write)?;
    eprintln!(
        "soc2scan: {} has schema version {}",
        store.label(),
        crate::history::schema::SCHEMA_VERSION
    );
    Ok(exit::CLEAN)
}

/// A snapshot file read once to check it and learn its collection time.
struct Checked {
    path: PathBuf,
    sha256: String,
    collected_at: chrono::DateTime<chrono::Utc>,
}

fn read_snapshot(path: &Path) -> Result<(Vec<u8>, Snapshot), CliError> {
    let bytes = std::fs::read(path).map_err(|source| {
        CliError::Snapshot(soc2scan_providers::LoadError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let snapshot = Snapshot::from_json_slice(&bytes, path)?;
    if snapshot.plan.is_some() {
        return Err(CliError::Usage(format!(
            "{}: a snapshot built from a Terraform plan is a proposed change, not evidence of a \
             running system; it is not imported",
            path.display()
        )));
    }
    Ok((bytes, snapshot))
}

fn import(args: &ImportArgs) -> Result<u8, CliError> {
    let config = Config::discover(args.config.as_deref())?;
    let runs = configured_rule_runs(&RuleFilters::default(), &config)?;
    let suppressions = config.suppressions()?;
    // Check every file before touching the store: one bad file records nothing.
    let mut checked = Vec::with_capacity(args.snapshots.len());
    for path in &args.snapshots {
        let (bytes, snapshot) = read_snapshot(path)?;
        checked.push(Checked {
            path: path.clone(),
            sha256: sha256_hex(&bytes),
            collected_at: snapshot.metadata.finished_at,
        });
    }
    checked.sort_by(|a, b| (a.collected_at, &a.path).cmp(&(b.collected_at, &b.path)));
    let mut store = open_store(&args.store, &config, Access::Write)?;
    let mut skipped = Vec::new();
    let mut batch = Vec::with_capacity(checked.len());
    let mut seen = std::collections::HashSet::new();
    for file in checked {
        if !seen.insert(file.sha256.clone()) {
            skipped.push(format!(
                "{}: the same snapshot as another file given",
                file.path.display()
            ));
            continue;
        }
        if let Some(seq) = store.run_of_snapshot(&file.sha256)? {
            skipped.push(format!(
                "{}: already recorded as run #{seq}",
                file.path.display()
            ));
            continue;
        }
        batch.push(file);
    }
    if let (Some((seq, _, newest)), Some(first)) = (store.head()?, batch.first()) {
        let newest_time = crate::history::parse_time(&newest);
        if newest_time.is_some_and(|newest| first.collected_at < newest) {
            return Err(CliError::Usage(format!(
                "{}: collected at {}, before the newest recorded run #{seq} ({newest}); the \
                 history keeps runs in collection order, so import older snapshots into a new \
                 store, or before recording newer runs (nothing was recorded)",
                first.path.display(),
                crate::history::time_text(first.collected_at)
            )));
        }
    }
    let engine = Engine::new(runs);
    let label = store.label().to_string();
    let produce = batch.iter().map(|file| -> Result<_, CliError> {
        let (bytes, snapshot) = read_snapshot(&file.path)?;
        if sha256_hex(&bytes) != file.sha256 {
            return Err(CliError::Usage(format!(
                "{}: the file changed while it was being imported (nothing was recorded)",
                file.path.display()
            )));
        }
        let report = engine.evaluate(&snapshot);
        // Suppressions as they stood on the snapshot's collection day.
        let in_force = Suppressions::new(
            suppressions.clone(),
            snapshot.metadata.finished_at.date_naive(),
        );
        Ok(new_run(&report, &in_force, RunSource::Import, &bytes))
    });
    let appended = store.append_each(produce)?;
    if !args.quiet {
        for note in &skipped {
            eprintln!("soc2scan: skipped {note}");
        }
        match (appended.first(), appended.last()) {
            (Some(first), Some(last)) => {
                let runs = if first.seq == last.seq {
                    format!("run #{}", first.seq)
                } else {
                    format!("runs #{}–#{}", first.seq, last.seq)
                };
                eprintln!(
                    "soc2scan: imported {} snapshot{} as {runs} into {label}",
                    appended.len(),
                    if appended.len() == 1 { "" } else { "s" },
                );
                eprintln!("{}", recorded_line(&label, last));
            }
            _ => eprintln!("soc2scan: nothing new to import into {label}"),
        }
    }
    Ok(exit::CLEAN)
}
