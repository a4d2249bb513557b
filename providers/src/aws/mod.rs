//! Live AWS collection (cargo feature `aws`): reads the configuration of one or more
//! accounts through the official AWS SDK crates into the snapshot model, one module per
//! service registered in [`service::SERVICES`] (EC2 per region, IAM per account).
//!
//! [`collect`] resolves credentials (aws-config's default chain, a profile, or static
//! credentials; optionally assuming one role per account), learns each account id from
//! `sts:GetCallerIdentity`, and then runs the jobs of every selected service in every scope
//! it lists (each region, or once per account) concurrently, with one bound on API calls in
//! flight. Each unit ends as exactly one coverage entry, `ok` or `failed`; only problems
//! that leave nothing to scan (no credentials, no account id, bad options) are an
//! [`AwsError`]. See `docs/aws.md` for the calls made and `docs/permissions.md` for the
//! IAM policy they need.
//!
//! Nothing secret is collected: no credentials, session tokens, access key ids, key
//! material or EC2 user data.

mod backup;
mod calls;
mod clients;
mod cloudtrail;
mod cloudwatch;
mod convert;
mod credential_report;
mod dynamodb;
mod ec2;
mod efs;
mod elbv2;
mod errors;
mod iam;
mod kms;
mod lambda;
mod logs;
mod options;
mod org;
mod rds;
mod s3;
mod service;

mod acm;
mod config;
mod guardduty;
mod secretsmanager;
mod securityhub;

pub use crate::live::{CollectionProgress, NoProgress};
pub use errors::AwsError;
pub use options::{
    AssumeRoleTarget, AwsScanOptions, OrgOptions, RegionSelection, StaticCredentials,
    DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_CONCURRENCY, DEFAULT_ORG_ROLE,
};
pub use options::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENCY_PER_REGION,
};

use crate::model::{Provider, Resource, ResourceKind, GLOBAL_REGION};
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, ScanTarget};
use aws_config::SdkConfig;
use calls::{CallCounter, Limiter, ScopeLimiters};
use chrono::Utc;
use errors::CallFailure;
use service::{AwsService, Job, ScopeContext, ServiceScope, SERVICES};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// The API actions the collection itself calls, whatever the services: the identity of
/// each account, and the enabled regions for `--all-regions`. `sts:AssumeRole` is not here:
/// the credential provider calls it with the caller's own credentials, against the role to
/// assume, and needs no permission in the scanned role (see [`caller_actions`]).
const COLLECTION_ACTIONS: &[&str] = &["sts:GetCallerIdentity", "ec2:DescribeRegions"];

/// The actions the *caller* (the base identity) may need beyond [`api_actions`], which the
/// scanned accounts' role needs: `sts:AssumeRole` on the roles of `--role-arn` or `--org`,
/// and, for `--org`, the Organizations listings in the management account (or a delegated
/// administrator). docs/permissions.md grants them in a policy of their own; a scan counts
/// them in `api_calls` like every other request.
pub fn caller_actions() -> Vec<&'static str> {
    std::iter::once("sts:AssumeRole")
        .chain(org::ACTIONS.iter().copied())
        .collect()
}

/// Every API action soc2scan's AWS collection may call, as IAM spells it: the collection's
/// own and every registered service's. The tests check that `docs/permissions.md` grants
/// exactly these, and that a scan calls nothing else.
pub fn api_actions() -> Vec<&'static str> {
    COLLECTION_ACTIONS
        .iter()
        .copied()
        .chain(
            SERVICES
                .iter()
                .flat_map(|service| service.actions().iter().copied()),
        )
        .collect()
}

/// Every kind the collection sets out to collect in each account with these options: the
/// kinds of the selected services (`--services`, else all), regional and account-wide.
pub fn selected_kinds(options: &AwsScanOptions) -> Vec<ResourceKind> {
    selected_services(options)
        .iter()
        .flat_map(|service| service.kinds().iter().chain(service.account_kinds()))
        .copied()
        .collect()
}

/// The names of the AWS services soc2scan collects (`ec2`, `iam`, `kms`, …), as `--services` and
/// `[aws] services` take them.
pub fn service_names() -> Vec<&'static str> {
    SERVICES.iter().map(|service| service.name()).collect()
}

/// The resource kinds a service fills, or `None` for a name that is not a service.
pub fn service_kinds(name: &str) -> Option<&'static [ResourceKind]> {
    service::service(name).map(|service| service.kinds())
}

