//! `soc2scan report --from --to [--tz] [--criteria] --format json|markdown|html|csv -o PATH`.

use crate::cli::{ReportArgs, ReportFormat};
use crate::commands::record::open_store;
use crate::commands::verify::{check_range, parse_day};
use crate::config::Config;
use crate::error::CliError;
use crate::exit;
use crate::history::period::{build, ReportRequest};
use crate::history::render;
use crate::history::store::Access;
use crate::history::verify::verify_chain;
use chrono::Utc;

/// Runs `soc2scan report`. Nothing is written unless the whole report could be made.
pub fn run(args: &ReportArgs) -> Result<u8, CliError> {
    let from = parse_day("--from", &args.from)?;
    let to = parse_day("--to", &args.to)?;
    check_range(Some(from), Some(to))?;
    let mut criteria = Vec::new();
    for id in &args.criteria {
        let id = id.trim();
        let criterion = soc2scan_rules::catalog::criterion(id).ok_or_else(|| {
            CliError::Selection(soc2scan_rules::SelectionError::UnknownCriterion {
                id: id.to_string(),
            })
        })?;
        if !criteria.contains(&criterion.id.to_string()) {
            criteria.push(criterion.id.to_string());
        }
    }
    if jiff::tz::TimeZone::get(&args.tz).is_err() {
        return Err(CliError::Usage(format!(
            "--tz {:?}: not a time zone name of the IANA database (e.g. Europe/Berlin, UTC)",
            args.tz
        )));
    }
    let config = Config::discover(args.config.as_deref())?;
    let mut store = open_store(&args.store, &config, Access::Read)?;
    let history = store.load()?;
    let verification = verify_chain(&history, |_| true);
    let request = ReportRequest {
        from,
        to,
        time_zone: args.tz.clone(),
        criteria,
        generated_at: Utc::now(),
    };
    let report = build(&history, &verification, store.label(), &request)
        .map_err(|error| CliError::Usage(format!("{}: {error}", store.label())))?;
    match args.format {
        ReportFormat::Json => {
            soc2scan_output::write_atomic(&args.output, render::json(&report).as_bytes())?
        }
        ReportFormat::Markdown => {
            soc2scan_output::write_atomic(&args.output, render::markdown(&report).as_bytes())?
        }
        ReportFormat::Html => {
            soc2scan_output::write_atomic(&args.output, render::html(&report).as_bytes())?
        }
        ReportFormat::Csv => write_bundle(&args.output, &render::csv_bundle(&report))?,
    }
    if !args.quiet {
        eprintln!(
            "soc2scan: wrote {} ({} to {}, {}, {}, {}; chain {})",
            args.output.display(),
            report.period.from,
            report.period.to,
            counted(report.method.runs as usize, "run"),
            counted(report.criteria.len(), "criterion"),
            counted(report.exceptions.len(), "exception"),
            report.manifest.chain_status
        );
    }
    Ok(exit::CLEAN)
}

/// "1 run", "2 runs"; "1 criterion", "14 criteria".
fn counted(count: usize, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "criterion") => format!("{count} criteria"),
        _ => format!("{count} {noun}s"),
    }
}

/// Writes the CSV files into `directory` (created if missing) all or nothing: every file is
/// staged before any is renamed into place, a failed rename puts back the files already
/// replaced, and a directory this run created is removed on failure.
fn write_bundle(directory: &std::path::Path, files: &[(&str, String)]) -> Result<(), CliError> {
    let created = if directory.exists() {
        if !directory.is_dir() {
            return Err(CliError::Usage(format!(
                "{}: a CSV report is a directory of files, but this is a file",
                directory.display()
            )));
        }
        false
    } else {
        std::fs::create_dir(directory).map_err(|error| {
            CliError::Usage(format!(
                "{}: cannot create the report directory: {error}",
                directory.display()
            ))
        })?;
        true
    };
    let staged: Result<Vec<_>, _> = files
        .iter()
        .map(|(name, text)| soc2scan_output::stage(&directory.join(name), text.as_bytes()))
        .collect();
    match staged {
        Ok(staged) => soc2scan_output::commit_all(staged).map_err(|error| {
            if created {
                let _ = std::fs::remove_dir(directory);
            }
            error.into()
        }),
        Err(error) => {
            if created {
                let _ = std::fs::remove_dir(directory);
            }
            Err(error.into())
        }
    }
}
