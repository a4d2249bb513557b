//! Counting API calls (an SDK interceptor) and bounding how many are in flight.

use super::CollectionProgress;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Counts HTTP attempts per `service:Operation` (`ec2:DescribeVolumes`).
///
/// The hook is `read_before_transmit`, which the SDK runs once per attempt, right before
/// the request goes on the wire: a call that the SDK retried twice counts three times, and
/// a call that failed before sending (no credentials) does not count. So the figures are
/// the requests AWS actually received — what its rate limits and CloudTrail see.
#[derive(Clone)]
pub(crate) struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
    progress: Arc<dyn CollectionProgress>,
}

impl fmt::Debug for CallCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallCounter").finish_non_exhaustive()
    }
}

impl CallCounter {
    pub(crate) fn new(progress: Arc<dyn CollectionProgress>) -> Self {
        CallCounter {
            counts: Arc::default(),
            progress,
        }
    }

    /// The counts so far.
    pub(crate) fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn record(&self, operation: String) {
        self.progress.api_call(&operation);
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.entry(operation).or_insert(0) += 1;
    }
}

/// SDK service ids (lower-cased) whose IAM action prefix is another name.
const IAM_PREFIXES: &[(&str, &str)] = &[("efs", "elasticfilesystem")];

/// The IAM action prefix of an SDK service id: `EC2` → `ec2`, `EFS` → `elasticfilesystem`.
pub(crate) fn iam_prefix(service: &str) -> String {
    let service = service.to_ascii_lowercase();
    IAM_PREFIXES
        .iter()
        .find(|(id, _)| *id == service)
        .map(|(_, prefix)| prefix.to_string())
        .unwrap_or(service)
}

/// `EC2` + `DescribeVolumes` → `ec2:DescribeVolumes`, the IAM action's spelling.
pub(crate) fn action_name(service: &str, operation: &str) -> String {
    format!("{}:{operation}", iam_prefix(service))
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "soc2scan-call-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = match cfg.load::<Metadata>() {
            Some(metadata) => action_name(metadata.service(), metadata.name()),
            None => "unknown:Unknown".to_string(),
        };
        self.record(operation);
        Ok(())
    }
}

/// One bound on API calls in flight over the whole collection (`--max-concurrency`).
///
/// A permit is held for one call (all its retries), not for a whole unit, so a unit that
/// pages or waits for the credential report never blocks others while it sleeps.
#[derive(Clone)]
pub(crate) struct Limiter {
    semaphore: Arc<Semaphore>,
}

impl Limiter {
    pub(crate) fn new(max_in_flight: usize) -> Self {
        Limiter {
            semaphore: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }

    /// Runs one call once a permit is free.
    pub(crate) async fn call<F: Future>(&self, call: F) -> F::Output {
        // The semaphore is never closed, so acquiring cannot fail; if it somehow were,
        // running unbounded is better than not running.
        let _permit = self.semaphore.acquire().await.ok();
        call.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_use_the_iam_prefix() {
        assert_eq!(action_name("EC2", "DescribeVolumes"), "ec2:DescribeVolumes");
        assert_eq!(
            action_name("IAM", "GetAccountSummary"),
            "iam:GetAccountSummary"
        );
        assert_eq!(
            action_name("EFS", "DescribeFileSystems"),
            "elasticfilesystem:DescribeFileSystems"
        );
        assert_eq!(action_name("DynamoDB", "ListTables"), "dynamodb:ListTables");
    }
}
