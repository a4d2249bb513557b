use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A CloudWatch Logs log group (`DescribeLogGroups`), with the region's metric filters on
/// it (`DescribeMetricFilters`, read once per region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsLogGroup {
    /// The log group name.
    pub log_group_name: String,
    /// How many days events are kept; `None`: never expire (AWS's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u32>,
    /// The KMS key that encrypts the group's events; `None`: CloudWatch Logs' own encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// When the group was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<DateTime<Utc>>,
    /// `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_class: Option<String>,
    /// The metric filters on the group; `None` when the region's `DescribeMetricFilters`
    /// failed (a `logs_metric_filter` gap in the region says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filters: Option<Vec<LogMetricFilter>>,
}

/// A metric filter: events of the group that match the pattern count into metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogMetricFilter {
    /// The filter name.
    pub filter_name: String,
    /// The filter pattern (`{ ($.eventName = ConsoleLogin) && … }`).
    pub filter_pattern: String,
    /// The metrics it publishes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_transformations: Vec<MetricTransformation>,
}

/// A metric a filter publishes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricTransformation {
    /// The metric namespace.
    pub metric_namespace: String,
    /// The metric name.
    pub metric_name: String,
}
