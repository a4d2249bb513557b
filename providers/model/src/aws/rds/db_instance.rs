use serde::{Deserialize, Serialize};

/// An RDS DB instance (`DescribeDBInstances`), including the instances of Aurora and
/// Multi-AZ DB clusters. No credentials are collected (RDS never returns the master
/// password, and the master user name is not kept).
///
/// The settings are `Option`s: `None` means RDS did not report the setting (or a plan knows
/// it only after apply), never "off".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsDbInstance {
    /// The DB instance identifier (`orders-db`).
    pub db_instance_identifier: String,
    /// The engine (`mysql`, `postgres`, `aurora-postgresql`, `oracle-ee`, `sqlserver-se`, …).
    pub engine: String,
    /// The engine version (`16.3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// The instance class (`db.t3.micro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_instance_class: Option<String>,
    /// `available`, `stopped`, `creating`, `modifying`, … (`DBInstanceStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The availability zone of the primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The DB cluster the instance belongs to (Aurora or Multi-AZ DB cluster), if any: its
    /// storage, backups, deletion protection and failover are the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_cluster_identifier: Option<String>,
    /// For a read replica, the DB instance (or cluster) it replicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replica_source: Option<String>,
    /// Whether the instance has a publicly resolvable endpoint (`PubliclyAccessible`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// Whether the storage is encrypted at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    /// The KMS key that encrypts the storage, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Days automated backups are kept; `0` means automated backups are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_retention_period: Option<u32>,
    /// Whether deletion protection is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Whether the instance is a Multi-AZ deployment (a standby in another zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_az: Option<bool>,
    /// The log types exported to CloudWatch Logs (`audit`, `error`, `postgresql`, …); empty
    /// when none are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enabled_cloudwatch_logs_exports: Vec<String>,
}

impl RdsDbInstance {
    /// Whether the instance belongs to an Aurora or Multi-AZ DB cluster.
    pub fn is_cluster_member(&self) -> bool {
        self.db_cluster_identifier.is_some()
    }

    /// Whether the instance is a read replica of another instance or cluster.
    pub fn is_read_replica(&self) -> bool {
        self.read_replica_source.is_some()
    }
}
