use serde::{Deserialize, Serialize};

/// A CloudWatch metric alarm (`DescribeAlarms`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudwatchAlarm {
    /// The alarm name.
    pub alarm_name: String,
    /// Whether its actions run when its state changes.
    pub actions_enabled: bool,
    /// What happens when it goes into ALARM (SNS topics, Auto Scaling or EC2 actions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarm_actions: Vec<String>,
    /// What happens when it goes back to OK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ok_actions: Vec<String>,
    /// What happens when it has too little data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insufficient_data_actions: Vec<String>,
    /// The metric it watches (a single-metric alarm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// The namespace of that metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The metrics a metric-math alarm reads (namespace and name of each metric query).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_queries: Vec<AlarmMetric>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_value: Option<String>,
}

/// A metric a metric-math alarm reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmMetric {
    /// The metric namespace.
    pub namespace: String,
    /// The metric name.
    pub metric_name: String,
}

impl CloudwatchAlarm {
    /// Whether the alarm would notify or act when it fires: actions enabled, and at least
    /// one alarm action.
    pub fn has_action(&self) -> bool {
        self.actions_enabled && !self.alarm_actions.is_empty()
    }

    /// Whether the alarm watches the metric `namespace`/`name` (itself, or as one of the
    /// metrics of its math expression).
    pub fn watches(&self, namespace: &str, name: &str) -> bool {
        (self.namespace.as_deref() == Some(namespace) && self.metric_name.as_deref() == Some(name))
            || self
                .metric_queries
                .iter()
                .any(|m| m.namespace == namespace && m.metric_name == name)
    }
}
