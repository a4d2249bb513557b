//! RDS types: DB instances (and the instances of Aurora clusters), DB clusters, and manual
//! DB and DB cluster snapshots.
//!
//! A snapshot's encryption is usually known only after apply (RDS takes it from the
//! source); when the snapshot's source is an instance or cluster of the same plan whose
//! encryption is known, the snapshot takes it from there.

use crate::model::ResourceKind::{
    RdsDbCluster as ClusterKind, RdsDbClusterSnapshot as ClusterSnapshotKind,
    RdsDbInstance as InstanceKind, RdsDbSnapshot as SnapshotKind,
};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{strings, Instance};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};

/// The RDS types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_db_instance"],
        kinds: &[InstanceKind],
        resource: Some(db_instance),
        relation: None,
        unknown: INSTANCE_UNKNOWN,
        becomes: "`rds_db_instance`",
        notes: "`publicly_accessible`, `storage_encrypted`, `deletion_protection` default to \
                false; `replicate_source_db` makes a read replica; `backup_retention_period` \
                and `multi_az` not set are known only after apply",
    },
    TypeMapping {
        types: &["aws_rds_cluster_instance"],
        kinds: &[InstanceKind],
        resource: Some(cluster_instance),
        relation: None,
        unknown: CLUSTER_INSTANCE_UNKNOWN,
        becomes: "`rds_db_instance` in its cluster (`cluster_identifier`)",
        notes: "only `publicly_accessible` is the instance's own; the cluster decides the rest",
    },
    TypeMapping {
        types: &["aws_rds_cluster"],
        kinds: &[ClusterKind],
        resource: Some(cluster),
        relation: None,
        unknown: &[CLUSTER_ENCRYPTED],
        becomes: "`rds_db_cluster`",
        notes: "`storage_encrypted` not set is known only after apply",
    },
    TypeMapping {
        types: &["aws_db_snapshot"],
        kinds: &[SnapshotKind],
        resource: Some(db_snapshot),
        relation: Some(db_snapshot_source),
        unknown: &[SNAPSHOT_ENCRYPTED, SNAPSHOT_SHARED],
        becomes: "`rds_db_snapshot`",
        notes: "`shared_accounts` containing `all` makes it public; `encrypted` comes from \
                its `aws_db_instance` in the plan when that one's is known",
    },
    TypeMapping {
        types: &["aws_db_cluster_snapshot"],
        kinds: &[ClusterSnapshotKind],
        resource: Some(cluster_snapshot),
        relation: Some(cluster_snapshot_source),
        unknown: &[CLUSTER_SNAPSHOT_ENCRYPTED, CLUSTER_SNAPSHOT_SHARED],
        becomes: "`rds_db_cluster_snapshot`",
        notes: "`shared_accounts` containing `all` makes it public; `storage_encrypted` \
                comes from its `aws_rds_cluster` in the plan when that one's is known",
    },
];

const INSTANCE_ENGINE: UnknownField = UnknownField::new(InstanceKind, "engine", "engine");
const INSTANCE_REPLICA_SOURCE: UnknownField =
    UnknownField::new(InstanceKind, "read_replica_source", "replicate_source_db");
const INSTANCE_PUBLIC: UnknownField =
    UnknownField::new(InstanceKind, "publicly_accessible", "publicly_accessible");
const INSTANCE_ENCRYPTED: UnknownField =
    UnknownField::new(InstanceKind, "storage_encrypted", "storage_encrypted");
const INSTANCE_RETENTION: UnknownField = UnknownField::new(
    InstanceKind,
    "backup_retention_period",
    "backup_retention_period",
);
const INSTANCE_DELETION_PROTECTION: UnknownField =
    UnknownField::new(InstanceKind, "deletion_protection", "deletion_protection");
