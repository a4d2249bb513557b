//! RDS collection: one unit per (region, kind) — DB instances, DB clusters, and the
//! account's manual DB and DB cluster snapshots — each one listing with the largest page
//! size (`MaxRecords=100`), pages in order by `Marker`.
//!
//! Whether a manual snapshot is public is confirmed per snapshot with its attribute call
//! (`DescribeDBSnapshotAttributes` / `DescribeDBClusterSnapshotAttributes`: the `restore`
//! attribute containing `all`). The candidates are the snapshots that are not encrypted:
//! RDS refuses to share an encrypted snapshot with `all`, so an encrypted snapshot is
//! private without a call, and the calls grow only with the unencrypted snapshots.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use crate::snapshot::FailureKind;
use futures::future::join_all;
use std::sync::Arc;

/// The RDS service: every kind listed once per region, each kind its own unit.
pub(crate) struct Rds;

/// The RDS kinds collected in every region, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::RdsDbInstance,
    ResourceKind::RdsDbCluster,
    ResourceKind::RdsDbSnapshot,
    ResourceKind::RdsDbClusterSnapshot,
];

impl AwsService for Rds {
    fn name(&self) -> &'static str {
        "rds"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "rds:DescribeDBInstances",
            "rds:DescribeDBClusters",
            "rds:DescribeDBSnapshots",
            "rds:DescribeDBSnapshotAttributes",
            "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBClusterSnapshotAttributes",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Arc::new(RdsScope {
            client: sdk_client!(aws_sdk_rds, &ctx),
            ctx,
        });
        KINDS
            .iter()
            .map(|&kind| {
                let scope = scope.clone();
                Job::one(kind, async move { collect(kind, &scope).await })
            })
            .collect()
    }
}

/// The largest `MaxRecords` the Describe calls accept.
const PAGE_SIZE: i32 = 100;

/// What one region's units share.
type RdsScope = Scoped<aws_sdk_rds::Client>;

/// Collects one kind in one region.
async fn collect(kind: ResourceKind, scope: &RdsScope) -> Collected {
    match kind {
        ResourceKind::RdsDbInstance => instances(scope).await,
        ResourceKind::RdsDbCluster => clusters(scope).await,
        ResourceKind::RdsDbSnapshot => db_snapshots(scope).await,
        ResourceKind::RdsDbClusterSnapshot => cluster_snapshots(scope).await,
        other => Err(CallFailure::new(
            FailureKind::Error,
            format!("{} is not an RDS kind", other.as_str()),
        )),
    }
}

impl Scoped<aws_sdk_rds::Client> {
    /// The ARN RDS returned, else `arn:aws:rds:REGION:ACCOUNT:TYPE:NAME`.
    fn arn(&self, returned: Option<&str>, resource_type: &str, name: &str) -> String {
        returned
            .map(str::to_string)
            .unwrap_or_else(|| self.regional_arn("rds", &format!("{resource_type}:{name}")))
    }

    /// A resource of this region, named by its `Name` tag.
    fn resource(
        &self,
        id: String,
        tag_list: &[aws_sdk_rds::types::Tag],
        config: ResourceConfig,
    ) -> Resource {
        self.tagged_resource(id, tag_list.iter().map(|t| (t.key(), t.value())), config)
    }
}

/// A retention period as days (RDS reports 0 to 35; a negative value is not one).
fn retention_days(value: Option<i32>) -> Option<u32> {
    value.and_then(|days| u32::try_from(days).ok())
}

/// DB instances, Aurora and Multi-AZ DB cluster members included. The master user name and
/// the endpoint are not kept; RDS never returns passwords.
async fn instances(scope: &RdsScope) -> Collected {
    const OP: &str = "rds:DescribeDBInstances";
    paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .describe_db_instances()
                .max_records(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for instance in page.db_instances() {
                let id = scope.required(
                    instance.db_instance_identifier(),
                    OP,
                    "DBInstanceIdentifier",
                )?;
                let storage_encrypted = instance.storage_encrypted();
                let config = RdsDbInstance {
                    db_instance_identifier: id.to_string(),
                    engine: scope.required(instance.engine(), OP, "Engine")?.to_string(),
                    engine_version: instance.engine_version().map(str::to_string),
                    db_instance_class: instance.db_instance_class().map(str::to_string),
                    status: instance.db_instance_status().map(str::to_string),
                    availability_zone: instance.availability_zone().map(str::to_string),
                    db_cluster_identifier: instance.db_cluster_identifier().map(str::to_string),
                    read_replica_source: instance
                        .read_replica_source_db_instance_identifier()
                        .or(instance.read_replica_source_db_cluster_identifier())
                        .map(str::to_string),
                    publicly_accessible: instance.publicly_accessible(),
                    storage_encrypted,
                    kms_key_id: instance
                        .kms_key_id()
                        .filter(|_| storage_encrypted == Some(true))
                        .map(str::to_string),
                    backup_retention_period: retention_days(instance.backup_retention_period()),
                    deletion_protection: instance.deletion_protection(),
                    multi_az: instance.multi_az(),
                    enabled_cloudwatch_logs_exports: instance
                        .enabled_cloudwatch_logs_exports()
                        .to_vec(),
                };
                out.push(scope.resource(
                    scope.arn(instance.db_instance_arn(), "db", id),
                    instance.tag_list(),
                    ResourceConfig::RdsDbInstance(config),
                ));
            }
            Ok(PageEnd::next_token(page.marker()))
        },
    )
    .await
}

