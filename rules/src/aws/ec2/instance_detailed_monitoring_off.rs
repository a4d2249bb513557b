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
    use crate::aws::ec2::fixtures::{arn, instance_config, instance_resource};
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

    fn instance(id: &str, state: &str, monitoring: &str) -> Resource {
        let mut instance = instance_config(id, state);
        instance.monitoring = monitoring.to_string();
        instance_resource(instance)
    }

    #[test]
    fn enabled_passes_and_disabled_or_pending_fails() {
        let snap = snapshot(vec![
            instance("i-on", "running", "enabled"),
            instance("i-off", "running", "disabled"),
            instance("i-pending", "running", "pending"),
        ]);
        let results = run(&InstanceDetailedMonitoringOff, &snap);
        assert_pass(&verdict_of(&results, &arn("instance", "i-on")));
        assert_fail(
            &verdict_of(&results, &arn("instance", "i-off")),
            &["EC2 instance i-off", "\"disabled\"", "expected \"enabled\""],
        );
        assert_fail(
            &verdict_of(&results, &arn("instance", "i-pending")),
            &["\"pending\""],
        );
    }

    #[test]
    fn stopped_instances_are_not_reported() {
        let snap = snapshot(vec![
            instance("i-stopped", "stopped", "disabled"),
            instance("i-gone", "terminated", "disabled"),
        ]);
        assert!(run(&InstanceDetailedMonitoringOff, &snap).is_empty());
    }

    #[test]
    fn failed_collection_is_not_evaluated() {
        let mut snap = snapshot(vec![instance("i-on", "running", "enabled")]);
        fail_unit(&mut snap, ResourceKind::Ec2Instance);
        let results = run(&InstanceDetailedMonitoringOff, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &arn("instance", "i-on")),
            &["access_denied"],
        );
    }
}
