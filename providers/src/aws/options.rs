//! What to scan and how: the options a caller (the CLI, a config file) fills in.

use std::fmt;
use std::time::Duration;

/// The default bound on API calls in flight at once, over all accounts and regions.
pub const DEFAULT_MAX_CONCURRENCY: usize = 32;
/// The default time one API call may take, retries included.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// The default bound on API calls in flight at once in one account and region (or in one
/// account's `global` scope: IAM, S3's account-wide calls, STS). Equal to the collection-wide
/// default, so one account scanned alone is bounded exactly as before this bound existed,
/// and an account among 500 never sees more calls in flight than it would scanned alone.
pub const DEFAULT_MAX_CONCURRENCY_PER_REGION: usize = DEFAULT_MAX_CONCURRENCY;
/// The default attempt budget of one API call (the first attempt and its retries). At a
/// steady 30% of requests failing at random, a call is lost when all its attempts fail:
/// 0.3^12 ≈ 5.3 × 10⁻⁷, so a whole-account scan of ~2,000 calls loses a unit about once in
/// a thousand scans (0.3^4, the SDK's old budget here, lost one call in 123).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 12;
/// The default longest one attempt of a call may take before it is cut off and retried
/// (within the call's timeout).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// The role assumed in each member account of an organization by default: the one AWS
/// Organizations creates in every account it creates.
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// Options of a live AWS collection.
#[derive(Debug, Clone)]
pub struct AwsScanOptions {
    /// Named profile of the shared config/credentials files (`--profile`); `None` uses the
    /// default credential chain (environment, `AWS_PROFILE`, SSO, web identity, container
    /// and instance metadata).
    pub profile: Option<String>,
    /// Static credentials to use instead of the default chain (tests, emulators). They are
    /// never logged or stored.
    pub static_credentials: Option<StaticCredentials>,
    /// Roles to assume, one per account to scan (`--role-arn`, `[[aws.accounts]]`). Empty:
    /// scan the account of the base credentials.
    pub accounts: Vec<AssumeRoleTarget>,
    /// Which regions to scan.
    pub regions: RegionSelection,
    /// Endpoint override for every service (`--endpoint-url`), for emulators and private
    /// endpoints. `None` keeps the SDK's own resolution, `AWS_ENDPOINT_URL` included.
    pub endpoint_url: Option<String>,
    /// The most API calls in flight at once, over everything (`--max-concurrency`).
    pub max_concurrency: usize,
    /// The longest one API call may take, retries included.
    pub call_timeout: Duration,
    /// The longest the whole collection may take (`--timeout`); units still running then
    /// are recorded as `failed { kind: timeout }`.
    pub overall_timeout: Option<Duration>,
    /// The services to collect (`--services ec2,iam`, `[aws] services`), by the names of
    /// [`crate::aws::service_names`]; empty collects every one. The others' kinds get no
    /// coverage entry, so their rules are skipped as not collected.
    pub services: Vec<String>,
    /// Scan only this share of the target accounts (`--shard I/N`): of the `--role-arn`
    /// accounts, or of the organization's accounts with `--org`. `None` scans them all.
    pub shard: Option<crate::model::shard::Shard>,
    /// The most API calls in flight at once in one account and region, or in one account's
    /// `global` scope (`--max-concurrency-per-region`); `max_concurrency` still bounds the
    /// sum over every scope.
    pub max_concurrency_per_region: usize,
    /// Attempts per API call, the first one included (`--max-attempts`): throttling, 5xx
    /// answers, dropped connections and attempts cut off by `attempt_timeout` are retried
    /// with exponential backoff and jitter until the budget or `call_timeout` runs out.
    pub max_attempts: u32,
    /// The most requests per second sent to one account, retries included (`--max-rate`);
    /// `None`: no client-side rate, only the concurrency bounds.
    pub max_rate: Option<f64>,
    /// The longest one attempt of a call may take before it is cut off and retried (a
    /// stalled request); capped at `call_timeout`.
    pub attempt_timeout: Duration,
    /// Scan the accounts of the base identity's AWS Organization (`--org`, `[aws.org]`)
    /// instead of `accounts`; `None` scans `accounts` (or the base identity's account).
    pub org: Option<OrgOptions>,
}

/// How to scan an AWS Organization (`--org`): which accounts, and the role to assume in
/// each. The base credentials must be the management account's or a delegated
/// administrator's; their own account, when in scope, is scanned with them (no role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgOptions {
    /// The role assumed in each member account (`--org-role`, by name or `path/name`).
    pub role_name: String,
    /// The external id the member role's trust policy requires (`--external-id`).
    pub external_id: Option<String>,
    /// Only the accounts under these organizational units, at any depth (`--org-ou`);
    /// empty lists the whole organization. A root id (`r-…`) is accepted too.
    pub units: Vec<String>,
    /// Accounts not to scan (`--org-exclude`): neither scanned nor gaps; the snapshot
    /// records which of them the listing held.
    pub exclude: Vec<String>,
}

impl Default for OrgOptions {
    fn default() -> Self {
        OrgOptions {
            role_name: DEFAULT_ORG_ROLE.to_string(),
            external_id: None,
            units: Vec::new(),
            exclude: Vec::new(),
        }
    }
}

