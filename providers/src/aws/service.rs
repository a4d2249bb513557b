//! The AWS service registry: what a service module implements, and everything services
//! share so that none of them writes it again — the per-scope context, pagination, error →
//! coverage mapping, narrowed gaps, the overall deadline and call counting (every client is
//! built with the counting interceptor through [`sdk_client!`]).
//!
//! A service is one module implementing [`AwsService`] plus one line in [`SERVICES`]. The
//! orchestrator (`aws/mod.rs`) asks each selected service for its jobs in every scope it
//! lists (each region, or once per account), runs them concurrently, and turns every kind
//! of every job into exactly one coverage entry.

use super::calls::{CallCounter, Limiter};
use super::convert::{required, tags};
use super::errors::{classify, next_page, CallFailure};
use crate::model::{Provider, Resource, ResourceConfig, ResourceKind};
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, FailureKind};
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Every AWS service soc2scan collects, in coverage order. Adding a service is one module
/// and one line here.
pub(crate) static SERVICES: &[&dyn AwsService] = &[
    &super::ec2::Ec2,
    &super::iam::Iam,
    &super::s3::S3,
    &super::rds::Rds,
    &super::kms::Kms,
    &super::dynamodb::Dynamodb,
    &super::efs::Efs,
    &super::backup::Backup,
    &super::cloudtrail::Cloudtrail,
    &super::logs::Logs,
    &super::cloudwatch::Cloudwatch,
    &super::config::Config,
    &super::guardduty::Guardduty,
    &super::securityhub::Securityhub,
    &super::acm::Acm,
    &super::secretsmanager::Secretsmanager,
    &super::elbv2::Elbv2,
    &super::lambda::Lambda,
];

/// How a service's kinds are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceScope {
    /// Once per scanned region (EC2).
    Regional,
    /// Once per account, with the region `global` (IAM).
    Account,
}

/// What one kind's collection gave: its resources, or why the unit failed.
pub(crate) type Collected = Result<Vec<Resource>, CallFailure>;

/// The future of a [`Job`]: one result per kind the job covers.
pub(crate) type JobFuture = Pin<Box<dyn Future<Output = Vec<(ResourceKind, Collected)>> + Send>>;

/// Kinds collected together, and the work that collects them. Most jobs cover one kind;
/// kinds that come from the same calls (IAM's principals and policies) share one.
pub(crate) struct Job {
    /// The kinds this job fills; each becomes one coverage entry.
    pub kinds: Vec<ResourceKind>,
    /// The work.
    pub work: JobFuture,
}

impl Job {
    /// A job that collects one kind.
    pub(crate) fn one(
        kind: ResourceKind,
        work: impl Future<Output = Collected> + Send + 'static,
    ) -> Job {
        Job {
            kinds: vec![kind],
            work: Box::pin(async move { vec![(kind, work.await)] }),
        }
    }

    /// A job that collects several kinds from shared calls.
    pub(crate) fn several(
        kinds: &[ResourceKind],
        work: impl Future<Output = Vec<(ResourceKind, Collected)>> + Send + 'static,
    ) -> Job {
        Job {
            kinds: kinds.to_vec(),
            work: Box::pin(work),
        }
    }
}

/// One AWS service: what it lists, the kinds it fills, and the IAM actions it calls.
pub(crate) trait AwsService: Send + Sync {
    /// The name `--services` and `[aws] services` use (`ec2`); the service of its kinds,
    /// and (but for [`calls::iam_prefix`](super::calls::iam_prefix)'s exceptions, such as
    /// `efs` → `elasticfilesystem`) the prefix of its IAM actions.
    fn name(&self) -> &'static str;

    /// Whether it lists per region or once per account.
    fn scope(&self) -> ServiceScope;

    /// The kinds it fills, in coverage order (coverage-only kinds included).
    fn kinds(&self) -> &'static [ResourceKind];

