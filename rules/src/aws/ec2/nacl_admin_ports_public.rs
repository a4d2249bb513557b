use super::network::{
    admin_port_transports, nacl_internet_range, port_list, ports_text, services_text,
    AddressFamily, ServicePort, Traffic, ADMIN_PORTS_PARAM,
};
use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use ipnet::IpNet;
use soc2scan_model::{NaclAction, NetworkAclEntry, Resource, ResourceConfig};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every network ACL whose inbound entries let the internet reach a remote
    /// administration port listed in `admin_ports` (default 22 for SSH and 3389 for RDP).
    ///
    /// A network ACL is evaluated the way AWS evaluates it: inbound entries in ascending
    /// `rule_number` order, the first entry that matches decides. For each admin port (22 on
    /// TCP; 3389 and other listed ports on TCP and UDP) and for IPv4 and IPv6 separately,
    /// the rule finds the first entry whose range is the internet — prefix length 0,
    /// `0.0.0.0/0` or `::/0` — and whose protocol and port range cover the port. If that
    /// entry allows, the port is exposed; an earlier deny from the internet shadows later
    /// allows. Port ranges are evaluated as ranges, protocol `-1` is all traffic, and a TCP
    /// or UDP entry without a port range covers every port. Deny entries for narrower
    /// ranges do not shadow an allow from the internet, since they block only part of it.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects logical access from outside the system boundary to be restricted.
    /// Network ACLs are the subnet-level layer of that boundary: denying SSH and RDP from
    /// the internet there keeps an admin port closed even when a security group is opened
    /// by mistake.
    ///
    /// ## How to fix
    ///
    /// Add inbound deny entries for the admin ports from `0.0.0.0/0` and `::/0` with rule
    /// numbers lower than the allow entries, or narrow the allow entries to known address
    /// ranges. Network ACLs are stateless, so subnets usually allow the ephemeral return
    /// ports (1024–65535) from the internet; that range includes 3389, so number the RDP
    /// deny before it.
    ///
    /// ### Console
    ///
    /// VPC → Security → Network ACLs → select the ACL → Inbound rules → Edit inbound rules →
    /// Add new rule: rule number lower than the allow (e.g. 50), type SSH (22), source
    /// `0.0.0.0/0`, Deny; repeat for RDP (3389) and for `::/0` → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 create-network-acl-entry --network-acl-id acl-0123 --ingress \
    ///   --rule-number 50 --protocol tcp --port-range From=22,To=22 \
    ///   --cidr-block 0.0.0.0/0 --rule-action deny
    /// aws ec2 create-network-acl-entry --network-acl-id acl-0123 --ingress \
    ///   --rule-number 51 --protocol tcp --port-range From=3389,To=3389 \
    ///   --cidr-block 0.0.0.0/0 --rule-action deny
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_network_acl_rule" "deny_ssh" {
    ///   network_acl_id = aws_network_acl.public.id
    ///   egress         = false
    ///   rule_number    = 50
    ///   protocol       = "tcp"
    ///   rule_action    = "deny"
    ///   cidr_block     = "0.0.0.0/0"
    ///   from_port      = 22
    ///   to_port        = 22
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct NaclAdminPortsPublic {
        id: "aws-ec2-nacl-admin-ports-public",
        title: "Network ACL allows SSH or RDP from the internet",
        severity: Medium,
        criteria: ["CC6.6"],
        targets: [NetworkAcl],
        also_reads: [],
        params: [ADMIN_PORTS_PARAM],
        reads: ["entries"],
    }
}

