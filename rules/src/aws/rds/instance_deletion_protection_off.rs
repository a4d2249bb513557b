use super::{instance_of, is_standalone_instance, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance with deletion protection off. The instances of
    /// Aurora and Multi-AZ DB clusters are not judged: deleting the data means deleting the
    /// cluster, whose own deletion protection guards it. An instance whose setting RDS did
    /// not report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects the recovery infrastructure to be protected. Without deletion
    /// protection one API call — a mistyped command, an automation bug, a compromised
    /// credential, a Terraform plan that replaces the resource — deletes the database and,
    /// unless retained, its automated backups. With it on, deletion needs a deliberate
    /// change first.
    ///
    /// ## How to fix
    ///
    /// Turn deletion protection on. It takes effect immediately, causes no downtime, and
    /// must be turned off again before a deliberate deletion.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Modify → Additional configuration → tick
    /// "Enable deletion protection" → Continue → Apply immediately.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-instance --db-instance-identifier orders-db \
    ///   --deletion-protection --apply-immediately
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   # ...
    ///   deletion_protection = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (data backup and recovery infrastructure).
    pub struct InstanceDeletionProtectionOff {
        id: "aws-rds-instance-deletion-protection-off",
        title: "RDS DB instance deletion protection is off",
        severity: Medium,
        criteria: ["A1.2"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [],
        reads: ["deletion_protection", "db_cluster_identifier"],
    }
}

impl Rule for InstanceDeletionProtectionOff {
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
        match instance.deletion_protection {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "{} has deletion protection off, so one call can delete it; expected \
                 deletion protection on",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether deletion protection is on was not reported",
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
                Case::new("protection on passes, off fails")
                    .pass(instance("orders-db", |_| {}))
                    .fail(
                        instance("staging-db", |i| i.deletion_protection = Some(false)),
                        &[
                            "RDS DB instance staging-db",
                            "deletion protection off",
                            "expected deletion protection on",
                        ],
                    )
                    .not_evaluated(
                        instance("quiet-db", |i| i.deletion_protection = None),
                        &["quiet-db", "was not reported"],
                    ),
            )
            .case(
                Case::new("a cluster member is protected by its cluster")
                    .not_applicable(cluster_member("orders-aurora-1", |_| {})),
            )
    }
}