    /// Every IAM action it may call (`ec2:DescribeVolumes`); docs/permissions.md must grant
    /// exactly the registry's actions, and a scan must call nothing else.
    fn actions(&self) -> &'static [&'static str];

    /// The IAM prefix of its actions, when it is not the service's name (EFS's actions are
    /// `elasticfilesystem:…`); the registry test checks every action against it.
    #[cfg(test)]
    fn iam_prefix(&self) -> &'static str {
        self.name()
    }

    /// The jobs that collect its kinds in one scope (a region of an account, or the
    /// account). Together they must cover [`AwsService::kinds`]; a kind a job leaves out
    /// is recorded as failed, never as collected.
    fn jobs(&self, scope: ScopeContext) -> Vec<Job>;

    /// For a regional service: kinds it fills once per account, in the region `global`
    /// (a synthetic resource for the account as a whole, such as `cloudtrail_account`).
    fn account_kinds(&self) -> &'static [ResourceKind] {
        &[]
    }

    /// For a regional service: the jobs that fill [`AwsService::account_kinds`], run once
    /// per account with the scope `global`.
    fn account_jobs(&self, scope: ScopeContext) -> Vec<Job> {
        let _ = scope;
        Vec::new()
    }
}

/// The registered service called `name`.
pub(crate) fn service(name: &str) -> Option<&'static dyn AwsService> {
    SERVICES.iter().copied().find(|s| s.name() == name)
}

/// What every job in one scope shares: the account's SDK configuration, the call bound
/// and counter, where the scope is, and where narrowed gaps go.
#[derive(Clone)]
pub(crate) struct ScopeContext {
    /// The account's SDK configuration (credentials, retries, endpoint).
    pub config: SdkConfig,
    /// Counts every HTTP request; every client must carry it ([`sdk_client!`]).
    pub counter: CallCounter,
    /// The bounds on calls in flight (the whole collection's and this scope's) and the
    /// account's request rate.
    pub limiter: Limiter,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
    /// The account id.
    pub account: String,
    /// The region, or `global` for account-wide services.
    pub region: String,
    /// Whether the region is a real one the clients must use.
    pub regional: bool,
    pub(crate) narrowed_gaps: Arc<Mutex<Vec<CoverageEntry>>>,
    pub(crate) deadline: Option<(tokio::time::Instant, Duration)>,
    /// Every region scanned in this account (the same list in each of its scopes).
    pub account_regions: Arc<[String]>,
    /// Work shared by every scope of one account (see [`AccountShared`]).
    pub(crate) account_shared: AccountShared,
}

/// Work shared by every scope of one account, made once by whichever job asks first:
/// a service whose regions need each other's answers (CloudTrail lists every region once
/// and merges the trails by ARN) keeps it here, under its own name.
#[derive(Clone, Default)]
pub(crate) struct AccountShared {
    items: Arc<Mutex<BTreeMap<&'static str, Arc<dyn std::any::Any + Send + Sync>>>>,
}

impl AccountShared {
    /// The account's shared value under `key`, made with `T::default()` on first use.
    pub(crate) fn get<T: Default + Send + Sync + 'static>(&self, key: &'static str) -> Arc<T> {
        let mut items = match self.items.lock() {
            Ok(items) => items,
            Err(poisoned) => poisoned.into_inner(),
        };
        let item = items
            .entry(key)
            .or_insert_with(|| Arc::new(T::default()) as Arc<dyn std::any::Any + Send + Sync>)
            .clone();
        match item.downcast::<T>() {
            Ok(item) => item,
            // Two types under one key is a programming error; a fresh value keeps the
            // collection correct (the work is done twice, never shared wrongly).
            Err(_) => Arc::new(T::default()),
        }
    }
}

/// A service's SDK client in one scope, with the scope's context one `.` away.
pub(crate) struct Scoped<C> {
    /// The client, built with [`sdk_client!`].
    pub client: C,
    /// The scope.
    pub ctx: ScopeContext,
}

