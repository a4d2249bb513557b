use super::network::{sg_rule_text, sg_subject};
use super::wrong_kind;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig, SecurityGroupRule};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every VPC's default security group that has any inbound or outbound rule.
    /// Other security groups are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.6 expects network access to be restricted to what is deliberately allowed. Every
    /// instance, interface or endpoint launched without an explicit group lands in the VPC's
    /// default group; as AWS creates it, that group lets its members talk to each other on
    /// every port and reach anywhere. Emptying it means nothing gets network access by
    /// accident, and every grant lives in a purpose-built, reviewed group.
    ///
    /// ## How to fix
    ///
    /// Move resources that use the default group to purpose-built groups, then delete every
    /// inbound and outbound rule of the default group (the group itself cannot be deleted).
    ///
    /// ### Console
    ///
    /// EC2 → Network & Security → Security Groups → filter by group name `default` → for
    /// each VPC's default group: Inbound rules → Edit inbound rules → Delete all → Save;
    /// Outbound rules → Edit outbound rules → Delete all → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 revoke-security-group-ingress --group-id sg-0default \
    ///   --ip-permissions 'IpProtocol=-1,UserIdGroupPairs=[{GroupId=sg-0default}]'
    /// aws ec2 revoke-security-group-egress --group-id sg-0default \
    ///   --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// # Adopts the VPC's default group and removes all of its rules.
    /// resource "aws_default_security_group" "default" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.6 (logical access from outside the system boundary, network segmentation).
    pub struct DefaultSgNotRestricted {
        id: "aws-ec2-default-sg-not-restricted",
        title: "VPC default security group has rules",
        severity: Low,
        criteria: ["CC6.6"],
        targets: [SecurityGroup],
        also_reads: [],
        params: [],
        reads: ["is_default", "ingress", "egress"],
    }
}

impl Rule for DefaultSgNotRestricted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::SecurityGroup(group) if group.is_default)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::SecurityGroup(group) = &resource.config else {
            return wrong_kind(resource, "a security group");
        };
        if group.ingress.is_empty() && group.egress.is_empty() {
            return Verdict::Pass;
        }
        let mut found = Vec::new();
        if !group.ingress.is_empty() {
            found.push(rules_text(&group.ingress, "inbound", "from"));
        }
        if !group.egress.is_empty() {
            found.push(rules_text(&group.egress, "outbound", "to"));
        }
        Verdict::Fail(format!(
            "default {} has {}; expected no inbound and no outbound rules, so that only \
             purpose-built groups grant network access",
            sg_subject(resource, group),
            found.join(" and ")
        ))
    }
}

/// `2 inbound rules (tcp port 22 from 10.0.0.0/8; all traffic from sg-1)`.
fn rules_text(rules: &[SecurityGroupRule], direction: &str, preposition: &str) -> String {
    let texts: Vec<String> = rules
        .iter()
        .map(|rule| sg_rule_text(rule, preposition))
        .collect();
    format!(
        "{} {direction} rule{} ({})",
        rules.len(),
        if rules.len() == 1 { "" } else { "s" },
        texts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{security_group, sg_rule, tcp};
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut self_ref = sg_rule("-1", None, None, &[]);
        self_ref.referenced_groups.push("sg-def".to_string());
        Cases::new()
            .case(
                Case::new("an empty default group passes").pass(default_group(
                    "sg-def",
                    vec![],
                    vec![],
                )),
            )
            .case(Case::new("a default group as AWS creates it fails").fail(
                default_group(
                    "sg-def",
                    vec![self_ref],
                    vec![sg_rule("-1", None, None, &["0.0.0.0/0", "::/0"])],
                ),
                &[
                    "default security group sg-def named \"default\" in vpc-1",
                    "1 inbound rule (all traffic from sg-def)",
                    "1 outbound rule (all traffic to 0.0.0.0/0, ::/0)",
                    "expected no inbound and no outbound rules",
                ],
            ))
            .case(Case::new("outbound rules alone fail").fail(
                default_group(
                    "sg-def",
                    vec![],
                    vec![tcp(443, &["0.0.0.0/0"]), tcp(80, &["0.0.0.0/0"])],
                ),
                &["2 outbound rules (tcp port 443 to 0.0.0.0/0; tcp port 80 to 0.0.0.0/0)"],
            ))
            .case(
                Case::new("a group that is not a VPC's default group is not judged")
                    .not_applicable(security_group("sg-web", vec![tcp(443, &["0.0.0.0/0"])])),
            )
    }

    fn default_group(
        id: &str,
        ingress: Vec<SecurityGroupRule>,
        egress: Vec<SecurityGroupRule>,
    ) -> Resource {
        let mut resource = security_group(id, ingress);
        if let ResourceConfig::SecurityGroup(group) = &mut resource.config {
            group.is_default = true;
            group.group_name = "default".to_string();
            group.egress = egress;
        }
        resource
    }
}