/// DB clusters: Aurora, and Multi-AZ DB clusters.
async fn clusters(scope: &RdsScope) -> Collected {
    const OP: &str = "rds:DescribeDBClusters";
    paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .describe_db_clusters()
                .max_records(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for cluster in page.db_clusters() {
                let id =
                    scope.required(cluster.db_cluster_identifier(), OP, "DBClusterIdentifier")?;
                let storage_encrypted = cluster.storage_encrypted();
                let config = RdsDbCluster {
                    db_cluster_identifier: id.to_string(),
                    engine: scope.required(cluster.engine(), OP, "Engine")?.to_string(),
                    engine_version: cluster.engine_version().map(str::to_string),
                    engine_mode: cluster.engine_mode().map(str::to_string),
                    db_cluster_instance_class: cluster
                        .db_cluster_instance_class()
                        .map(str::to_string),
                    status: cluster.status().map(str::to_string),
                    storage_encrypted,
                    kms_key_id: cluster
                        .kms_key_id()
                        .filter(|_| storage_encrypted == Some(true))
                        .map(str::to_string),
                };
                out.push(scope.resource(
                    scope.arn(cluster.db_cluster_arn(), "cluster", id),
                    cluster.tag_list(),
                    ResourceConfig::RdsDbCluster(config),
                ));
            }
            Ok(PageEnd::next_token(page.marker()))
        },
    )
    .await
}

/// One manual snapshot as listed, before its public-restore permission is known.
struct Listed {
    arn: String,
    config: RdsSnapshot,
    tags: Vec<aws_sdk_rds::types::Tag>,
}

/// What both kinds of manual snapshot report, from their two SDK types.
struct SnapshotFacts<'a> {
    id: &'a str,
    source: Option<&'a str>,
    engine: Option<&'a str>,
    status: Option<&'a str>,
    encrypted: Option<bool>,
    kms_key_id: Option<&'a str>,
    create_time: Option<&'a aws_smithy_types::DateTime>,
}

impl Listed {
    /// A listed snapshot whose public restore is not looked at yet; the key is kept only
    /// for an encrypted one.
    fn new(arn: String, facts: SnapshotFacts<'_>, tags: &[aws_sdk_rds::types::Tag]) -> Listed {
        Listed {
            arn,
            config: RdsSnapshot {
                snapshot_identifier: facts.id.to_string(),
                source_identifier: facts.source.map(str::to_string),
                engine: facts.engine.map(str::to_string),
                status: facts.status.map(str::to_string),
                encrypted: facts.encrypted,
                kms_key_id: facts
                    .kms_key_id
                    .filter(|_| facts.encrypted == Some(true))
                    .map(str::to_string),
                create_time: facts.create_time.and_then(time),
                restorable_by_all: None,
            },
            tags: tags.to_vec(),
        }
    }

    /// Whether the snapshot may be public: RDS refuses `all` for encrypted snapshots, so
    /// only the others (and those whose encryption was not reported) need a look.
    fn is_candidate(&self) -> bool {
        self.config.encrypted != Some(true)
    }
}

/// Fills `restorable_by_all` of listed snapshots: `Some(false)` for encrypted ones, the
/// confirmed answer for the candidates, and `None` — with a coverage gap narrowed to the
/// snapshot — for a candidate whose confirmation failed.
async fn with_public_restore<F, Fut>(
    scope: &RdsScope,
    kind: ResourceKind,
    listed: Vec<Listed>,
    confirm: F,
) -> Vec<Resource>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<bool, CallFailure>>,
{
    let confirmations = join_all(listed.iter().map(|snapshot| {
        let confirmation = snapshot
            .is_candidate()
            .then(|| confirm(snapshot.config.snapshot_identifier.clone()));
        async move {
            match confirmation {
                Some(call) => Some(call.await),
                None => None,
            }
        }
    }))
    .await;
    listed
        .into_iter()
        .zip(confirmations)
        .map(|(mut snapshot, confirmation)| {
            snapshot.config.restorable_by_all = match confirmation {
                None => Some(false),
                Some(Ok(public)) => Some(public),
                Some(Err(failure)) => {
                    scope.record_narrowed_gap(&snapshot.arn, kind, &failure);
                    None
                }
            };
            let config = match kind {
                ResourceKind::RdsDbClusterSnapshot => {
                    ResourceConfig::RdsDbClusterSnapshot(snapshot.config)
                }
                _ => ResourceConfig::RdsDbSnapshot(snapshot.config),
            };
            scope.resource(snapshot.arn, &snapshot.tags, config)
        })
        .collect()
}