impl<C> Deref for Scoped<C> {
    type Target = ScopeContext;

    fn deref(&self) -> &ScopeContext {
        &self.ctx
    }
}

/// A client of one SDK crate for a scope: the account's configuration, the scope's region
/// (for regional services), the call-counting interceptor and soc2scan's retry partition.
macro_rules! sdk_client {
    ($sdk:ident, $scope:expr) => {{
        let scope: &$crate::aws::service::ScopeContext = $scope;
        let mut builder = $sdk::config::Builder::from(&scope.config);
        if scope.regional {
            builder = builder.region(aws_config::Region::new(scope.region.clone()));
        }
        $sdk::Client::from_conf(
            builder
                .interceptor(scope.counter.clone())
                .retry_partition($crate::aws::calls::retry_partition())
                .build(),
        )
    }};
}
pub(crate) use sdk_client;

impl ScopeContext {
    /// Runs one call under the bounds on calls in flight and the account's rate.
    pub(crate) async fn call<F: Future>(&self, call: F) -> F::Output {
        self.limiter.call(call).await
    }

    /// A failed call as a coverage failure naming the scope and the operation.
    pub(crate) fn fail<E>(&self, operation: &str, error: &SdkError<E, HttpResponse>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        classify(&self.region, operation, error)
    }

    /// A field AWS always returns, or a failure naming it.
    pub(crate) fn required<T>(
        &self,
        value: Option<T>,
        operation: &str,
        field: &str,
    ) -> Result<T, CallFailure> {
        required(value, &self.region, operation, field)
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    pub(crate) fn regional_arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }

    /// `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE` (IAM and other account-wide services).
    pub(crate) fn account_arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}::{}:{resource}",
            self.partition, self.account
        )
    }

    /// A resource of this scope.
    pub(crate) fn resource(
        &self,
        id: String,
        name: Option<String>,
        tags: BTreeMap<String, String>,
        config: ResourceConfig,
    ) -> Resource {
        Resource {
            id,
            provider: Provider::Aws,
            account: self.account.clone(),
            region: self.region.clone(),
            name,
            tags,
            config,
        }
    }

    /// A resource of this scope whose name is its `Name` tag.
    pub(crate) fn tagged_resource<'a>(
        &self,
        id: String,
        tag_pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
        config: ResourceConfig,
    ) -> Resource {
        let (name, tags) = tags(tag_pairs);
        self.resource(id, name, tags, config)
    }

    /// Records a failure that concerns one resource only (one snapshot's public-restore
    /// permission, say): it becomes a coverage entry narrowed to that resource, so only the
    /// verdicts that depend on it are not evaluated, and the report, the SARIF and the exit
    /// code show it.
    pub(crate) fn record_narrowed_gap(
        &self,
        resource_id: &str,
        kind: ResourceKind,
        failure: &CallFailure,
    ) {
        let entry = CoverageEntry {
            unit: CollectionUnit {
                provider: Provider::Aws,
                account: self.account.clone(),
                region: self.region.clone(),
                kind,
                resource: Some(resource_id.to_string()),
            },
            status: CoverageStatus::Failed {
                kind: failure.kind,
                message: failure.message.clone(),
            },
        };
        if let Ok(mut gaps) = self.narrowed_gaps.lock() {
            gaps.push(entry);
        }
    }

    /// Runs `work` unless the overall timeout (`--timeout`) runs out first. The
    /// orchestrator runs every job under it; a job whose parts fill different kinds uses it
    /// per part, so a slow part fails only its own kinds.
    pub(crate) async fn within_deadline<T>(
        &self,
        kind: ResourceKind,
        work: impl Future<Output = Result<T, CallFailure>>,
    ) -> Result<T, CallFailure> {
        let Some((deadline, limit)) = self.deadline else {
            return work.await;
        };
        match tokio::time::timeout_at(deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(deadline_failure(&self.region, kind, limit)),
        }
    }
}