/// What an AWS collection produced: per account, one coverage entry for each kind of each
/// selected service — regional kinds in each region, account-wide kinds (IAM, including
/// `iam_credential_report`) once; resources sorted by account, kind, region and id; HTTP
/// requests by `service:Operation` (retries count; see `docs/aws.md`).
pub type AwsCollection = crate::live::LiveCollection;

/// Collects the configuration of the selected services (every registered one by default)
/// in the accounts and regions of `options`.
///
/// Must run inside a tokio runtime (multi-threaded for parallel parsing).
pub async fn collect(
    options: &AwsScanOptions,
    progress: Arc<dyn CollectionProgress>,
) -> Result<AwsCollection, AwsError> {
    validate(options)?;
    let started_at = Utc::now();
    let scopes = ScopeLimiters::new(
        options.max_concurrency,
        options.max_concurrency_per_region,
        options.max_rate,
    );
    // `--shard I/N`: only the `--role-arn` accounts of this share are opened. A share that
    // holds none of them is an empty collection, not an error, so a fixed-size job array
    // never fails for a small estate (docs/scale.md).
    let sharded;
    let options = match options.shard {
        Some(shard) if !options.accounts.is_empty() => {
            sharded = AwsScanOptions {
                accounts: options
                    .accounts
                    .iter()
                    .filter(|target| target.account_id().is_some_and(|id| shard.includes(id)))
                    .cloned()
                    .collect(),
                ..options.clone()
            };
            if sharded.accounts.is_empty() {
                return Ok(AwsCollection::empty(started_at));
            }
            &sharded
        }
        _ => options,
    };
    let shared = Arc::new(Shared {
        limiter: scopes.unscoped(),
        scopes,
        counter: CallCounter::new(progress.clone()),
        progress,
        deadline: options
            .overall_timeout
            .map(|limit| (tokio::time::Instant::now() + limit, limit)),
    });
    let base = clients::base_config(options).await?;
    let session_name = clients::session_name(started_at);

    // Resolve every account first (credentials, account id, regions). An account that
    // cannot be opened (a role that cannot be assumed, say) becomes failed units of its
    // own while the other accounts are scanned; only when no account opens does the run
    // stop with the error.
    let services = selected_services(options);
    // With --org, the caller's own account is opened first (its id and partition name the
    // member roles), the organization is listed, and every ACTIVE account in scope but the
    // caller's is opened through its role.
    let mut organization = None;
    let mut org_roles: Vec<AssumeRoleTarget> = Vec::new();
    let mut caller_session = None;
    if let Some(org_options) = &options.org {
        let caller = open_account(
            &shared,
            options,
            &services,
            &base,
            AccountSource::Base,
            &session_name,
        )
        .await?;
        // Organizations calls count against the caller's account, like its IAM calls.
        let org_limiter = shared.scopes.scope(&caller.account, GLOBAL_REGION);
        let listing = org::list(
            &base,
            &shared.counter.charging(org_limiter.rate()),
            &org_limiter,
            org_options,
            options.shard.as_ref(),
        )
        .await?;
        let scanned = listing.accounts.values().filter(|a| !a.skipped).count();
        shared.progress.accounts_listed(scanned);
        for (account, placement) in &listing.accounts {
            if placement.skipped {
                continue;
            }
            if *account == caller.account {
                shared.progress.account_opened(account, true);
                caller_session = Some(caller.clone());
            } else {
                org_roles.push(AssumeRoleTarget {
                    role_arn: format!(
                        "arn:{}:iam::{account}:role/{}",
                        caller.partition, org_options.role_name
                    ),
                    external_id: org_options.external_id.clone(),
                });
            }
        }
        organization = Some(listing);
    }
    let sources: Vec<AccountSource<'_>> = if options.org.is_some() {
        org_roles.iter().map(AccountSource::Role).collect()
    } else {
        account_sources(options)
    };
    let (shared_ref, services_ref, base_ref, session_ref) =
        (&shared, &services, &base, &session_name);
    let opened = futures::future::join_all(sources.iter().map(|&source| async move {
        let opened = open_account(
            shared_ref,
            options,
            services_ref,
            base_ref,
            source,
            session_ref,
        )
        .await;
        if options.org.is_some() {
            if let AccountSource::Role(target) = source {
                shared_ref
                    .progress
                    .account_opened(target.account_id().unwrap_or_default(), opened.is_ok());
            }
        }
        opened
    }))
    .await;
    let mut sessions: Vec<AccountSession> = caller_session.into_iter().collect();
    let mut unopened = Vec::new();
    let mut first_error = None;
    for (source, result) in sources.iter().zip(opened) {
        match result {
            Ok(session) => sessions.push(session),
            Err(error) => {
                match source {
                    AccountSource::Role(target) => match target.account_id() {
                        Some(account) => unopened.push((account.to_string(), error.to_string())),
                        None => return Err(error),
                    },
                    AccountSource::Base => return Err(error),
                }
                first_error.get_or_insert(error);
            }
        }
    }
    if sessions.is_empty() {
        if let Some(error) = first_error {
            return Err(error);
        }
    }
    let mut seen_accounts = HashSet::new();
    let sessions: Vec<AccountSession> = sessions
        .into_iter()
        .filter(|s| seen_accounts.insert(s.account.clone()))
        // The base credentials' account is known only now; in another share it is not
        // scanned here (one GetCallerIdentity was all it cost).
        .filter(|s| {
            !options.accounts.is_empty() || options.shard.is_none_or(|x| x.includes(&s.account))
        })
        .collect();

    // Accounts are scanned a window at a time: an account's jobs (each an SDK future of its
    // own, tens of kilobytes) are made only when the account enters the window, so memory
    // grows with the resources collected, not with the accounts in the organization. The
    // window is as wide as the global bound on calls in flight, so one account, or a few,
    // are scanned exactly as before; past it, accounts wait for a slot, not for calls.
    let window = Arc::new(tokio::sync::Semaphore::new(options.max_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let narrowed_gaps = Arc::new(Mutex::new(Vec::new()));
    for session in &sessions {
        let (session, services, shared) = (session.clone(), services.clone(), shared.clone());
        let (window, narrowed_gaps) = (window.clone(), narrowed_gaps.clone());
        tasks.spawn(async move {
            let _slot = window.acquire_owned().await;
            let mut jobs = account_jobs(&session, &services, &shared, &narrowed_gaps);
            let mut outcomes = Vec::new();
            while let Some(joined) = jobs.join_next().await {
                match joined {
                    Ok(found) => outcomes.extend(found),
                    // A panicking unit task is a bug; its units are missing from the
                    // coverage table, which the engine reads as "not collected" — never as
                    // a pass.
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    Err(_) => {}
                }
            }
            outcomes
        });
    }

    let mut coverage = Vec::new();
    let mut resources = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let outcomes = match joined {
            Ok(outcomes) => outcomes,
            // A panicking unit task is a bug; its units are missing from the coverage
            // table, which the engine reads as "not collected" — never as a pass.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => continue,
        };
        for outcome in outcomes {
            let status = match outcome.result {
                Ok(found) => {
                    resources.extend(found);
                    CoverageStatus::Ok
                }
                Err(failure) => CoverageStatus::Failed {
                    kind: failure.kind,
                    message: failure.message,
                },
            };
            coverage.push(CoverageEntry {
                unit: outcome.unit,
                status,
            });
        }
    }
    if let Ok(mut narrowed) = narrowed_gaps.lock() {
        coverage.append(&mut narrowed);
    }
    // Accounts that could not be opened: every unit we know of fails with the reason. Their
    // regions are known only when the regions were listed.
    let listed_regions: Vec<String> = match &options.regions {
        RegionSelection::List(regions) if lists_regions(&services) => regions.clone(),
        _ => Vec::new(),
    };
    let mut unopened_targets = Vec::new();
    for (account, reason) in &unopened {
        let failed = |unit: CollectionUnit| CoverageEntry {
            unit,
            status: CoverageStatus::Failed {
                kind: FailureKind::Error,
                message: format!("account {account} could not be opened: {reason}"),
            },
        };
        for service in &services {
            let regions: &[String] = match service.scope() {
                ServiceScope::Regional => &listed_regions,
                ServiceScope::Account => &[],
            };
            for &kind in service.kinds() {
                if service.scope() == ServiceScope::Account {
                    coverage.push(failed(unit(account, GLOBAL_REGION, kind)));
                }
                for region in regions {
                    coverage.push(failed(unit(account, region, kind)));
                }
            }
            for &kind in service.account_kinds() {
                coverage.push(failed(unit(account, GLOBAL_REGION, kind)));
            }
        }
        unopened_targets.push(ScanTarget {
            provider: Provider::Aws,
            account: account.clone(),
            alias: None,
            regions: listed_regions.clone(),
            identity: None,
            organization: None,
        });
    }
    let mut targets: Vec<ScanTarget> = sessions
        .iter()
        .map(|s| ScanTarget {
            provider: Provider::Aws,
            account: s.account.clone(),
            alias: None,
            regions: s.regions.clone(),
            identity: Some(s.identity.clone()),
            organization: None,
        })
        .chain(unopened_targets)
        .collect();
    if let Some(listing) = &organization {
        // Every account of the listing is a target: scanned, gapped or skipped; in id order.
        for target in &mut targets {
            target.organization = listing.accounts.get(&target.account).cloned();
        }
        targets.extend(
            listing
                .accounts
                .iter()
                .filter(|(_, placement)| placement.skipped)
                .map(|(account, placement)| ScanTarget {
                    provider: Provider::Aws,
                    account: account.clone(),
                    alias: None,
                    regions: Vec::new(),
                    identity: None,
                    organization: Some(placement.clone()),
                }),
        );
        targets.sort_by(|a, b| a.account.cmp(&b.account));
    }
    coverage.sort_by(|a, b| a.unit.cmp(&b.unit));
    let resources = in_stable_order(resources);

    Ok(AwsCollection {
        targets,
        organization: organization.map(|listing| listing.scan),
        resources,
        coverage,
        api_calls: shared.counter.snapshot(),
        started_at,
        finished_at: Utc::now(),
    })
}