impl Rule for NaclAdminPortsPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::NetworkAcl(acl) = &resource.config else {
            return wrong_kind(resource, "a network ACL");
        };
        let ports = port_list(ctx.params.integer_list("admin_ports"));
        let mut inbound: Vec<&NetworkAclEntry> =
            acl.entries.iter().filter(|entry| !entry.egress).collect();
        // Stable: entries sharing a number keep the order AWS reported them in.
        inbound.sort_by_key(|entry| entry.rule_number);

        let mut exposures: BTreeMap<(i32, AddressFamily), Exposure<'_>> = BTreeMap::new();
        for family in AddressFamily::BOTH {
            for &port in &ports {
                for &transport in admin_port_transports(port) {
                    let service = ServicePort { port, transport };
                    let deciding = inbound.iter().find_map(|entry| {
                        let range = nacl_internet_range(entry, family)?;
                        let traffic = Traffic::of_nacl_entry(entry);
                        traffic.covers(service).then_some((entry, range, traffic))
                    });
                    if let Some((entry, range, traffic)) = deciding {
                        if entry.rule_action == NaclAction::Allow {
                            exposures
                                .entry((entry.rule_number, family))
                                .or_insert_with(|| Exposure {
                                    range,
                                    traffic,
                                    services: Vec::new(),
                                })
                                .services
                                .push(service);
                        }
                    }
                }
            }
        }
        if exposures.is_empty() {
            return Verdict::Pass;
        }
        let found: Vec<String> = exposures
            .iter()
            .map(|((rule_number, _), exposure)| {
                let mut services = exposure.services.clone();
                services.sort();
                format!(
                    "rule {rule_number} allows {} from {} (covers {})",
                    exposure.traffic,
                    exposure.range,
                    services_text(&services)
                )
            })
            .collect();
        Verdict::Fail(format!(
            "{}network ACL {}{} allows inbound traffic from the internet to admin ports: {}; \
             expected admin ports ({}) denied from the internet by an earlier entry, or \
             allowed only from known address ranges",
            if acl.is_default { "default " } else { "" },
            named(resource),
            acl.vpc_id
                .as_deref()
                .map(|vpc| format!(" in {vpc}"))
                .unwrap_or_default(),
            found.join("; "),
            ports_text(&ports)
        ))
    }
}

