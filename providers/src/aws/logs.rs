//! CloudWatch Logs collection, per region: `DescribeLogGroups` (every page) for the log
//! groups, and `DescribeMetricFilters` (every page) once for the whole region, whose
//! filters are attached to their groups. A failed filter listing is the region's
//! `logs_metric_filter` gap, and the groups keep `metric_filters: None`; only the rule that
//! joins filters to alarms reads them.

use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The CloudWatch Logs service: log groups with their metric filters, per region.
pub(crate) struct Logs;

/// The CloudWatch Logs kinds, in coverage order.
const KINDS: &[ResourceKind] = &[ResourceKind::LogsLogGroup, ResourceKind::LogsMetricFilter];

const GROUPS: &str = "logs:DescribeLogGroups";
const FILTERS: &str = "logs:DescribeMetricFilters";

/// The largest page of both listings.
const PAGE_SIZE: i32 = 50;

impl AwsService for Logs {
    fn name(&self) -> &'static str {
        "logs"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[GROUPS, FILTERS]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Arc::new(LogsScope {
            client: sdk_client!(aws_sdk_cloudwatchlogs, &ctx),
            ctx,
        });
        vec![Job::several(KINDS, async move { groups(&scope).await })]
    }
}

type LogsScope = Scoped<aws_sdk_cloudwatchlogs::Client>;

async fn groups(scope: &LogsScope) -> Vec<(ResourceKind, Collected)> {
    let (groups, filters) = futures::join!(list_groups(scope), list_filters(scope));
    let filters_result = filters.as_ref().map(|_| Vec::new()).map_err(Clone::clone);
    let groups = groups.map(|groups| {
        let mut by_group: BTreeMap<String, Vec<LogMetricFilter>> = BTreeMap::new();
        if let Ok(filters) = &filters {
            for (group, filter) in filters {
                by_group
                    .entry(group.clone())
                    .or_default()
                    .push(filter.clone());
            }
        }
        groups
            .into_iter()
            .map(|mut group| {
                if let ResourceConfig::LogsLogGroup(config) = &mut group.config {
                    config.metric_filters = filters
                        .is_ok()
                        .then(|| by_group.remove(&config.log_group_name).unwrap_or_default());
                }
                group
            })
            .collect()
    });
    vec![
        (ResourceKind::LogsLogGroup, groups),
        (ResourceKind::LogsMetricFilter, filters_result),
    ]
}

async fn list_groups(scope: &LogsScope) -> Result<Vec<Resource>, CallFailure> {
    paginate(
        scope,
        GROUPS,
        |token| {
            scope
                .client
                .describe_log_groups()
                .limit(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for group in page.log_groups() {
                let name = scope.required(group.log_group_name(), GROUPS, "logGroupName")?;
                let config = LogsLogGroup {
                    log_group_name: name.to_string(),
                    // Absent (or zero) is "never expire".
                    retention_in_days: group
                        .retention_in_days()
                        .and_then(|d| u32::try_from(d).ok())
                        .filter(|d| *d > 0),
                    kms_key_id: group
                        .kms_key_id()
                        .filter(|k| !k.is_empty())
                        .map(str::to_string),
                    creation_time: group
                        .creation_time()
                        .and_then(chrono::DateTime::from_timestamp_millis),
                    log_group_class: group.log_group_class().map(|c| c.as_str().to_string()),
                    metric_filters: None,
                };
                out.push(scope.resource(
                    scope.regional_arn("logs", &format!("log-group:{name}")),
                    None,
                    Default::default(),
                    ResourceConfig::LogsLogGroup(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

/// Every metric filter of the region, with the group it is on.
async fn list_filters(scope: &LogsScope) -> Result<Vec<(String, LogMetricFilter)>, CallFailure> {
    paginate(
        scope,
        FILTERS,
        |token| {
            scope
                .client
                .describe_metric_filters()
                .limit(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for filter in page.metric_filters() {
                let group = scope.required(filter.log_group_name(), FILTERS, "logGroupName")?;
                out.push((
                    group.to_string(),
                    LogMetricFilter {
                        filter_name: filter.filter_name().unwrap_or_default().to_string(),
                        filter_pattern: filter.filter_pattern().unwrap_or_default().to_string(),
                        metric_transformations: filter
                            .metric_transformations()
                            .iter()
                            .map(|m| MetricTransformation {
                                metric_namespace: m.metric_namespace().to_string(),
                                metric_name: m.metric_name().to_string(),
                            })
                            .collect(),
                    },
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}
