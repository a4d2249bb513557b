//! `soc2scan scan`: load a snapshot, run the selected rules, write the reports, decide the
//! exit code.
//!
//! Nothing is written unless everything succeeds: every report is rendered in memory, then
//! each file report is staged in a temporary file beside its destination, and only when all
//! are staged are they renamed into place. Standard output comes last.

use crate::cli::ScanArgs;
use crate::config::Config;
use crate::error::CliError;
use crate::exit::{self, Outcome};
use chrono::Utc;
use soc2scan_output::findings::Baseline;
use soc2scan_output::suppress::Suppressions;
use soc2scan_output::{Format, RenderContext};
use soc2scan_providers::{terraform, Snapshot};
use soc2scan_rules::{Category, Engine, Report, RuleRun, Selection, Severity};
use std::path::PathBuf;

/// Where a report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

/// One requested report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Its format.
    pub format: Format,
    /// Where it goes.
    pub destination: Destination,
}

/// Parses `--format` and `--output` into report specs (default: a table on stdout).
pub fn output_specs(format: Option<&str>, outputs: &[String]) -> Result<Vec<OutputSpec>, CliError> {
    let parse_format = |name: &str| -> Result<Format, CliError> {
        name.trim()
            .parse::<Format>()
            .map_err(|error| CliError::Usage(format!("--output/--format {name:?}: {error}")))
    };
    let mut specs = Vec::new();
    if let Some(name) = format {
        specs.push(OutputSpec {
            format: parse_format(name)?,
            destination: Destination::Stdout,
        });
    }
    for output in outputs {
        let (name, destination) = match output.split_once('=') {
            Some((name, "-")) => (name, Destination::Stdout),
            Some((_, "")) => {
                return Err(CliError::Usage(format!(
                    "--output {output:?}: missing path after '='; use FORMAT=PATH or FORMAT alone for standard output"
                )))
            }
            Some((name, path)) => (name, Destination::File(PathBuf::from(path))),
            None => (output.as_str(), Destination::Stdout),
        };
        specs.push(OutputSpec {
            format: parse_format(name)?,
            destination,
        });
    }
    if specs.is_empty() {
        specs.push(OutputSpec {
            format: Format::Table,
            destination: Destination::Stdout,
        });
    }
    if specs
        .iter()
        .filter(|s| s.destination == Destination::Stdout)
        .count()
        > 1
    {
        return Err(CliError::Usage(
            "only one report can go to standard output; give the others a file: --output FORMAT=PATH"
                .to_string(),
        ));
    }
    let mut files: Vec<&PathBuf> = specs
        .iter()
        .filter_map(|s| match &s.destination {
            Destination::File(path) => Some(path),
            Destination::Stdout => None,
        })
        .collect();
    files.sort();
    if let Some(pair) = files.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(CliError::Usage(format!(
            "two reports would be written to {}; give each its own file",
            pair[0].display()
        )));
    }
    Ok(specs)
}

fn parse_severity(flag: &str, value: &str) -> Result<Severity, CliError> {
    Severity::parse(value).ok_or_else(|| {
        CliError::Usage(format!(
            "{flag} {value:?}: expected one of critical, high, medium, low, info"
        ))
    })
}

/// `--fail-on`: a severity, or `none`.
fn parse_fail_on(value: &str) -> Result<Option<Severity>, CliError> {
    if value.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    parse_severity("--fail-on", value).map(Some)
}

fn prefer<T: Clone>(cli: &[T], config: &[T]) -> Vec<T> {
    if cli.is_empty() {
        config.to_vec()
    } else {
        cli.to_vec()
    }
}

/// Rule filters given on the command line; empty ones take soc2scan.toml's `[scan]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleFilters<'a> {
    /// `--rules`.
    pub rules: &'a [String],
    /// `--skip-rules`.
    pub skip_rules: &'a [String],
    /// `--criteria`.
    pub criteria: &'a [String],
    /// `--categories`.
    pub categories: &'a [String],
    /// `--min-severity`.
    pub min_severity: Option<&'a String>,
}

/// The rules to run, with parameters from the configuration.
pub fn rule_runs(args: &ScanArgs, config: &Config) -> Result<Vec<RuleRun>, CliError> {
    configured_rule_runs(
        &RuleFilters {
            rules: &args.rules,
            skip_rules: &args.skip_rules,
            criteria: &args.criteria,
            categories: &args.categories,
            min_severity: args.min_severity.as_ref(),
        },
        config,
    )
}

