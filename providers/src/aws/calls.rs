//! Counting API calls (an SDK interceptor) and bounding how many are in flight.

use super::CollectionProgress;
use aws_sdk_sts::config::retry::{RetryPartition, TokenBucket};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
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
    /// The account's request rate (`--max-rate`), charged for every retry attempt: the
    /// first attempt of a call took its token in [`Limiter::call`] before it started.
    rate: Option<Arc<RateBucket>>,
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
            rate: None,
        }
    }

    /// The same counter, charging the retries of the calls it counts to `rate` (one
    /// account's `--max-rate` bucket).
    pub(crate) fn charging(&self, rate: Option<Arc<RateBucket>>) -> Self {
        CallCounter {
            rate,
            ..self.clone()
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
        if let Some(rate) = &self.rate {
            if cfg
                .load::<RequestAttempts>()
                .is_some_and(|a| a.attempts() > 1)
            {
                rate.charge();
            }
        }
        Ok(())
    }
}

/// The bounds a call waits for: the whole collection's (`--max-concurrency`), its scope's —
/// one account in one region, or the account's `global` scope for IAM, STS and the other
/// calls outside a region (`--max-concurrency-per-region`) — and its account's request
/// rate (`--max-rate`).
///
/// A permit is held for one call (all its retries and their backoff), not for a whole
/// unit, so a unit that pages or waits for the credential report never blocks others while
/// it sleeps; a scope whose calls are being retried has fewer permits free, so throttling
/// slows exactly the account and region it comes from.
#[derive(Clone)]
pub(crate) struct Limiter {
    global: Arc<Semaphore>,
    scope: Option<Arc<Semaphore>>,
    rate: Option<Arc<RateBucket>>,
}

impl Limiter {
    /// The collection-wide bound alone.
    pub(crate) fn new(max_in_flight: usize) -> Self {
        Limiter {
            global: Arc::new(Semaphore::new(max_in_flight.max(1))),
            scope: None,
            rate: None,
        }
    }

    /// Runs one call once a permit of its scope, a token of its account's rate and a
    /// permit of the whole collection are free, in that order: a call waiting on a busy
    /// scope or a slow rate holds nothing another account could use.
    pub(crate) async fn call<F: Future>(&self, call: F) -> F::Output {
        // The semaphores are never closed, so acquiring cannot fail; if one somehow were,
        // running unbounded is better than not running.
        let _scope = match &self.scope {
            Some(scope) => scope.acquire().await.ok(),
            None => None,
        };
        if let Some(rate) = &self.rate {
            rate.take().await;
        }
        let _global = self.global.acquire().await.ok();
        call.await
    }

    /// The account's rate bucket, for its [`CallCounter`] to charge retries to.
    pub(crate) fn rate(&self) -> Option<Arc<RateBucket>> {
        self.rate.clone()
    }
}

/// One limiter per scope (account and region, or account and `global`), each sharing the
/// collection-wide bound, and one rate bucket per account shared by its scopes. Made on
/// first use, so every caller — a service's job, the account's identity call, region
/// discovery — that names the same scope gets the same bound.
pub(crate) struct ScopeLimiters {
    global: Limiter,
    per_scope: usize,
    max_rate: Option<f64>,
    scopes: Mutex<HashMap<(String, String), Limiter>>,
    rates: Mutex<HashMap<String, Arc<RateBucket>>>,
}

impl ScopeLimiters {
    /// `max_in_flight` calls over everything, `per_scope` in each scope, and (if given)
    /// `max_rate` requests per second per account.
    pub(crate) fn new(max_in_flight: usize, per_scope: usize, max_rate: Option<f64>) -> Self {
        ScopeLimiters {
            global: Limiter::new(max_in_flight),
            per_scope: per_scope.max(1),
            max_rate,
            scopes: Mutex::default(),
            rates: Mutex::default(),
        }
    }

    /// The limiter of `account` in `region` (`global` for calls outside a region).
    pub(crate) fn scope(&self, account: &str, region: &str) -> Limiter {
        let rate = self.max_rate.map(|rate| {
            self.rates
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .entry(account.to_string())
                .or_insert_with(|| Arc::new(RateBucket::new(rate)))
                .clone()
        });
        self.scopes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry((account.to_string(), region.to_string()))
            .or_insert_with(|| Limiter {
                global: self.global.global.clone(),
                scope: Some(Arc::new(Semaphore::new(self.per_scope))),
                rate,
            })
            .clone()
    }

    /// The collection-wide bound alone (a call whose account is not known yet).
    pub(crate) fn unscoped(&self) -> Limiter {
        self.global.clone()
    }
}

/// A token bucket of one account's requests (`--max-rate R`): `R` tokens a second, at
/// most `max(R, 1)` saved up. A call takes a token before it starts (waiting for one when
/// there is none); each retry the SDK sends takes one without waiting, possibly leaving
/// the bucket in debt, which the account's next calls wait out. So every request on the
/// wire costs one token and, over any stretch of time, the account receives at most `R`
/// requests a second plus the saved-up burst.
#[derive(Debug)]
pub(crate) struct RateBucket {
    rate: f64,
    burst: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    tokens: f64,
    updated: tokio::time::Instant,
}

