use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An AWS Backup vault with its Vault Lock settings (`ListBackupVaults`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupVault {
    /// The vault name.
    pub backup_vault_name: String,
    /// `BACKUP_VAULT`, `LOGICALLY_AIR_GAPPED_BACKUP_VAULT` or `RESTORE_ACCESS_BACKUP_VAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_type: Option<String>,
    /// The KMS key that encrypts its recovery points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
    /// When the vault was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    /// How many recovery points it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_recovery_points: Option<u64>,
    /// Whether Vault Lock protects it (`Locked`): recovery points cannot be deleted early
    /// and the retention limits below apply. `None` when the answer did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    /// The lock's shortest retention, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_retention_days: Option<u64>,
    /// The lock's longest retention, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retention_days: Option<u64>,
    /// When a compliance-mode lock becomes (or became) immutable; `None` for a
    /// governance-mode lock, which privileged users can still remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_date: Option<DateTime<Utc>>,
}
