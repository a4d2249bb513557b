use super::patterns::{class, clauses, Clause, EventClass};
use crate::aws::cloudtrail::{account_trails, describe, logging};
use crate::declare_rule;
use crate::inventory::UnitState;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{
    CloudtrailTrail, CloudwatchAlarm, LogsLogGroup, Provider, Resource, ResourceConfig,
    ResourceKind,
};

/// The security event classes to require, by their number in the CIS AWS Foundations
/// Benchmark's monitoring section.
const CLASSES_PARAM: ParamSpec = ParamSpec {
    name: "cis_controls",
    description: "the security events that must raise an alarm, by their number in the CIS AWS Foundations Benchmark monitoring section (4.x in v1.4–v3.0): 1 unauthorized API calls, 2 console sign-in without MFA, 3 root account use, 4 IAM policy changes, 5 CloudTrail configuration changes, 6 console authentication failures, 7 disabling or deleting KMS keys, 8 S3 bucket policy changes, 9 AWS Config changes, 10 security group changes, 11 network ACL changes, 12 network gateway changes, 13 route table changes, 14 VPC changes, 15 AWS Organizations changes",
    default: ParamDefault::IntegerList(&[1, 2, 3, 4, 5, 10, 11]),
    min: 1,
    max: 15,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Once per account: passes when a multi-region trail of the account that is logging
    /// delivers to a CloudWatch Logs log group with, for each security event class in
    /// `cis_controls`, a metric filter that catches it and a CloudWatch alarm with an
    /// action (enabled actions, at least one alarm action) on the filter's metric — same
    /// namespace and name, in the log group's account and region. The default classes are
    /// those of the CIS AWS Foundations Benchmark: unauthorized API calls (CIS 4.1), console
    /// sign-in without MFA (4.2), root account use (4.3), IAM policy changes (4.4),
    /// CloudTrail configuration changes (4.5), security group changes (4.10) and network ACL
    /// changes (4.11); 4.6–4.9 and 4.12–4.15 can be added. Fails naming the missing classes
    /// (for the trail that lacks the fewest), or when the account has no logging
    /// multi-region trail delivering to CloudWatch Logs.
    ///
    /// A filter catches a class when its pattern, read as a JSON filter pattern, catches
    /// every event of the benchmark's pattern for the class: the order of `||` terms,
    /// parentheses, whitespace and quoting do not matter, a class may be split across
    /// filters, a filter may be broader (leave out `$.eventSource`, say), and it may make
    /// the benchmark's own exclusions (`$.sourceIPAddress != "delivery.logs.amazonaws.com"`,
    /// `$.eventName != "HeadBucket"` for unauthorized calls) but no other.
    ///
    /// Not evaluated when the log group's region had its log groups, metric filters or
    /// alarms listing fail, when the trail's status could not be read, or when its log
    /// group is in another account (an organization trail's, in the management account:
    /// scan that account).
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects anomalies to be detected and CC7.3 security events to be evaluated.
    /// A trail records that someone used the root user or opened a security group; only an
    /// alarm makes anyone look at it while it matters. Auditors use the CIS monitoring
    /// controls as the yardstick for "the organization would notice".
    ///
    /// ## How to fix
    ///
    /// For each missing class, create a metric filter with the benchmark's pattern on the
    /// trail's log group and an alarm on its metric that notifies an SNS topic someone
    /// watches.
    ///
    /// ### Console
    ///
    /// CloudWatch → Log groups → the trail's group → Metric filters → Create metric filter →
    /// paste the pattern (e.g. `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy
    /// NOT EXISTS && $.eventType != "AwsServiceEvent" }`) → name the metric → Create; then on
    /// the filter → Create alarm → threshold ≥ 1 → notify the SNS topic.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name cloudtrail --filter-name root-use \
    ///   --metric-transformations metricName=RootUse,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
    /// aws cloudwatch put-metric-alarm --alarm-name root-use --namespace CISBenchmark \
    ///   --metric-name RootUse --statistic Sum --period 300 --evaluation-periods 1 \
    ///   --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \
    ///   --alarm-actions arn:aws:sns:eu-west-1:111122223333:security-alerts
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudwatch_log_metric_filter" "root_use" {
    ///   name           = "root-use"
    ///   log_group_name = aws_cloudwatch_log_group.cloudtrail.name
    ///   pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
    ///   metric_transformation {
    ///     name      = "RootUse"
    ///     namespace = "CISBenchmark"
    ///     value     = "1"
    ///   }
    /// }
    ///
    /// resource "aws_cloudwatch_metric_alarm" "root_use" {
    ///   alarm_name          = "root-use"
    ///   namespace           = "CISBenchmark"
    ///   metric_name         = "RootUse"
    ///   statistic           = "Sum"
    ///   period              = 300
    ///   evaluation_periods  = 1
    ///   threshold           = 1
    ///   comparison_operator = "GreaterThanOrEqualToThreshold"
    ///   alarm_actions       = [aws_sns_topic.security_alerts.arn]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies), CC7.3 (evaluation of security
    /// events).
    pub struct SecurityAlarmsMissing {
        id: "aws-cloudwatch-security-alarms-missing",
        title: "Security events in the account's trail raise no CloudWatch alarm",
        severity: Medium,
        criteria: ["CC7.2", "CC7.3"],
        targets: [CloudwatchAccount],
        also_reads: [CloudtrailTrail, CloudtrailTrailStatus, CloudtrailEventSelectors, LogsLogGroup, LogsMetricFilter, CloudwatchAlarm],
        params: [CLASSES_PARAM],
        reads: ["regions"],
        runtime_only: "it joins a running account's trail, log group, metric filters and alarms",
    }
}