impl RateBucket {
    pub(crate) fn new(rate: f64) -> Self {
        let burst = rate.max(1.0);
        RateBucket {
            rate,
            burst,
            state: Mutex::new(BucketState {
                tokens: burst,
                updated: tokio::time::Instant::now(),
            }),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut BucketState) -> T) -> T {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = tokio::time::Instant::now();
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.rate).min(self.burst);
        state.updated = now;
        f(&mut state)
    }

    /// Takes a token, waiting until there is one.
    pub(crate) async fn take(&self) {
        loop {
            let wait = self.with_state(|state| {
                if state.tokens >= 1.0 {
                    state.tokens -= 1.0;
                    None
                } else {
                    Some(Duration::from_secs_f64((1.0 - state.tokens) / self.rate))
                }
            });
            match wait {
                None => return,
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Takes a token now, in debt if there is none (a retry already on its way).
    pub(crate) fn charge(&self) {
        self.with_state(|state| state.tokens -= 1.0);
    }
}

/// The retry partition of every client: the SDK's retry quota (a token bucket that stops
/// retrying once too many retries failed, shared by every client of a service) is turned
/// off, because under a steady fault rate it runs dry after a few hundred calls and then
/// fails calls on their first error whatever `--max-attempts` says. What the quota
/// protects against — a storm of retries — is bounded here instead: by the attempt budget
/// of each call, its backoff, the permits a retried call keeps holding in its scope and,
/// with `--max-rate`, by the account's rate, which every retry pays for.
pub(crate) fn retry_partition() -> RetryPartition {
    static PARTITION: OnceLock<RetryPartition> = OnceLock::new();
    PARTITION
        .get_or_init(|| {
            RetryPartition::custom("soc2scan")
                .token_bucket(TokenBucket::unlimited())
                .build()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs `calls` calls of 20 ms each through `limiter_of(i)`, and returns the most in
    /// flight at once per key and overall.
    async fn most_in_flight(
        calls: usize,
        limiter_of: impl Fn(usize) -> (usize, Limiter),
        keys: usize,
    ) -> (Vec<usize>, usize) {
        let per_key: Arc<Vec<(AtomicUsize, AtomicUsize)>> = Arc::new(
            (0..keys)
                .map(|_| (AtomicUsize::new(0), AtomicUsize::new(0)))
                .collect(),
        );
        let total = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..calls {
            let (key, limiter) = limiter_of(i);
            let per_key = per_key.clone();
            let total = total.clone();
            tasks.spawn(async move {
                limiter
                    .call(async {
                        let now = per_key[key].0.fetch_add(1, Ordering::SeqCst) + 1;
                        per_key[key].1.fetch_max(now, Ordering::SeqCst);
                        let all = total.0.fetch_add(1, Ordering::SeqCst) + 1;
                        total.1.fetch_max(all, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        per_key[key].0.fetch_sub(1, Ordering::SeqCst);
                        total.0.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            });
        }
        while tasks.join_next().await.is_some() {}
        (
            per_key
                .iter()
                .map(|(_, max)| max.load(Ordering::SeqCst))
                .collect(),
            total.1.load(Ordering::SeqCst),
        )
    }

    #[tokio::test]
    async fn each_scope_is_bounded_within_the_global_bound() {
        let scopes = ScopeLimiters::new(8, 3, None);
        let accounts = [
            "111111111111",
            "222222222222",
            "333333333333",
            "444444444444",
        ];
        let (per_scope, total) = most_in_flight(
            80,
            |i| (i % 4, scopes.scope(accounts[i % 4], "eu-west-1")),
            4,
        )
        .await;
        assert_eq!(per_scope, vec![3, 3, 3, 3], "each scope up to its bound");
        assert_eq!(total, 8, "the global bound over all of them");

        // One account's regions and its global scope are separate scopes.
        let scopes = ScopeLimiters::new(100, 2, None);
        let regions = ["eu-west-1", "us-east-1", "global"];
        let (per_scope, total) = most_in_flight(
            60,
            |i| (i % 3, scopes.scope("111111111111", regions[i % 3])),
            3,
        )
        .await;
        assert_eq!(per_scope, vec![2, 2, 2]);
        assert_eq!(total, 6);
    }

    #[tokio::test]
    async fn the_rate_bucket_spaces_requests_and_makes_retries_pay() {
        let bucket = RateBucket::new(50.0);
        let started = tokio::time::Instant::now();
        // 50 saved up, then 25 more at 50 a second: half a second.
        for _ in 0..75 {
            bucket.take().await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        assert!((0.45..2.0).contains(&elapsed), "{elapsed}");
        // Ten retries in debt: the next call waits for them, a fifth of a second.
        for _ in 0..10 {
            bucket.charge();
        }
        let before = tokio::time::Instant::now();
        bucket.take().await;
        let waited = before.elapsed().as_secs_f64();
        assert!((0.18..1.5).contains(&waited), "{waited}");

        // A fractional rate: one every two seconds, the first at once.
        let slow = RateBucket::new(0.5);
        let before = tokio::time::Instant::now();
        slow.take().await;
        assert!(before.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn an_accounts_scopes_share_one_rate() {
        let scopes = ScopeLimiters::new(32, 32, Some(20.0));
        let a = scopes.scope("111111111111", "eu-west-1");
        let b = scopes.scope("111111111111", "global");
        let other = scopes.scope("222222222222", "eu-west-1");
        assert!(Arc::ptr_eq(&a.rate().unwrap(), &b.rate().unwrap()));
        assert!(!Arc::ptr_eq(&a.rate().unwrap(), &other.rate().unwrap()));
        assert!(ScopeLimiters::new(32, 32, None)
            .scope("111111111111", "eu-west-1")
            .rate()
            .is_none());
    }

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
