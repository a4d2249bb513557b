use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every CloudWatch metric alarm whose actions are disabled
    /// (`ActionsEnabled` false) or that has no alarm action (nothing happens when it goes
    /// into `ALARM`), and passes the others. OK and insufficient-data actions do not count.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.3 expects security events to be evaluated and CC7.4 incidents to be responded
    /// to. An alarm that notifies nobody is a dashboard colour: the condition it was built
    /// to catch happens and no one is told. Auditors look for alarms that reach an on-call
    /// rotation or a ticket queue.
    ///
    /// ## How to fix
    ///
    /// Give the alarm an action — usually an SNS topic that pages the on-call team or opens
    /// a ticket — and enable its actions.
    ///
    /// ### Console
    ///
    /// CloudWatch → Alarms → the alarm → Actions → Edit → Notification: "In alarm" → choose
    /// the SNS topic → Update alarm; if actions are disabled: Actions → "Enable actions".
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudwatch enable-alarm-actions --alarm-names root-account-use
    /// # or re-create it with an action:
    /// aws cloudwatch put-metric-alarm --alarm-name root-account-use ... \
    ///   --alarm-actions arn:aws:sns:eu-west-1:111122223333:security-alerts
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudwatch_metric_alarm" "root_use" {
    ///   # ...
    ///   actions_enabled = true
    ///   alarm_actions   = [aws_sns_topic.security_alerts.arn]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.3 (evaluation of security events), CC7.4 (incident response).
    pub struct AlarmNoAction {
        id: "aws-cloudwatch-alarm-no-action",
        title: "CloudWatch alarm has no action, or its actions are disabled",
        severity: Low,
        criteria: ["CC7.3", "CC7.4"],
        targets: [CloudwatchAlarm],
        also_reads: [],
        params: [],
        reads: ["actions_enabled", "alarm_actions"],
    }
}

impl Rule for AlarmNoAction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::CloudwatchAlarm(alarm) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudWatch alarm");
        };
        let problem = match (alarm.actions_enabled, alarm.alarm_actions.is_empty()) {
            (true, false) => return Verdict::Pass,
            (false, false) => "has its actions disabled",
            (true, true) => "has no alarm action",
            (false, true) => "has no alarm action, and its actions are disabled",
        };
        Verdict::Fail(format!(
            "CloudWatch alarm {} {problem}; expected enabled actions that notify someone (an SNS topic) when it goes into ALARM",
            crate::aws::named(resource)
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::cases::{Case, Cases};
    use crate::testing::{resource, ACCOUNT, REGION};
    use soc2scan_model::{CloudwatchAlarm, Resource, ResourceConfig};

    /// An alarm in `ACCOUNT`/`REGION` on `CISBenchmark`/`metric` that notifies an SNS topic.
    pub(crate) fn alarm(
        name: &str,
        metric: &str,
        edit: impl FnOnce(&mut CloudwatchAlarm),
    ) -> Resource {
        let mut config = CloudwatchAlarm {
            alarm_name: name.to_string(),
            actions_enabled: true,
            alarm_actions: vec![format!("arn:aws:sns:{REGION}:{ACCOUNT}:security-alerts")],
            ok_actions: vec![],
            insufficient_data_actions: vec![],
            metric_name: Some(metric.to_string()),
            namespace: Some("CISBenchmark".to_string()),
            metric_queries: vec![],
            state_value: Some("OK".to_string()),
        };
        edit(&mut config);
        resource(
            &format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"),
            ResourceConfig::CloudwatchAlarm(config),
        )
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("an enabled action passes").pass(alarm("root-use", "RootUse", |_| {})))
            .case(Case::new("no action fails").fail(
                alarm("quiet", "RootUse", |a| a.alarm_actions.clear()),
                &["alarm quiet has no alarm action"],
            ))
            .case(Case::new("disabled actions fail").fail(
                alarm("muted", "RootUse", |a| a.actions_enabled = false),
                &["alarm muted has its actions disabled"],
            ))
            .applies_to_every_resource("every alarm is meant to tell someone")
    }
}
