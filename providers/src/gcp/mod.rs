//! Live Google Cloud Storage collection (cargo feature `gcp`): reads the buckets of one or
//! more projects and each bucket's IAM policy through the official `google-cloud-storage`
//! crate's [`StorageControl`] client (gRPC) into the snapshot model.
//!
//! Per project, [`collect`] lists the buckets (`google.storage.v2.Storage/ListBuckets`,
//! every page, 1,000 buckets a page), then reads every bucket's IAM policy
//! (`google.storage.control.v2.StorageControl/GetIamPolicy`, policy version 3 so that
//! conditional bindings come back whole). All projects and all policy reads run
//! concurrently under one bound on calls in flight. Transient failures (`UNAVAILABLE`,
//! `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`, `INTERNAL`, broken connections) are retried
//! with the crate's retry policy and exponential backoff; what still fails becomes a
//! coverage gap of exactly the unit it blocked:
//!
//! - ListBuckets fails → both units of the project (`gcs_bucket`, `gcs_bucket_iam_policy`)
//!   are gaps: nothing of the project is evaluated, nothing passes.
//! - GetIamPolicy fails for one bucket → a `gcs_bucket_iam_policy` gap narrowed to that
//!   bucket: only its IAM-based rules are not evaluated; its other rules still run. When
//!   every bucket's policy read fails, one project-wide gap replaces the per-bucket ones.
//!
//! Credentials are Application Default Credentials (a service account key file in
//! `GOOGLE_APPLICATION_CREDENTIALS`, gcloud's user credentials, workload identity, the
//! metadata server), or none at all for emulators ([`GcpScanOptions::anonymous`]). Only
//! configuration is read: no object names or data, no HMAC keys, no credentials.

mod convert;
mod errors;
mod options;
mod project;

pub use convert::bucket_id;
pub use errors::GcpError;
pub use options::{
    GcpScanOptions, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PAGE_SIZE,
};
pub use project::{adc_identity, adc_source, default_project, DefaultProject};