/// Spawns every job of one account's selected services, in each of its scopes.
fn account_jobs(
    session: &AccountSession,
    services: &[&'static dyn AwsService],
    shared: &Arc<Shared>,
    narrowed_gaps: &Arc<Mutex<Vec<CoverageEntry>>>,
) -> JoinSet<Vec<UnitOutcome>> {
    let mut tasks = JoinSet::new();
    let account_regions: Arc<[String]> = session.regions.clone().into();
    let account_shared = service::AccountShared::default();
    for &service in services {
        let regions: Vec<&str> = match service.scope() {
            ServiceScope::Regional => session.regions.iter().map(String::as_str).collect(),
            ServiceScope::Account => vec![GLOBAL_REGION],
        };
        let scope_in = |region: &str, regional: bool| {
            let limiter = shared.scopes.scope(&session.account, region);
            ScopeContext {
                config: session.config.clone(),
                counter: shared.counter.charging(limiter.rate()),
                limiter,
                partition: session.partition.clone(),
                account: session.account.clone(),
                region: region.to_string(),
                regional,
                narrowed_gaps: narrowed_gaps.clone(),
                deadline: shared.deadline,
                account_regions: account_regions.clone(),
                account_shared: account_shared.clone(),
            }
        };
        for region in regions {
            let scope = scope_in(region, service.scope() == ServiceScope::Regional);
            for job in service.jobs(scope.clone()) {
                tasks.spawn(shared.clone().run_job(scope.clone(), job));
            }
        }
        if !service.account_kinds().is_empty() {
            let scope = scope_in(GLOBAL_REGION, false);
            for job in service.account_jobs(scope.clone()) {
                tasks.spawn(shared.clone().run_job(scope.clone(), job));
            }
        }
    }
    tasks
}

fn validate(options: &AwsScanOptions) -> Result<(), AwsError> {
    let invalid = |message: String| Err(AwsError::InvalidOptions(message));
    if options.max_concurrency == 0 {
        return invalid("max concurrency must be at least 1".to_string());
    }
    if options.max_concurrency_per_region == 0 {
        return invalid("max concurrency per region must be at least 1".to_string());
    }
    if options.max_attempts == 0 {
        return invalid("max attempts must be at least 1 (1 means no retries)".to_string());
    }
    if let Some(rate) = options.max_rate {
        if !(rate.is_finite() && rate > 0.0) {
            return invalid(format!(
                "max rate must be a number of requests per second above zero, not {rate}"
            ));
        }
    }
    if options.attempt_timeout.is_zero() {
        return invalid("the per-attempt timeout must be longer than zero".to_string());
    }
    if options.call_timeout.is_zero() {
        return invalid("the per-call timeout must be longer than zero".to_string());
    }
    if options.overall_timeout.is_some_and(|t| t.is_zero()) {
        return invalid("the overall timeout must be longer than zero".to_string());
    }
    if let RegionSelection::List(regions) = &options.regions {
        if regions.is_empty() {
            return invalid("the region list is empty".to_string());
        }
        if let Some(bad) = regions.iter().find(|r| !options::is_region_name(r)) {
            return invalid(format!(
                "{bad:?} is not an AWS region name (expected e.g. eu-west-1)"
            ));
        }
    }
    if let Some(org) = &options.org {
        if !options.accounts.is_empty() {
            return invalid(
                "an organization scan lists its own accounts; give either role ARNs or the \
                 organization, not both"
                    .to_string(),
            );
        }
        if !options::is_role_name(&org.role_name) {
            return invalid(format!(
                "{:?} is not an IAM role name for the member accounts (expected e.g. \
                 OrganizationAccountAccessRole or path/Name)",
                org.role_name
            ));
        }
        if org.external_id.as_deref().is_some_and(str::is_empty) {
            return invalid("the external id for the organization's role is empty".to_string());
        }
        if let Some(bad) = org.units.iter().find(|u| !options::is_org_parent_id(u)) {
            return invalid(format!(
                "{bad:?} is not an organizational unit id (expected ou-ab12-cdef3456, or a \
                 root id r-ab12)"
            ));
        }
        if let Some(bad) = org.exclude.iter().find(|a| !options::is_account_id(a)) {
            return invalid(format!(
                "{bad:?} is not an AWS account id to exclude (expected 12 digits)"
            ));
        }
    }
    for target in &options.accounts {
        if target.account_id().is_none() {
            return invalid(format!(
                "{:?} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)",
                target.role_arn
            ));
        }
        if target.external_id.as_deref().is_some_and(str::is_empty) {
            return invalid(format!("the external id for {} is empty", target.role_arn));
        }
    }
    if let Some(bad) = options
        .services
        .iter()
        .find(|name| service::service(name).is_none())
    {
        return invalid(format!(
            "{bad:?} is not an AWS service soc2scan collects; choose from {}",
            service_names().join(", ")
        ));
    }
    if let Some(url) = &options.endpoint_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return invalid(format!(
                "endpoint URL {url:?} must start with http:// or https://"
            ));
        }
    }
    Ok(())
}

