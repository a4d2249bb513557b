//! CloudWatch collection: metric alarms per region (`DescribeAlarms`, every page, metric
//! alarms only), and the account's synthetic `cloudwatch_account` resource once per
//! account (no call), which the security-alarm rule judges.

use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use std::sync::Arc;

/// The CloudWatch service: alarms per region, and the account as a whole.
pub(crate) struct Cloudwatch;

const DESCRIBE: &str = "cloudwatch:DescribeAlarms";

/// The largest `MaxRecords` of `DescribeAlarms`.
const PAGE_SIZE: i32 = 100;

impl AwsService for Cloudwatch {
    fn name(&self) -> &'static str {
        "cloudwatch"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::CloudwatchAlarm]
    }

    fn account_kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::CloudwatchAccount]
    }

    fn actions(&self) -> &'static [&'static str] {
        &[DESCRIBE]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Arc::new(CloudwatchScope {
            client: sdk_client!(aws_sdk_cloudwatch, &ctx),
            ctx,
        });
        vec![Job::one(ResourceKind::CloudwatchAlarm, async move {
            alarms(&scope).await
        })]
    }

    fn account_jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        vec![Job::one(ResourceKind::CloudwatchAccount, async move {
            // It needs no call, but a scan out of time makes nothing new.
            if let Some((deadline, limit)) = ctx.deadline {
                if tokio::time::Instant::now() >= deadline {
                    return Err(super::service::deadline_failure(
                        &ctx.region,
                        ResourceKind::CloudwatchAccount,
                        limit,
                    ));
                }
            }
            Ok(vec![ctx.resource(
                format!("arn:{}:cloudwatch::{}:account", ctx.partition, ctx.account),
                None,
                Default::default(),
                ResourceConfig::CloudwatchAccount(CloudwatchAccount {
                    regions: ctx.account_regions.to_vec(),
                }),
            )])
        })]
    }
}

type CloudwatchScope = Scoped<aws_sdk_cloudwatch::Client>;

async fn alarms(scope: &CloudwatchScope) -> Collected {
    paginate(
        scope,
        DESCRIBE,
        |token| {
            scope
                .client
                .describe_alarms()
                .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
                .max_records(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for alarm in page.metric_alarms() {
                let name = scope.required(alarm.alarm_name(), DESCRIBE, "AlarmName")?;
                let config = CloudwatchAlarm {
                    alarm_name: name.to_string(),
                    // AWS's default when the answer leaves it out.
                    actions_enabled: alarm.actions_enabled().unwrap_or(true),
                    alarm_actions: alarm.alarm_actions().to_vec(),
                    ok_actions: alarm.ok_actions().to_vec(),
                    insufficient_data_actions: alarm.insufficient_data_actions().to_vec(),
                    metric_name: alarm.metric_name().map(str::to_string),
                    namespace: alarm.namespace().map(str::to_string),
                    metric_queries: alarm
                        .metrics()
                        .iter()
                        .filter_map(|query| {
                            let metric = query.metric_stat()?.metric()?;
                            Some(AlarmMetric {
                                namespace: metric.namespace()?.to_string(),
                                metric_name: metric.metric_name()?.to_string(),
                            })
                        })
                        .collect(),
                    state_value: alarm.state_value().map(|s| s.as_str().to_string()),
                };
                let arn = alarm
                    .alarm_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| scope.regional_arn("cloudwatch", &format!("alarm:{name}")));
                out.push(scope.resource(
                    arn,
                    None,
                    Default::default(),
                    ResourceConfig::CloudwatchAlarm(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}
