use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A manual snapshot the account owns: a DB snapshot (`DescribeDBSnapshots
/// SnapshotType=manual`, kind `rds_db_snapshot`) or a DB cluster snapshot
/// (`DescribeDBClusterSnapshots SnapshotType=manual`, kind `rds_db_cluster_snapshot`). The
/// two listings report the same facts, so both kinds share this configuration. Automated
/// snapshots are not collected: RDS manages and deletes them, and they cannot be shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsSnapshot {
    /// The snapshot identifier (`orders-before-migration`).
    pub snapshot_identifier: String,
    /// The DB instance (DB snapshots) or DB cluster (cluster snapshots) it was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identifier: Option<String>,
    /// The engine of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// `available`, `creating`, `copying`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether the snapshot is encrypted; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// The KMS key, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// When the snapshot was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
    /// Whether the `restore` attribute includes `all` (any AWS account may copy or restore
    /// it): `Some(true)` public, `Some(false)` private (confirmed, or encrypted, which RDS
    /// never lets be public), `None` when it could not be confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restorable_by_all: Option<bool>,
}