/// The rules `filters` and the configuration select, with the configuration's parameters.
pub fn configured_rule_runs(
    args: &RuleFilters<'_>,
    config: &Config,
) -> Result<Vec<RuleRun>, CliError> {
    let categories = prefer(args.categories, &config.scan.categories)
        .iter()
        .map(|name| {
            Category::parse(name).ok_or_else(|| {
                CliError::Usage(format!(
                    "--categories {name:?}: expected security, availability or confidentiality"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let min_severity = match args.min_severity.or(config.scan.min_severity.as_ref()) {
        Some(value) => Some(parse_severity("--min-severity", value)?),
        None => None,
    };
    let selection = Selection {
        rules: prefer(args.rules, &config.scan.rules),
        skip_rules: prefer(args.skip_rules, &config.scan.skip_rules),
        criteria: prefer(args.criteria, &config.scan.criteria),
        categories,
        min_severity,
    };
    let overrides = config.rule_params()?;
    let runs = selection
        .resolve()?
        .into_iter()
        .map(|rule| {
            let mut run = RuleRun::with_defaults(rule);
            for (rule_id, name, value) in &overrides {
                if *rule_id == rule.meta().id {
                    // Validated when the configuration was parsed.
                    run.params
                        .set(name, value.clone())
                        .map_err(|error| CliError::Config {
                            path: config.path.clone().unwrap_or_default(),
                            message: error.to_string(),
                        })?;
                }
            }
            Ok(run)
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    Ok(runs)
}

/// Runs `soc2scan scan`.
pub fn run(args: &ScanArgs) -> Result<u8, CliError> {
    let invocation_started = Utc::now();
    let config = Config::discover(args.config.as_deref())?;
    let specs = output_specs(args.format.as_deref(), &args.outputs)?;
    let fail_on = match args.fail_on.as_ref().or(config.scan.fail_on.as_ref()) {
        Some(value) => parse_fail_on(value)?,
        None => Some(Severity::High),
    };
    let allow_incomplete = args.allow_incomplete
        || (!args.no_allow_incomplete && config.scan.allow_incomplete.unwrap_or(false));
    let runs = rule_runs(args, &config)?;
    crate::commands::per_account::check(
        &specs,
        args.sarif_category
            .as_deref()
            .or(config.scan.sarif_category.as_deref()),
        args.baseline.as_deref(),
    )?;
    // Read the baseline before scanning: a bad file fails fast, before any API call.
    let baseline_findings = match &args.baseline {
        Some(path) => Some(crate::commands::load_findings(path)?),
        None => None,
    };

    if args.tf_root.is_some() && args.terraform_plan.is_none() {
        return Err(CliError::Usage(
            "--tf-root locates the resources of a Terraform plan: give --terraform-plan FILE with it"
                .to_string(),
        ));
    }
    if args.record && args.terraform_plan.is_some() {
        return Err(CliError::Usage(
            "--record keeps evidence of running systems; a Terraform plan is a proposed change,              so it is not recorded: scan a live account or a snapshot with --record"
                .to_string(),
        ));
    }
    // Open the store before scanning: a bad or unreachable store fails before any API call.
    let mut store = if args.record {
        Some(crate::commands::record::open_store(
            &args.store,
            &config,
            crate::history::store::Access::Write,
        )?)
    } else {
        None
    };
    // The exact bytes of the snapshot evaluated, kept as evidence when recording.
    let mut snapshot_bytes: Option<Vec<u8>> = None;
    let snapshot = match (&args.snapshot, &args.terraform_plan) {
        (Some(path), _) => {
            let bytes = std::fs::read(path).map_err(|source| {
                CliError::Snapshot(soc2scan_providers::LoadError::Io {
                    path: path.clone(),
                    source,
                })
            })?;
            let snapshot = Snapshot::from_json_slice(&bytes, path)?;
            if args.record {
                if snapshot.plan.is_some() {
                    return Err(CliError::Usage(format!(
                        "{}: a snapshot built from a Terraform plan is a proposed change, not \
                         evidence of a running system; --record does not record it",
                        path.display()
                    )));
                }
                snapshot_bytes = Some(bytes);
            }
            snapshot
        }
        (None, Some(plan)) => {
            let snapshot = terraform::load(&terraform::PlanOptions {
                plan_path: plan,
                tf_root: args.tf_root.as_deref(),
                tool_version: crate::VERSION,
            })?;
            if !args.quiet {
                for module in snapshot.plan.iter().flat_map(|p| &p.unresolved_modules) {
                    eprintln!(
                        "soc2scan: warning: module {module}; its resources point at the plan file"
                    );
                }
                if args.verbose {
                    eprintln!("{}", plan_note(&snapshot));
                }
            }
            snapshot
        }
        (None, None) => {
            let providers = crate::collect::resolve_providers(&args.providers, &config)?;
            if providers.is_empty() {
                return Err(CliError::Usage(
                    "nothing to scan: give --snapshot FILE, --terraform-plan FILE, or a provider \
                     to scan live (aws, gcp), or list them under [scan] providers in soc2scan.toml"
                        .to_string(),
                ));
            }
            crate::collect::collect(
                &providers,
                &args.live,
                &config,
                crate::collect::Verbosity {
                    quiet: args.quiet,
                    verbose: args.verbose,
                },
            )?
        }
    };
    if let (Some(shard), true, false) = (
        snapshot.metadata.shard,
        snapshot.metadata.targets.is_empty(),
        args.quiet || args.snapshot.is_none(),
    ) {
        eprintln!("soc2scan: {}", crate::collect::empty_shard_note(shard));
    }
    let report = Engine::new(runs.clone()).evaluate(&snapshot);
    let baseline = baseline_findings.map(|known| {
        Baseline::compare(&known, &soc2scan_output::findings::report_findings(&report))
    });
    let suppressions = Suppressions::new(config.suppressions()?, Utc::now().date_naive());
    if !args.quiet {
        for expired in &suppressions.expired {
            eprintln!(
                "soc2scan: warning: suppression {} has expired and no longer applies",
                expired.label()
            );
        }
    }
    let outcome = exit::outcome(
        &report,
        fail_on,
        allow_incomplete,
        baseline.as_ref(),
        &suppressions,
    );

    let mut context = RenderContext::new(crate::VERSION, invocation_started, Utc::now());
    context.sarif_category = args
        .sarif_category
        .clone()
        .or(config.scan.sarif_category.clone());
    context.sarif_include_pass = args.sarif_include_pass;
    context.exit_code = Some(i32::from(outcome.code));
    context.command_line = Some(command_line());
    context.terminal_width = Some(table_width());
    context.baseline = baseline;
    context.suppressions = suppressions;
    let mut staged = stage_reports(&specs, &report, &context)?;
    staged.extend(crate::commands::per_account::stage(
        &specs, &snapshot, &runs, &context, args.quiet,
    )?);
    if let Some(store) = store.as_mut() {
        let bytes = match snapshot_bytes.take() {
            Some(bytes) => bytes,
            None => snapshot_json(&snapshot)?,
        };
        let run = crate::commands::record::new_run(
            &report,
            &context.suppressions,
            crate::history::run::RunSource::Scan,
            &bytes,
        );
        crate::commands::record::append(store, run, args.quiet)?;
    }
    write_reports(staged, &specs, &report, &context)?;
    if !args.no_step_summary {
        crate::step_summary::append_if_requested(&report, &context);
    }
    if !args.quiet {
        eprintln!("{}", summary_line(&report, &outcome, fail_on, &context));
    }
    Ok(outcome.code)
}

/// What `--verbose` says about a plan: resources read, deletions, ignored types.
fn plan_note(snapshot: &Snapshot) -> String {
    let Some(plan) = &snapshot.plan else {
        return String::new();
    };
    let mut note = format!(
        "soc2scan: {} {}: {} resources to check from {} planned instances; {} deleted (not evaluated)",
        if plan.is_state { "state" } else { "plan" },
        plan.plan_file,
        snapshot.resources.len(),
        plan.resources
            .values()
            .map(|planned| planned.address.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        plan.deleted
    );
    if plan.ignored_types.is_empty() {
        note.push_str("; no unsupported resource types");
    } else {
        let ignored: Vec<String> = plan
            .ignored_types
            .iter()
            .map(|(rtype, count)| format!("{rtype} ({count})"))
            .collect();
        note.push_str(&format!(
            "; ignored {} instances of unsupported types: {}",
            plan.ignored_types.values().sum::<usize>(),
            ignored.join(", ")
        ));
    }
    note
}

/// Width the table wraps to: `$COLUMNS` when set, else 160 (wide enough for a terminal or a
/// CI log, and the same everywhere, so a saved table reads the same as a printed one).
fn table_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<u16>().ok())
        .filter(|columns| *columns >= 40)
        .unwrap_or(160)
}

/// The command line for SARIF, with the password of any URL (a PostgreSQL `--history`)
/// masked.
fn command_line() -> String {
    std::env::args()
        .map(|arg| crate::history::location::redact(&arg))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A snapshot as `soc2scan snapshot` writes it: pretty JSON and a final newline.
pub(crate) fn snapshot_json(snapshot: &Snapshot) -> Result<Vec<u8>, CliError> {
    let json = snapshot
        .to_json_pretty()
        .map_err(|error| CliError::Usage(format!("cannot serialise the snapshot: {error}")))?;
    Ok(format!("{json}\n").into_bytes())
}

/// Renders every file report into a temporary file beside its destination (per-account
/// reports are staged by `per_account::stage`).
fn stage_reports(
    specs: &[OutputSpec],
    report: &Report<'_>,
    context: &RenderContext,
) -> Result<Vec<soc2scan_output::StagedFile>, CliError> {
    let mut staged = Vec::new();
    for spec in specs {
        if crate::commands::per_account::is_per_account(spec) {
            continue;
        }
        if let Destination::File(path) = &spec.destination {
            staged.push(soc2scan_output::stage_with(path, |out| {
                soc2scan_output::render_to(spec.format, report, context, out)
            })?);
        }
    }
    Ok(staged)
}

/// Renames the staged reports into place, all or nothing (a failed rename puts back the
/// files already replaced), then writes the standard-output report.
fn write_reports(
    staged: Vec<soc2scan_output::StagedFile>,
    specs: &[OutputSpec],
    report: &Report<'_>,
    context: &RenderContext,
) -> Result<(), CliError> {
    soc2scan_output::commit_all(staged)?;
    for spec in specs {
        if spec.destination == Destination::Stdout {
            let stdout = std::io::stdout().lock();
            let mut out = std::io::BufWriter::new(stdout);
            let written = soc2scan_output::render_to(spec.format, report, context, &mut out)
                .and_then(|()| {
                    std::io::Write::flush(&mut out)
                        .map_err(|source| soc2scan_output::OutputError::Stream { source })
                });
            match written {
                // `soc2scan … | head` closing the pipe early is not an error.
                Err(soc2scan_output::OutputError::Stream { source })
                    if source.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

fn summary_line(
    report: &Report<'_>,
    outcome: &Outcome,
    fail_on: Option<Severity>,
    context: &RenderContext,
) -> String {
    let baseline = context.baseline.as_ref();
    let summary = soc2scan_output::Summary::with_context(report, context);
    let tally = &summary.checks;
    let mut line = format!(
        "soc2scan: {} rules, {} checks: {} passed, {} failed, {} not evaluated",
        report.rules.len(),
        tally.passed + tally.failed + tally.not_evaluated + summary.suppressed,
        tally.passed,
        tally.failed,
        tally.not_evaluated
    );
    if summary.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", summary.suppressed));
    }
    let runtime_only = report
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, soc2scan_rules::SkipReason::RuntimeOnly(_)))
        .count();
    let not_collected = report.skipped.len() - runtime_only;
    if runtime_only > 0 {
        line.push_str(&format!(
            "; {} runtime-only rule{} not run on the plan",
            runtime_only,
            if runtime_only == 1 { "" } else { "s" }
        ));
    }
    if not_collected > 0 {
        line.push_str(&format!(
            "; {} rule{} not run (not collected in this snapshot)",
            not_collected,
            if not_collected == 1 { "" } else { "s" }
        ));
    }
    if outcome.gaps > 0 {
        line.push_str(&format!(
            "; {} coverage gap{} (scan incomplete)",
            outcome.gaps,
            if outcome.gaps == 1 { "" } else { "s" }
        ));
    }
    if let Some(baseline) = baseline {
        line.push_str(&format!("; baseline: {}", baseline.counts_text()));
    }
    let reason = match outcome.code {
        exit::INCOMPLETE => "incomplete scan",
        exit::FINDINGS if baseline.is_some() => "new failures at or above --fail-on",
        exit::FINDINGS => "failures at or above --fail-on",
        _ => "clean",
    };
    let threshold = fail_on.map_or("none".to_string(), |s| s.to_string());
    let new = if baseline.is_some() { "new " } else { "" };
    line.push_str(&format!(
        "; {} {new}at or above {threshold}; exit {} ({reason})",
        outcome.failing, outcome.code
    ));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_specs_default_to_table_on_stdout() {
        let specs = output_specs(None, &[]).unwrap_or_default();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].destination, Destination::Stdout);
    }

    #[test]
    fn output_specs_reject_two_stdout_reports_and_duplicate_files() {
        assert!(output_specs(Some("json"), &["table".to_string()]).is_err());
        assert!(output_specs(None, &["sarif=a".to_string(), "json=a".to_string()]).is_err());
        assert!(output_specs(None, &["sarif=".to_string()]).is_err());
        assert!(output_specs(None, &["xml=a".to_string()]).is_err());
        let specs = output_specs(None, &["sarif=out.sarif".to_string(), "table".to_string()])
            .unwrap_or_default();
        assert_eq!(specs.len(), 2);
    }
}
