use super::{instance_of, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every RDS DB instance whose *publicly accessible* setting is on, so that
    /// its endpoint resolves to a public IP address. The setting belongs to each instance,
    /// so the instances of Aurora and Multi-AZ DB clusters are judged too. An instance
    /// whose setting RDS did not report is not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects the system boundary to be defined and access across it restricted. A
    /// publicly accessible database is one permissive security-group rule away from the
    /// internet, where database ports are scanned and logins brute-forced within minutes
    /// of exposure. Auditors expect data stores in private subnets, reached by the
    /// application tier, with administration through a bastion, a VPN or Session Manager.
    ///
    /// ## How to fix
    ///
    /// Turn public accessibility off: the endpoint then resolves to the instance's private
    /// address only. Applications inside the VPC are unaffected; clients outside it need a
    /// VPN, a bastion or AWS PrivateLink. An instance that must be public can be suppressed
    /// with a reason.
    ///
    /// ### Console
    ///
    /// RDS → Databases → select the instance → Modify → Connectivity → Additional
    /// configuration → Public access: "Not publicly accessible" → Continue → Apply
    /// immediately → Modify DB instance.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws rds modify-db-instance --db-instance-identifier orders-db \
    ///   --no-publicly-accessible --apply-immediately
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   # ...
    ///   publicly_accessible  = false
    ///   db_subnet_group_name = aws_db_subnet_group.private.name
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct InstancePublic {
        id: "aws-rds-instance-public",
        title: "RDS DB instance is publicly accessible",
        severity: Critical,
        criteria: ["CC6.6"],
        targets: [RdsDbInstance],
        also_reads: [],
        params: [],
        reads: ["publicly_accessible"],
    }
}

impl Rule for InstancePublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let instance = match instance_of(resource) {
            Ok(instance) => instance,
            Err(verdict) => return verdict,
        };
        match instance.publicly_accessible {
            Some(false) => Verdict::Pass,
            Some(true) => Verdict::Fail(format!(
                "{} is publicly accessible: its endpoint resolves to a public IP address; \
                 expected public access off, with the database reachable only from inside \
                 the VPC",
                named(resource)
            )),
            None => Verdict::NotEvaluated(format!(
                "{}: whether it is publicly accessible was not reported",
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
                Case::new("a private instance passes, a publicly accessible one fails")
                    .pass(instance("orders-db", |_| {}))
                    .fail(
                        instance("reports-db", |i| i.publicly_accessible = Some(true)),
                        &[
                            "RDS DB instance reports-db (postgres)",
                            "publicly accessible",
                            "expected public access off",
                        ],
                    ),
            )
            .case(
                Case::new("a cluster member is judged by its own setting").fail(
                    cluster_member("orders-aurora-1", |i| i.publicly_accessible = Some(true)),
                    &["orders-aurora-1 (aurora-postgresql)", "publicly accessible"],
                ),
            )
            .case(
                Case::new("an unreported setting is not evaluated").not_evaluated(
                    instance("legacy-db", |i| i.publicly_accessible = None),
                    &["legacy-db", "was not reported"],
                ),
            )
            .applies_to_every_resource(
                "public accessibility is a setting of every instance, cluster members included",
            )
    }
}
