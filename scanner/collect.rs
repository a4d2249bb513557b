//! Live collection: turns flags and `soc2scan.toml` into provider options, runs the
//! adapters — several providers concurrently, on one runtime, behind one progress display
//! — and returns one snapshot.

use crate::cli::{LiveArgs, ProviderName};
use crate::config::Config;
use crate::error::CliError;
use soc2scan_providers::Snapshot;

/// What is said of a shard that held none of the accounts and projects to scan.
pub fn empty_shard_note(shard: soc2scan_providers::model::shard::Shard) -> String {
    format!(
        "shard {shard} holds none of the accounts or projects to scan: nothing was collected \
         (not an error; the other shards have them all)"
    )
}

/// What the caller wants to hear while collecting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verbosity {
    /// Nothing but errors on standard error.
    pub quiet: bool,
    /// Also the API calls made, by operation.
    pub verbose: bool,
}

/// The providers to collect: those named on the command line, else `providers` under
/// `[scan]` in soc2scan.toml; each once, in a fixed order.
pub fn resolve_providers(
    named: &[ProviderName],
    config: &Config,
) -> Result<Vec<ProviderName>, CliError> {
    let mut providers = if named.is_empty() {
        config.providers()?
    } else {
        named.to_vec()
    };
    providers.sort_by_key(|p| p.as_str());
    providers.dedup();
    Ok(providers)
}

/// Collects the named providers into one snapshot. Several providers run concurrently;
/// a provider that cannot start at all (no credentials, no project) fails the run before
/// a partial snapshot could pass for a complete one.
pub fn collect(
    providers: &[ProviderName],
    args: &LiveArgs,
    config: &Config,
    verbosity: Verbosity,
) -> Result<Snapshot, CliError> {
    if providers.is_empty() {
        return Err(CliError::Usage(
            "name a provider to scan live (aws, gcp), list them under [scan] providers in \
             soc2scan.toml, or give --snapshot FILE"
                .to_string(),
        ));
    }
    live::collect(providers, args, config, verbosity)
}

#[cfg(not(any(feature = "aws", feature = "gcp")))]
mod live {
    use super::*;

    pub fn collect(
        _: &[ProviderName],
        _: &LiveArgs,
        _: &Config,
        _: Verbosity,
    ) -> Result<Snapshot, CliError> {
        Err(CliError::Usage(
            "this soc2scan was built without live providers (cargo features `aws`, `gcp`); \
             scan a snapshot file with --snapshot"
                .to_string(),
        ))
    }
}

#[cfg(any(feature = "aws", feature = "gcp"))]
mod live {
    use super::*;
    use soc2scan_providers::CollectionProgress;
    use std::sync::Arc;
    use std::time::Duration;

