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
    use crate::aws::ec2::fixtures::{arn, security_group, sg_rule, tcp};
    use crate::testing::*;
    use soc2scan_model::ResourceKind;

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

    #[test]
    fn empty_default_group_passes() {
        let snap = snapshot(vec![default_group("sg-def", vec![], vec![])]);
        let results = run(&DefaultSgNotRestricted, &snap);
        assert_pass(&verdict_of(&results, &arn("security-group", "sg-def")));
    }

    #[test]
    fn default_group_as_aws_creates_it_fails() {
        let mut self_ref = sg_rule("-1", None, None, &[]);
        self_ref.referenced_groups.push("sg-def".to_string());
        let snap = snapshot(vec![default_group(
            "sg-def",
            vec![self_ref],
            vec![sg_rule("-1", None, None, &["0.0.0.0/0", "::/0"])],
        )]);
        let results = run(&DefaultSgNotRestricted, &snap);
        assert_fail(
            &verdict_of(&results, &arn("security-group", "sg-def")),
            &[
                "default security group sg-def named \"default\" in vpc-1",
                "1 inbound rule (all traffic from sg-def)",
                "1 outbound rule (all traffic to 0.0.0.0/0, ::/0)",
                "expected no inbound and no outbound rules",
            ],
        );
    }

    #[test]
    fn egress_only_fails() {
        let snap = snapshot(vec![default_group(
            "sg-def",
            vec![],
            vec![tcp(443, &["0.0.0.0/0"]), tcp(80, &["0.0.0.0/0"])],
        )]);
        let results = run(&DefaultSgNotRestricted, &snap);
        assert_fail(
            &verdict_of(&results, &arn("security-group", "sg-def")),
            &["2 outbound rules (tcp port 443 to 0.0.0.0/0; tcp port 80 to 0.0.0.0/0)"],
        );
    }

    #[test]
    fn non_default_groups_are_not_reported() {
        let snap = snapshot(vec![security_group(
            "sg-web",
            vec![tcp(443, &["0.0.0.0/0"])],
        )]);
        assert!(run(&DefaultSgNotRestricted, &snap).is_empty());
    }

    #[test]
    fn failed_collection_is_not_evaluated() {
        let mut snap = snapshot(vec![default_group("sg-def", vec![], vec![])]);
        fail_unit(&mut snap, ResourceKind::SecurityGroup);
        let results = run(&DefaultSgNotRestricted, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &arn("security-group", "sg-def")),
            &["access_denied"],
        );
    }
}