/// Whether `name` can be an IAM role name, optionally behind a path (`audit/soc2scan`).
pub(crate) fn is_role_name(name: &str) -> bool {
    let (path, role) = name.rsplit_once('/').unwrap_or(("", name));
    !name.starts_with('/')
        && !role.is_empty()
        && role.len() <= 64
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        && path.len() <= 510
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// Whether `id` is an organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`).
pub(crate) fn is_org_parent_id(id: &str) -> bool {
    let lower_alnum = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if let Some(rest) = id.strip_prefix("ou-") {
        let mut parts = rest.split('-');
        let (Some(root), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        return (4..=32).contains(&root.len())
            && (8..=32).contains(&unit.len())
            && lower_alnum(root)
            && lower_alnum(unit);
    }
    id.strip_prefix("r-")
        .is_some_and(|root| (4..=32).contains(&root.len()) && lower_alnum(root))
}

/// Whether `id` is an AWS account id (12 digits).
pub(crate) fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Default for AwsScanOptions {
    fn default() -> Self {
        AwsScanOptions {
            profile: None,
            static_credentials: None,
            accounts: Vec::new(),
            regions: RegionSelection::Default,
            endpoint_url: None,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            overall_timeout: None,
            services: Vec::new(),
            shard: None,
            max_concurrency_per_region: DEFAULT_MAX_CONCURRENCY_PER_REGION,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            max_rate: None,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            org: None,
        }
    }
}

/// A role to assume in an account to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleTarget {
    /// `arn:aws:iam::111122223333:role/SecurityAudit`.
    pub role_arn: String,
    /// The external id the role's trust policy requires, if any.
    pub external_id: Option<String>,
}

impl AssumeRoleTarget {
    /// A role without an external id.
    pub fn new(role_arn: impl Into<String>) -> Self {
        AssumeRoleTarget {
            role_arn: role_arn.into(),
            external_id: None,
        }
    }

    /// The account id named in the role ARN, if the ARN is well formed.
    pub fn account_id(&self) -> Option<&str> {
        parse_role_arn(&self.role_arn)
    }
}

/// Which regions to scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegionSelection {
    /// The region of the profile or environment (`AWS_REGION`, `region =` in the profile).
    #[default]
    Default,
    /// These regions (`--regions a,b`).
    List(Vec<String>),
    /// Every region enabled for each account, discovered with `ec2:DescribeRegions`
    /// (`--all-regions`).
    AllEnabled,
}

/// Access key credentials given explicitly. `Debug` never shows the secret parts.
#[derive(Clone)]
pub struct StaticCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token of temporary credentials.
    pub session_token: Option<String>,
}

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &"** redacted **")
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// The account id of `arn:PARTITION:iam::ACCOUNT:role/NAME`, or `None` if `arn` is not a
/// role ARN.
pub(crate) fn parse_role_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let valid = !partition.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && resource
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty());
    valid.then_some(account)
}

/// Whether `name` looks like an AWS region (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
pub(crate) fn is_region_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.contains('-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_parsed_strictly() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::111122223333:role/SecurityAudit"),
            Some("111122223333")
        );
        assert_eq!(
            parse_role_arn("arn:aws-cn:iam::111122223333:role/path/Audit"),
            Some("111122223333")
        );
        for bad in [
            "",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::1111:role/x",
            "arn:aws:sts::111122223333:role/x",
            "arn:aws:iam::111122223333:role/",
            "SecurityAudit",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn region_names() {
        for ok in ["eu-west-1", "us-gov-east-1", "cn-north-1", "ap-southeast-5"] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in ["", "EU-WEST-1", "eu west 1", "global", "-eu", "eu-"] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn organization_names_and_ids() {
        for ok in [
            "OrganizationAccountAccessRole",
            "audit/soc2scan",
            "a+b=c,d.e@f_g-h",
        ] {
            assert!(is_role_name(ok), "{ok}");
        }
        for bad in ["", "role name", "/x", "x/", &"r".repeat(65)] {
            assert!(!is_role_name(bad), "{bad}");
        }
        for ok in ["ou-ab12-cdef3456", "r-ab12", "ou-0a1b-0123456789abcdef"] {
            assert!(is_org_parent_id(ok), "{ok}");
        }
        for bad in [
            "",
            "ou-",
            "ou-ab12",
            "ou-AB12-cdef3456",
            "ou-ab1-cdef3456",
            "Root",
            "r-",
            "o-abc123",
        ] {
            assert!(!is_org_parent_id(bad), "{bad}");
        }
        assert!(is_account_id("111122223333"));
        assert!(!is_account_id("11112222333"));
        assert!(!is_account_id("11112222333x"));
    }

    #[test]
    fn debug_never_shows_credentials() {
        let credentials = StaticCredentials {
            access_key_id: "AKIAEXAMPLEKEYID0000".into(),
            secret_access_key: "verysecretverysecret".into(),
            session_token: Some("tokentokentoken".into()),
        };
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("AKIAEXAMPLE"));
        assert!(!shown.contains("verysecret"));
        assert!(!shown.contains("tokentoken"));
    }
}
