use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every scanned region of every account where Security Hub is not enabled
    /// (the account is not subscribed there: `DescribeHub` answers
    /// `InvalidAccessException`). A region with a hub passes. A denied or failed
    /// `DescribeHub` is a coverage gap, never a pass or a failure.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.1 and CC7.2 expect the organization to detect vulnerabilities and monitor for
    /// security events. Security Hub gathers GuardDuty, Inspector, Macie and Config findings
    /// in one place and checks the account against security standards (AWS Foundational
    /// Security Best Practices, CIS), so someone can actually see and triage them. Without
    /// it in a region, that region's findings have no place where they are reviewed.
    ///
    /// ## How to fix
    ///
    /// Enable Security Hub in every region (with AWS Organizations, from the delegated
    /// administrator with central configuration), with at least the AWS Foundational
    /// Security Best Practices standard, and aggregate findings into one home region.
    ///
    /// ### Console
    ///
    /// Security Hub → (choose the region) → Go to Security Hub → tick the standards to
    /// enable → Enable Security Hub.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws securityhub enable-security-hub --region eu-west-1 --enable-default-standards
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_securityhub_account" "this" {
    ///   enable_default_standards = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.1 (detecting vulnerabilities and configuration weaknesses), CC7.2 (monitoring
    /// for security events).
    pub struct SecurityhubOff {
        id: "aws-securityhub-off",
        title: "Security Hub is not enabled in a region",
        severity: Medium,
        criteria: ["CC7.1", "CC7.2"],
        targets: [SecurityhubRegion],
        also_reads: [],
        params: [],
        reads: ["enabled"],
        runtime_only: "needs whether each region of a running account is subscribed to Security Hub; a plan shows only the resources it manages",
    }
}

impl Rule for SecurityhubOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::SecurityhubRegion(region) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a Security Hub region");
        };
        if region.enabled {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "Security Hub is not enabled in region {} of account {}; expected it enabled \
                 in every region, so that findings and security standard checks are \
                 gathered and reviewed",
                resource.region, resource.account
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::{Resource, ResourceConfig, SecurityhubRegion};

    fn region(enabled: bool) -> Resource {
        resource(
            &format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:securityhub-region"),
            ResourceConfig::SecurityhubRegion(SecurityhubRegion {
                enabled,
                hub_arn: enabled
                    .then(|| format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")),
                subscribed_at: enabled.then(|| days_ago(300)),
                auto_enable_controls: enabled.then_some(true),
            }),
        )
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("an enabled hub passes").pass(region(true)))
            .case(
                Case::new("a region not subscribed fails, naming region and account")
                    .fail(region(false), &[REGION, ACCOUNT, "is not enabled", "expected"]),
            )
            .applies_to_every_resource(
                "each region of each account has exactly one Security Hub region resource, and every one is judged",
            )
    }
}