/// What one allow entry exposes.
struct Exposure<'a> {
    range: &'a IpNet,
    traffic: Traffic,
    services: Vec<ServicePort>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, nacl_entry, network_acl};
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;
    use NaclAction::{Allow, Deny};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("an ACL that lets only HTTPS in from the internet passes").pass(
                    network_acl(
                        "acl-https",
                        vec![
                            nacl_entry(100, Allow, "6", Some((443, 443)), "0.0.0.0/0"),
                            nacl_entry(32767, Deny, "-1", None, "0.0.0.0/0"),
                        ],
                    ),
                ),
            )
            .case(
                Case::new("the default ACL as AWS creates it fails for both families").fail(
                    network_acl("acl-1", aws_default()),
                    &[
                        "network ACL acl-1 in vpc-1",
                        "rule 100 allows all traffic from 0.0.0.0/0 (covers 22/tcp, 3389/tcp, 3389/udp)",
                        "rule 101 allows all traffic from ::/0",
                        "expected admin ports (22, 3389) denied",
                    ],
                ),
            )
            .applies_to_every_resource(
                "every network ACL, default or not, filters the traffic of its subnets, so every one is judged",
            )
    }

    fn verdict(entries: Vec<NetworkAclEntry>) -> Verdict {
        let snap = snapshot(vec![network_acl("acl-1", entries)]);
        verdict_of(
            &run(&NaclAdminPortsPublic, &snap),
            &arn("network-acl", "acl-1"),
        )
    }

    /// The entries AWS puts in a new default ACL (IPv4 and IPv6).
    fn aws_default() -> Vec<NetworkAclEntry> {
        vec![
            nacl_entry(100, Allow, "-1", None, "0.0.0.0/0"),
            nacl_entry(101, Allow, "-1", None, "::/0"),
            nacl_entry(32767, Deny, "-1", None, "0.0.0.0/0"),
            nacl_entry(32768, Deny, "-1", None, "::/0"),
        ]
    }

    #[test]
    fn a_deny_at_50_shadows_an_allow_at_100() {
        assert_pass(&verdict(vec![
            nacl_entry(50, Deny, "-1", None, "0.0.0.0/0"),
            nacl_entry(100, Allow, "-1", None, "0.0.0.0/0"),
        ]));
    }

    #[test]
    fn entries_are_evaluated_by_rule_number_not_listing_order() {
        assert_pass(&verdict(vec![
            nacl_entry(100, Allow, "6", Some((0, 65535)), "0.0.0.0/0"),
            nacl_entry(60, Deny, "6", Some((3389, 3389)), "0.0.0.0/0"),
            nacl_entry(50, Deny, "6", Some((22, 22)), "0.0.0.0/0"),
        ]));
    }

    #[test]
    fn an_allow_before_the_deny_fails() {
        assert_fail(
            &verdict(vec![
                nacl_entry(100, Allow, "6", Some((22, 22)), "0.0.0.0/0"),
                nacl_entry(200, Deny, "-1", None, "0.0.0.0/0"),
            ]),
            &["rule 100 allows tcp port 22 from 0.0.0.0/0 (covers 22/tcp)"],
        );
    }

    #[test]
    fn a_partial_deny_shadows_only_what_it_covers() {
        let verdict = verdict(vec![
            nacl_entry(50, Deny, "6", Some((22, 22)), "0.0.0.0/0"),
            nacl_entry(100, Allow, "6", Some((0, 65535)), "0.0.0.0/0"),
        ]);
        assert_fail(
            &verdict,
            &["rule 100 allows tcp ports 0-65535 from 0.0.0.0/0 (covers 3389/tcp)"],
        );
        assert!(!verdict.message().unwrap().contains("22/tcp"));
    }

    #[test]
    fn an_ipv4_deny_does_not_shadow_an_ipv6_allow() {
        let verdict = verdict(vec![
            nacl_entry(50, Deny, "-1", None, "0.0.0.0/0"),
            nacl_entry(100, Allow, "-1", None, "::/0"),
        ]);
        assert_fail(&verdict, &["rule 100 allows all traffic from ::/0"]);
        assert!(!verdict.message().unwrap().contains("0.0.0.0/0"));
    }

    #[test]
    fn a_deny_of_a_narrower_range_does_not_shadow() {
        assert_fail(
            &verdict(vec![
                nacl_entry(50, Deny, "6", Some((22, 22)), "198.51.100.0/24"),
                nacl_entry(100, Allow, "6", Some((22, 22)), "0.0.0.0/0"),
            ]),
            &["rule 100"],
        );
    }

    #[test]
    fn a_deny_on_another_protocol_does_not_shadow() {
        assert_fail(
            &verdict(vec![
                nacl_entry(50, Deny, "17", None, "0.0.0.0/0"),
                nacl_entry(100, Allow, "6", None, "0.0.0.0/0"),
            ]),
            &[
                "rule 100 allows tcp ports 0-65535",
                "covers 22/tcp, 3389/tcp",
            ],
        );
    }

    #[test]
    fn known_ranges_other_ports_icmp_and_outbound_entries_pass() {
        let mut outbound = nacl_entry(100, Allow, "-1", None, "0.0.0.0/0");
        outbound.egress = true;
        assert_pass(&verdict(vec![
            nacl_entry(100, Allow, "6", Some((22, 22)), "198.51.100.0/24"),
            nacl_entry(110, Allow, "6", Some((443, 443)), "0.0.0.0/0"),
            nacl_entry(120, Allow, "1", Some((0, 65535)), "0.0.0.0/0"),
            // Return traffic, with RDP denied before it.
            nacl_entry(90, Deny, "6", Some((3389, 3389)), "::/0"),
            nacl_entry(130, Allow, "6", Some((1024, 65535)), "::/0"),
            outbound,
            nacl_entry(32767, Deny, "-1", None, "0.0.0.0/0"),
        ]));
    }

    #[test]
    fn an_ephemeral_port_allow_covers_rdp() {
        let verdict = verdict(vec![nacl_entry(
            120,
            Allow,
            "6",
            Some((1024, 65535)),
            "0.0.0.0/0",
        )]);
        assert_fail(&verdict, &["rule 120", "(covers 3389/tcp)"]);
    }

    #[test]
    fn admin_ports_can_be_overridden() {
        let snap = snapshot(vec![network_acl(
            "acl-1",
            vec![nacl_entry(100, Allow, "6", Some((5900, 5900)), "0.0.0.0/0")],
        )]);
        assert_pass(&verdict_of(
            &run(&NaclAdminPortsPublic, &snap),
            &arn("network-acl", "acl-1"),
        ));
        let mut params = Params::defaults(&NaclAdminPortsPublic::META);
        params
            .set("admin_ports", ParamValue::IntegerList(vec![22, 5900]))
            .unwrap();
        let results = run_with(&NaclAdminPortsPublic, params, &snap);
        assert_fail(
            &verdict_of(&results, &arn("network-acl", "acl-1")),
            &["covers 5900/tcp", "expected admin ports (22, 5900)"],
        );
    }
}
