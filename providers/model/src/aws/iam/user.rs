use super::principal::{AttachedPolicy, InlinePolicy};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// When a credential was last used, as the credential report tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum LastUsed {
    /// Last used at this time.
    Used {
        /// Time of last use.
        at: DateTime<Utc>,
    },
    /// Never used (`N/A`, or `no_information` — no use since AWS began tracking).
    Never,
    /// Not known (`not_supported`, or the report was not available).
    Unknown,
}

/// An IAM user from `GetAccountAuthorizationDetails`, with credential facts from the
/// credential report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    /// User name.
    pub user_name: String,
    /// Stable user id (`AIDA…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// When the user was created.
    pub create_date: DateTime<Utc>,
    /// Credential facts; `None` when the credential report could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<UserCredentials>,
    /// Managed policies attached directly to the user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies of the user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
    /// Names of the groups the user belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

/// A user's passwords, MFA and access keys (credential report columns). Never secrets:
/// the report carries no key material and soc2scan stores no key ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCredentials {
    /// The user has a console password.
    pub password_enabled: bool,
    /// When the password was last used.
    pub password_last_used: LastUsed,
    /// When the password was last set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_changed: Option<DateTime<Utc>>,
    /// The user has an MFA device.
    pub mfa_active: bool,
    /// Up to two access keys (credential report slots 1 and 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_keys: Vec<AccessKey>,
}

/// One access key slot of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// Credential report slot (1 or 2).
    pub slot: u8,
    /// The key is active.
    pub active: bool,
    /// When the key was created or last rotated; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated: Option<DateTime<Utc>>,
    /// When the key was last used.
    pub last_used: LastUsed,
}
