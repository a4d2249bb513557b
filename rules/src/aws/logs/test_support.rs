//! Log groups for the CloudWatch Logs and CloudWatch rules' cases.

use crate::testing::{resource, ACCOUNT, REGION};
use soc2scan_model::{
    LogMetricFilter, LogsLogGroup, MetricTransformation, Resource, ResourceConfig,
};

/// A log group in `ACCOUNT`/`REGION` kept a year and encrypted, with no metric filters,
/// changed by `edit`.
pub(crate) fn log_group(name: &str, edit: impl FnOnce(&mut LogsLogGroup)) -> Resource {
    let mut config = LogsLogGroup {
        log_group_name: name.to_string(),
        retention_in_days: Some(365),
        kms_key_id: Some(format!(
            "arn:aws:kms:{REGION}:{ACCOUNT}:key/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
        )),
        creation_time: None,
        log_group_class: Some("STANDARD".to_string()),
        metric_filters: Some(vec![]),
    };
    edit(&mut config);
    resource(
        &format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"),
        ResourceConfig::LogsLogGroup(config),
    )
}

/// A metric filter publishing to `CISBenchmark`/`metric`.
pub(crate) fn metric_filter(name: &str, pattern: &str, metric: &str) -> LogMetricFilter {
    LogMetricFilter {
        filter_name: name.to_string(),
        filter_pattern: pattern.to_string(),
        metric_transformations: vec![MetricTransformation {
            metric_namespace: "CISBenchmark".to_string(),
            metric_name: metric.to_string(),
        }],
    }
}