/// The failure of a unit still running when the overall timeout ran out.
pub(crate) fn deadline_failure(region: &str, kind: ResourceKind, limit: Duration) -> CallFailure {
    CallFailure::new(
        FailureKind::Timeout,
        format!(
            "{region} {}:{}: not finished when the overall timeout of {} s ran out — \
             allow more time with --timeout or scan fewer regions",
            kind.service(),
            kind.as_str(),
            limit.as_secs_f64()
        ),
    )
}

/// Where a listing stands after a page: `more` when the service says it is truncated (or
/// returned a next token), with the token for the next page.
pub(crate) struct PageEnd {
    /// The listing continues.
    pub more: bool,
    /// The next page's token (`NextToken`, `Marker`).
    pub token: Option<String>,
}

impl PageEnd {
    /// For APIs whose next token alone says there is more (EC2's `NextToken`).
    pub(crate) fn next_token(token: Option<&str>) -> PageEnd {
        PageEnd {
            more: token.is_some_and(|t| !t.is_empty()),
            token: token.map(str::to_string),
        }
    }

    /// For APIs with an explicit truncation flag and a marker (IAM's `IsTruncated`).
    pub(crate) fn truncated(is_truncated: bool, marker: Option<&str>) -> PageEnd {
        PageEnd {
            more: is_truncated,
            token: marker.map(str::to_string),
        }
    }
}

/// Runs a listing to its end, one page after another, each call under the shared bound:
/// `request` sends the call for a page token, `convert` turns a page into items and says
/// where the listing stands. A truncated page without a fresh token fails the unit (see
/// [`next_page`]): partial data never passes for a complete listing.
pub(crate) async fn paginate<P, T, E, Fut>(
    scope: &ScopeContext,
    operation: &'static str,
    mut request: impl FnMut(Option<String>) -> Fut,
    mut convert: impl FnMut(&P, &mut Vec<T>) -> Result<PageEnd, CallFailure>,
) -> Result<Vec<T>, CallFailure>
where
    Fut: Future<Output = Result<P, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut token = None;
    loop {
        let page = scope
            .call(request(token.take()))
            .await
            .map_err(|e| scope.fail(operation, &e))?;
        let end = convert(&page, &mut out)?;
        match next_page(
            &mut seen,
            end.more,
            end.token.as_deref(),
            &scope.region,
            operation,
        )? {
            Some(next) => token = Some(next),
            None => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionScope;

    #[test]
    fn every_aws_kind_belongs_to_exactly_one_registered_service_of_its_name_and_scope() {
        let mut seen = HashSet::new();
        for service in SERVICES {
            assert!(
                service
                    .name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{}",
                service.name()
            );
            for &kind in service.account_kinds() {
                assert!(seen.insert(kind), "{kind} is filled by two services");
                assert_eq!(kind.service(), service.name(), "{kind}");
                assert_eq!(service.scope(), ServiceScope::Regional, "{kind}");
                assert_eq!(kind.collection_scope(), CollectionScope::Global, "{kind}");
            }
            for &kind in service.kinds() {
                assert!(seen.insert(kind), "{kind} is filled by two services");
                assert_eq!(kind.provider(), Provider::Aws, "{kind}");
                assert_eq!(kind.service(), service.name(), "{kind}");
                let expected = match service.scope() {
                    ServiceScope::Regional => CollectionScope::Regional,
                    ServiceScope::Account => CollectionScope::Global,
                };
                assert_eq!(kind.collection_scope(), expected, "{kind}");
            }
            for action in service.actions() {
                assert!(
                    action.starts_with(&format!("{}:", service.iam_prefix())),
                    "{} lists {action}",
                    service.name()
                );
            }
        }
        for kind in ResourceKind::ALL {
            if kind.provider() == Provider::Aws {
                assert!(seen.contains(kind), "no registered service fills {kind}");
            }
        }
    }
}
