//! Builders of RDS resources for the rules' unit tests: each starts from a configuration
//! every RDS rule passes, so a case changes only what it is about.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{RdsDbCluster, RdsDbInstance, RdsSnapshot, Resource, ResourceConfig};

/// The ARN of an RDS resource in the test account and region (`db`, `orders-db`).
pub fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:rds:{REGION}:{ACCOUNT}:{kind}:{name}")
}

/// A private, encrypted, Multi-AZ PostgreSQL instance with deletion protection, 7 days of
/// backups and its `postgresql` log exported.
pub fn instance_config(id: &str) -> RdsDbInstance {
    RdsDbInstance {
        db_instance_identifier: id.to_string(),
        engine: "postgres".to_string(),
        engine_version: Some("16.3".to_string()),
        db_instance_class: Some("db.m6g.large".to_string()),
        status: Some("available".to_string()),
        availability_zone: Some(format!("{REGION}a")),
        db_cluster_identifier: None,
        read_replica_source: None,
        publicly_accessible: Some(false),
        storage_encrypted: Some(true),
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd")),
        backup_retention_period: Some(7),
        deletion_protection: Some(true),
        multi_az: Some(true),
        enabled_cloudwatch_logs_exports: vec!["postgresql".to_string()],
    }
}

/// An instance as a resource.
pub fn instance_resource(config: RdsDbInstance) -> Resource {
    resource(
        &arn("db", &config.db_instance_identifier),
        ResourceConfig::RdsDbInstance(config),
    )
}

/// A good instance, changed by `change`.
pub fn instance(id: &str, change: impl FnOnce(&mut RdsDbInstance)) -> Resource {
    let mut config = instance_config(id);
    change(&mut config);
    instance_resource(config)
}

/// A member of the Aurora PostgreSQL cluster `orders-aurora` whose own instance-level
/// settings would all fail (the cluster decides them), changed by `change`.
pub fn cluster_member(id: &str, change: impl FnOnce(&mut RdsDbInstance)) -> Resource {
    instance(id, |i| {
        i.engine = "aurora-postgresql".to_string();
        i.db_cluster_identifier = Some("orders-aurora".to_string());
        i.storage_encrypted = Some(false);
        i.backup_retention_period = Some(0);
        i.deletion_protection = Some(false);
        i.multi_az = Some(false);
        i.enabled_cloudwatch_logs_exports = vec![];
        change(i);
    })
}

/// An encrypted Aurora PostgreSQL cluster.
pub fn cluster(id: &str, storage_encrypted: Option<bool>) -> Resource {
    resource(
        &arn("cluster", id),
        ResourceConfig::RdsDbCluster(RdsDbCluster {
            db_cluster_identifier: id.to_string(),
            engine: "aurora-postgresql".to_string(),
            engine_version: Some("16.2".to_string()),
            engine_mode: Some("provisioned".to_string()),
            db_cluster_instance_class: None,
            status: Some("available".to_string()),
            storage_encrypted,
            kms_key_id: storage_encrypted
                .filter(|e| *e)
                .map(|_| format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd")),
        }),
    )
}

/// An encrypted, private, available manual snapshot taken three days ago.
pub fn snapshot_config(id: &str, source: &str) -> RdsSnapshot {
    RdsSnapshot {
        snapshot_identifier: id.to_string(),
        source_identifier: Some(source.to_string()),
        engine: Some("postgres".to_string()),
        status: Some("available".to_string()),
        encrypted: Some(true),
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd")),
        create_time: Some(days_ago(3)),
        restorable_by_all: Some(false),
    }
}

/// A manual DB snapshot of `orders-db`, changed by `change`.
pub fn db_snapshot(id: &str, change: impl FnOnce(&mut RdsSnapshot)) -> Resource {
    let mut config = snapshot_config(id, "orders-db");
    change(&mut config);
    resource(&arn("snapshot", id), ResourceConfig::RdsDbSnapshot(config))
}

/// A manual DB cluster snapshot of `orders-aurora`, changed by `change`.
pub fn cluster_snapshot(id: &str, change: impl FnOnce(&mut RdsSnapshot)) -> Resource {
    let mut config = snapshot_config(id, "orders-aurora");
    config.engine = Some("aurora-postgresql".to_string());
    change(&mut config);
    resource(
        &arn("cluster-snapshot", id),
        ResourceConfig::RdsDbClusterSnapshot(config),
    )
}
