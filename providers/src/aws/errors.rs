//! Errors: the few that stop a collection ([`AwsError`]) and the classification of every
//! other failed call into a coverage entry ([`CallFailure`]).

use crate::snapshot::FailureKind;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error as StdError;

/// A failure that stops the whole collection. Everything else (a denied call, throttling,
/// a region that is not enabled) becomes a coverage entry and the scan goes on.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The options are inconsistent or malformed.
    #[error("invalid AWS scan options: {0}")]
    InvalidOptions(String),
    /// No region was given and none is configured.
    #[error(
        "no AWS region configured: pass --regions (e.g. --regions eu-west-1,us-east-1) or \
         --all-regions, or set AWS_REGION or `region` in the profile"
    )]
    NoRegion,
    /// No credential source provided credentials.
    #[error(
        "no AWS credentials found{profile}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
         choose a profile with --profile or AWS_PROFILE (run `aws sso login` for SSO \
         profiles), or run where web identity, container or instance credentials exist \
         ({detail})"
    )]
    NoCredentials {
        /// ` for profile "x"` when a profile was named.
        profile: String,
        /// What the credential chain reported.
        detail: String,
    },
    /// Credentials were found but could not be used (a role could not be assumed, an SSO
    /// token expired, a credential process failed).
    #[error("AWS credentials for {target} could not be loaded: {detail}")]
    Credentials {
        /// The role ARN, or "the default credential chain".
        target: String,
        /// What the provider reported.
        detail: String,
    },
    /// `sts:GetCallerIdentity` failed, so the account to scan is unknown.
    #[error(
        "sts:GetCallerIdentity failed for {target}: {message} — check that the credentials \
         are valid and not expired{role_hint}"
    )]
    CallerIdentity {
        /// The role ARN, or "the base credentials".
        target: String,
        /// The service's code and message.
        message: String,
        /// A hint about assume-role permissions, when a role was named.
        role_hint: String,
    },
    /// `--all-regions` was asked for but the enabled regions could not be listed.
    #[error(
        "account {account}: cannot list the enabled regions (ec2:DescribeRegions): {message} \
         — add ec2:DescribeRegions to the scanning role, or name the regions with --regions"
    )]
    RegionDiscovery {
        /// The account.
        account: String,
        /// The service's code and message.
        message: String,
    },
    /// `--org` was asked for but the organization's accounts could not be listed (not the
    /// management account or a delegated administrator, no organization, a denied call, an
    /// `--org-ou` that is not in the organization).
    #[error("cannot scan the AWS Organization: {0}")]
    Organization(String),
}

/// A call that failed, classified for the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl CallFailure {
    pub(crate) fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        CallFailure {
            kind,
            message: message.into(),
        }
    }
}

/// Error codes AWS uses for a missing permission.
const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthFailure",
    "Forbidden",
];

/// Error codes AWS uses for throttling (seen here only once retries gave up).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes for a region or service the account has not enabled.
const NOT_ENABLED_CODES: &[&str] = &["OptInRequired", "SubscriptionRequiredException"];

/// The failure kind for an AWS error code.
pub(crate) fn kind_of_code(code: &str) -> FailureKind {
    if ACCESS_DENIED_CODES.contains(&code) {
        FailureKind::AccessDenied
    } else if THROTTLING_CODES.contains(&code) {
        FailureKind::Throttled
    } else if NOT_ENABLED_CODES.contains(&code) {
        FailureKind::NotEnabled
    } else if code == "RequestTimeout" || code == "RequestTimeoutException" {
        FailureKind::Timeout
    } else {
        FailureKind::Error
    }
}

