use super::network::{
    admin_port_transports, internet_exposures, port_list, ports_text, sg_subject, ADMIN_PORTS_PARAM,
};
use super::wrong_kind;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every security group with an inbound rule from the internet — any IPv4 or
    /// IPv6 range of prefix length 0, `0.0.0.0/0` or `::/0` — that covers a remote
    /// administration port listed in `admin_ports` (default 22 for SSH and 3389 for RDP).
    ///
    /// Port ranges are evaluated as ranges (a rule on TCP 0–65535 covers 22), protocol `-1`
    /// is all traffic on all ports, and a TCP or UDP rule without ports covers every port.
    /// Port 22 counts on TCP only; 3389 and any other listed port count on TCP and UDP (RDP
    /// also listens on UDP). ICMP rules never cover a port.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects logical access from outside the system boundary to be restricted.
    /// SSH and RDP open to the whole internet are scanned and brute-forced within minutes
    /// of exposure, and a single weak or leaked credential, or an unpatched daemon, becomes
    /// a foothold inside the network.
    ///
    /// ## How to fix
    ///
    /// Remove the inbound rule, or narrow its source to known address ranges (an office or
    /// VPN range, a bastion's security group). Better, reach instances through AWS Systems
    /// Manager Session Manager or EC2 Instance Connect Endpoint and open no admin port.
    ///
    /// ### Console
    ///
    /// EC2 → Network & Security → Security Groups → select the group → Inbound rules → Edit
    /// inbound rules → delete the SSH/RDP rule from `0.0.0.0/0` / `::/0`, or change its
    /// source to your VPN's range → Save rules.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 revoke-security-group-ingress --group-id sg-0123 \
    ///   --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'
    /// aws ec2 authorize-security-group-ingress --group-id sg-0123 \
    ///   --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=198.51.100.0/24}]'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "ssh_from_vpn" {
    ///   security_group_id = aws_security_group.app.id
    ///   ip_protocol       = "tcp"
    ///   from_port         = 22
    ///   to_port           = 22
    ///   cidr_ipv4         = "198.51.100.0/24" # the VPN, never 0.0.0.0/0
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct SgAdminPortsPublic {
        id: "aws-ec2-sg-admin-ports-public",
        title: "Security group allows SSH or RDP from the internet",
        severity: High,
        criteria: ["CC6.6"],
        targets: [SecurityGroup],
        also_reads: [],
        params: [ADMIN_PORTS_PARAM],
        reads: ["ingress"],
    }
}

impl Rule for SgAdminPortsPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::SecurityGroup(group) = &resource.config else {
            return wrong_kind(resource, "a security group");
        };
        let ports = port_list(ctx.params.integer_list("admin_ports"));
        let exposures = internet_exposures(group, &ports, admin_port_transports);
        if exposures.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "{} allows inbound traffic from the internet to admin ports: {}; expected admin \
             ports ({}) reachable only from known address ranges, a VPN or Session Manager",
            sg_subject(resource, group),
            exposures.join("; "),
            ports_text(&ports)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, security_group, sg_rule, tcp};
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("SSH from a known range, HTTPS and ICMP from anywhere pass").pass(
                    security_group(
                        "sg-1",
                        vec![
                            tcp(22, &["198.51.100.0/24"]),
                            tcp(443, &["0.0.0.0/0", "::/0"]),
                            sg_rule("icmp", Some(-1), Some(-1), &["0.0.0.0/0"]),
                        ],
                    ),
                ),
            )
            .case(Case::new("SSH from anywhere fails").fail(
                security_group("sg-1", vec![tcp(22, &["0.0.0.0/0"])]),
                &[
                    "security group sg-1 named \"web\" in vpc-1",
                    "tcp port 22 from 0.0.0.0/0",
                    "covers 22/tcp",
                    "expected admin ports (22, 3389)",
                ],
            ))
            .applies_to_every_resource(
                "any security group can be attached to an instance, so every one is judged",
            )
    }

    fn verdict(ingress: Vec<soc2scan_model::SecurityGroupRule>) -> Verdict {
        let snap = snapshot(vec![security_group("sg-1", ingress)]);
        verdict_of(
            &run(&SgAdminPortsPublic, &snap),
            &arn("security-group", "sg-1"),
        )
    }

    #[test]
    fn ipv6_internet_counts() {
        assert_fail(
            &verdict(vec![tcp(3389, &["::/0"])]),
            &["tcp port 3389 from ::/0", "covers 3389/tcp"],
        );
    }

    #[test]
    fn a_port_range_covering_22_fails() {
        assert_fail(
            &verdict(vec![sg_rule("tcp", Some(0), Some(65535), &["0.0.0.0/0"])]),
            &["tcp ports 0-65535", "covers 22/tcp, 3389/tcp"],
        );
    }

    #[test]
    fn all_traffic_fails() {
        assert_fail(
            &verdict(vec![sg_rule("-1", None, None, &["0.0.0.0/0"])]),
            &["all traffic from 0.0.0.0/0", "22/tcp, 3389/tcp, 3389/udp"],
        );
    }

    #[test]
    fn rdp_over_udp_counts_but_ssh_over_udp_does_not() {
        assert_fail(
            &verdict(vec![sg_rule("17", Some(3389), Some(3389), &["0.0.0.0/0"])]),
            &["covers 3389/udp"],
        );
        assert_pass(&verdict(vec![sg_rule(
            "udp",
            Some(22),
            Some(22),
            &["0.0.0.0/0"],
        )]));
    }

    #[test]
    fn icmp_never_covers_admin_ports() {
        assert_pass(&verdict(vec![sg_rule(
            "icmp",
            Some(0),
            Some(65535),
            &["0.0.0.0/0", "::/0"],
        )]));
    }

    #[test]
    fn admin_ports_can_be_overridden() {
        let snap = snapshot(vec![security_group(
            "sg-1",
            vec![tcp(22, &["0.0.0.0/0"]), tcp(5985, &["0.0.0.0/0"])],
        )]);
        let mut params = Params::defaults(&SgAdminPortsPublic::META);
        params
            .set("admin_ports", ParamValue::IntegerList(vec![5985]))
            .unwrap();
        let results = run_with(&SgAdminPortsPublic, params, &snap);
        let verdict = verdict_of(&results, &arn("security-group", "sg-1"));
        assert_fail(
            &verdict,
            &["covers 5985/tcp", "expected admin ports (5985)"],
        );
        assert!(!verdict.message().unwrap().contains("port 22 "));

        let mut params = Params::defaults(&SgAdminPortsPublic::META);
        assert!(params
            .set("admin_ports", ParamValue::IntegerList(vec![70000]))
            .is_err());
    }
}
