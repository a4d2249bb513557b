use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An EFS file system (`DescribeFileSystems`) with its automatic backup policy
/// (`DescribeBackupPolicy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsFileSystem {
    /// `fs-…`
    pub file_system_id: String,
    /// Whether the file system is encrypted at rest.
    pub encrypted: bool,
    /// The KMS key that encrypts it, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `creating`, `available`, `updating`, `deleting`, `deleted` or `error`.
    pub life_cycle_state: String,
    /// `generalPurpose` or `maxIO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_mode: Option<String>,
    /// `bursting`, `provisioned` or `elastic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_mode: Option<String>,
    /// The Availability Zone of a One Zone file system; `None` for Regional ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_name: Option<String>,
    /// When the file system was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<DateTime<Utc>>,
    /// The status of the automatic backup policy: `ENABLED`, `ENABLING`, `DISABLED` or
    /// `DISABLING`, or `NONE` when the file system has no backup policy at all
    /// (`PolicyNotFound`); `None` when `DescribeBackupPolicy` failed (a narrowed
    /// `efs_backup_policy` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_policy_status: Option<String>,
}

impl EfsFileSystem {
    /// The value of [`EfsFileSystem::backup_policy_status`] for a file system without a
    /// backup policy.
    pub const NO_BACKUP_POLICY: &'static str = "NONE";

    /// Whether automatic backups are on (`ENABLED`, or `ENABLING` on the way there);
    /// `None` when the status is not known or not one AWS documents.
    pub fn automatic_backups(&self) -> Option<bool> {
        match self.backup_policy_status.as_deref()? {
            "ENABLED" | "ENABLING" => Some(true),
            "DISABLED" | "DISABLING" | Self::NO_BACKUP_POLICY => Some(false),
            _ => None,
        }
    }
}
