//! SDK configuration, credentials and clients.
//!
//! One base configuration comes from aws-config's default chain (or a named profile, or
//! static credentials), with soc2scan's retry and timeout settings and the endpoint
//! override. Each account to scan gets its own configuration: the base one, or the base
//! one with credentials from assuming that account's role (refreshed before they expire).
//! Every client carries the [`CallCounter`] interceptor, the STS client that assumes the
//! roles included.

use super::calls::CallCounter;
use super::options::{AssumeRoleTarget, AwsScanOptions, RegionSelection};
use super::AwsError;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use std::time::Duration;

/// The longest a TCP/TLS connect may take, within the per-call timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The backoff before the first retry is drawn from 0 to this (full jitter), doubling with
/// each retry up to [`MAX_BACKOFF`].
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// The longest backoff drawn before a retry: 12 attempts back off about 32 s in all on
/// average (0.25 + 0.5 + 1 + 2 + 7 × 4), within the 60 s per-call timeout.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// The SDK's standard retry mode with soc2scan's attempt budget: exponential backoff with
/// full jitter; throttling errors (`Throttling`, `ThrottlingException`,
/// `RequestLimitExceeded`, `SlowDown`, …), 500/502/503/504 answers, dropped or reset
/// connections and attempts cut off by the attempt timeout are retried. Adaptive mode is
/// not used: its client-side rate falls by 30% at every throttling answer and recovers over
/// seconds, which at a steady fault rate slows a scan to about one request a second. A
/// throttled scope slows down instead through its permits, which retried calls hold while
/// they back off, and `--max-rate` bounds each account's requests outright.
pub(crate) fn retry_config(options: &AwsScanOptions) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(options.max_attempts)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF)
}

/// The per-call timeout (every attempt and backoff), the per-attempt timeout (a stalled
/// request is cut off and retried) and the connect timeout.
pub(crate) fn timeout_config(options: &AwsScanOptions) -> TimeoutConfig {
    TimeoutConfig::builder()
        .operation_timeout(options.call_timeout)
        .operation_attempt_timeout(options.attempt_timeout.min(options.call_timeout))
        .connect_timeout(CONNECT_TIMEOUT.min(options.call_timeout))
        .build()
}

/// Loads the base configuration.
pub(crate) async fn base_config(options: &AwsScanOptions) -> Result<SdkConfig, AwsError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config(options))
        .timeout_config(timeout_config(options));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let RegionSelection::List(regions) = &options.regions {
        // Setting the region explicitly also keeps the chain from asking instance
        // metadata for one.
        if let Some(first) = regions.first() {
            loader = loader.region(Region::new(first.clone()));
        }
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(static_credentials) = &options.static_credentials {
        loader = loader.credentials_provider(Credentials::new(
            static_credentials.access_key_id.clone(),
            static_credentials.secret_access_key.clone(),
            static_credentials.session_token.clone(),
            None,
            "soc2scan-static",
        ));
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(AwsError::NoRegion);
    }
    if config.credentials_provider().is_none() {
        return Err(AwsError::NoCredentials {
            profile: profile_note(options),
            detail: "no credential provider is configured".to_string(),
        });
    }
    Ok(config)
}

/// ` for profile "x"` when a profile was named.
pub(crate) fn profile_note(options: &AwsScanOptions) -> String {
    options
        .profile
        .as_ref()
        .map(|p| format!(" for profile {p:?}"))
        .unwrap_or_default()
}

/// How long before a role session's credentials expire they are replaced, at most. Every
/// request resolves its credentials through the account's identity cache, which reloads them
/// once they are this close to their expiry, less a random jitter of up to half of it (the
/// lazy cache of aws-smithy-runtime spreads refreshes so): between 5 and 10 minutes before.
/// A scan that outlasts a session (chained role sessions last one hour at most, a large
/// organization takes longer) carries on with fresh ones, and a request signed just before
/// a refresh still has minutes to reach AWS.
pub(crate) const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(10 * 60);

/// The base configuration with credentials from assuming `target`'s role.
///
/// The credentials come from [`RoleSession`], which calls `sts:AssumeRole` through an STS
/// client built from the base configuration (its retry and timeout settings) with the
/// call counter, so every AssumeRole is counted like any other request. Each account gets
/// its own identity cache: a cache shared by many accounts holds a bounded number of
/// credential providers (64 in aws-smithy-runtime) and, past that, evicts one at random,
/// which would assume a role again for nearly every request of an organization scan.
///
/// No limiter permit is taken for AssumeRole itself: it runs inside the first request of
/// the account that needs credentials (its `sts:GetCallerIdentity`, or a later request once
/// the session nears expiry), which already holds a permit — taking a second would deadlock
/// once every permit is held by a request waiting for credentials.
pub(crate) fn assume_role_config(
    base: &SdkConfig,
    target: &AssumeRoleTarget,
    session_name: &str,
    counter: &CallCounter,
) -> SdkConfig {
    let provider = RoleSession {
        sts: sts(base, counter),
        role_arn: target.role_arn.clone(),
        external_id: target.external_id.clone(),
        session_name: session_name.to_string(),
    };
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(
            IdentityCache::lazy()
                .buffer_time(REFRESH_BEFORE_EXPIRY)
                .build(),
        )
        .build()
}