const INSTANCE_MULTI_AZ: UnknownField = UnknownField::new(InstanceKind, "multi_az", "multi_az");
const INSTANCE_LOG_EXPORTS: UnknownField = UnknownField::new(
    InstanceKind,
    "enabled_cloudwatch_logs_exports",
    "enabled_cloudwatch_logs_exports",
);
const INSTANCE_UNKNOWN: &[UnknownField] = &[
    INSTANCE_ENGINE,
    INSTANCE_REPLICA_SOURCE,
    INSTANCE_PUBLIC,
    INSTANCE_ENCRYPTED,
    INSTANCE_RETENTION,
    INSTANCE_DELETION_PROTECTION,
    INSTANCE_MULTI_AZ,
    INSTANCE_LOG_EXPORTS,
];
const CLUSTER_INSTANCE_UNKNOWN: &[UnknownField] = &[INSTANCE_ENGINE, INSTANCE_PUBLIC];

const CLUSTER_ENCRYPTED: UnknownField =
    UnknownField::new(ClusterKind, "storage_encrypted", "storage_encrypted");

const SNAPSHOT_ENCRYPTED: UnknownField = UnknownField::new(SnapshotKind, "encrypted", "encrypted");
const SNAPSHOT_SHARED: UnknownField =
    UnknownField::new(SnapshotKind, "restorable_by_all", "shared_accounts");
const CLUSTER_SNAPSHOT_ENCRYPTED: UnknownField =
    UnknownField::new(ClusterSnapshotKind, "encrypted", "storage_encrypted");
const CLUSTER_SNAPSHOT_SHARED: UnknownField =
    UnknownField::new(ClusterSnapshotKind, "restorable_by_all", "shared_accounts");

const SOURCE_INSTANCE: Link = Link {
    attribute: "db_instance_identifier",
    kind: InstanceKind,
    types: &["aws_db_instance"],
    value_prefix: "",
};
const SOURCE_CLUSTER: Link = Link {
    attribute: "db_cluster_identifier",
    kind: ClusterKind,
    types: &["aws_rds_cluster"],
    value_prefix: "",
};

/// A boolean setting: its planned value; unknown (recorded, `None`) when the plan knows it
/// only after apply; else the provider's `default`, or `None` for settings AWS decides
/// when the configuration leaves them out (`default` `None`), explained in the attribute.
fn setting(
    i: &Instance<'_>,
    field: &UnknownField,
    default: Option<bool>,
    unknown: &mut Vec<UnknownValue>,
) -> Option<bool> {
    if let Some(value) = i.bool(field.attribute) {
        return Some(value);
    }
    if i.is_unknown(field.attribute) {
        unknown.push(not_set_note(i, field));
        return None;
    }
    default
}

/// The unknown value of a field, saying when the configuration does not set it (so AWS or
/// the source decides it at apply).
fn not_set_note(i: &Instance<'_>, field: &UnknownField) -> UnknownValue {
    if i.configured(field.attribute) {
        i.unknown(field)
    } else {
        i.unknown_at(
            field,
            format!(
                "{} (not set: AWS or the source decides it at apply)",
                i.attribute(field.attribute)
            ),
        )
    }
}

/// The identifier an instance of one of these types gets: its planned value, else the
/// address (a generated identifier is known only after apply).
fn identifier(i: &Instance<'_>, attribute: &str) -> String {
    i.str(attribute)
        .map(str::to_string)
        .unwrap_or_else(|| i.address.clone())
}

/// The engine, or an unknown (the engine of a replica or a restored snapshot comes from
/// its source).
fn engine(i: &Instance<'_>, unknown: &mut Vec<UnknownValue>) -> String {
    if let Some(engine) = i.str(INSTANCE_ENGINE.attribute) {
        return engine.to_string();
    }
    if i.is_unknown(INSTANCE_ENGINE.attribute) {
        unknown.push(not_set_note(i, &INSTANCE_ENGINE));
    }
    String::new()
}

