use super::{own_trail, trail_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every trail of the account that does not deliver to CloudWatch Logs (no
    /// `CloudWatchLogsLogGroupArn`), and passes the others. An organization trail seen from
    /// a member account is judged in its management account.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects anomalies to be noticed, and CC7.3 security events to be evaluated.
    /// Log files in S3 are evidence after the fact; events in CloudWatch Logs can raise an
    /// alarm within minutes (root sign-in, a security group opened, CloudTrail stopped) —
    /// see `aws-cloudwatch-security-alarms-missing`. Without delivery there is nothing to
    /// alarm on.
    ///
    /// ## How to fix
    ///
    /// Create a log group and a role CloudTrail can assume to write to it
    /// (`logs:CreateLogStream`, `logs:PutLogEvents`), and set both on the trail.
    ///
    /// ### Console
    ///
    /// CloudTrail → Trails → the trail → CloudWatch Logs → Edit → "Enabled" → choose or
    /// create the log group and the IAM role → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudtrail update-trail --name main \
    ///   --cloud-watch-logs-log-group-arn arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail:* \
    ///   --cloud-watch-logs-role-arn arn:aws:iam::111122223333:role/cloudtrail-to-logs
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   # ...
    ///   cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.cloudtrail.arn}:*"
    ///   cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail_to_logs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies), CC7.3 (evaluation of security
    /// events).
    pub struct CloudwatchOff {
        id: "aws-cloudtrail-cloudwatch-off",
        title: "CloudTrail trail does not deliver to CloudWatch Logs",
        severity: Low,
        criteria: ["CC7.2", "CC7.3"],
        targets: [CloudtrailTrail],
        also_reads: [],
        params: [],
        reads: ["cloud_watch_logs_log_group_arn", "owner_account"],
    }
}

impl Rule for CloudwatchOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn applies(&self, resource: &Resource) -> bool {
        own_trail(resource)
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let trail = match trail_of(resource) {
            Ok(trail) => trail,
            Err(verdict) => return verdict,
        };
        match trail.cloud_watch_logs_log_group_arn.as_deref() {
            Some(arn) if !arn.is_empty() => Verdict::Pass,
            _ => Verdict::Fail(format!(
                "CloudTrail trail {} does not deliver its events to CloudWatch Logs; expected a log group, so security events can raise alarms",
                crate::aws::named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("delivery to a log group passes").pass(trail("main", |_| {})))
            .case(Case::new("no log group fails").fail(
                trail("main", |t| t.cloud_watch_logs_log_group_arn = None),
                &["trail main does not deliver its events to CloudWatch Logs"],
            ))
            .case(
                Case::new("another account's organization trail is judged there").not_applicable(
                    organization_trail(|t| t.cloud_watch_logs_log_group_arn = None),
                ),
            )
    }
}
