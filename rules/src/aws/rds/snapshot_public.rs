use super::{named, snapshot_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every manual RDS DB snapshot and DB cluster snapshot the account owns whose
    /// `restore` attribute includes `all`, so that any AWS account can copy it or restore a
    /// database from it. Automated snapshots are not collected (they cannot be shared).
    /// When the attribute could not be read, the snapshot is not evaluated. Encrypted
    /// snapshots pass without a lookup: RDS never lets them be shared with `all`.
    ///
    /// On a Terraform plan the snapshot's `shared_accounts` says it: `"all"` there is a
    /// failure.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to information to be limited to authorised users, and C1.1
    /// expects confidential information to be protected from disclosure. A public snapshot
    /// is a complete copy of the database — every table, every user's password hash — that
    /// anyone with an AWS account can restore and read; public RDS snapshots are listed by
    /// the RDS API to every account and are routinely harvested.
    ///
    /// ## How to fix
    ///
    /// Remove `all` from the snapshot's `restore` attribute, and share it with named
    /// accounts instead if it needs sharing at all (better: encrypt it with a customer
    /// managed key and share the copy, which RDS allows only with named accounts).
    ///
    /// ### Console
    ///
    /// RDS → Snapshots → Manual (or the DB cluster snapshots) → select the snapshot →
    /// Actions → Share snapshot → DB snapshot visibility: Private → remove any account that
    /// should not restore it → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-snapshot-attribute --db-snapshot-identifier orders-export \
    ///   --attribute-name restore --values-to-remove all
    /// aws rds modify-db-cluster-snapshot-attribute \
    ///   --db-cluster-snapshot-identifier orders-aurora-export \
    ///   --attribute-name restore --values-to-remove all
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_snapshot" "export" {
    ///   db_instance_identifier = aws_db_instance.orders.identifier
    ///   db_snapshot_identifier = "orders-export"
    ///   # Named accounts only; never "all".
    ///   shared_accounts = ["444455556666"]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), C1.1 (protect confidential information).
    pub struct SnapshotPublic {
        id: "aws-rds-snapshot-public",
        title: "RDS snapshot can be restored by any AWS account",
        severity: Critical,
        criteria: ["CC6.1", "C1.1"],
        targets: [RdsDbSnapshot, RdsDbClusterSnapshot],
        also_reads: [],
        params: [],
        reads: ["restorable_by_all"],
    }
}

impl Rule for SnapshotPublic {
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
        match snapshot.restorable_by_all {
            Some(false) => Verdict::Pass,
            Some(true) => Verdict::Fail(format!(
                "{} is public: its restore attribute includes \"all\", so any AWS account \
                 can copy it or restore a database from it; expected it private or shared \
                 with named accounts only",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether it is public could not be confirmed (its restore attribute was \
                 not collected)",
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
                Case::new("private snapshots pass, public ones fail, of both kinds")
                    .pass(db_snapshot("orders-nightly", |_| {}))
                    .pass(cluster_snapshot("orders-aurora-nightly", |_| {}))
                    .fail(
                        db_snapshot("orders-export", |s| {
                            s.encrypted = Some(false);
                            s.restorable_by_all = Some(true);
                        }),
                        &[
                            "RDS DB snapshot orders-export (of orders-db)",
                            "\"all\"",
                            "expected it private",
                        ],
                    )
                    .fail(
                        cluster_snapshot("orders-aurora-export", |s| {
                            s.encrypted = Some(false);
                            s.restorable_by_all = Some(true);
                        }),
                        &[
                            "RDS DB cluster snapshot orders-aurora-export (of orders-aurora)",
                            "is public",
                        ],
                    ),
            )
            .case(
                Case::new("an unconfirmed attribute is not evaluated").not_evaluated(
                    db_snapshot("orders-unknown", |s| s.restorable_by_all = None),
                    &["orders-unknown", "could not be confirmed"],
                ),
            )
            .applies_to_every_resource(
                "any manual snapshot the account owns can be shared, so every one is judged",
            )
    }
}
