use super::{instance_of, is_standalone_instance, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance that is not a Multi-AZ deployment, so it has no
    /// standby in another availability zone. The instances of Aurora and Multi-AZ DB
    /// clusters are not judged: failover is the cluster's (its instances in several zones).
    /// An instance whose setting RDS did not report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.1 and A1.2 expect the system to meet its availability commitments with recovery
    /// infrastructure that survives the failure of a component. A single-AZ instance is
    /// down for as long as its zone, its host or its storage is, and a restore from backup
    /// takes far longer than a Multi-AZ failover of a minute or two.
    ///
    /// ## How to fix
    ///
    /// Convert the instance to a Multi-AZ deployment (it roughly doubles the instance cost;
    /// the change runs online, with a brief I/O suspension while the standby is created).
    /// Non-production instances that do not need it can be suppressed with a reason.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Modify → Availability & durability →
    /// "Create a standby instance" → Continue → Apply immediately (or in the maintenance
    /// window).
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-instance --db-instance-identifier orders-db --multi-az \
    ///   --apply-immediately
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   # ...
    ///   multi_az = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.1 (capacity and availability commitments), A1.2 (recovery infrastructure).
    pub struct InstanceSingleAz {
        id: "aws-rds-instance-single-az",
        title: "RDS DB instance is not Multi-AZ",
        severity: Low,
        criteria: ["A1.1", "A1.2"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [],
        reads: ["multi_az", "db_cluster_identifier"],
    }
}

impl Rule for InstanceSingleAz {
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
        match instance.multi_az {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "{} runs in a single availability zone{}, with no standby to fail over to; \
                 expected a Multi-AZ deployment",
                named(resource),
                instance
                    .availability_zone
                    .as_deref()
                    .map(|zone| format!(" ({zone})"))
                    .unwrap_or_default()
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether it is Multi-AZ was not reported",
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
                Case::new("a Multi-AZ instance passes, a single-AZ one fails")
                    .pass(instance("orders-db", |_| {}))
                    .fail(
                        instance("staging-db", |i| i.multi_az = Some(false)),
                        &[
                            "RDS DB instance staging-db",
                            "single availability zone",
                            "expected a Multi-AZ deployment",
                        ],
                    )
                    .not_evaluated(
                        instance("quiet-db", |i| i.multi_az = None),
                        &["quiet-db", "was not reported"],
                    ),
            )
            .case(
                Case::new("a cluster member fails over within its cluster")
                    .not_applicable(cluster_member("orders-aurora-1", |_| {})),
            )
    }
}
