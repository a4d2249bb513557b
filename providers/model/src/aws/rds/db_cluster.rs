use serde::{Deserialize, Serialize};

/// An RDS DB cluster (`DescribeDBClusters`): an Aurora cluster, or a Multi-AZ DB cluster
/// (which has a `db_cluster_instance_class`). The instances in it are
/// [`RdsDbInstance`](crate::RdsDbInstance)s naming it in `db_cluster_identifier`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsDbCluster {
    /// The DB cluster identifier (`orders-aurora`).
    pub db_cluster_identifier: String,
    /// The engine (`aurora-mysql`, `aurora-postgresql`, `mysql`, `postgres`, …).
    pub engine: String,
    /// The engine version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// `provisioned`, `serverless`, … (Aurora).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_mode: Option<String>,
    /// The instance class of a Multi-AZ DB cluster's instances (absent for Aurora).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_cluster_instance_class: Option<String>,
    /// `available`, `stopped`, `creating`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether the cluster's storage is encrypted at rest; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    /// The KMS key that encrypts the storage, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}
