use serde::{Deserialize, Serialize};

/// A region's EBS encryption-by-default setting (`GetEbsEncryptionByDefault`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsEncryptionByDefault {
    /// Whether new volumes in the region are encrypted by default.
    pub enabled: bool,
    /// The default KMS key, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_kms_key_id: Option<String>,
}
