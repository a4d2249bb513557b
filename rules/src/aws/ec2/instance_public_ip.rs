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
    use crate::aws::ec2::fixtures::{instance_config, instance_resource};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut planned = instance_config("i-planned", "running");
        planned.associate_public_ip_address = Some(true);
        let mut private = instance_config("i-private-planned", "running");
        private.associate_public_ip_address = Some(false);
        Cases::new()
            .case(
                Case::new("a private instance passes and one with a public address fails")
                    .pass(instance("i-private", "running", None))
                    .fail(
                        instance("i-public", "running", Some("203.0.113.10")),
                        &[
                            "EC2 instance i-public",
                            "203.0.113.10",
                            "expected no public address",
                        ],
                    ),
            )
            .case(
                Case::new("a planned public address fails before it exists")
                    .fail(
                        instance_resource(planned),
                        &[
                            "associate_public_ip_address = true",
                            "expected no public address",
                        ],
                    )
                    .pass(instance_resource(private)),
            )
            .case(
                Case::new("a stopped instance is not judged").not_applicable(instance(
                    "i-stopped",
                    "stopped",
                    Some("203.0.113.10"),
                )),
            )
    }

    fn instance(id: &str, state: &str, public_ip: Option<&str>) -> Resource {
        let mut instance = instance_config(id, state);
        instance.public_ip = public_ip.map(|ip| ip.parse().unwrap());
        instance_resource(instance)
    }
}