    pub fn collect(
        providers: &[ProviderName],
        args: &LiveArgs,
        config: &Config,
        verbosity: Verbosity,
    ) -> Result<Snapshot, CliError> {
        // Check every provider's options before any call is made.
        let aws = providers
            .contains(&ProviderName::Aws)
            .then(|| aws_options(args, config))
            .transpose()?;
        let gcp = providers
            .contains(&ProviderName::Gcp)
            .then(|| gcp_options(args, config))
            .transpose()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|error| CliError::Usage(format!("cannot start the async runtime: {error}")))?;
        let names: Vec<&str> = providers.iter().map(|p| p.as_str()).collect();
        let progress = Arc::new(crate::progress::Progress::new(
            names.join("+"),
            verbosity.quiet,
        ));
        let shared: Arc<dyn CollectionProgress> = progress.clone();
        let (aws, gcp) = runtime.block_on(async {
            tokio::join!(
                async {
                    match aws {
                        Some(options) => Some(run_aws(options, shared.clone()).await),
                        None => None,
                    }
                },
                async {
                    match gcp {
                        Some(options) => Some(run_gcp(options, shared.clone()).await),
                        None => None,
                    }
                }
            )
        });
        progress.finish();
        let mut parts = Vec::new();
        for part in [aws, gcp].into_iter().flatten() {
            parts.push(part?);
        }
        let snapshot = merge(parts);
        if !verbosity.quiet {
            report_collection(&snapshot, verbosity.verbose);
        }
        Ok(snapshot)
    }

    /// `--max-concurrency` and `--timeout`, else the provider's own settings.
    fn limits(
        live: &LiveArgs,
        max_concurrency: Option<usize>,
        timeout_seconds: Option<u64>,
    ) -> (Option<usize>, Option<Duration>) {
        (
            live.limits.max_concurrency.or(max_concurrency),
            live.limits
                .timeout
                .or(timeout_seconds)
                .map(Duration::from_secs),
        )
    }

    /// The snapshot of a provider's collection; a collection that cannot start is an error.
    async fn snapshot_of<E: std::fmt::Display>(
        collected: impl std::future::Future<Output = Result<soc2scan_providers::LiveCollection, E>>,
    ) -> Result<Snapshot, CliError> {
        collected
            .await
            .map(|collection| collection.into_snapshot(crate::VERSION))
            .map_err(|error| CliError::Collection(error.to_string()))
    }

    /// One snapshot of several providers' collections.
    fn merge(parts: Vec<Snapshot>) -> Snapshot {
        let mut parts = parts.into_iter();
        let mut merged = parts.next().expect("at least one provider was collected");
        for part in parts {
            merged.metadata.started_at = merged.metadata.started_at.min(part.metadata.started_at);
            merged.metadata.finished_at =
                merged.metadata.finished_at.max(part.metadata.finished_at);
            merged.metadata.targets.extend(part.metadata.targets);
            if merged.metadata.organization.is_none() {
                merged.metadata.organization = part.metadata.organization;
            }
            for (operation, count) in part.metadata.api_calls {
                *merged.metadata.api_calls.entry(operation).or_insert(0) += count;
            }
            merged
                .metadata
                .collected_kinds
                .extend(part.metadata.collected_kinds);
            merged.coverage.extend(part.coverage);
            merged.resources.extend(part.resources);
        }
        merged
    }

    #[cfg(feature = "aws")]
    type AwsOptions = soc2scan_providers::aws::AwsScanOptions;
    #[cfg(not(feature = "aws"))]
    type AwsOptions = ();
    #[cfg(feature = "gcp")]
    type GcpOptions = soc2scan_providers::gcp::GcpScanOptions;
    #[cfg(not(feature = "gcp"))]
    type GcpOptions = ();

    #[cfg(not(feature = "aws"))]
    fn aws_options(_: &LiveArgs, _: &Config) -> Result<AwsOptions, CliError> {
        Err(CliError::Usage(
            "this soc2scan was built without AWS support (cargo feature `aws`)".to_string(),
        ))
    }

    #[cfg(not(feature = "aws"))]
    async fn run_aws(_: AwsOptions, _: Arc<dyn CollectionProgress>) -> Result<Snapshot, CliError> {
        unreachable!("aws_options refuses to build options without the aws feature")
    }

    #[cfg(not(feature = "gcp"))]
    fn gcp_options(_: &LiveArgs, _: &Config) -> Result<GcpOptions, CliError> {
        Err(CliError::Usage(
            "this soc2scan was built without Google Cloud support (cargo feature `gcp`)"
                .to_string(),
        ))
    }

    #[cfg(not(feature = "gcp"))]
    async fn run_gcp(_: GcpOptions, _: Arc<dyn CollectionProgress>) -> Result<Snapshot, CliError> {
        unreachable!("gcp_options refuses to build options without the gcp feature")
    }

    #[cfg(feature = "aws")]
    fn aws_options(live: &LiveArgs, config: &Config) -> Result<AwsOptions, CliError> {
        use soc2scan_providers::aws::{AssumeRoleTarget, AwsScanOptions, RegionSelection};

        let args = &live.aws;
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
        options.org = org_options(args, settings)?;
        if options.org.is_some() {
            options.accounts.clear();
        }
        if args.external_id.is_some() && args.role_arns.is_empty() && options.org.is_none() {
            return Err(CliError::Usage(
                "--external-id goes with --role-arn or --org (the roles whose trust policy \
                 requires it)"
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
        let (services, source) = if args.services.is_empty() {
            (&settings.services, "[aws] services in soc2scan.toml")
        } else {
            (&args.services, "--services")
        };
        options.services = services.clone();
        let valid = soc2scan_providers::aws::service_names();
        for name in &mut options.services {
            *name = name.trim().to_ascii_lowercase();
            if !valid.contains(&name.as_str()) {
                return Err(CliError::Usage(format!(
                    "{source}: {name:?} is not an AWS service soc2scan collects; choose from {}",
                    valid.join(", ")
                )));
            }
        }
        let (max_concurrency, overall_timeout) =
            limits(live, settings.max_concurrency, settings.timeout_seconds);
        options.max_concurrency = max_concurrency.unwrap_or(options.max_concurrency);
        options.overall_timeout = overall_timeout;
        aws_retry_options(args, settings, &mut options)?;
        options.shard = live.limits.shard;
        Ok(options)
    }

    /// `--max-concurrency-per-region`, `--max-attempts` and `--max-rate`, else the same keys
    /// of `[aws]` in soc2scan.toml (checked here, since the flags are checked by clap).
    #[cfg(feature = "aws")]
    fn aws_retry_options(
        args: &crate::cli::AwsArgs,
        settings: &crate::config::AwsSettings,
        options: &mut AwsOptions,
    ) -> Result<(), CliError> {
        let key = |name: &str, problem: &str| {
            CliError::Usage(format!(
                "[aws] {name} in soc2scan.toml {problem} (or set --{} instead)",
                name.replace('_', "-")
            ))
        };
        if settings.max_concurrency_per_region == Some(0) {
            return Err(key("max_concurrency_per_region", "must be at least 1"));
        }
        if settings.max_attempts == Some(0) {
            return Err(key(
                "max_attempts",
                "must be at least 1 (1 means no retries)",
            ));
        }
        if settings
            .max_rate
            .is_some_and(|rate| !(rate.is_finite() && rate > 0.0))
        {
            return Err(key(
                "max_rate",
                "must be a number of requests per second above zero",
            ));
        }
        if let Some(n) = args
            .max_concurrency_per_region
            .or(settings.max_concurrency_per_region)
        {
            options.max_concurrency_per_region = n;
        }
        if let Some(n) = args.max_attempts.or(settings.max_attempts) {
            options.max_attempts = n;
        }
        options.max_rate = args.max_rate.or(settings.max_rate);
        Ok(())
    }

    /// `--org` and its flags, else `[aws.org]`: the organization to scan, if any. A flag
    /// of --org given without it (and without `enabled = true`) is a usage error, and so are
    /// malformed OU and account ids.
    #[cfg(feature = "aws")]
    fn org_options(
        args: &crate::cli::AwsArgs,
        settings: &crate::config::AwsSettings,
    ) -> Result<Option<soc2scan_providers::aws::OrgOptions>, CliError> {
        use soc2scan_providers::aws::OrgOptions;

        let file = &settings.org;
        let enabled = args.org || (args.role_arns.is_empty() && file.enabled == Some(true));
        if !enabled {
            let stray = [
                ("--org-role", args.org_role.is_some()),
                ("--org-ou", !args.org_ous.is_empty()),
                ("--org-exclude", !args.org_exclude.is_empty()),
            ];
            if let Some((flag, _)) = stray.iter().find(|(_, given)| *given) {
                return Err(CliError::Usage(format!(
                    "{flag} goes with --org (or `enabled = true` under [aws.org] in soc2scan.toml)"
                )));
            }
            return Ok(None);
        }
        let pick = |flag: &[String], file: &[String]| -> Vec<String> {
            let chosen = if flag.is_empty() { file } else { flag };
            chosen
                .iter()
                .map(|item| item.trim().to_string())
                .filter(|item| !item.is_empty())
                .collect()
        };
        let options = OrgOptions {
            role_name: args
                .org_role
                .clone()
                .or(file.role.clone())
                .unwrap_or_else(|| soc2scan_providers::aws::DEFAULT_ORG_ROLE.to_string()),
            external_id: args.external_id.clone().or(file.external_id.clone()),
            units: pick(&args.org_ous, &file.ous),
            exclude: pick(&args.org_exclude, &file.exclude),
        };
        let source = |flag: &str, key: &str, from_flag: bool| {
            if from_flag {
                flag.to_string()
            } else {
                format!("[aws.org] {key} in soc2scan.toml")
            }
        };
        if let Some(bad) = options.units.iter().find(|unit| {
            !(unit.starts_with("ou-") || unit.starts_with("r-"))
                || !unit.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }) {
            return Err(CliError::Usage(format!(
                "{}: {bad:?} is not an organizational unit id (expected ou-ab12-cdef3456, or \
                 the root id r-ab12)",
                source("--org-ou", "ous", !args.org_ous.is_empty())
            )));
        }
        if let Some(bad) = options
            .exclude
            .iter()
            .find(|id| id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(CliError::Usage(format!(
                "{}: {bad:?} is not an AWS account id (expected 12 digits)",
                source("--org-exclude", "exclude", !args.org_exclude.is_empty())
            )));
        }
        Ok(Some(options))
    }

    #[cfg(feature = "aws")]
    async fn run_aws(
        options: AwsOptions,
        progress: Arc<dyn CollectionProgress>,
    ) -> Result<Snapshot, CliError> {
        let mut snapshot =
            snapshot_of(soc2scan_providers::aws::collect(&options, progress)).await?;
        described(
            &mut snapshot,
            options.shard,
            soc2scan_providers::aws::selected_kinds(&options),
        );
        Ok(snapshot)
    }

    /// Records in the snapshot what the collection set out to do: its shard and kinds
    /// (`soc2scan merge` compares them).
    #[allow(dead_code)]
    fn described(
        snapshot: &mut Snapshot,
        shard: Option<soc2scan_providers::model::shard::Shard>,
        kinds: impl IntoIterator<Item = soc2scan_providers::model::ResourceKind>,
    ) {
        snapshot.metadata.shard = shard;
        snapshot.metadata.collected_kinds.extend(kinds);
    }

    #[cfg(feature = "gcp")]
    fn gcp_options(live: &LiveArgs, config: &Config) -> Result<GcpOptions, CliError> {
        use soc2scan_providers::gcp::{self, GcpError, GcpScanOptions};

        let args = &live.gcp;
        let settings = &config.gcp;
        let mut options = GcpScanOptions {
            projects: if args.projects.is_empty() {
                settings.projects.clone()
            } else {
                args.projects.clone()
            },
            endpoint: args.gcp_endpoint.clone().or(settings.endpoint.clone()),
            anonymous: args.gcp_anonymous || settings.anonymous.unwrap_or(false),
            ..GcpScanOptions::default()
        };
        if options.projects.is_empty() {
            match gcp::default_project() {
                Some(found) => options.projects.push(found.project),
                None => return Err(CliError::Collection(GcpError::NoProject.to_string())),
            }
        }
        let (max_concurrency, overall_timeout) =
            limits(live, settings.max_concurrency, settings.timeout_seconds);
        options.max_concurrency = max_concurrency.unwrap_or(options.max_concurrency);
        options.overall_timeout = overall_timeout;
        options.shard = live.limits.shard;
        Ok(options)
    }

    #[cfg(feature = "gcp")]
    async fn run_gcp(
        options: GcpOptions,
        progress: Arc<dyn CollectionProgress>,
    ) -> Result<Snapshot, CliError> {
        let mut snapshot =
            snapshot_of(soc2scan_providers::gcp::collect(&options, progress)).await?;
        described(
            &mut snapshot,
            options.shard,
            soc2scan_providers::gcp::KINDS.iter().copied(),
        );
        Ok(snapshot)
    }

    /// One line on what was collected (and, verbose, the calls by operation).
    fn report_collection(snapshot: &Snapshot, verbose: bool) {
        let calls: u64 = snapshot.metadata.api_calls.values().sum();
        let gaps = snapshot.gaps().count();
        let seconds = (snapshot.metadata.finished_at - snapshot.metadata.started_at)
            .num_milliseconds() as f64
            / 1000.0;
        let scopes: Vec<String> = snapshot
            .metadata
            .targets
            .iter()
            .filter(|t| !t.is_skipped())
            .map(|t| format!("{} {}", t.provider, t.account))
            .collect();
        // Hundreds of organization accounts make no readable line; the reports list them.
        const NAMED: usize = 10;
        let named = if scopes.len() > NAMED {
            format!(
                "{}, … {} more",
                scopes[..NAMED].join(", "),
                scopes.len() - NAMED
            )
        } else {
            scopes.join(", ")
        };
        if let (Some(shard), true) = (snapshot.metadata.shard, scopes.is_empty()) {
            eprintln!("soc2scan: {}", empty_shard_note(shard));
        }
        eprintln!(
            "soc2scan: collected {} resources from {} ({named}) in {seconds:.1} s: {} units, {gaps} failed, {calls} API calls",
            snapshot.resources.len(),
            plural(scopes.len(), "account/project", "accounts/projects"),
            snapshot.coverage.len(),
        );
        if let Some(organization) = &snapshot.metadata.organization {
            let skipped: Vec<String> = snapshot
                .metadata
                .targets
                .iter()
                .filter(|t| t.is_skipped())
                .map(|t| {
                    let status = t.organization.as_ref().map(|o| o.status.as_str());
                    format!("{} ({})", t.account, status.unwrap_or("not active"))
                })
                .collect();
            eprintln!(
                "soc2scan: organization {}: {} skipped{}, {} excluded by --org-exclude",
                organization.id,
                skipped.len(),
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!(": {}", skipped.join(", "))
                },
                organization.excluded.len()
            );
        }
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

    fn plural(count: usize, one: &str, many: &str) -> String {
        if count == 1 {
            format!("1 {one}")
        } else {
            format!("{count} {many}")
        }
    }
}
