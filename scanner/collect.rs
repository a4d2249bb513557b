//! Live collection: turns flags and `soc2scan.toml` into provider options, runs the
//! adapters, and returns one snapshot.

use crate::cli::{AwsArgs, ProviderName};
use crate::config::Config;
use crate::error::CliError;
use soc2scan_providers::Snapshot;

/// What the caller wants to hear while collecting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verbosity {
    /// Nothing but errors on standard error.
    pub quiet: bool,
    /// Also the API calls made, by operation.
    pub verbose: bool,
}

/// Collects the named providers into one snapshot.
pub fn collect(
    providers: &[ProviderName],
    aws: &AwsArgs,
    config: &Config,
    verbosity: Verbosity,
) -> Result<Snapshot, CliError> {
    let mut providers = providers.to_vec();
    providers.dedup();
    match providers.as_slice() {
        [ProviderName::Aws] => collect_aws(aws, config, verbosity),
        _ => Err(CliError::Usage(
            "name a provider to scan live (aws), or give --snapshot FILE".to_string(),
        )),
    }
}

#[cfg(not(feature = "aws"))]
fn collect_aws(_: &AwsArgs, _: &Config, _: Verbosity) -> Result<Snapshot, CliError> {
    Err(CliError::Usage(
        "this soc2scan was built without AWS support (cargo feature `aws`)".to_string(),
    ))
}

#[cfg(feature = "aws")]
fn collect_aws(
    args: &AwsArgs,
    config: &Config,
    verbosity: Verbosity,
) -> Result<Snapshot, CliError> {
    use soc2scan_providers::aws::{self, AssumeRoleTarget, AwsScanOptions, RegionSelection};
    use std::sync::Arc;
    use std::time::Duration;

    let settings = &config.aws;
    let mut options = AwsScanOptions {
        profile: args.profile.clone().or(settings.profile.clone()),
        endpoint_url: args.endpoint_url.clone().or(settings.endpoint_url.clone()),
        ..AwsScanOptions::default()
    };
    options.accounts = if args.role_arns.is_empty() {
        settings
            .accounts
            .iter()
            .map(|account| AssumeRoleTarget {
                role_arn: account.role_arn.clone(),
                external_id: account.external_id.clone(),
            })
            .collect()
    } else {
        args.role_arns
            .iter()
            .map(|arn| AssumeRoleTarget {
                role_arn: arn.clone(),
                external_id: args.external_id.clone(),
            })
            .collect()
    };
    if args.external_id.is_some() && args.role_arns.is_empty() {
        return Err(CliError::Usage(
            "--external-id goes with --role-arn (the role whose trust policy requires it)"
                .to_string(),
        ));
    }
    options.regions = if args.all_regions {
        RegionSelection::AllEnabled
    } else if !args.regions.is_empty() {
        RegionSelection::List(args.regions.clone())
    } else if settings.all_regions == Some(true) {
        RegionSelection::AllEnabled
    } else if !settings.regions.is_empty() {
        RegionSelection::List(settings.regions.clone())
    } else {
        RegionSelection::Default
    };
    if let Some(max) = args.max_concurrency.or(settings.max_concurrency) {
        options.max_concurrency = max;
    }
    options.overall_timeout = args
        .timeout
        .or(settings.timeout_seconds)
        .map(Duration::from_secs);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Usage(format!("cannot start the async runtime: {error}")))?;
    let progress = Arc::new(crate::progress::Progress::new("aws", verbosity.quiet));
    let collected = runtime.block_on(aws::collect(&options, progress.clone()));
    progress.finish();
    let collection = collected.map_err(|error| CliError::Collection(error.to_string()))?;
    let snapshot = collection.into_snapshot(crate::VERSION);
    if !verbosity.quiet {
        report_collection(&snapshot, verbosity.verbose);
    }
    Ok(snapshot)
}

/// One line on what was collected (and, verbose, the calls by operation).
#[cfg(feature = "aws")]
fn report_collection(snapshot: &Snapshot, verbose: bool) {
    let calls: u64 = snapshot.metadata.api_calls.values().sum();
    let gaps = snapshot.gaps().count();
    let seconds = (snapshot.metadata.finished_at - snapshot.metadata.started_at).num_milliseconds()
        as f64
        / 1000.0;
    eprintln!(
        "soc2scan: collected {} resources from {} account(s) in {seconds:.1} s: {} units, {gaps} failed, {calls} API calls",
        snapshot.resources.len(),
        snapshot.metadata.targets.len(),
        snapshot.coverage.len(),
    );
    for gap in snapshot.gaps() {
        if let soc2scan_providers::CoverageStatus::Failed { kind, message } = &gap.status {
            eprintln!(
                "soc2scan: not collected: {} ({}): {message}",
                gap.unit,
                kind.as_str()
            );
        }
    }
    if verbose {
        for (operation, count) in &snapshot.metadata.api_calls {
            eprintln!("soc2scan: {count:>6}  {operation}");
        }
    }
}