/// A credentials provider that assumes one role each time it is asked (the identity cache
/// in front of it asks once per session, and again when the session nears its expiry).
#[derive(Debug)]
pub(crate) struct RoleSession {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
    session_name: String,
}

impl RoleSession {
    async fn assume(&self) -> aws_credential_types::provider::Result {
        let answer = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session_name)
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(CredentialsError::provider_error)?;
        let credentials = answer.credentials().ok_or_else(|| {
            CredentialsError::unhandled("sts:AssumeRole answered without credentials")
        })?;
        let expiry = std::time::SystemTime::try_from(*credentials.expiration()).map_err(|_| {
            CredentialsError::unhandled("sts:AssumeRole answered an unreadable expiration time")
        })?;
        Ok(Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_string()),
            Some(expiry),
            "soc2scan-assume-role",
        ))
    }
}

impl ProvideCredentials for RoleSession {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}

/// The role session name: names soc2scan in the account's CloudTrail.
pub(crate) fn session_name(now: chrono::DateTime<chrono::Utc>) -> String {
    format!("soc2scan-{}", now.format("%Y%m%dT%H%M%SZ"))
}

/// An EC2 client for one region, for region discovery (`--all-regions`); service modules
/// build their own clients with `service::sdk_client!`.
pub(crate) fn ec2(config: &SdkConfig, region: &str, counter: &CallCounter) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .interceptor(counter.clone())
            .retry_partition(super::calls::retry_partition())
            .build(),
    )
}

