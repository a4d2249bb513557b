use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every running instance whose CloudWatch detailed monitoring is not
    /// `enabled` (basic monitoring only, or still `pending`). Stopped and terminated
    /// instances are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.1 expects current processing capacity and use to be monitored so that demand can
    /// be met. Detailed monitoring publishes instance metrics every minute instead of every
    /// five, so alarms and auto scaling react to saturation before users notice it, and
    /// capacity reviews have the data to rely on.
    ///
    /// ## How to fix
    ///
    /// Enable detailed monitoring on the instance and in its launch template, and alarm on
    /// the metrics that matter to the workload.
    ///
    /// ### Console
    ///
    /// EC2 → Instances → select the instance → Actions → Monitor and troubleshoot → Manage
    /// detailed monitoring → tick "Enable" → Confirm.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 monitor-instances --instance-ids i-0123
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   # ...
    ///   monitoring = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.1 (capacity and performance monitoring).
    pub struct InstanceDetailedMonitoringOff {
        id: "aws-ec2-instance-detailed-monitoring-off",
        title: "Running instance does not have detailed monitoring",
        severity: Low,
        criteria: ["A1.1"],
        targets: [Ec2Instance],
        also_reads: [],
        params: [],
        reads: ["state", "monitoring"],
    }
}

impl Rule for InstanceDetailedMonitoringOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::Ec2Instance(instance) if instance.is_running())
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::Ec2Instance(instance) = &resource.config else {
            return wrong_kind(resource, "an EC2 instance");
        };
        if instance.monitoring.eq_ignore_ascii_case("enabled") {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "running EC2 instance {} has detailed monitoring \"{}\"; expected \"enabled\" \
                 (one-minute CloudWatch metrics)",
                named(resource),
                instance.monitoring
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{instance_config, instance_resource};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("detailed monitoring enabled passes; disabled or pending fails")
                    .pass(instance("i-on", "running", "enabled"))
                    .fail(
                        instance("i-off", "running", "disabled"),
                        &["EC2 instance i-off", "\"disabled\"", "expected \"enabled\""],
                    )
                    .fail(
                        instance("i-pending", "running", "pending"),
                        &["\"pending\""],
                    ),
            )
            .case(
                Case::new("stopped and terminated instances are not judged")
                    .not_applicable(instance("i-stopped", "stopped", "disabled"))
                    .not_applicable(instance("i-gone", "terminated", "disabled")),
            )
    }

    fn instance(id: &str, state: &str, monitoring: &str) -> Resource {
        let mut instance = instance_config(id, state);
        instance.monitoring = monitoring.to_string();
        instance_resource(instance)
    }
}
