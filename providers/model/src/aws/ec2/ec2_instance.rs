use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// An EC2 instance (`DescribeInstances`). User data is never collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Instance {
    /// `i-…`
    pub instance_id: String,
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`, `stopped`.
    pub state: String,
    /// Instance type (`t3.micro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Public IPv4 address, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<IpAddr>,
    /// Whether a public IPv4 address is associated at launch, when configuration says so
    /// (Terraform's `associate_public_ip_address`): a planned instance has no address yet.
    /// `None` for live instances, whose `public_ip` tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate_public_ip_address: Option<bool>,
    /// Instance metadata service options; `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_options: Option<InstanceMetadataOptions>,
    /// CloudWatch monitoring state: `disabled`, `disabling`, `enabled`, `pending`.
    pub monitoring: String,
    /// Availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// Attached EBS volumes (`vol-…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_ids: Vec<String>,
    /// When the instance was launched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_time: Option<DateTime<Utc>>,
}

impl Ec2Instance {
    /// Whether the instance is running.
    pub fn is_running(&self) -> bool {
        self.state == "running"
    }
}

/// IMDS settings of an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceMetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: String,
    /// `enabled` or `disabled`.
    pub http_endpoint: String,
}