/// An STS client.
pub(crate) fn sts(config: &SdkConfig, counter: &CallCounter) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_partition(super::calls::retry_partition())
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::NoProgress;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// A loopback STS that answers AssumeRole with credentials expiring `lifetime` from now
    /// (access key `ASIATEST<n>` for the n-th session) and GetCallerIdentity, and records
    /// which access key signed each GetCallerIdentity.
    struct FakeSts {
        port: u16,
        sessions: Arc<Mutex<u32>>,
        signed_with: Arc<Mutex<Vec<String>>>,
    }

    impl FakeSts {
        fn start(lifetime: chrono::Duration) -> FakeSts {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
            let port = listener.local_addr().expect("its address").port();
            let sessions = Arc::new(Mutex::new(0u32));
            let signed_with = Arc::new(Mutex::new(Vec::new()));
            let (sessions_in, signed_in) = (sessions.clone(), signed_with.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let (sessions, signed) = (sessions_in.clone(), signed_in.clone());
                    std::thread::spawn(move || serve(stream, lifetime, &sessions, &signed));
                }
            });
            FakeSts {
                port,
                sessions,
                signed_with,
            }
        }

        fn sessions(&self) -> u32 {
            *self.sessions.lock().unwrap()
        }

        fn signed_with(&self) -> Vec<String> {
            self.signed_with.lock().unwrap().clone()
        }
    }

    fn serve(
        mut stream: std::net::TcpStream,
        lifetime: chrono::Duration,
        sessions: &Mutex<u32>,
        signed: &Mutex<Vec<String>>,
    ) {
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        let (head, body_start) = loop {
            let Ok(read) = stream.read(&mut buffer) else {
                return;
            };
            if read == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..read]);
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                break (
                    String::from_utf8_lossy(&request[..end]).to_string(),
                    end + 4,
                );
            }
        };
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())
                    .flatten()
            })
            .unwrap_or(0);
        while request.len() < body_start + length {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(read) => request.extend_from_slice(&buffer[..read]),
            }
        }
        let body = String::from_utf8_lossy(&request[body_start..]).to_string();
        let answer = if body.contains("Action=AssumeRole") {
            let mut count = sessions.lock().unwrap();
            *count += 1;
            let expiration = (chrono::Utc::now() + lifetime).format("%Y-%m-%dT%H:%M:%SZ");
            format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <AssumeRoleResult><Credentials><AccessKeyId>ASIATEST{count}</AccessKeyId>\
                 <SecretAccessKey>secret{count}</SecretAccessKey><SessionToken>token{count}\
                 </SessionToken><Expiration>{expiration}</Expiration></Credentials>\
                 <AssumedRoleUser><AssumedRoleId>AROATEST:s</AssumedRoleId>\
                 <Arn>arn:aws:sts::111122223333:assumed-role/audit/s</Arn></AssumedRoleUser>\
                 </AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId>\
                 </ResponseMetadata></AssumeRoleResponse>"
            )
        } else {
            let key = head
                .split("Credential=")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default()
                .to_string();
            signed.lock().unwrap().push(key);
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/audit/s</Arn>\
             <UserId>AROATEST:s</UserId><Account>111122223333</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>2</RequestId>\
             </ResponseMetadata></GetCallerIdentityResponse>"
                .to_string()
        };
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{answer}",
            answer.len()
        );
    }

    async fn base(port: u16) -> SdkConfig {
        base_config(&AwsScanOptions {
            static_credentials: Some(super::super::options::StaticCredentials {
                access_key_id: "AKIABASE".into(),
                secret_access_key: "base-secret".into(),
                session_token: None,
            }),
            regions: RegionSelection::List(vec!["eu-west-1".into()]),
            endpoint_url: Some(format!("http://127.0.0.1:{port}")),
            ..AwsScanOptions::default()
        })
        .await
        .expect("a base configuration")
    }

    fn counter() -> CallCounter {
        CallCounter::new(Arc::new(NoProgress))
    }

    async fn caller_identity(config: &SdkConfig, counter: &CallCounter) {
        sts(config, counter)
            .get_caller_identity()
            .send()
            .await
            .expect("GetCallerIdentity");
    }

    #[tokio::test]
    async fn a_role_session_is_assumed_once_and_reused_while_fresh() {
        let server = FakeSts::start(chrono::Duration::hours(1));
        let base = base(server.port).await;
        let counter = counter();
        let target = AssumeRoleTarget::new("arn:aws:iam::111122223333:role/audit");
        let config = assume_role_config(&base, &target, "soc2scan-test", &counter);
        caller_identity(&config, &counter).await;
        caller_identity(&config, &counter).await;
        assert_eq!(server.sessions(), 1);
        assert_eq!(server.signed_with(), vec!["ASIATEST1", "ASIATEST1"]);
        // AssumeRole is counted like every other request.
        let calls = counter.snapshot();
        assert_eq!(calls.get("sts:AssumeRole"), Some(&1));
        assert_eq!(calls.get("sts:GetCallerIdentity"), Some(&2));
    }

    #[tokio::test]
    async fn a_role_session_near_its_expiry_is_replaced_before_the_next_request() {
        // Credentials that expire within the refresh margin (its lower end, as the cache
        // subtracts up to half of it as jitter): the next request must not reuse them but
        // assume the role again, and be signed with the new session.
        let lifetime = chrono::Duration::from_std(REFRESH_BEFORE_EXPIRY / 2).unwrap()
            - chrono::Duration::seconds(60);
        let server = FakeSts::start(lifetime);
        let base = base(server.port).await;
        let counter = counter();
        let target = AssumeRoleTarget::new("arn:aws:iam::111122223333:role/audit");
        let config = assume_role_config(&base, &target, "soc2scan-test", &counter);
        caller_identity(&config, &counter).await;
        caller_identity(&config, &counter).await;
        assert_eq!(server.sessions(), 2);
        assert_eq!(server.signed_with(), vec!["ASIATEST1", "ASIATEST2"]);
    }

    #[tokio::test]
    async fn each_account_keeps_its_session_however_many_accounts_there_are() {
        // A cache shared by all accounts holds 64 providers and evicts past that: with 100
        // accounts every request would risk a new AssumeRole. Each account has its own.
        let server = FakeSts::start(chrono::Duration::hours(1));
        let base = base(server.port).await;
        let counter = counter();
        let configs: Vec<SdkConfig> = (0..100)
            .map(|n| {
                let target =
                    AssumeRoleTarget::new(format!("arn:aws:iam::{:012}:role/audit", 100 + n));
                assume_role_config(&base, &target, "soc2scan-test", &counter)
            })
            .collect();
        for _ in 0..2 {
            for config in &configs {
                caller_identity(config, &counter).await;
            }
        }
        assert_eq!(server.sessions(), 100);
        assert_eq!(counter.snapshot().get("sts:GetCallerIdentity"), Some(&200));
    }

    #[test]
    fn session_name_identifies_soc2scan_and_fits_sts_rules() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-05-12T10:15:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let name = session_name(now);
        assert_eq!(name, "soc2scan-20260512T101500Z");
        assert!(name.len() <= 64);
        assert!(name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c)));
    }
}
