//! AWS IAM resources (collected once per account; region `global`).

use crate::model::PolicyDocument;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Root-user facts from `GetAccountSummary` (and the credential report's `<root_account>` row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamAccountSummary {
    /// `AccountMFAEnabled`: the root user has an MFA device.
    pub root_mfa_enabled: bool,
    /// `AccountAccessKeysPresent`: the root user has access keys.
    pub root_access_keys_present: bool,
}

/// The account's password policy; `policy: None` means the account has none
/// (`GetAccountPasswordPolicy` answered NoSuchEntity), which is a finding, not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamPasswordPolicy {
    /// The policy, or `None` when the account has no password policy.
    pub policy: Option<PasswordPolicy>,
}

/// Settings of an IAM account password policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_password_length: Option<u32>,
    /// Require at least one symbol.
    #[serde(default)]
    pub require_symbols: bool,
    /// Require at least one digit.
    #[serde(default)]
    pub require_numbers: bool,
    /// Require at least one upper-case letter.
    #[serde(default)]
    pub require_uppercase_characters: bool,
    /// Require at least one lower-case letter.
    #[serde(default)]
    pub require_lowercase_characters: bool,
    /// Maximum age in days (`None`: passwords never expire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_password_age: Option<u32>,
    /// Number of previous passwords that cannot be reused (`None`: reuse allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<u32>,
    /// Users may change their own password.
    #[serde(default)]
    pub allow_users_to_change_password: bool,
}

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

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    /// Policy name.
    pub policy_name: String,
    /// Policy ARN (look it up among the snapshot's managed policies).
    pub policy_arn: String,
}

/// An inline policy embedded in a user, group or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    /// Policy name.
    pub policy_name: String,
    /// The policy document.
    pub document: PolicyDocument,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamGroup {
    /// Group name.
    pub group_name: String,
    /// Managed policies attached to the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies of the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    /// Role name.
    pub role_name: String,
    /// Role path (`/aws-service-role/` for service-linked roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Trust policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role_policy: Option<PolicyDocument>,
    /// Managed policies attached to the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// Inline policies of the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
}

/// A managed policy and the document of its default version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamManagedPolicy {
    /// Policy name.
    pub policy_name: String,
    /// `true` for AWS-managed policies (`arn:aws:iam::aws:policy/…`).
    pub aws_managed: bool,
    /// Default version id (`v3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    /// Number of principals it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
    /// The default version's document.
    pub document: PolicyDocument,
}
