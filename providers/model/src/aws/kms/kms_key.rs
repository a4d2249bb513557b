use crate::PolicyDocument;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A KMS key, customer-managed or AWS-managed (`ListKeys`, then `DescribeKey`; for
/// customer-managed keys also `GetKeyRotationStatus` and `GetKeyPolicy`).
///
/// Every field `DescribeKey` gives is an `Option`: when that call failed for one key, the
/// key is still listed, with only its id, and a coverage gap narrowed to it says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// The key id (a UUID, or `mrk-…` for multi-Region keys).
    pub key_id: String,
    /// `CUSTOMER` or `AWS` (`KeyManager`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_manager: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `PendingReplicaDeletion`,
    /// `Unavailable`, `Creating` or `Updating` (`KeyState`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_state: Option<String>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `ECC_NIST_P256`, `HMAC_256`, … (`KeySpec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<String>,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`
    /// (`KeyUsage`); `None` when the answer left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<String>,
    /// Where the key material comes from: `AWS_KMS`, `EXTERNAL` (imported),
    /// `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE` (`Origin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Whether it is a multi-Region key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// The key's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the key was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    /// When a key scheduled for deletion will be deleted (`DeletionDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<DateTime<Utc>>,
    /// The waiting period of a scheduled deletion, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_deletion_window_days: Option<u32>,
    /// Whether automatic rotation is on (`GetKeyRotationStatus`). Asked only of enabled
    /// customer-managed keys that can rotate automatically
    /// ([`KmsKey::supports_automatic_rotation`]); `None` for other keys, or when
    /// the call failed (a narrowed `kms_key_rotation` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_enabled: Option<bool>,
    /// Days between automatic rotations, when rotation is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_period_days: Option<u32>,
    /// The key policy (`GetKeyPolicy`, policy `default`) of a customer-managed key; `None`
    /// for AWS-managed keys (AWS writes their policies), or when the call failed (a narrowed
    /// `kms_key_policy` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDocument>,
}

impl KmsKey {
    /// A key known by its id alone (its `DescribeKey` failed or has not been made yet):
    /// every other field not known.
    pub fn id_only(key_id: &str) -> KmsKey {
        KmsKey {
            key_id: key_id.to_string(),
            key_manager: None,
            key_state: None,
            key_spec: None,
            key_usage: None,
            origin: None,
            multi_region: None,
            description: None,
            creation_date: None,
            deletion_date: None,
            pending_deletion_window_days: None,
            rotation_enabled: None,
            rotation_period_days: None,
            policy: None,
        }
    }

    /// Whether the key is AWS-managed (`aws/ebs`, `aws/rds`, …): AWS rotates it, writes
    /// its policy and never deletes it, so customer rules do not apply. `false` when not
    /// known.
    pub fn aws_managed(&self) -> bool {
        self.key_manager.as_deref() == Some("AWS")
    }

    /// Whether the key can rotate automatically once enabled: a symmetric encryption key
    /// (`SYMMETRIC_DEFAULT`, which is always `ENCRYPT_DECRYPT`) whose material KMS itself
    /// generated (`AWS_KMS`). Asymmetric, HMAC, imported and custom-key-store keys cannot.
    /// `None` when the key spec or origin is not known.
    pub fn supports_automatic_rotation(&self) -> Option<bool> {
        Some(
            self.key_spec.as_deref()? == "SYMMETRIC_DEFAULT"
                && self.origin.as_deref()? == "AWS_KMS",
        )
    }

    /// Whether the key is scheduled for deletion (of itself, or as a multi-Region replica).
    pub fn pending_deletion(&self) -> Option<bool> {
        let state = self.key_state.as_deref()?;
        Some(state == "PendingDeletion" || state == "PendingReplicaDeletion")
    }
}
