//! SDK configuration, credentials and clients.
//!
//! One base configuration comes from aws-config's default chain (or a named profile, or
//! static credentials), with soc2scan's retry and timeout settings and the endpoint
//! override. Each account to scan gets its own configuration: the base one, or the base
//! one with credentials from assuming that account's role. Every client carries the
//! [`CallCounter`] interceptor.

use super::calls::CallCounter;
use super::options::{AssumeRoleTarget, AwsScanOptions, RegionSelection};
use super::AwsError;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
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

/// The base configuration with credentials from assuming `target`'s role.
pub(crate) async fn assume_role_config(
    base: &SdkConfig,
    target: &AssumeRoleTarget,
    session_name: &str,
) -> SdkConfig {
    let mut builder = AssumeRoleProvider::builder(target.role_arn.clone())
        .session_name(session_name)
        .configure(base);
    if let Some(external_id) = &target.external_id {
        builder = builder.external_id(external_id);
    }
    let provider = builder.build().await;
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
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
