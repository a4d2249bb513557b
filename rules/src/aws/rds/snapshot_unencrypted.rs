use super::{named, snapshot_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every manual RDS DB snapshot and DB cluster snapshot the account owns that
    /// is not encrypted. A snapshot whose encryption RDS did not report (or a plan knows
    /// only after apply) is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected wherever it is stored, copies included. A
    /// manual snapshot outlives its database, is copied between regions and accounts, and
    /// can be shared; unencrypted, every copy is readable, and it can even be made public.
    ///
    /// ## How to fix
    ///
    /// Copy the snapshot with a KMS key (the copy is encrypted), check the copy, and delete
    /// the unencrypted original. Encrypt the source instance or cluster (see
    /// `aws-rds-instance-unencrypted` and `aws-rds-cluster-unencrypted`) so that new
    /// snapshots are encrypted.
    ///
    /// ### Console
    ///
    /// RDS → Snapshots → select the snapshot → Actions → Copy snapshot → tick "Enable
    /// encryption" and choose the KMS key → Copy snapshot; then select the original →
    /// Actions → Delete snapshot.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds copy-db-snapshot --source-db-snapshot-identifier orders-export \
    ///   --target-db-snapshot-identifier orders-export-encrypted --kms-key-id alias/rds
    /// aws rds copy-db-cluster-snapshot \
    ///   --source-db-cluster-snapshot-identifier orders-aurora-export \
    ///   --target-db-cluster-snapshot-identifier orders-aurora-export-encrypted \
    ///   --kms-key-id alias/rds
    /// aws rds delete-db-snapshot --db-snapshot-identifier orders-export
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_snapshot_copy" "export" {
    ///   source_db_snapshot_identifier = aws_db_snapshot.export.db_snapshot_arn
    ///   target_db_snapshot_identifier = "orders-export-encrypted"
    ///   kms_key_id                    = aws_kms_key.rds.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protect confidential
    /// information).
    pub struct SnapshotUnencrypted {
        id: "aws-rds-snapshot-unencrypted",
        title: "RDS snapshot is not encrypted",
        severity: Medium,
        criteria: ["CC6.1", "C1.1"],
        targets: [RdsDbSnapshot, RdsDbClusterSnapshot],
        also_reads: [],
        params: [],
        reads: ["encrypted"],
    }
}

impl Rule for SnapshotUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let snapshot = match snapshot_of(resource) {
            Ok(snapshot) => snapshot,
            Err(verdict) => return verdict,
        };
        match snapshot.encrypted {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "{} is not encrypted; expected an encrypted copy with a KMS key in its place",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether it is encrypted was not reported",
                named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{cluster_snapshot, db_snapshot};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("encrypted snapshots pass, unencrypted ones fail, of both kinds")
                    .pass(db_snapshot("orders-nightly", |_| {}))
                    .pass(cluster_snapshot("orders-aurora-nightly", |_| {}))
                    .fail(
                        db_snapshot("orders-export", |s| s.encrypted = Some(false)),
                        &[
                            "RDS DB snapshot orders-export (of orders-db)",
                            "not encrypted",
                            "expected an encrypted copy",
                        ],
                    )
                    .fail(
                        cluster_snapshot("orders-aurora-export", |s| s.encrypted = Some(false)),
                        &[
                            "RDS DB cluster snapshot orders-aurora-export",
                            "not encrypted",
                        ],
                    ),
            )
            .case(
                Case::new("an unreported encryption is not evaluated").not_evaluated(
                    db_snapshot("orders-unknown", |s| s.encrypted = None),
                    &["orders-unknown", "was not reported"],
                ),
            )
            .applies_to_every_resource(
                "every manual snapshot holds a full copy of the data, so every one is judged",
            )
    }
}