/// What runs through the whole collection.
struct Shared {
    /// The collection-wide bound alone, for a call whose account is not known yet.
    limiter: Limiter,
    /// The bounds of each scope (account and region, or account and `global`) and each
    /// account's rate, within the collection-wide bound.
    scopes: ScopeLimiters,
    counter: CallCounter,
    progress: Arc<dyn CollectionProgress>,
    /// When the overall timeout runs out, and how long it was.
    deadline: Option<(tokio::time::Instant, Duration)>,
}

/// One unit's result.
struct UnitOutcome {
    unit: CollectionUnit,
    result: Result<Vec<Resource>, CallFailure>,
}

impl Shared {
    /// Runs one job under the overall deadline and turns each of its kinds into one
    /// outcome: a kind the job did not report (a bug) fails rather than disappearing.
    async fn run_job(self: Arc<Self>, scope: ScopeContext, job: Job) -> Vec<UnitOutcome> {
        let units: Vec<CollectionUnit> = job
            .kinds
            .iter()
            .map(|&kind| unit(&scope.account, &scope.region, kind))
            .collect();
        for unit in &units {
            self.progress.unit_started(unit);
        }
        let results = match self.deadline {
            None => job.work.await,
            Some((deadline, limit)) => match tokio::time::timeout_at(deadline, job.work).await {
                Ok(results) => results,
                Err(_) => job
                    .kinds
                    .iter()
                    .map(|&kind| {
                        (
                            kind,
                            Err(service::deadline_failure(&scope.region, kind, limit)),
                        )
                    })
                    .collect(),
            },
        };
        let mut results: Vec<Option<(ResourceKind, service::Collected)>> =
            results.into_iter().map(Some).collect();
        units
            .into_iter()
            .map(|unit| {
                let result = results
                    .iter_mut()
                    .find(|slot| slot.as_ref().is_some_and(|(kind, _)| *kind == unit.kind))
                    .and_then(Option::take)
                    .map(|(_, result)| result)
                    .unwrap_or_else(|| {
                        Err(CallFailure::new(
                            FailureKind::Error,
                            format!(
                                "{} {}:{}: the collection gave no result for this kind (a soc2scan bug; please report it)",
                                unit.region,
                                unit.kind.service(),
                                unit.kind.as_str()
                            ),
                        ))
                    });
                self.progress.unit_finished(&unit, result.is_err());
                UnitOutcome { unit, result }
            })
            .collect()
    }
}

