use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A DynamoDB table (`ListTables`, then `DescribeTable` and `DescribeContinuousBackups`).
///
/// The fields `DescribeTable` gives are `Option`s: when that call failed for one table the
/// table is still listed, with only its name, and a coverage gap narrowed to it says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamodbTable {
    /// The table name.
    pub table_name: String,
    /// `CREATING`, `UPDATING`, `DELETING`, `ACTIVE`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`,
    /// `ARCHIVING` or `ARCHIVED` (`TableStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_status: Option<String>,
    /// Whether deletion protection is on (`DeletionProtectionEnabled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection_enabled: Option<bool>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_mode: Option<String>,
    /// Server-side encryption with a KMS key: `KMS` (an AWS-managed or customer-managed
    /// key, `kms_key_arn`); `None` for the default AWS-owned key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<String>,
    /// The KMS key of `sse_type = KMS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// When the table was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<DateTime<Utc>>,
    /// Whether point-in-time recovery is on (`DescribeContinuousBackups`:
    /// `PointInTimeRecoveryStatus`); `None` when that call failed (a narrowed
    /// `dynamodb_continuous_backups` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery_enabled: Option<bool>,
    /// How many days back point-in-time recovery reaches (1–35), when it is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery_days: Option<u32>,
}
