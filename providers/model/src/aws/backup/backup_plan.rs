use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An AWS Backup plan (`ListBackupPlans`, then `GetBackupPlan` for its rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupPlan {
    /// The plan id (a UUID).
    pub backup_plan_id: String,
    /// The plan name.
    pub backup_plan_name: String,
    /// The id of the plan's current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// When the plan was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    /// The plan's rules; `None` when `GetBackupPlan` failed (a coverage gap narrowed to the
    /// plan says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<BackupRule>>,
}

/// One rule of a backup plan: when to back up, into which vault, how long to keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupRule {
    /// The rule name.
    pub rule_name: String,
    /// The vault its recovery points go to.
    pub target_vault_name: String,
    /// `cron(…)` or `rate(…)`, if scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_expression: Option<String>,
    /// Whether it takes continuous backups (point-in-time restore, kept at most 35 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_continuous_backup: Option<bool>,
    /// How long its recovery points are kept; `None`: kept until deleted by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<BackupLifecycle>,
}

/// The lifecycle of a rule's recovery points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupLifecycle {
    /// Days after creation a recovery point is deleted; `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_after_days: Option<u64>,
    /// Days after creation a recovery point moves to cold storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to_cold_storage_after_days: Option<u64>,
}
