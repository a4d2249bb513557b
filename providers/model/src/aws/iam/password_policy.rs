use serde::{Deserialize, Serialize};

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
