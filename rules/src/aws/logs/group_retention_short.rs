use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

/// The shortest retention a log group may have, in days.
const MIN_RETENTION_PARAM: ParamSpec = ParamSpec {
    name: "min_retention_days",
    description: "the fewest days a log group must keep its events (a group whose events never expire passes)",
    default: ParamDefault::Integer(365),
    min: 1,
    max: 3653,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every CloudWatch Logs log group that keeps its events fewer than
    /// `min_retention_days` days (365 by default), and passes the others; a group whose
    /// events never expire (no retention set, AWS's default) passes.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects the organization to monitor its systems and keep what it needs to
    /// investigate, and A1.2 to keep the data its recovery depends on. Intrusions are often
    /// found months after they began; application, VPC flow and CloudTrail logs that
    /// expired after a week cannot show how an attacker got in. Auditors commonly expect a
    /// year of logs, with the last 90 days at hand.
    ///
    /// ## How to fix
    ///
    /// Set the group's retention to at least the required number of days (or archive the
    /// logs to S3 with a lifecycle that keeps them long enough, and set this rule's
    /// parameter to what CloudWatch itself must keep).
    ///
    /// ### Console
    ///
    /// CloudWatch → Log groups → select the group → Actions → "Edit retention setting" →
    /// choose 1 year (or longer) → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws logs put-retention-policy --log-group-name /aws/lambda/orders --retention-in-days 365
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "orders" {
    ///   name              = "/aws/lambda/orders"
    ///   retention_in_days = 365
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies), A1.2 (data backup and
    /// recovery).
    pub struct GroupRetentionShort {
        id: "aws-logs-group-retention-short",
        title: "CloudWatch Logs log group keeps events for too short a time",
        severity: Medium,
        criteria: ["CC7.2", "A1.2"],
        targets: [LogsLogGroup],
        also_reads: [],
        params: [MIN_RETENTION_PARAM],
        reads: ["retention_in_days"],
    }
}

impl Rule for GroupRetentionShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::LogsLogGroup(group) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudWatch Logs log group");
        };
        let min = ctx.params.integer(MIN_RETENTION_PARAM.name);
        match group.retention_in_days {
            None => Verdict::Pass,
            Some(days) if i64::from(days) >= min => Verdict::Pass,
            Some(days) => Verdict::Fail(format!(
                "CloudWatch Logs log group {} keeps its events {days} day{}; expected at least {min} days (min_retention_days)",
                crate::aws::named(resource),
                if days == 1 { "" } else { "s" }
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::log_group;
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a year passes").pass(log_group("app", |_| {})))
            .case(
                Case::new("events that never expire pass")
                    .pass(log_group("forever", |g| g.retention_in_days = None)),
            )
            .case(Case::new("a week fails").fail(
                log_group("app", |g| g.retention_in_days = Some(7)),
                &[
                    "log group app keeps its events 7 days",
                    "expected at least 365 days",
                ],
            ))
            .case(
                Case::new("the minimum is a parameter")
                    .pass(log_group("app", |g| g.retention_in_days = Some(90)))
                    .param("min_retention_days", ParamValue::Integer(90)),
            )
            .applies_to_every_resource("every log group keeps events for some time, or forever")
    }
}
