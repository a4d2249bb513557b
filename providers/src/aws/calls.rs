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

/// The IAM action an SDK operation is authorised by: `EC2` + `DescribeVolumes` →
/// `ec2:DescribeVolumes`. Most operations are their own action under the service's
/// prefix; the ones that are not are spelled out in [`ACTIONS_OF_OPERATIONS`], and
/// [`IAM_PREFIXES`] gives the prefixes that differ from the SDK's service name. Counting
/// by action keeps the call figures, docs/permissions.md and the registry in one spelling.
pub(crate) fn action_name(service: &str, operation: &str) -> String {
    if let Some((_, _, action)) = ACTIONS_OF_OPERATIONS
        .iter()
        .find(|(s, o, _)| *s == service && *o == operation)
    {
        return (*action).to_string();
    }
    let prefix = IAM_PREFIXES
        .iter()
        .find(|(s, _)| *s == service)
        .map(|(_, prefix)| (*prefix).to_string())
        .unwrap_or_else(|| service.to_ascii_lowercase());
    format!("{prefix}:{operation}")
}

/// SDK service names (`Metadata::service`) whose IAM prefix is another word.
const IAM_PREFIXES: &[(&str, &str)] = &[
    ("EFS", "elasticfilesystem"),
    ("S3 Control", "s3"),
    ("CloudWatch Logs", "logs"),
    ("Config Service", "config"),
    ("Secrets Manager", "secretsmanager"),
    ("Elastic Load Balancing v2", "elasticloadbalancing"),
];

/// Operations whose IAM action is not their own name: (SDK service, operation, action).
const ACTIONS_OF_OPERATIONS: &[(&str, &str, &str)] = &[
    ("S3", "ListBuckets", "s3:ListAllMyBuckets"),
    ("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    (
        "S3",
        "GetPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
    ),
    (
        "S3 Control",
        "GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
    ),
];

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
        assert_eq!(action_name("S3", "ListBuckets"), "s3:ListAllMyBuckets");
        assert_eq!(
            action_name("S3 Control", "GetPublicAccessBlock"),
            "s3:GetAccountPublicAccessBlock"
        );
        assert_eq!(action_name("S3", "GetBucketAcl"), "s3:GetBucketAcl");
        assert_eq!(action_name("DynamoDB", "ListTables"), "dynamodb:ListTables");
        assert_eq!(
            action_name("CloudWatch Logs", "DescribeLogGroups"),
            "logs:DescribeLogGroups"
        );
        assert_eq!(
            action_name("CloudTrail", "GetTrailStatus"),
            "cloudtrail:GetTrailStatus"
        );
        assert_eq!(
            action_name("CloudWatch", "DescribeAlarms"),
            "cloudwatch:DescribeAlarms"
        );
        assert_eq!(
            action_name("Config Service", "DescribeConfigurationRecorders"),
            "config:DescribeConfigurationRecorders"
        );
        assert_eq!(
            action_name("Secrets Manager", "ListSecrets"),
            "secretsmanager:ListSecrets"
        );
        assert_eq!(
            action_name("GuardDuty", "ListDetectors"),
            "guardduty:ListDetectors"
        );
        assert_eq!(
            action_name("SecurityHub", "DescribeHub"),
            "securityhub:DescribeHub"
        );
        assert_eq!(
            action_name("ACM", "ListCertificates"),
            "acm:ListCertificates"
        );
        assert_eq!(
            action_name("Elastic Load Balancing v2", "DescribeListeners"),
            "elasticloadbalancing:DescribeListeners"
        );
        assert_eq!(action_name("Lambda", "GetPolicy"), "lambda:GetPolicy");
    }
}
