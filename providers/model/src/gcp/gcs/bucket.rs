use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A Cloud Storage bucket, with its IAM policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcsBucket {
    /// Bucket name.
    pub name: String,
    /// Location (`EU`, `US`, `europe-west1`, …); also the resource's `region`.
    pub location: String,
    /// `region`, `dual-region` or `multi-region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<String>,
    /// Uniform bucket-level access (ACLs disabled, IAM only).
    pub uniform_bucket_level_access: bool,
    /// `enforced`, `inherited` or `unspecified`.
    pub public_access_prevention: String,
    /// Object versioning.
    pub versioning_enabled: bool,
    /// Default customer-managed KMS key (`projects/…/cryptoKeys/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_kms_key: Option<String>,
    /// Usage and storage logging, if configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<GcsLogging>,
    /// Soft-delete retention in seconds; `None` or 0 means soft delete is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_retention_seconds: Option<u64>,
    /// Retention policy, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_policy: Option<GcsRetentionPolicy>,
    /// When the bucket was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
    /// When the bucket's metadata last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<DateTime<Utc>>,
    /// The bucket's IAM policy; `None` when it could not be read (see the coverage table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_policy: Option<GcsIamPolicy>,
}

impl GcsBucket {
    /// Whether public access prevention is enforced.
    pub fn public_access_prevention_enforced(&self) -> bool {
        self.public_access_prevention
            .eq_ignore_ascii_case("enforced")
    }
}

/// Usage/storage logging configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcsLogging {
    /// The bucket logs are written to.
    pub log_bucket: String,
    /// Object prefix of the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_object_prefix: Option<String>,
}

/// Bucket retention policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcsRetentionPolicy {
    /// Minimum object age before deletion, in seconds.
    pub retention_period_seconds: u64,
    /// Whether the policy is locked (cannot be shortened or removed).
    pub is_locked: bool,
}

/// A bucket IAM policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GcsIamPolicy {
    /// Role bindings.
    #[serde(default)]
    pub bindings: Vec<GcsIamBinding>,
}

/// One role binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcsIamBinding {
    /// Role (`roles/storage.objectViewer`).
    pub role: String,
    /// Members (`user:…`, `serviceAccount:…`, `allUsers`, `allAuthenticatedUsers`, …).
    pub members: Vec<String>,
    /// IAM condition, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<GcsIamCondition>,
}

/// An IAM condition expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcsIamCondition {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// CEL expression.
    pub expression: String,
}