/// What a user can do about a failure of `operation`.
pub(crate) fn hint(kind: FailureKind, operation: &str) -> String {
    match kind {
        FailureKind::AccessDenied => {
            format!(" — add {operation} to the scanning role (see docs/permissions.md)")
        }
        FailureKind::Throttled => " — throttling outlasted the SDK's retries; lower \
                                    --max-concurrency or scan again later"
            .to_string(),
        FailureKind::Timeout => " — the call did not finish in time; check the network \
                                 path to the endpoint or allow more time"
            .to_string(),
        FailureKind::NotEnabled => " — the region is not enabled for this account; enable \
                                    it or leave it out of --regions"
            .to_string(),
        FailureKind::Error => String::new(),
    }
}

/// Classifies a failed SDK call of `operation` (`ec2:DescribeVolumes`) in `scope` (a
/// region, or `global`).
pub(crate) fn classify<E>(
    scope: &str,
    operation: &str,
    error: &SdkError<E, HttpResponse>,
) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let (kind, detail) = match error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            let status = service.raw().status().as_u16();
            // When the SDK could not read the error document (an emulator answering in
            // another service's error format), read Code and Message from the body.
            let body = service
                .raw()
                .body()
                .bytes()
                .and_then(|b| std::str::from_utf8(b).ok());
            let from_body = |tag: &str| body.and_then(|b| xml_element(b, tag));
            let fallback_code = format!("HTTP {status}");
            let code = service_error_code(error).unwrap_or(&fallback_code);
            // An empty message is no message, and an XML error may wrap it in CDATA.
            let message = err
                .message()
                .map(unwrap_cdata)
                .filter(|m| !m.is_empty())
                .or_else(|| from_body("Message").map(unwrap_cdata))
                .filter(|m| !m.is_empty())
                .unwrap_or("no message");
            let kind = match kind_of_code(code) {
                // Some services answer a missing permission with a bare 403.
                FailureKind::Error if status == 403 => FailureKind::AccessDenied,
                FailureKind::Error if status == 429 => FailureKind::Throttled,
                kind => kind,
            };
            (kind, format!("{code}: {message}"))
        }
        SdkError::TimeoutError(_) => (FailureKind::Timeout, "timed out".to_string()),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => (
            FailureKind::Timeout,
            format!("timed out: {}", DisplayErrorContext(error)),
        ),
        other => (FailureKind::Error, DisplayErrorContext(other).to_string()),
    };
    CallFailure::new(
        kind,
        format!("{scope} {operation}: {detail}{}", hint(kind, operation)),
    )
}

/// The error code of a service's answer: the SDK's, or, when it could not read the error
/// document (an emulator answering in another service's error format), the XML body's
/// `Code`. `None` for failures that are not the service's answer (timeouts, dispatch).
pub(crate) fn service_error_code<E>(error: &SdkError<E, HttpResponse>) -> Option<&str>
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let SdkError::ServiceError(service) = error else {
        return None;
    };
    service.err().code().or_else(|| {
        service
            .raw()
            .body()
            .bytes()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|body| xml_element(body, "Code"))
    })
}

/// `<![CDATA[text]]>` → `text` (S3 Control wraps its messages so), trimmed.
fn unwrap_cdata(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix("<![CDATA[")
        .and_then(|t| t.strip_suffix("]]>"))
        .unwrap_or(text)
        .trim()
}

/// The text of the first `<tag>…</tag>` in an XML document.
fn xml_element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].trim()).filter(|text| !text.is_empty())
}

/// The code and message of a failed call, for errors that stop the scan.
pub(crate) fn describe<E>(error: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match error {
        SdkError::ServiceError(service) => format!(
            "{}: {}",
            service.err().code().unwrap_or("UnknownError"),
            service.err().message().unwrap_or("no message")
        ),
        other => DisplayErrorContext(other).to_string(),
    }
}