/// Whether any of the services lists per region (else no region is scanned or looked up).
fn lists_regions(services: &[&'static dyn AwsService]) -> bool {
    services
        .iter()
        .any(|service| service.scope() == ServiceScope::Regional)
}

/// The services to collect, in registry order: those named in `options.services` (checked
/// by [`validate`]), else every registered one.
fn selected_services(options: &AwsScanOptions) -> Vec<&'static dyn AwsService> {
    SERVICES
        .iter()
        .copied()
        .filter(|service| {
            options.services.is_empty() || options.services.iter().any(|n| n == service.name())
        })
        .collect()
}

fn unit(account: &str, region: &str, kind: ResourceKind) -> CollectionUnit {
    CollectionUnit {
        provider: Provider::Aws,
        account: account.to_string(),
        region: region.to_string(),
        kind,
        resource: None,
    }
}

/// Where an account's credentials come from.
#[derive(Clone, Copy)]
enum AccountSource<'a> {
    /// The base credentials' own account.
    Base,
    /// A role to assume.
    Role(&'a AssumeRoleTarget),
}

fn account_sources(options: &AwsScanOptions) -> Vec<AccountSource<'_>> {
    if options.accounts.is_empty() {
        vec![AccountSource::Base]
    } else {
        options.accounts.iter().map(AccountSource::Role).collect()
    }
}

