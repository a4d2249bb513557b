use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Security Hub in one region of an account, as a whole: a synthetic resource that exists
/// in every scanned region (`DescribeHub`), enabled or not, so a rule can judge a region
/// where Security Hub is off. Security Hub answers `InvalidAccessException` in a region
/// where the account is not subscribed: that answer is `enabled: false`, not a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityhubRegion {
    /// Whether the account is subscribed to Security Hub in the region.
    pub enabled: bool,
    /// The hub's ARN (`arn:aws:securityhub:REGION:ACCOUNT:hub/default`), when enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_arn: Option<String>,
    /// When the account subscribed (`SubscribedAt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed_at: Option<DateTime<Utc>>,
    /// Whether new controls of enabled standards are turned on automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_controls: Option<bool>,
}