/// What one trail's log group shows.
enum Outcome {
    /// Every class raises an alarm.
    Covered,
    /// These classes do not; the text says where.
    Missing(Vec<&'static EventClass>, String),
    /// Not known, and why.
    Unknown(String),
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` → (account, region, name).
fn log_group_of(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(7, ':');
    let (_, _, service, region, account, kind) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let name = parts.next()?;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (service == "logs" && kind == "log-group" && !name.is_empty())
        .then_some((account, region, name))
}

fn collected(
    ctx: &CheckContext<'_>,
    account: &str,
    region: &str,
    kind: ResourceKind,
) -> Result<(), String> {
    match ctx
        .inventory
        .scope_state(Provider::Aws, account, region, kind)
    {
        UnitState::Collected => Ok(()),
        UnitState::Failed(_, entry) => Err(format!("{} could not be collected", entry.unit)),
        UnitState::Absent => Err(format!("the snapshot has no {kind} for {account}/{region}")),
    }
}

fn judge(
    ctx: &CheckContext<'_>,
    account: &str,
    trail_resource: &Resource,
    trail: &CloudtrailTrail,
    wanted: &[&'static EventClass],
) -> Outcome {
    let name = describe(trail_resource, trail);
    match logging(trail) {
        Err(why) => return Outcome::Unknown(format!("{name}: {why}")),
        Ok(false) => return Outcome::Missing(wanted.to_vec(), format!("{name} is not logging")),
        Ok(true) => {}
    }
    let Some(arn) = trail.cloud_watch_logs_log_group_arn.as_deref() else {
        return Outcome::Missing(
            wanted.to_vec(),
            format!("{name} delivers to no CloudWatch Logs log group"),
        );
    };
    let Some((group_account, region, group_name)) = log_group_of(arn) else {
        return Outcome::Unknown(format!("{name}: its log group ARN {arn} cannot be read"));
    };
    if group_account != account {
        return Outcome::Unknown(format!(
            "{name} delivers to log group {group_name} of account {group_account}, which this account's scan cannot see — scan that account"
        ));
    }
    for kind in [
        ResourceKind::LogsLogGroup,
        ResourceKind::LogsMetricFilter,
        ResourceKind::CloudwatchAlarm,
    ] {
        if let Err(why) = collected(ctx, account, region, kind) {
            return Outcome::Unknown(format!("{name}'s log group {group_name}: {why}"));
        }
    }
    let group: Option<&LogsLogGroup> = ctx
        .inventory
        .resources_in(ResourceKind::LogsLogGroup, account, region)
        .find_map(|r| match &r.config {
            ResourceConfig::LogsLogGroup(g) if g.log_group_name == group_name => Some(g),
            _ => None,
        });
    let Some(group) = group else {
        return Outcome::Missing(
            wanted.to_vec(),
            format!("{name} delivers to log group {group_name} ({region}), which does not exist"),
        );
    };
    let Some(filters) = &group.metric_filters else {
        return Outcome::Unknown(format!(
            "{name}'s log group {group_name}: its metric filters could not be read"
        ));
    };
    let alarms: Vec<&CloudwatchAlarm> = ctx
        .inventory
        .resources_in(ResourceKind::CloudwatchAlarm, account, region)
        .filter_map(|r| match &r.config {
            ResourceConfig::CloudwatchAlarm(a) if a.has_action() => Some(a),
            _ => None,
        })
        .collect();
    let alarmed: Vec<Clause> = filters
        .iter()
        .filter(|f| {
            f.metric_transformations.iter().any(|m| {
                alarms
                    .iter()
                    .any(|a| a.watches(&m.metric_namespace, &m.metric_name))
            })
        })
        .filter_map(|f| clauses(&f.filter_pattern))
        .flatten()
        .collect();
    let missing: Vec<&'static EventClass> = wanted
        .iter()
        .copied()
        .filter(|c| !c.caught_by(&alarmed))
        .collect();
    if missing.is_empty() {
        Outcome::Covered
    } else {
        Outcome::Missing(
            missing,
            format!("{name}'s log group {group_name} ({region})"),
        )
    }
}

impl Rule for SecurityAlarmsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::CloudwatchAccount(_) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudWatch account");
        };
        let wanted: Vec<&'static EventClass> = ctx
            .params
            .integer_list(CLASSES_PARAM.name)
            .iter()
            .filter_map(|n| class(*n))
            .collect();
        let account = resource.account.as_str();
        let subject = format!("account {account}");
        let trails = account_trails(ctx.inventory, account);
        let mut unknown = Vec::new();
        let mut best: Option<(Vec<&'static EventClass>, String)> = None;
        for (trail_resource, trail) in trails.iter().filter(|(_, t)| t.is_multi_region_trail) {
            match judge(ctx, account, trail_resource, trail, &wanted) {
                Outcome::Covered => return Verdict::Pass,
                Outcome::Unknown(why) => unknown.push(why),
                Outcome::Missing(missing, place) => {
                    if best.as_ref().is_none_or(|(m, _)| missing.len() < m.len()) {
                        best = Some((missing, place));
                    }
                }
            }
        }
        if !unknown.is_empty() {
            return Verdict::NotEvaluated(format!(
                "{subject}: whether its trail's security events raise alarms could not be decided ({})",
                unknown.join("; ")
            ));
        }
        let expected = "expected a metric filter and an alarm with an action for each (CIS AWS Foundations Benchmark, monitoring)";
        match best {
            None => {
                Verdict::Fail(format!(
                "{subject} has no multi-region trail, so none of {} raises an alarm; {expected}",
                wanted.iter().map(|c| c.describe()).collect::<Vec<_>>().join(", ")
            ))
            }
            Some((missing, place)) => Verdict::Fail(format!(
                "{subject}: {place} lacks a metric filter with an alarm for {}; {expected}",
                missing
                    .iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::cloudtrail::test_support::{cloudwatch_account, organization_trail, trail};
    use crate::aws::cloudwatch::alarm_no_action::tests::alarm;
    use crate::aws::logs::test_support::{log_group, metric_filter};
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;

    /// The benchmark's patterns for the default classes, with their metric names.
    pub(crate) const CIS: &[(&str, &str)] = &[
        ("Unauthorized", r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#),
        ("NoMfaSignIn", r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#),
        ("RootUse", r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#),
        ("IamPolicy", "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"),
        ("CloudTrailChanges", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"),
        ("SecurityGroups", "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"),
        ("NetworkAcls", "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"),
    ];

    /// The trail "main"'s log group, with a filter for every CIS pattern but `skip`.
    fn monitored(skip: &[&str]) -> Resource {
        log_group("cloudtrail/main", |g| {
            g.metric_filters = Some(
                CIS.iter()
                    .filter(|(metric, _)| !skip.contains(metric))
                    .map(|(metric, pattern)| metric_filter(metric, pattern, metric))
                    .collect(),
            )
        })
    }

    fn alarms(case: Case, except: &[&str]) -> Case {
        CIS.iter()
            .filter(|(metric, _)| !except.contains(metric))
            .fold(case, |case, (metric, _)| {
                case.with(alarm(metric, metric, |_| {}))
            })
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(alarms(
                Case::new("every default class has a filter and an alarm")
                    .pass(cloudwatch_account())
                    .with(trail("main", |_| {}))
                    .with(monitored(&[])),
                &[],
            ))
            .case(alarms(
                Case::new("a missing filter and a silent alarm name their classes")
                    .fail(
                        cloudwatch_account(),
                        &[
                            "trail main (home eu-west-1)'s log group cloudtrail/main (eu-west-1) lacks a metric filter with an alarm for root account use (CIS 4.3), network ACL changes (CIS 4.11)",
                        ],
                    )
                    .with(trail("main", |_| {}))
                    .with(monitored(&["RootUse"]))
                    .with(alarm("NetworkAcls", "NetworkAcls", |a| a.actions_enabled = false)),
                &["NetworkAcls"],
            ))
            .case(
                Case::new("only the configured classes are required")
                    .pass(cloudwatch_account())
                    .with(trail("main", |_| {}))
                    .with(monitored(&[]))
                    .with(alarm("RootUse", "RootUse", |_| {}))
                    .param("cis_controls", ParamValue::IntegerList(vec![3])),
            )
            .case(
                Case::new("no multi-region trail fails")
                    .fail(cloudwatch_account(), &["has no multi-region trail, so none of unauthorized API calls (CIS 4.1)"])
                    .with(trail("local", |t| t.is_multi_region_trail = false)),
            )
            .case(
                Case::new("a trail without CloudWatch Logs delivery fails")
                    .fail(cloudwatch_account(), &["trail main (home eu-west-1) delivers to no CloudWatch Logs log group"])
                    .with(trail("main", |t| t.cloud_watch_logs_log_group_arn = None)),
            )
            .case(
                Case::new("a log group whose metric filters could not be read is not evaluated")
                    .not_evaluated(cloudwatch_account(), &["its metric filters could not be read"])
                    .with(trail("main", |_| {}))
                    .with(log_group("cloudtrail/main", |g| g.metric_filters = None)),
            )
            .case(
                Case::new("an organization trail's log group in the management account is not evaluated")
                    .not_evaluated(
                        cloudwatch_account(),
                        &["delivers to log group org-trail of account 999988887777", "scan that account"],
                    )
                    .with(organization_trail(|_| {})),
            )
            .applies_to_every_resource("every scanned account is judged")
    }

    #[test]
    fn log_group_arns() {
        assert_eq!(
            log_group_of("arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail/main:*"),
            Some(("111122223333", "eu-west-1", "cloudtrail/main"))
        );
        assert_eq!(
            log_group_of("arn:aws:logs:eu-west-1:111122223333:log-group:a:b"),
            Some(("111122223333", "eu-west-1", "a:b"))
        );
        assert_eq!(log_group_of("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn every_class_number_the_parameter_allows_is_known() {
        for n in CLASSES_PARAM.min..=CLASSES_PARAM.max {
            assert!(class(n).is_some(), "class {n}");
        }
    }
}
