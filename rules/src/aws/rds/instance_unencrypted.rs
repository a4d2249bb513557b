use super::{instance_of, is_standalone_instance, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance whose storage is not encrypted at rest. The instances
    /// of Aurora and Multi-AZ DB clusters are not judged: their storage is the cluster's,
    /// which `aws-rds-cluster-unencrypted` checks. An instance whose encryption RDS did not
    /// report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected wherever it is stored. An unencrypted
    /// database leaves its data, its automated backups, its snapshots and its read replicas
    /// readable to anyone who obtains a copy of the storage; auditors ask for evidence that
    /// every data store is encrypted with a managed key.
    ///
    /// ## How to fix
    ///
    /// RDS cannot encrypt an existing instance in place: snapshot it, copy the snapshot with
    /// a KMS key (the copy is encrypted), restore a new instance from the copy and move the
    /// application to it (or use AWS DMS to keep the downtime short).
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Actions → Take snapshot. Then Snapshots →
    /// select it → Actions → Copy snapshot → tick "Enable encryption" and choose the KMS key
    /// → Copy. Select the copy → Actions → Restore snapshot.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds create-db-snapshot --db-instance-identifier orders-db \
    ///   --db-snapshot-identifier orders-db-plain
    /// aws rds copy-db-snapshot --source-db-snapshot-identifier orders-db-plain \
    ///   --target-db-snapshot-identifier orders-db-encrypted --kms-key-id alias/rds
    /// aws rds restore-db-instance-from-db-snapshot --db-instance-identifier orders-db-2 \
    ///   --db-snapshot-identifier orders-db-encrypted
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
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
    pub struct InstanceUnencrypted {
        id: "aws-rds-instance-unencrypted",
        title: "RDS DB instance storage is not encrypted",
        severity: High,
        criteria: ["CC6.1", "C1.1"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [],
        reads: ["storage_encrypted", "db_cluster_identifier"],
    }
}

impl Rule for InstanceUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        is_standalone_instance(resource)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let instance = match instance_of(resource) {
            Ok(instance) => instance,
            Err(verdict) => return verdict,
        };
        match instance.storage_encrypted {
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
    use super::super::fixtures::{cluster_member, instance};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("an encrypted instance passes, an unencrypted one fails")
                    .pass(instance("orders-db", |_| {}))
                    .fail(
                        instance("legacy-db", |i| {
                            i.engine = "mysql".into();
                            i.storage_encrypted = Some(false);
                            i.kms_key_id = None;
                        }),
                        &[
                            "RDS DB instance legacy-db (mysql)",
                            "unencrypted",
                            "expected storage encryption",
                        ],
                    )
                    .not_evaluated(
                        instance("quiet-db", |i| i.storage_encrypted = None),
                        &["quiet-db", "was not reported"],
                    ),
            )
            .case(
                Case::new("a cluster member's storage is the cluster's")
                    .not_applicable(cluster_member("orders-aurora-1", |_| {})),
            )
    }
}