/// Whether a `restore` attribute lets all accounts restore the snapshot.
fn restorable_by_all<'a>(
    attributes: impl IntoIterator<Item = (Option<&'a str>, &'a [String])>,
) -> bool {
    attributes
        .into_iter()
        .any(|(name, values)| name == Some("restore") && values.iter().any(|v| v == "all"))
}

/// The account's manual DB snapshots (`SnapshotType=manual`: not the automated ones RDS
/// takes and deletes, not the ones other accounts share).
async fn db_snapshots(scope: &RdsScope) -> Collected {
    const OP: &str = "rds:DescribeDBSnapshots";
    let listed = paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .describe_db_snapshots()
                .snapshot_type("manual")
                .max_records(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for snapshot in page.db_snapshots() {
                let id = scope.required(
                    snapshot.db_snapshot_identifier(),
                    OP,
                    "DBSnapshotIdentifier",
                )?;
                out.push(Listed::new(
                    scope.arn(snapshot.db_snapshot_arn(), "snapshot", id),
                    SnapshotFacts {
                        id,
                        source: snapshot.db_instance_identifier(),
                        engine: snapshot.engine(),
                        status: snapshot.status(),
                        encrypted: snapshot.encrypted(),
                        kms_key_id: snapshot.kms_key_id(),
                        create_time: snapshot.snapshot_create_time(),
                    },
                    snapshot.tag_list(),
                ));
            }
            Ok(PageEnd::next_token(page.marker()))
        },
    )
    .await?;
    Ok(with_public_restore(
        scope,
        ResourceKind::RdsDbSnapshot,
        listed,
        |id| async move {
            const OP: &str = "rds:DescribeDBSnapshotAttributes";
            let answer = scope
                .call(
                    scope
                        .client
                        .describe_db_snapshot_attributes()
                        .db_snapshot_identifier(id)
                        .send(),
                )
                .await
                .map_err(|e| scope.fail(OP, &e))?;
            let result = scope.required(
                answer.db_snapshot_attributes_result(),
                OP,
                "DBSnapshotAttributesResult",
            )?;
            Ok(restorable_by_all(
                result
                    .db_snapshot_attributes()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            ))
        },
    )
    .await)
}

/// The account's manual DB cluster snapshots.
async fn cluster_snapshots(scope: &RdsScope) -> Collected {
    const OP: &str = "rds:DescribeDBClusterSnapshots";
    let listed = paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .describe_db_cluster_snapshots()
                .snapshot_type("manual")
                .max_records(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            for snapshot in page.db_cluster_snapshots() {
                let id = scope.required(
                    snapshot.db_cluster_snapshot_identifier(),
                    OP,
                    "DBClusterSnapshotIdentifier",
                )?;
                out.push(Listed::new(
                    scope.arn(snapshot.db_cluster_snapshot_arn(), "cluster-snapshot", id),
                    SnapshotFacts {
                        id,
                        source: snapshot.db_cluster_identifier(),
                        engine: snapshot.engine(),
                        status: snapshot.status(),
                        encrypted: snapshot.storage_encrypted(),
                        kms_key_id: snapshot.kms_key_id(),
                        create_time: snapshot.snapshot_create_time(),
                    },
                    snapshot.tag_list(),
                ));
            }
            Ok(PageEnd::next_token(page.marker()))
        },
    )
    .await?;
    Ok(with_public_restore(
        scope,
        ResourceKind::RdsDbClusterSnapshot,
        listed,
        |id| async move {
            const OP: &str = "rds:DescribeDBClusterSnapshotAttributes";
            let answer = scope
                .call(
                    scope
                        .client
                        .describe_db_cluster_snapshot_attributes()
                        .db_cluster_snapshot_identifier(id)
                        .send(),
                )
                .await
                .map_err(|e| scope.fail(OP, &e))?;
            let result = scope.required(
                answer.db_cluster_snapshot_attributes_result(),
                OP,
                "DBClusterSnapshotAttributesResult",
            )?;
            Ok(restorable_by_all(
                result
                    .db_cluster_snapshot_attributes()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            ))
        },
    )
    .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_restore_attribute_with_all_is_public() {
        let all = ["all".to_string()];
        let accounts = ["444455556666".to_string()];
        assert!(restorable_by_all([(Some("restore"), &all[..])]));
        assert!(!restorable_by_all([(Some("restore"), &accounts[..])]));
        assert!(!restorable_by_all([(Some("restore"), &[][..])]));
        assert!(!restorable_by_all([(Some("other"), &all[..])]));
        assert!(!restorable_by_all([(None, &all[..])]));
    }

    #[test]
    fn retention_periods_are_days_or_not_known() {
        assert_eq!(retention_days(Some(7)), Some(7));
        assert_eq!(retention_days(Some(0)), Some(0));
        assert_eq!(retention_days(Some(-1)), None);
        assert_eq!(retention_days(None), None);
    }
}
