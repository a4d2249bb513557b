use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB cluster — Aurora, or a Multi-AZ DB cluster — whose storage is
    /// not encrypted at rest. The cluster's storage holds the data of all its instances, so
    /// this is where their encryption is judged. A cluster whose encryption RDS did not
    /// report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected wherever it is stored. An unencrypted
    /// cluster leaves the data of every instance in it, and its backups and snapshots,
    /// readable to anyone who obtains a copy of the storage.
    ///
    /// ## How to fix
    ///
    /// A cluster cannot be encrypted in place: take a cluster snapshot, restore a new
    /// cluster from it with a KMS key (the restore encrypts it), add its instances and move
    /// the application to it.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the cluster → Actions → Take snapshot. Then Snapshots →
    /// select it → Actions → Restore snapshot → Encryption: choose the KMS key → Restore DB
    /// cluster.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds create-db-cluster-snapshot --db-cluster-identifier orders-aurora \
    ///   --db-cluster-snapshot-identifier orders-aurora-plain
    /// aws rds restore-db-cluster-from-snapshot --db-cluster-identifier orders-aurora-2 \
    ///   --snapshot-identifier orders-aurora-plain --engine aurora-postgresql \
    ///   --kms-key-id alias/rds
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_rds_cluster" "orders" {
    ///   # ...
    ///   storage_encrypted = true
    ///   kms_key_id        = aws_kms_key.rds.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protect confidential
    /// information).
    pub struct ClusterUnencrypted {
        id: "aws-rds-cluster-unencrypted",
        title: "RDS DB cluster storage is not encrypted",
        severity: High,
        criteria: ["CC6.1", "C1.1"],
        targets: [RdsDbCluster],
        also_reads: [],
        params: [],
        reads: ["storage_encrypted"],
    }
}

impl Rule for ClusterUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::RdsDbCluster(cluster) = &resource.config else {
            return wrong_kind(resource, "an RDS DB cluster");
        };
        match cluster.storage_encrypted {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "{} stores its data unencrypted; expected storage encryption at rest with a \
                 KMS key",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether its storage is encrypted was not reported",
                named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::cluster;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("an encrypted cluster passes, an unencrypted one fails")
                    .pass(cluster("orders-aurora", Some(true)))
                    .fail(
                        cluster("legacy-aurora", Some(false)),
                        &[
                            "RDS DB cluster legacy-aurora (aurora-postgresql)",
                            "unencrypted",
                            "expected storage encryption",
                        ],
                    )
                    .not_evaluated(
                        cluster("quiet-aurora", None),
                        &["quiet-aurora", "was not reported"],
                    ),
            )
            .applies_to_every_resource(
                "every cluster's storage holds its instances' data, so every one is judged",
            )
    }
}