fn db_instance(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let engine = engine(i, &mut unknown);
    let read_replica_source = match i.str(INSTANCE_REPLICA_SOURCE.attribute) {
        Some(source) => Some(source.to_string()),
        None if i.is_unknown(INSTANCE_REPLICA_SOURCE.attribute) => {
            unknown.push(i.unknown(&INSTANCE_REPLICA_SOURCE));
            None
        }
        None => None,
    };
    let publicly_accessible = setting(i, &INSTANCE_PUBLIC, Some(false), &mut unknown);
    let storage_encrypted = setting(i, &INSTANCE_ENCRYPTED, Some(false), &mut unknown);
    let deletion_protection = setting(i, &INSTANCE_DELETION_PROTECTION, Some(false), &mut unknown);
    let multi_az = setting(i, &INSTANCE_MULTI_AZ, Some(false), &mut unknown);
    let backup_retention_period = match i.int(INSTANCE_RETENTION.attribute) {
        Some(days) => u32::try_from(days).ok(),
        None => {
            if i.is_unknown(INSTANCE_RETENTION.attribute) {
                unknown.push(not_set_note(i, &INSTANCE_RETENTION));
            }
            None
        }
    };
    if i.is_unknown(INSTANCE_LOG_EXPORTS.attribute) {
        unknown.push(i.unknown(&INSTANCE_LOG_EXPORTS));
    }
    let id = identifier(i, "identifier");
    let config = ResourceConfig::RdsDbInstance(RdsDbInstance {
        db_instance_identifier: id,
        engine,
        engine_version: i.str("engine_version").map(str::to_string),
        db_instance_class: i.str("instance_class").map(str::to_string),
        status: None,
        availability_zone: i.str("availability_zone").map(str::to_string),
        db_cluster_identifier: None,
        read_replica_source,
        publicly_accessible,
        storage_encrypted,
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        backup_retention_period,
        deletion_protection,
        multi_az,
        enabled_cloudwatch_logs_exports: strings(i.attr(INSTANCE_LOG_EXPORTS.attribute))
            .into_iter()
            .map(str::to_string)
            .collect(),
    });
    let identity = i.str("identifier").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn cluster_instance(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let engine = engine(i, &mut unknown);
    let publicly_accessible = setting(i, &INSTANCE_PUBLIC, Some(false), &mut unknown);
    // Membership is certain whatever the cluster's identifier: name the cluster by its
    // reference when the identifier is known only after apply.
    let cluster = i
        .str("cluster_identifier")
        .map(str::to_string)
        .or_else(|| {
            i.references("cluster_identifier")
                .first()
                .map(|r| r.to_string())
        })
        .unwrap_or_else(|| i.attribute("cluster_identifier"));
    let config = ResourceConfig::RdsDbInstance(RdsDbInstance {
        db_instance_identifier: identifier(i, "identifier"),
        engine,
        engine_version: i.str("engine_version").map(str::to_string),
        db_instance_class: i.str("instance_class").map(str::to_string),
        status: None,
        availability_zone: i.str("availability_zone").map(str::to_string),
        db_cluster_identifier: Some(cluster),
        read_replica_source: None,
        publicly_accessible,
        storage_encrypted: None,
        kms_key_id: None,
        backup_retention_period: None,
        deletion_protection: None,
        multi_az: None,
        enabled_cloudwatch_logs_exports: Vec::new(),
    });
    let identity = i.str("identifier").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn cluster(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let storage_encrypted = setting(i, &CLUSTER_ENCRYPTED, Some(false), &mut unknown);
    let config = ResourceConfig::RdsDbCluster(RdsDbCluster {
        db_cluster_identifier: identifier(i, "cluster_identifier"),
        engine: i.str("engine").unwrap_or_default().to_string(),
        engine_version: i.str("engine_version").map(str::to_string),
        engine_mode: i.str("engine_mode").map(str::to_string),
        db_cluster_instance_class: i.str("db_cluster_instance_class").map(str::to_string),
        status: None,
        storage_encrypted,
        kms_key_id: i.str("kms_key_id").map(str::to_string),
    });
    let identity = i.str("cluster_identifier").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

/// A snapshot's configuration; `encrypted_field` and `shared_field` name its attributes.
fn snapshot_config(
    i: &Instance<'_>,
    id_attribute: &str,
    source_attribute: &str,
    encrypted_field: &UnknownField,
    shared_field: &UnknownField,
    unknown: &mut Vec<UnknownValue>,
) -> RdsSnapshot {
    let encrypted = match i.bool(encrypted_field.attribute) {
        Some(value) => Some(value),
        None => {
            // Computed from the source: unknown until apply, unless the source in the plan
            // says (the relation pass decides).
            unknown.push(i.unknown(encrypted_field));
            None
        }
    };
    let restorable_by_all = if i.is_unknown(shared_field.attribute) {
        unknown.push(i.unknown(shared_field));
        None
    } else {
        Some(strings(i.attr(shared_field.attribute)).contains(&"all"))
    };
    RdsSnapshot {
        snapshot_identifier: identifier(i, id_attribute),
        source_identifier: i.str(source_attribute).map(str::to_string),
        engine: i.str("engine").map(str::to_string),
        status: None,
        encrypted,
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        create_time: None,
        restorable_by_all,
    }
}

fn db_snapshot(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let config = snapshot_config(
        i,
        "db_snapshot_identifier",
        SOURCE_INSTANCE.attribute,
        &SNAPSHOT_ENCRYPTED,
        &SNAPSHOT_SHARED,
        &mut unknown,
    );
    b.push_primary(
        position,
        ResourceConfig::RdsDbSnapshot(config),
        unknown,
        None,
    );
}

fn cluster_snapshot(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let config = snapshot_config(
        i,
        "db_cluster_snapshot_identifier",
        SOURCE_CLUSTER.attribute,
        &CLUSTER_SNAPSHOT_ENCRYPTED,
        &CLUSTER_SNAPSHOT_SHARED,
        &mut unknown,
    );
    b.push_primary(
        position,
        ResourceConfig::RdsDbClusterSnapshot(config),
        unknown,
        None,
    );
}

fn db_snapshot_source(b: &mut Builder<'_>, position: usize) {
    encryption_from_source(b, position, &SOURCE_INSTANCE, "storage_encrypted");
}

fn cluster_snapshot_source(b: &mut Builder<'_>, position: usize) {
    encryption_from_source(b, position, &SOURCE_CLUSTER, "storage_encrypted");
}

/// A snapshot whose encryption the plan knows only after apply takes it from its source
/// in the plan (`link`), when the source's `source_field` is known: RDS encrypts a
/// snapshot exactly when its source is encrypted.
fn encryption_from_source(b: &mut Builder<'_>, position: usize, link: &Link, source_field: &str) {
    let Some(&snapshot) = b.resource_of.get(&position) else {
        return;
    };
    if !b.planned[snapshot]
        .unknown
        .iter()
        .any(|u| u.field == "encrypted")
    {
        return;
    }
    let Target::Resource(source) = b.target(position, link) else {
        return;
    };
    if b.planned[source]
        .unknown
        .iter()
        .any(|u| u.field == source_field)
    {
        return;
    }
    let encrypted = match &b.resources[source].config {
        ResourceConfig::RdsDbInstance(instance) => instance.storage_encrypted,
        ResourceConfig::RdsDbCluster(cluster) => cluster.storage_encrypted,
        _ => None,
    };
    let Some(encrypted) = encrypted else {
        return;
    };
    if let ResourceConfig::RdsDbSnapshot(config) | ResourceConfig::RdsDbClusterSnapshot(config) =
        &mut b.resources[snapshot].config
    {
        config.encrypted = Some(encrypted);
        b.planned[snapshot]
            .unknown
            .retain(|u| u.field != "encrypted");
    }
}
