use super::{instance_of, is_standalone_instance, named};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance whose automated backups are off (a backup retention
    /// period of 0) or kept for fewer than `min_retention_days` days (default 7). Not
    /// judged: the instances of Aurora and Multi-AZ DB clusters, whose backups are the
    /// cluster's, and read replicas, whose data the source instance's backups restore. An
    /// instance whose retention RDS did not report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data backup processes and recovery infrastructure, and CC7.5 expects the
    /// organization to recover from incidents. Automated backups are what make
    /// point-in-time restore possible; with them off, or kept only a day or two, a
    /// corruption or a destructive change noticed after the weekend cannot be undone.
    /// Auditors sample backup configuration and ask for restore evidence.
    ///
    /// ## How to fix
    ///
    /// Set the backup retention period to at least `min_retention_days` days (RDS allows
    /// up to 35). Turning backups on from 0 causes a brief I/O suspension on single-AZ
    /// instances; schedule it in the maintenance window. For longer retention, add an AWS
    /// Backup plan.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Modify → Additional configuration → Backup
    /// → Backup retention period: 7 days or more → Continue → Apply immediately.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-instance --db-instance-identifier orders-db \
    ///   --backup-retention-period 14 --apply-immediately
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   # ...
    ///   backup_retention_period = 14
    ///   backup_window           = "03:00-04:00"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (data backup and recovery infrastructure), CC7.5 (recovery from incidents).
    pub struct InstanceBackupRetentionShort {
        id: "aws-rds-instance-backup-retention-short",
        title: "RDS DB instance automated backups are off or kept too briefly",
        severity: High,
        criteria: ["A1.2", "CC7.5"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [ParamSpec {
            name: "min_retention_days",
            description: "Fewest days automated backups must be kept",
            default: ParamDefault::Integer(7),
            min: 1,
            max: 35,
        }],
        reads: ["backup_retention_period", "db_cluster_identifier", "read_replica_source"],
    }
}

impl Rule for InstanceBackupRetentionShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        is_standalone_instance(resource)
            && matches!(&resource.config, ResourceConfig::RdsDbInstance(i) if !i.is_read_replica())
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let instance = match instance_of(resource) {
            Ok(instance) => instance,
            Err(verdict) => return verdict,
        };
        // The declared range (1..=35) makes the conversion lossless.
        let min_days = ctx.params.integer("min_retention_days").clamp(1, 35) as u32;
        match instance.backup_retention_period {
            None => Verdict::NotEvaluated(format!(
                "{}: its backup retention period was not reported",
                named(resource)
            )),
            Some(0) => Verdict::Fail(format!(
                "{} has automated backups off (backup retention period 0), so it cannot be \
                 restored to a point in time; expected backups kept at least {}",
                named(resource),
                days(min_days)
            )),
            Some(kept) if kept < min_days => Verdict::Fail(format!(
                "{} keeps automated backups for only {}; expected at least {}",
                named(resource),
                days(kept),
                days(min_days)
            )),
            Some(_) => Verdict::Pass,
        }
    }
}

/// "1 day", "7 days".
fn days(count: u32) -> String {
    if count == 1 {
        "1 day".to_string()
    } else {
        format!("{count} days")
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{cluster_member, instance};
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("seven days or more pass; fewer or none fail")
                    .pass(instance("orders-db", |i| {
                        i.backup_retention_period = Some(7)
                    }))
                    .pass(instance("ledger-db", |i| {
                        i.backup_retention_period = Some(35)
                    }))
                    .fail(
                        instance("staging-db", |i| i.backup_retention_period = Some(1)),
                        &["staging-db", "only 1 day", "expected at least 7 days"],
                    )
                    .fail(
                        instance("scratch-db", |i| i.backup_retention_period = Some(0)),
                        &[
                            "scratch-db",
                            "automated backups off",
                            "expected backups kept at least 7 days",
                        ],
                    )
                    .not_evaluated(
                        instance("quiet-db", |i| i.backup_retention_period = None),
                        &["quiet-db", "was not reported"],
                    ),
            )
            .case(
                Case::new("a longer minimum from soc2scan.toml")
                    .param("min_retention_days", ParamValue::Integer(14))
                    .fail(
                        instance("orders-db", |i| i.backup_retention_period = Some(7)),
                        &["only 7 days", "expected at least 14 days"],
                    )
                    .pass(instance("ledger-db", |i| {
                        i.backup_retention_period = Some(14)
                    })),
            )
            .case(
                Case::new("cluster members and read replicas are covered by other backups")
                    .not_applicable(cluster_member("orders-aurora-1", |_| {}))
                    .not_applicable(instance("orders-replica", |i| {
                        i.read_replica_source = Some("orders-db".into());
                        i.backup_retention_period = Some(0);
                    })),
            )
    }

    #[test]
    fn the_minimum_stays_within_what_rds_allows() {
        let mut params = crate::rule::Params::defaults(InstanceBackupRetentionShort.meta());
        assert!(params
            .set("min_retention_days", ParamValue::Integer(0))
            .is_err());
        assert!(params
            .set("min_retention_days", ParamValue::Integer(36))
            .is_err());
        assert!(params
            .set("min_retention_days", ParamValue::Integer(35))
            .is_ok());
    }
}