/// The credentials error somewhere in `error`'s source chain, if credentials were the
/// problem.
pub(crate) fn credentials_error<'a>(
    error: &'a (dyn StdError + 'static),
) -> Option<&'a aws_credential_types::provider::error::CredentialsError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        if let Some(found) =
            err.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
        {
            return Some(found);
        }
        current = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of_code("AccessDenied"), FailureKind::AccessDenied);
        assert_eq!(
            kind_of_code("UnauthorizedOperation"),
            FailureKind::AccessDenied
        );
        assert_eq!(kind_of_code("AuthFailure"), FailureKind::AccessDenied);
        assert_eq!(kind_of_code("RequestLimitExceeded"), FailureKind::Throttled);
        assert_eq!(kind_of_code("Throttling"), FailureKind::Throttled);
        assert_eq!(kind_of_code("OptInRequired"), FailureKind::NotEnabled);
        assert_eq!(kind_of_code("InternalError"), FailureKind::Error);
    }

    #[test]
    fn cdata_is_unwrapped() {
        assert_eq!(unwrap_cdata("<![CDATA[Access Denied]]>"), "Access Denied");
        assert_eq!(unwrap_cdata("  plain "), "plain");
        assert_eq!(unwrap_cdata("<![CDATA[]]>"), "");
    }

    #[test]
    fn xml_elements_are_read_from_error_documents() {
        let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code>\
                    <Message>User: x is not authorized</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_element(body, "Code"), Some("AccessDenied"));
        assert_eq!(
            xml_element(body, "Message"),
            Some("User: x is not authorized")
        );
        assert_eq!(xml_element(body, "RequestId"), None);
        assert_eq!(xml_element("<Code></Code>", "Code"), None);
    }

    #[test]
    fn access_denied_hint_names_the_action() {
        assert_eq!(
            hint(FailureKind::AccessDenied, "ec2:DescribeVolumes"),
            " — add ec2:DescribeVolumes to the scanning role (see docs/permissions.md)"
        );
    }
}

/// Credential-provider errors can carry whole raw responses; a message stays readable in a
/// report and a log line.
pub(crate) fn shorten(text: String) -> String {
    const MAX: usize = 400;
    if text.len() <= MAX {
        return text;
    }
    let kept = crate::live::prefix_within(&text, MAX);
    format!("{kept}… ({} more characters)", text.len() - kept.len())
}

/// The token of the next page: `Ok(None)` when the listing is complete. A truncated listing
/// without a token, or a token the service already returned, is an error: partial data must
/// never pass for a complete listing (and a repeated token would loop forever).
pub(crate) fn next_page(
    seen: &mut std::collections::HashSet<String>,
    truncated: bool,
    token: Option<&str>,
    scope: &str,
    operation: &str,
) -> Result<Option<String>, CallFailure> {
    let token = token.filter(|t| !t.is_empty());
    match (truncated, token) {
        (false, _) => Ok(None),
        (true, None) => Err(CallFailure::new(
            FailureKind::Error,
            format!("{scope} {operation}: the listing is truncated but no page token came back; the rest could not be read"),
        )),
        (true, Some(token)) if !seen.insert(token.to_string()) => Err(CallFailure::new(
            FailureKind::Error,
            format!("{scope} {operation}: the service returned the same page token twice; the listing was stopped to avoid an endless loop"),
        )),
        (true, Some(token)) => Ok(Some(token.to_string())),
    }
}

#[cfg(test)]
mod paging_tests {
    use super::*;

    #[test]
    fn truncated_listings_without_a_fresh_token_are_errors() {
        let mut seen = std::collections::HashSet::new();
        assert_eq!(
            next_page(&mut seen, false, None, "r", "op").ok(),
            Some(None)
        );
        assert_eq!(
            next_page(&mut seen, true, Some("a"), "r", "op").ok(),
            Some(Some("a".to_string()))
        );
        let repeated = next_page(&mut seen, true, Some("a"), "r", "op").err();
        assert!(repeated.is_some_and(|f| f.message.contains("same page token twice")));
        let missing = next_page(&mut seen, true, Some(""), "r", "op").err();
        assert!(missing.is_some_and(|f| f.message.contains("no page token")));
    }
}
