use super::network::{internet_exposures, port_list, ports_text, sg_subject, TCP_AND_UDP};
use super::wrong_kind;
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every security group with an inbound rule from the internet — any IPv4 or
    /// IPv6 range of prefix length 0, `0.0.0.0/0` or `::/0` — that covers a database, cache,
    /// queue or search port listed in `data_ports`. The default list: 1433 (SQL Server),
    /// 1521, 2483, 2484 (Oracle), 3306 (MySQL), 5432 (PostgreSQL), 5984 (CouchDB), 6379
    /// (Redis), 7000, 7001, 9042 (Cassandra), 8086 (InfluxDB), 9092 (Kafka), 9200, 9300
    /// (Elasticsearch/OpenSearch), 11211 (Memcached), 27017–27019 (MongoDB).
    ///
    /// Port ranges are evaluated as ranges, protocol `-1` is all traffic, and a listed port
    /// counts on TCP and on UDP. ICMP rules never cover a port.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects logical access from outside the system boundary to be restricted.
    /// Data stores reachable from the internet are found by scanners within hours; many
    /// ship with weak or no authentication, and a single one exposed is a direct path to
    /// the data the audit is about.
    ///
    /// ## How to fix
    ///
    /// Remove the inbound rule and allow the port only from the application's security
    /// group or from private ranges. Reach data stores for administration over a VPN or
    /// Session Manager port forwarding.
    ///
    /// ### Console
    ///
    /// EC2 → Network & Security → Security Groups → select the group → Inbound rules → Edit
    /// inbound rules → change the source of the database rule from `0.0.0.0/0` / `::/0` to
    /// the application's security group → Save rules.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 revoke-security-group-ingress --group-id sg-0123 \
    ///   --protocol tcp --port 5432 --cidr 0.0.0.0/0
    /// aws ec2 authorize-security-group-ingress --group-id sg-0123 \
    ///   --protocol tcp --port 5432 --source-group sg-0app
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "postgres_from_app" {
    ///   security_group_id            = aws_security_group.db.id
    ///   ip_protocol                  = "tcp"
    ///   from_port                    = 5432
    ///   to_port                      = 5432
    ///   referenced_security_group_id = aws_security_group.app.id
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary).
    pub struct SgDataPortsPublic {
        id: "aws-ec2-sg-data-ports-public",
        title: "Security group allows database or cache ports from the internet",
        severity: High,
        criteria: ["CC6.6"],
        targets: [SecurityGroup],
        also_reads: [],
        params: [ParamSpec {
            name: "data_ports",
            description: "Database, cache, queue and search ports that must not be open to the internet (checked on TCP and UDP)",
            default: ParamDefault::IntegerList(&[
                1433, 1521, 2483, 2484, 3306, 5432, 5984, 6379, 7000, 7001, 8086, 9042, 9092,
                9200, 9300, 11211, 27017, 27018, 27019,
            ]),
            min: 0,
            max: 65535,
        }],
        reads: ["ingress"],
    }
}

impl Rule for SgDataPortsPublic {
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
        let ports = port_list(ctx.params.integer_list("data_ports"));
        let exposures = internet_exposures(group, &ports, |_| TCP_AND_UDP);
        if exposures.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "{} allows inbound traffic from the internet to data store ports: {}; expected \
             data ports ({}) reachable only from application security groups or private ranges",
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
    use soc2scan_model::SecurityGroupRule;

    pub(super) fn cases() -> Cases {
        let mut from_app = tcp(5432, &["10.0.0.0/16"]);
        from_app.referenced_groups.push("sg-app".to_string());
        Cases::new()
            .case(
                Case::new("data ports from private ranges pass").pass(security_group(
                    "sg-1",
                    vec![from_app, tcp(443, &["0.0.0.0/0"])],
                )),
            )
            .case(Case::new("PostgreSQL from the internet fails").fail(
                security_group("sg-1", vec![tcp(5432, &["0.0.0.0/0", "::/0"])]),
                &[
                    "security group sg-1",
                    "tcp port 5432 from 0.0.0.0/0, ::/0 (covers 5432/tcp)",
                    "expected data ports (1433, 1521",
                ],
            ))
            .applies_to_every_resource(
                "any security group can be attached to a data store, so every one is judged",
            )
    }

    fn verdict(ingress: Vec<SecurityGroupRule>) -> Verdict {
        let snap = snapshot(vec![security_group("sg-1", ingress)]);
        verdict_of(
            &run(&SgDataPortsPublic, &snap),
            &arn("security-group", "sg-1"),
        )
    }

    #[test]
    fn a_range_covering_data_ports_lists_each() {
        assert_fail(
            &verdict(vec![sg_rule("tcp", Some(6000), Some(7500), &["::/0"])]),
            &["covers 6379/tcp, 7000/tcp, 7001/tcp"],
        );
    }

    #[test]
    fn all_traffic_and_udp_count() {
        assert_fail(
            &verdict(vec![sg_rule("-1", None, None, &["0.0.0.0/0"])]),
            // 19 ports on two transports: the message lists six and counts the rest.
            &["all traffic", "covers 1433/tcp, 1433/udp", "and 32 more"],
        );
        assert_fail(
            &verdict(vec![sg_rule(
                "udp",
                Some(11211),
                Some(11211),
                &["0.0.0.0/0"],
            )]),
            &["covers 11211/udp"],
        );
    }

    #[test]
    fn icmp_does_not_count() {
        assert_pass(&verdict(vec![sg_rule(
            "icmp",
            Some(0),
            Some(65535),
            &["0.0.0.0/0"],
        )]));
    }

    #[test]
    fn data_ports_can_be_overridden() {
        let snap = snapshot(vec![security_group(
            "sg-1",
            vec![tcp(5432, &["0.0.0.0/0"]), tcp(8123, &["0.0.0.0/0"])],
        )]);
        let mut params = Params::defaults(&SgDataPortsPublic::META);
        params
            .set("data_ports", ParamValue::IntegerList(vec![8123]))
            .unwrap();
        let results = run_with(&SgDataPortsPublic, params, &snap);
        let verdict = verdict_of(&results, &arn("security-group", "sg-1"));
        assert_fail(&verdict, &["covers 8123/tcp", "expected data ports (8123)"]);
        assert!(!verdict.message().unwrap().contains("5432"));
    }
}
