use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every running instance that has a public IPv4 address (auto-assigned or
    /// Elastic IP). Stopped and terminated instances are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects the system boundary to be defined and access across it restricted. An
    /// instance with a public address is reachable from the internet whenever any of its
    /// security groups or its subnet's ACL lets traffic in, so a single misconfigured rule
    /// exposes it. Keeping instances in private subnets behind load balancers, NAT and
    /// Session Manager puts the boundary where it can be reviewed.
    ///
    /// ## How to fix
    ///
    /// Move the instance to a private subnet (launch a replacement there) and publish its
    /// service through a load balancer; reach it for administration through Session
    /// Manager. Turn off public IP auto-assignment on public subnets that host instances.
    /// Instances that must be public (bastions, NAT instances) can be suppressed with a
    /// reason.
    ///
    /// ### Console
    ///
    /// VPC → Subnets → select the subnet → Actions → Edit subnet settings → untick "Enable
    /// auto-assign public IPv4 address". For an Elastic IP: EC2 → Elastic IPs → select →
    /// Actions → Disassociate Elastic IP address.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 modify-subnet-attribute --subnet-id subnet-0123 --no-map-public-ip-on-launch
    /// aws ec2 disassociate-address --association-id eipassoc-0123
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   # ...
    ///   subnet_id                   = aws_subnet.private.id
    ///   associate_public_ip_address = false
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct InstancePublicIp {
        id: "aws-ec2-instance-public-ip",
        title: "Running instance has a public IP address",
        severity: Low,
        criteria: ["CC6.6"],
        targets: [Ec2Instance],
        also_reads: [],
        params: [],
        reads: ["state", "public_ip", "associate_public_ip_address"],
    }
}

impl Rule for InstancePublicIp {
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
        match (&instance.public_ip, instance.associate_public_ip_address) {
            (Some(ip), _) => Verdict::Fail(format!(
                "running EC2 instance {} has the public IP address {ip}; expected no public \
                 address, with the instance in a private subnet behind a load balancer or NAT",
                named(resource)
            )),
            (None, Some(true)) => Verdict::Fail(format!(
                "EC2 instance {} gets a public IP address at launch \
                 (associate_public_ip_address = true); expected no public address, with the \
                 instance in a private subnet behind a load balancer or NAT",
                named(resource)
            )),
            (None, _) => Verdict::Pass,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, instance_config, instance_resource};
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

    fn instance(id: &str, state: &str, public_ip: Option<&str>) -> Resource {
        let mut instance = instance_config(id, state);
        instance.public_ip = public_ip.map(|ip| ip.parse().unwrap());
        instance_resource(instance)
    }

    #[test]
    fn private_instance_passes_and_public_fails() {
        let snap = snapshot(vec![
            instance("i-private", "running", None),
            instance("i-public", "running", Some("203.0.113.10")),
        ]);
        let results = run(&InstancePublicIp, &snap);
        assert_pass(&verdict_of(&results, &arn("instance", "i-private")));
        assert_fail(
            &verdict_of(&results, &arn("instance", "i-public")),
            &[
                "EC2 instance i-public",
                "203.0.113.10",
                "expected no public address",
            ],
        );
    }

    #[test]
    fn a_planned_public_address_fails_before_it_exists() {
        let mut planned = instance_config("i-planned", "running");
        planned.associate_public_ip_address = Some(true);
        let mut private = instance_config("i-private-planned", "running");
        private.associate_public_ip_address = Some(false);
        let snap = snapshot(vec![instance_resource(planned), instance_resource(private)]);
        let results = run(&InstancePublicIp, &snap);
        assert_fail(
            &verdict_of(&results, &arn("instance", "i-planned")),
            &[
                "associate_public_ip_address = true",
                "expected no public address",
            ],
        );
        assert_pass(&verdict_of(&results, &arn("instance", "i-private-planned")));
    }

    #[test]
    fn stopped_instances_are_not_reported() {
        let snap = snapshot(vec![instance("i-stopped", "stopped", Some("203.0.113.10"))]);
        assert!(run(&InstancePublicIp, &snap).is_empty());
    }

    #[test]
    fn failed_collection_is_not_evaluated() {
        let mut snap = snapshot(vec![instance("i-private", "running", None)]);
        drop_unit(&mut snap, ResourceKind::Ec2Instance);
        let results = run(&InstancePublicIp, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &arn("instance", "i-private")),
            &["no coverage entry"],
        );
    }
}