/// An account ready to scan.
#[derive(Clone)]
struct AccountSession {
    account: String,
    partition: String,
    identity: String,
    regions: Vec<String>,
    config: SdkConfig,
}

async fn open_account(
    shared: &Shared,
    options: &AwsScanOptions,
    services: &[&'static dyn AwsService],
    base: &SdkConfig,
    source: AccountSource<'_>,
    session_name: &str,
) -> Result<AccountSession, AwsError> {
    let (config, target) = match source {
        AccountSource::Base => (base.clone(), None),
        AccountSource::Role(target) => (
            clients::assume_role_config(base, target, session_name, &shared.counter),
            Some(target),
        ),
    };
    let target_name = target
        .map(|t| t.role_arn.clone())
        .unwrap_or_else(|| "the base credentials".to_string());
    // The identity call counts against the account's `global` scope when the account is
    // known from the role's ARN; the base credentials' account is what it tells.
    let identity_limiter = target
        .and_then(|t| t.account_id())
        .map(|account| shared.scopes.scope(account, GLOBAL_REGION))
        .unwrap_or_else(|| shared.limiter.clone());
    let identity = identity_limiter
        .call(
            clients::sts(&config, &shared.counter.charging(identity_limiter.rate()))
                .get_caller_identity()
                .send(),
        )
        .await
        .map_err(|error| {
            if let Some(credentials) = errors::credentials_error(&error) {
                let detail = errors::shorten(
                    aws_smithy_types::error::display::DisplayErrorContext(credentials).to_string(),
                );
                return match (credentials, target) {
                    (
                        aws_credential_types::provider::error::CredentialsError::CredentialsNotLoaded(_),
                        None,
                    ) => AwsError::NoCredentials {
                        profile: clients::profile_note(options),
                        detail,
                    },
                    _ => AwsError::Credentials {
                        target: target_name.clone(),
                        detail,
                    },
                };
            }
            AwsError::CallerIdentity {
                target: target_name.clone(),
                message: errors::describe(&error),
                role_hint: if target.is_some() {
                    " and that the base identity may sts:AssumeRole this role (and the \
                     external id matches)"
                        .to_string()
                } else {
                    String::new()
                },
            }
        })?;
    let account = identity.account().unwrap_or_default().to_string();
    let arn = identity.arn().unwrap_or_default().to_string();
    if account.is_empty() {
        return Err(AwsError::CallerIdentity {
            target: target_name,
            message: "the answer names no account".to_string(),
            role_hint: String::new(),
        });
    }
    let partition = arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    let home_region = config
        .region()
        .map(|r| r.as_ref().to_string())
        .ok_or(AwsError::NoRegion)?;
    let regions = match &options.regions {
        // Nothing is listed per region: no region is scanned, and none is looked up.
        _ if !lists_regions(services) => Vec::new(),
        RegionSelection::List(regions) => {
            let mut regions = regions.clone();
            regions.sort();
            regions.dedup();
            regions
        }
        RegionSelection::Default => vec![home_region],
        RegionSelection::AllEnabled => {
            let limiter = shared.scopes.scope(&account, &home_region);
            let client = clients::ec2(
                &config,
                &home_region,
                &shared.counter.charging(limiter.rate()),
            );
            ec2::enabled_regions(&client, &limiter)
                .await
                .map_err(|message| AwsError::RegionDiscovery {
                    account: account.clone(),
                    message,
                })?
        }
    };
    Ok(AccountSession {
        account,
        partition,
        identity: arn,
        regions,
        config,
    })
}

/// Resources in a stable order (account, kind, region, id), so two collections of the same
/// estate serialise alike. AWS-managed policies share one ARN across accounts; each scanned
/// account keeps its own copy (ids are unique per account), so a principal's attached
/// policies are always found in its own account.
fn in_stable_order(mut resources: Vec<Resource>) -> Vec<Resource> {
    resources.sort_by(|a, b| {
        (&a.account, a.kind(), &a.region, &a.id).cmp(&(&b.account, b.kind(), &b.region, &b.id))
    });
    resources
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn bad_options_are_refused_with_a_reason() {
        let base = AwsScanOptions::default;
        let cases = [
            (
                AwsScanOptions {
                    max_concurrency: 0,
                    ..base()
                },
                "max concurrency",
            ),
            (
                AwsScanOptions {
                    regions: RegionSelection::List(vec![]),
                    ..base()
                },
                "region list is empty",
            ),
            (
                AwsScanOptions {
                    regions: RegionSelection::List(vec!["eu-west-1".into(), "Mars".into()]),
                    ..base()
                },
                "\"Mars\" is not an AWS region",
            ),
            (
                AwsScanOptions {
                    accounts: vec![AssumeRoleTarget::new("arn:aws:iam::12:role/x")],
                    ..base()
                },
                "not an IAM role ARN",
            ),
            (
                AwsScanOptions {
                    endpoint_url: Some("localhost:5000".into()),
                    ..base()
                },
                "must start with http",
            ),
            (
                AwsScanOptions {
                    call_timeout: Duration::ZERO,
                    ..base()
                },
                "per-call timeout",
            ),
            (
                AwsScanOptions {
                    max_concurrency_per_region: 0,
                    ..base()
                },
                "max concurrency per region",
            ),
            (
                AwsScanOptions {
                    max_attempts: 0,
                    ..base()
                },
                "max attempts must be at least 1",
            ),
            (
                AwsScanOptions {
                    max_rate: Some(0.0),
                    ..base()
                },
                "max rate must be",
            ),
            (
                AwsScanOptions {
                    max_rate: Some(f64::NAN),
                    ..base()
                },
                "max rate must be",
            ),
            (
                AwsScanOptions {
                    attempt_timeout: Duration::ZERO,
                    ..base()
                },
                "per-attempt timeout",
            ),
            (
                AwsScanOptions {
                    accounts: vec![AssumeRoleTarget::new("arn:aws:iam::111122223333:role/x")],
                    org: Some(OrgOptions::default()),
                    ..base()
                },
                "either role ARNs or the organization",
            ),
            (
                AwsScanOptions {
                    org: Some(OrgOptions {
                        role_name: "bad role".into(),
                        ..OrgOptions::default()
                    }),
                    ..base()
                },
                "not an IAM role name",
            ),
            (
                AwsScanOptions {
                    org: Some(OrgOptions {
                        units: vec!["ou-ABCD-1".into()],
                        ..OrgOptions::default()
                    }),
                    ..base()
                },
                "not an organizational unit id",
            ),
            (
                AwsScanOptions {
                    org: Some(OrgOptions {
                        exclude: vec!["12345".into()],
                        ..OrgOptions::default()
                    }),
                    ..base()
                },
                "not an AWS account id to exclude",
            ),
        ];
        for (options, expected) in cases {
            let error = validate(&options).unwrap_err().to_string();
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
        }
        assert!(validate(&base()).is_ok());
        assert!(validate(&AwsScanOptions {
            org: Some(OrgOptions::default()),
            ..base()
        })
        .is_ok());
    }

    #[test]
    fn one_aws_managed_policy_per_snapshot() {
        let policy = |account: &str, id: &str, aws_managed: bool| Resource {
            id: id.to_string(),
            provider: Provider::Aws,
            account: account.to_string(),
            region: GLOBAL_REGION.to_string(),
            name: None,
            tags: BTreeMap::new(),
            config: crate::model::ResourceConfig::IamManagedPolicy(
                crate::model::IamManagedPolicy {
                    policy_name: "P".into(),
                    aws_managed,
                    default_version_id: None,
                    attachment_count: 1,
                    document: Default::default(),
                },
            ),
        };
        let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        let kept = in_stable_order(vec![
            policy("222222222222", admin, true),
            policy("111111111111", admin, true),
            policy("111111111111", "arn:aws:iam::111111111111:policy/P", false),
            policy("222222222222", "arn:aws:iam::222222222222:policy/P", false),
        ]);
        let ids: Vec<(&str, &str)> = kept
            .iter()
            .map(|r| (r.account.as_str(), r.id.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("111111111111", "arn:aws:iam::111111111111:policy/P"),
                ("111111111111", admin),
                ("222222222222", "arn:aws:iam::222222222222:policy/P"),
                ("222222222222", admin),
            ]
        );
    }

    #[test]
    fn api_actions_are_unique_and_read_only() {
        let mut seen = HashSet::new();
        for action in api_actions() {
            assert!(seen.insert(action), "{action} twice");
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                ["Describe", "Get", "List", "Generate"]
                    .iter()
                    .any(|prefix| verb.starts_with(prefix)),
                "{action} is not a read-only action"
            );
        }
    }
}

