use serde::{Deserialize, Serialize};

/// A flow log (`DescribeFlowLogs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    /// `fl-…`
    pub flow_log_id: String,
    /// The VPC, subnet or network interface it records (`vpc-…`).
    pub resource_id: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `ACTIVE` when the flow log is on.
    pub status: String,
    /// `SUCCESS` or `FAILED` (delivery to the destination), if reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_logs_status: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_destination_type: Option<String>,
}

impl FlowLog {
    /// Whether the flow log is active and (as far as reported) delivering.
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
            && !self
                .deliver_logs_status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("FAILED"))
    }
}
