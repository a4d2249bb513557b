//! AWS RDS rules: DB instances (exposure, encryption, backups, deletion protection,
//! Multi-AZ, log exports), DB clusters (encryption) and manual snapshots (public sharing,
//! encryption).
//!
//! The instances of an Aurora or Multi-AZ DB cluster take their storage encryption, backups,
//! deletion protection, failover and log exports from the cluster, so the instance rules
//! about those do not apply to them; `aws-rds-cluster-unencrypted` judges the cluster's
//! encryption. Public accessibility is a setting of each instance and is judged on all.

mod cluster_unencrypted;
#[cfg(test)]
pub(crate) mod fixtures;
mod instance_backup_retention_short;
mod instance_deletion_protection_off;
mod instance_log_exports_off;
mod instance_public;
mod instance_single_az;
mod instance_unencrypted;
mod snapshot_public;
mod snapshot_unencrypted;

pub use cluster_unencrypted::ClusterUnencrypted;
pub use instance_backup_retention_short::InstanceBackupRetentionShort;
pub use instance_deletion_protection_off::InstanceDeletionProtectionOff;
pub use instance_log_exports_off::InstanceLogExportsOff;
pub use instance_public::InstancePublic;
pub use instance_single_az::InstanceSingleAz;
pub use instance_unencrypted::InstanceUnencrypted;
pub use snapshot_public::SnapshotPublic;
pub use snapshot_unencrypted::SnapshotUnencrypted;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{RdsDbInstance, RdsSnapshot, Resource, ResourceConfig};

/// The RDS rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &InstancePublic,
    &InstanceUnencrypted,
    &InstanceBackupRetentionShort,
    &InstanceDeletionProtectionOff,
    &InstanceSingleAz,
    &InstanceLogExportsOff,
    &ClusterUnencrypted,
    &SnapshotPublic,
    &SnapshotUnencrypted,
];

/// How a message names a resource: its display name, with its identifier when the display
/// name is something else (a `Name` tag, a Terraform address), the engine of instances and
/// clusters, and the source of snapshots (`orders-db (postgres)`, `orders-export (of
/// orders-db)`).
fn named(resource: &Resource) -> String {
    let display = resource.display_name();
    let mut details: Vec<String> = resource
        .config
        .native_id()
        .filter(|id| *id != display)
        .map(str::to_string)
        .into_iter()
        .collect();
    match &resource.config {
        ResourceConfig::RdsDbInstance(instance) => details.push(instance.engine.clone()),
        ResourceConfig::RdsDbCluster(cluster) => details.push(cluster.engine.clone()),
        ResourceConfig::RdsDbSnapshot(snapshot)
        | ResourceConfig::RdsDbClusterSnapshot(snapshot) => details.extend(
            snapshot
                .source_identifier
                .as_ref()
                .map(|source| format!("of {source}")),
        ),
        _ => {}
    }
    details.retain(|detail| !detail.is_empty());
    let label = resource.kind().label();
    if details.is_empty() {
        format!("{label} {display}")
    } else {
        format!("{label} {display} ({})", details.join(", "))
    }
}

/// The verdict for a resource whose configuration is not the kind the rule targets (the
/// engine only hands a rule its target kinds, so this means a programming error).
fn wrong_kind(resource: &Resource, expected: &str) -> Verdict {
    Verdict::NotEvaluated(format!(
        "{} is a {}, not {expected}",
        resource.id,
        resource.kind().label()
    ))
}

/// The DB instance a rule judges, or the verdict for a resource that is not one.
fn instance_of(resource: &Resource) -> Result<&RdsDbInstance, Verdict> {
    match &resource.config {
        ResourceConfig::RdsDbInstance(instance) => Ok(instance),
        _ => Err(wrong_kind(resource, "an RDS DB instance")),
    }
}

/// Whether the resource is a DB instance that is not part of a DB cluster: the instances
/// the rules about storage, backups, deletion protection, failover and logs judge.
fn is_standalone_instance(resource: &Resource) -> bool {
    matches!(&resource.config, ResourceConfig::RdsDbInstance(instance) if !instance.is_cluster_member())
}

/// The snapshot (DB or DB cluster snapshot) a rule judges, or the verdict for a resource
/// that is neither.
fn snapshot_of(resource: &Resource) -> Result<&RdsSnapshot, Verdict> {
    match &resource.config {
        ResourceConfig::RdsDbSnapshot(snapshot)
        | ResourceConfig::RdsDbClusterSnapshot(snapshot) => Ok(snapshot),
        _ => Err(wrong_kind(resource, "an RDS snapshot")),
    }
}