use crate::live::CollectionProgress;
use crate::model::{Provider, Resource, ResourceConfig, ResourceKind, GLOBAL_REGION};
use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, ScanTarget};
use chrono::Utc;
use errors::{classify, CallFailure};
use google_cloud_gax::options::RequestOptionsBuilder;
use google_cloud_gax::retry_policy::{RetryPolicy, RetryPolicyExt};
use google_cloud_gax::retry_result::RetryResult;
use google_cloud_gax::retry_state::RetryState;
use google_cloud_gax::throttle_result::ThrottleResult;
use google_cloud_storage::client::StorageControl;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Every IAM permission the collection uses. `docs/permissions.md` lists exactly these (a
/// test checks): a custom role with just them is the least privilege; the predefined
/// `roles/iam.securityReviewer` covers them too.
pub const PERMISSIONS: &[&str] = &["storage.buckets.list", "storage.buckets.getIamPolicy"];

/// The kinds a Cloud Storage collection fills in every project.
pub const KINDS: &[ResourceKind] = &[ResourceKind::GcsBucket, ResourceKind::GcsBucketIamPolicy];

/// The operations counted in [`GcpCollection::api_calls`].
pub const OPERATIONS: &[&str] = &["storage:ListBuckets", "storage:GetIamPolicy"];

const LIST_BUCKETS: &str = "storage:ListBuckets";
const GET_IAM_POLICY: &str = "storage:GetIamPolicy";

/// The IAM policy version requested: 3 returns conditional role bindings whole.
const POLICY_VERSION: i32 = 3;

/// What a Cloud Storage collection produced: per project, one coverage entry for
/// `gcs_bucket` and one for `gcs_bucket_iam_policy`, plus entries narrowed to single buckets
/// whose policy could not be read; buckets sorted by project and id, each with its IAM
/// policy when it was read; call attempts by operation (`storage:GetIamPolicy`).
pub type GcpCollection = crate::live::LiveCollection;

/// Collects the buckets and bucket IAM policies of the projects in `options`.
///
/// Must run inside a tokio runtime.
pub async fn collect(
    options: &GcpScanOptions,
    progress: Arc<dyn CollectionProgress>,
) -> Result<GcpCollection, GcpError> {
    options::validate(options).map_err(GcpError::InvalidOptions)?;
    let started_at = Utc::now();
    // `--shard I/N`: only this share of the projects. A share that holds none of them is an
    // empty collection (no client, no call), not an error.
    if let Some(shard) = options.shard {
        if !options
            .projects
            .iter()
            .any(|project| shard.includes(project))
        {
            return Ok(GcpCollection::empty(started_at));
        }
    }
    let client = client(options).await?;
    let shared = Arc::new(Shared {
        client,
        limiter: Arc::new(Semaphore::new(options.max_concurrency)),
        calls: CallCounter {
            counts: Mutex::new(BTreeMap::new()),
            progress: progress.clone(),
        },
        progress,
        retry: Arc::new(
            google_cloud_storage::retry_policy::RetryableErrors
                .with_time_limit(options.call_timeout)
                .with_attempt_limit(options.max_attempts),
        ),
        call_timeout: options.call_timeout,
        page_size: options.page_size,
    });
    let deadline = options
        .overall_timeout
        .map(|limit| (tokio::time::Instant::now() + limit, limit));
    let identity = if options.anonymous {
        None
    } else {
        adc_identity()
    };

    let mut projects: Vec<String> = Vec::new();
    for project in &options.projects {
        if options.shard.is_some_and(|shard| !shard.includes(project)) {
            continue;
        }
        if !projects.contains(project) {
            projects.push(project.clone());
        }
    }
    let mut tasks = JoinSet::new();
    for project in &projects {
        let shared = shared.clone();
        let project = project.clone();
        tasks.spawn(async move {
            let work = collect_project(shared.clone(), project.clone());
            match deadline {
                None => work.await,
                Some((at, limit)) => match tokio::time::timeout_at(at, work).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        let failure = CallFailure {
                            kind: FailureKind::Timeout,
                            message: format!(
                                "collection of project {project} did not finish within the \
                                 {}-second limit (--timeout)",
                                limit.as_secs()
                            ),
                        };
                        let outcome = ProjectOutcome::failed(&project, &failure);
                        for entry in &outcome.coverage {
                            shared.progress.unit_finished(&entry.unit, true);
                        }
                        outcome
                    }
                },
            }
        });
    }
    let mut resources = Vec::new();
    let mut coverage = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcome) => {
                resources.extend(outcome.resources);
                coverage.extend(outcome.coverage);
            }
            // A panicking project task is a bug; its units are missing from the coverage
            // table, which the snapshot validator and the engine treat as not collected.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => {}
        }
    }
    resources.sort_by(|a, b| (&a.account, &a.id).cmp(&(&b.account, &b.id)));
    coverage.sort_by(|a, b| {
        let key = |e: &CoverageEntry| {
            (
                e.unit.account.clone(),
                e.unit.kind.as_str(),
                e.unit.resource.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let targets = projects
        .iter()
        .map(|project| ScanTarget {
            provider: Provider::Gcp,
            account: project.clone(),
            alias: None,
            regions: Vec::new(),
            identity: identity.clone(),
            organization: None,
        })
        .collect();
    let api_calls = shared
        .calls
        .counts
        .lock()
        .map(|counts| counts.clone())
        .unwrap_or_default();
    Ok(GcpCollection {
        targets,
        organization: None,
        resources,
        coverage,
        api_calls,
        started_at,
        finished_at: Utc::now(),
    })
}

/// Builds the client: ADC (or anonymous) credentials, the endpoint override, retries.
async fn client(options: &GcpScanOptions) -> Result<StorageControl, GcpError> {
    let credentials = if options.anonymous {
        google_cloud_auth::credentials::anonymous::Builder::new().build()
    } else {
        if adc_source().is_none() {
            return Err(GcpError::NoCredentials {
                detail: "GOOGLE_APPLICATION_CREDENTIALS is not set, gcloud has no application \
                         default credentials, and no metadata server answers"
                    .to_string(),
            });
        }
        google_cloud_auth::credentials::Builder::default()
            .build()
            .map_err(|error| GcpError::NoCredentials {
                detail: error.to_string(),
            })?
    };
    let mut builder = StorageControl::builder().with_credentials(credentials);
    if let Some(endpoint) = &options.endpoint {
        builder = builder.with_endpoint(endpoint.clone());
    }
    builder.build().await.map_err(|error| GcpError::Client {
        endpoint: options
            .endpoint
            .as_ref()
            .map(|e| format!(" for endpoint {e}"))
            .unwrap_or_default(),
        detail: error.to_string(),
    })
}

/// What every task shares.
struct Shared {
    client: StorageControl,
    limiter: Arc<Semaphore>,
    calls: CallCounter,
    progress: Arc<dyn CollectionProgress>,
    retry: Arc<dyn RetryPolicy>,
    call_timeout: Duration,
    page_size: i32,
}

/// Counts call attempts by operation and tells the progress display.
struct CallCounter {
    counts: Mutex<BTreeMap<String, u64>>,
    progress: Arc<dyn CollectionProgress>,
}

impl CallCounter {
    fn record(&self, operation: &'static str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(operation.to_string()).or_insert(0) += 1;
        }
        self.progress.api_call(operation);
    }
}

/// The crate's retry policy, counting every retry it grants as one more call attempt.
#[derive(Debug)]
struct CountingRetry {
    inner: Arc<dyn RetryPolicy>,
    shared: Arc<Shared>,
    operation: &'static str,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl RetryPolicy for CountingRetry {
    fn on_error(&self, state: &RetryState, error: google_cloud_gax::error::Error) -> RetryResult {
        let result = self.inner.on_error(state, error);
        if matches!(result, RetryResult::Continue(_)) {
            self.shared.calls.record(self.operation);
        }
        result
    }

    fn on_throttle(
        &self,
        state: &RetryState,
        error: google_cloud_gax::error::Error,
    ) -> ThrottleResult {
        self.inner.on_throttle(state, error)
    }

    fn remaining_time(&self, state: &RetryState) -> Option<Duration> {
        self.inner.remaining_time(state)
    }
}

impl Shared {
    fn retry_for(self: &Arc<Self>, operation: &'static str) -> CountingRetry {
        CountingRetry {
            inner: self.retry.clone(),
            shared: self.clone(),
            operation,
        }
    }

    /// Every bucket of `project`, all pages.
    async fn list_buckets(self: &Arc<Self>, project: &str) -> Result<Vec<Resource>, CallFailure> {
        let parent = format!("projects/{project}");
        let operation = format!("storage.buckets.list on {parent}");
        let mut buckets = Vec::new();
        let mut page_token = String::new();
        loop {
            let page = {
                let _permit = self.limiter.acquire().await.map_err(|_| CallFailure {
                    kind: FailureKind::Error,
                    message: "the collection was shut down".to_string(),
                })?;
                self.calls.record(LIST_BUCKETS);
                self.client
                    .list_buckets()
                    .set_parent(parent.clone())
                    .set_page_size(self.page_size)
                    .set_page_token(page_token.clone())
                    .with_idempotency(true)
                    .with_attempt_timeout(self.call_timeout)
                    .with_retry_policy(self.retry_for(LIST_BUCKETS))
                    .send()
                    .await
                    .map_err(|error| classify(&operation, &error))?
            };
            if !page.unreachable.is_empty() {
                return Err(CallFailure {
                    kind: FailureKind::Error,
                    message: format!(
                        "{operation}: some bucket locations were unreachable, so the list \
                         is incomplete: {}",
                        page.unreachable.join(", ")
                    ),
                });
            }
            buckets.extend(
                page.buckets
                    .into_iter()
                    .map(|bucket| convert::bucket(project, bucket)),
            );
            if page.next_page_token.is_empty() {
                return Ok(buckets);
            }
            page_token = page.next_page_token;
        }
    }

    /// The IAM policy of bucket `name`.
    async fn bucket_policy(
        self: Arc<Self>,
        name: String,
    ) -> Result<crate::model::GcsIamPolicy, CallFailure> {
        let resource = convert::bucket_resource_name(&name);
        let operation = format!("storage.buckets.getIamPolicy on {resource}");
        let _permit = self.limiter.acquire().await.map_err(|_| CallFailure {
            kind: FailureKind::Error,
            message: "the collection was shut down".to_string(),
        })?;
        self.calls.record(GET_IAM_POLICY);
        let policy = self
            .client
            .get_iam_policy()
            .set_resource(resource)
            .set_options(
                google_cloud_iam_v1::model::GetPolicyOptions::new()
                    .set_requested_policy_version(POLICY_VERSION),
            )
            // A read: safe to retry, which the crate assumes only when told.
            .with_idempotency(true)
            .with_attempt_timeout(self.call_timeout)
            .with_retry_policy(self.retry_for(GET_IAM_POLICY))
            .send()
            .await
            .map_err(|error| classify(&operation, &error))?;
        Ok(convert::iam_policy(policy))
    }
}

/// A project's resources and coverage entries.
struct ProjectOutcome {
    resources: Vec<Resource>,
    coverage: Vec<CoverageEntry>,
}

impl ProjectOutcome {
    /// Nothing of `project` was collected.
    fn failed(project: &str, failure: &CallFailure) -> ProjectOutcome {
        let buckets = unit(project, ResourceKind::GcsBucket, None);
        let policies = unit(project, ResourceKind::GcsBucketIamPolicy, None);
        ProjectOutcome {
            resources: Vec::new(),
            coverage: vec![
                failed(buckets, failure.kind, failure.message.clone()),
                failed(
                    policies,
                    failure.kind,
                    format!(
                        "not read: the buckets could not be listed ({})",
                        failure.message
                    ),
                ),
            ],
        }
    }
}

fn unit(project: &str, kind: ResourceKind, resource: Option<String>) -> CollectionUnit {
    CollectionUnit {
        provider: Provider::Gcp,
        account: project.to_string(),
        region: GLOBAL_REGION.to_string(),
        kind,
        resource,
    }
}

fn failed(unit: CollectionUnit, kind: FailureKind, message: String) -> CoverageEntry {
    CoverageEntry {
        unit,
        status: CoverageStatus::Failed { kind, message },
    }
}

/// Lists the buckets of `project`, then reads their policies concurrently.
async fn collect_project(shared: Arc<Shared>, project: String) -> ProjectOutcome {
    let buckets_unit = unit(&project, ResourceKind::GcsBucket, None);
    let policies_unit = unit(&project, ResourceKind::GcsBucketIamPolicy, None);
    shared.progress.unit_started(&buckets_unit);
    shared.progress.unit_started(&policies_unit);
    let mut buckets = match shared.list_buckets(&project).await {
        Ok(buckets) => buckets,
        Err(failure) => {
            shared.progress.unit_finished(&buckets_unit, true);
            shared.progress.unit_finished(&policies_unit, true);
            return ProjectOutcome::failed(&project, &failure);
        }
    };
    shared.progress.unit_finished(&buckets_unit, false);

    let mut reads = JoinSet::new();
    for (index, bucket) in buckets.iter().enumerate() {
        let name = bucket.name.clone().unwrap_or_default();
        let shared = shared.clone();
        reads.spawn(async move { (index, shared.bucket_policy(name).await) });
    }
    let mut failures: Vec<(usize, CallFailure)> = Vec::new();
    while let Some(joined) = reads.join_next().await {
        match joined {
            Ok((index, Ok(policy))) => {
                if let ResourceConfig::GcsBucket(config) = &mut buckets[index].config {
                    config.iam_policy = Some(policy);
                }
            }
            Ok((index, Err(failure))) => failures.push((index, failure)),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => {}
        }
    }
    failures.sort_by_key(|(index, _)| *index);
    // Policies that were neither read nor recorded as failed (a cancelled task) must not
    // look collected: they become narrowed gaps too.
    let unread: Vec<usize> = buckets
        .iter()
        .enumerate()
        .filter(|(index, bucket)| {
            matches!(&bucket.config, ResourceConfig::GcsBucket(c) if c.iam_policy.is_none())
                && !failures.iter().any(|(failed, _)| failed == index)
        })
        .map(|(index, _)| index)
        .collect();
    for index in unread {
        failures.push((
            index,
            CallFailure {
                kind: FailureKind::Error,
                message: "the IAM policy read was cancelled".to_string(),
            },
        ));
    }

    let mut coverage = vec![CoverageEntry {
        unit: buckets_unit,
        status: CoverageStatus::Ok,
    }];
    if !failures.is_empty() && failures.len() == buckets.len() {
        // Every read failed (typically the role lacks storage.buckets.getIamPolicy): one
        // project-wide gap says so better than one per bucket.
        let (_, first) = &failures[0];
        coverage.push(failed(
            policies_unit.clone(),
            first.kind,
            format!(
                "the IAM policy of every bucket ({}) could not be read; the first error: {}",
                buckets.len(),
                first.message
            ),
        ));
        shared.progress.unit_finished(&policies_unit, true);
    } else {
        shared
            .progress
            .unit_finished(&policies_unit, !failures.is_empty());
        coverage.push(CoverageEntry {
            unit: policies_unit,
            status: CoverageStatus::Ok,
        });
        for (index, failure) in failures {
            coverage.push(failed(
                unit(
                    &project,
                    ResourceKind::GcsBucketIamPolicy,
                    Some(buckets[index].id.clone()),
                ),
                failure.kind,
                failure.message,
            ));
        }
    }
    ProjectOutcome {
        resources: buckets,
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ```text block of the Google Cloud section of docs/permissions.md.
    fn documented_permissions() -> Vec<String> {
        let doc = include_str!("../../../docs/permissions.md");
        let section = doc
            .split("## Google Cloud")
            .nth(1)
            .expect("docs/permissions.md has a Google Cloud section");
        let block = section
            .split("```text")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("the Google Cloud section has a text block of permissions");
        block
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn docs_list_exactly_the_permissions_the_code_uses() {
        let mut documented = documented_permissions();
        documented.sort();
        let mut used: Vec<String> = PERMISSIONS.iter().map(|p| p.to_string()).collect();
        used.sort();
        assert_eq!(
            documented, used,
            "docs/permissions.md is out of step with gcp::PERMISSIONS"
        );
    }
}
