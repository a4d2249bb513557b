use super::network::{open_ingress, sg_subject};
use super::wrong_kind;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every security group with an inbound rule from the internet — any IPv4 or
    /// IPv6 range of prefix length 0, `0.0.0.0/0` or `::/0` — that admits all traffic
    /// (protocol `-1`) or every port of TCP or UDP (0–65535, or no port range at all).
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects logical access from outside the system boundary to be restricted to
    /// what is needed. A group open on every port exposes every service its instances run —
    /// databases, admin consoles, debug endpoints, services bound by mistake — so the group
    /// is no boundary at all.
    ///
    /// ## How to fix
    ///
    /// Replace the rule with rules for the specific ports the workload serves to the
    /// internet (usually 443, ideally only on a load balancer), and keep everything else
    /// reachable only from inside the VPC or from known ranges.
    ///
    /// ### Console
    ///
    /// EC2 → Network & Security → Security Groups → select the group → Inbound rules → Edit
    /// inbound rules → delete the "All traffic" / "All TCP" / "All UDP" rule from
    /// `0.0.0.0/0` or `::/0` → add rules for the needed ports → Save rules.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 revoke-security-group-ingress --group-id sg-0123 \
    ///   --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
    /// aws ec2 authorize-security-group-ingress --group-id sg-0123 \
    ///   --protocol tcp --port 443 --cidr 0.0.0.0/0
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "https" {
    ///   security_group_id = aws_security_group.lb.id
    ///   ip_protocol       = "tcp" # not "-1"
    ///   from_port         = 443
    ///   to_port           = 443
    ///   cidr_ipv4         = "0.0.0.0/0"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct SgAllPortsPublic {
        id: "aws-ec2-sg-all-ports-public",
        title: "Security group allows all ports from the internet",
        severity: Critical,
        criteria: ["CC6.6"],
        targets: [SecurityGroup],
        also_reads: [],
        params: [],
        reads: ["ingress"],
    }
}

impl Rule for SgAllPortsPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::SecurityGroup(group) = &resource.config else {
            return wrong_kind(resource, "a security group");
        };
        let exposures: Vec<String> = open_ingress(group)
            .filter(|open| open.traffic.is_all_ports())
            .map(|open| format!("{} from {}", open.traffic, open.sources_text()))
            .collect();
        if exposures.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "{} allows inbound {}; expected inbound traffic from the internet limited to the \
             specific ports a public service needs",
            sg_subject(resource, group),
            exposures.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, security_group, sg_rule, tcp};
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::SecurityGroupRule;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("specific ports from the internet pass").pass(security_group(
                    "sg-1",
                    vec![
                        tcp(443, &["0.0.0.0/0", "::/0"]),
                        sg_rule("tcp", Some(1024), Some(65535), &["0.0.0.0/0"]),
                        sg_rule("icmp", Some(-1), Some(-1), &["0.0.0.0/0"]),
                        // All traffic, but only from inside the VPC.
                        sg_rule("-1", None, None, &["10.0.0.0/16"]),
                    ],
                )),
            )
            .case(Case::new("all traffic from the internet fails").fail(
                security_group("sg-1", vec![sg_rule("-1", None, None, &["0.0.0.0/0"])]),
                &[
                    "security group sg-1",
                    "all traffic from 0.0.0.0/0",
                    "expected",
                ],
            ))
            .applies_to_every_resource(
                "any security group can be attached to an instance, so every one is judged",
            )
    }

    fn verdict(ingress: Vec<SecurityGroupRule>) -> Verdict {
        let snap = snapshot(vec![security_group("sg-1", ingress)]);
        verdict_of(
            &run(&SgAllPortsPublic, &snap),
            &arn("security-group", "sg-1"),
        )
    }

    #[test]
    fn all_tcp_ports_from_ipv6_internet_fails() {
        assert_fail(
            &verdict(vec![sg_rule("6", Some(0), Some(65535), &["::/0"])]),
            &["tcp ports 0-65535 from ::/0"],
        );
    }

    #[test]
    fn udp_without_ports_fails() {
        assert_fail(
            &verdict(vec![sg_rule("udp", None, None, &["0.0.0.0/0"])]),
            &["udp ports 0-65535"],
        );
    }
}