#[cfg(test)]
mod permissions_doc {
    use super::api_actions;
    use std::collections::BTreeSet;

    /// The first ```json block of docs/permissions.md: the scanning identity's policy.
    pub(crate) fn documented_actions() -> BTreeSet<String> {
        let doc = include_str!("../../../docs/permissions.md");
        let start = doc
            .find("```json")
            .expect("docs/permissions.md has a json block")
            + 7;
        let end = start + doc[start..].find("```").expect("the json block is closed");
        let policy: serde_json::Value =
            serde_json::from_str(&doc[start..end]).expect("the policy is valid JSON");
        policy["Statement"]
            .as_array()
            .expect("Statement is an array")
            .iter()
            .flat_map(|statement| {
                assert_eq!(statement["Effect"], "Allow");
                assert_eq!(statement["Resource"], "*");
                statement["Action"]
                    .as_array()
                    .expect("Action is an array")
                    .iter()
                    .map(|a| a.as_str().expect("actions are strings").to_string())
            })
            .collect()
    }

    /// The actions of the caller's policy for `--org` in docs/permissions.md: the json
    /// block of its "Scanning an organization" section.
    fn documented_caller_actions() -> BTreeSet<String> {
        let doc = include_str!("../../../docs/permissions.md");
        let section = doc
            .split("### Scanning an organization")
            .nth(1)
            .expect("docs/permissions.md has a section on scanning an organization");
        let start = section
            .find("```json")
            .expect("the section has a json block")
            + 7;
        let end = start
            + section[start..]
                .find("```")
                .expect("the json block is closed");
        let policy: serde_json::Value =
            serde_json::from_str(&section[start..end]).expect("the policy is valid JSON");
        policy["Statement"]
            .as_array()
            .expect("Statement is an array")
            .iter()
            .flat_map(|statement| {
                assert_eq!(statement["Effect"], "Allow");
                statement["Action"]
                    .as_array()
                    .expect("Action is an array")
                    .iter()
                    .map(|a| a.as_str().expect("actions are strings").to_string())
            })
            .collect()
    }

    #[test]
    fn the_documented_caller_policy_grants_exactly_the_organization_and_assume_role_actions() {
        let code: BTreeSet<String> = super::caller_actions()
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(documented_caller_actions(), code);
        // The scanning identity's policy keeps its meaning: what the scanned accounts' role
        // needs, none of the caller's actions.
        let scanning = documented_actions();
        for action in &code {
            assert!(
                !scanning.contains(action),
                "{action} in the scanning policy"
            );
        }
    }

    #[test]
    fn the_documented_policy_grants_exactly_the_actions_the_code_calls() {
        let code: BTreeSet<String> = api_actions().iter().map(|a| a.to_string()).collect();
        let documented = documented_actions();
        let missing: Vec<_> = code.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&code).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "docs/permissions.md is out of step with aws::api_actions(): missing {missing:?}, \
             not called {extra:?}"
        );
    }
}
