use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{FlowLog, Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every VPC that no active flow log records. A flow log counts when it is
    /// attached to the VPC itself (not only to one of its subnets or interfaces), its status
    /// is `ACTIVE` and its delivery is not reported as `FAILED`.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects system components to be monitored for anomalies that indicate
    /// malicious acts or errors. Flow logs are the record of which addresses talked to which
    /// over the network; without them there is nothing to detect exfiltration, scanning or
    /// lateral movement with, and nothing to investigate an incident from afterwards.
    ///
    /// ## How to fix
    ///
    /// Create a flow log on the VPC that captures all traffic and delivers to CloudWatch
    /// Logs or S3, with a retention that matches your log retention policy. If a flow log
    /// exists but is failing, fix its destination or its IAM role.
    ///
    /// ### Console
    ///
    /// VPC → Your VPCs → select the VPC → Flow logs tab → Create flow log → Filter "All" →
    /// choose the destination (CloudWatch Logs or S3) → Create flow log.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-0123 \
    ///   --traffic-type ALL --log-destination-type s3 \
    ///   --log-destination arn:aws:s3:::acme-flow-logs
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_flow_log" "main" {
    ///   vpc_id               = aws_vpc.main.id
    ///   traffic_type         = "ALL"
    ///   log_destination_type = "s3"
    ///   log_destination      = aws_s3_bucket.flow_logs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies).
    pub struct VpcFlowLogsOff {
        id: "aws-ec2-vpc-flow-logs-off",
        title: "VPC has no active flow log",
        severity: Medium,
        criteria: ["CC7.2"],
        targets: [Vpc],
        also_reads: [FlowLog],
        params: [],
        reads: ["vpc_id", "flow_logs"],
    }
}

impl Rule for VpcFlowLogsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::Vpc(vpc) = &resource.config else {
            return wrong_kind(resource, "a VPC");
        };
        let flow_logs: Vec<&FlowLog> = ctx
            .inventory
            .flow_logs_of(&resource.account, &resource.region, &vpc.vpc_id)
            .filter(|flow_log| flow_log.resource_id == vpc.vpc_id)
            .collect();
        if flow_logs.iter().any(|flow_log| flow_log.is_active()) {
            return Verdict::Pass;
        }
        let found = if flow_logs.is_empty() {
            "has no flow log".to_string()
        } else {
            let inactive: Vec<String> = flow_logs
                .iter()
                .map(|flow_log| {
                    format!(
                        "{}: status {}, delivery {}",
                        flow_log.flow_log_id,
                        flow_log.status,
                        flow_log.deliver_logs_status.as_deref().unwrap_or("unknown")
                    )
                })
                .collect();
            format!("has no active flow log ({})", inactive.join("; "))
        };
        Verdict::Fail(format!(
            "{}VPC {} {found}; expected an active flow log recording the VPC's traffic",
            if vpc.is_default { "default " } else { "" },
            named(resource)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, flow_log, vpc};
    use crate::cases::{Case, Cases};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        let mut failing = flow_log("fl-failing", "vpc-1", "ACTIVE");
        if let ResourceConfig::FlowLog(f) = &mut failing.config {
            f.deliver_logs_status = Some("FAILED".to_string());
        }
        Cases::new()
            .case(
                Case::new("a VPC with an active flow log passes")
                    .pass(vpc("vpc-1"))
                    .with(flow_log("fl-off", "vpc-1", "INACTIVE"))
                    .with(flow_log("fl-on", "vpc-1", "ACTIVE")),
            )
            .case(
                Case::new("a VPC without flow logs fails; another VPC's flow log does not count")
                    .fail(
                        vpc("vpc-1"),
                        &["VPC vpc-1 has no flow log", "expected an active flow log"],
                    )
                    .pass(vpc("vpc-2"))
                    .with(flow_log("fl-2", "vpc-2", "ACTIVE")),
            )
            .case(
                Case::new("a VPC whose only flow log fails to deliver fails")
                    .fail(
                        vpc("vpc-1"),
                        &["no active flow log", "fl-failing", "delivery FAILED"],
                    )
                    .with(failing),
            )
            .applies_to_every_resource(
                "every VPC carries traffic worth recording, the default VPC included",
            )
    }

    #[test]
    fn flow_logs_of_another_account_do_not_count() {
        let mut foreign = flow_log("fl-1", "vpc-1", "ACTIVE");
        foreign.account = "999999999999".to_string();
        let snap = snapshot(vec![vpc("vpc-1"), foreign]);
        let results = run(&VpcFlowLogsOff, &snap);
        assert_fail(
            &verdict_of(&results, &arn("vpc", "vpc-1")),
            &["no flow log"],
        );
    }
}
