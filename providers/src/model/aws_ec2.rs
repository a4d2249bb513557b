//! AWS EC2 resources (collected per region).

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// An EBS volume (`DescribeVolumes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsVolume {
    /// `vol-…`
    pub volume_id: String,
    /// Whether the volume is encrypted at rest.
    pub encrypted: bool,
    /// The KMS key that encrypts it, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `creating`, `available`, `in-use`, `deleting`, `deleted` or `error`.
    pub state: String,
    /// Attachments to instances.
    #[serde(default)]
    pub attachments: Vec<VolumeAttachment>,
    /// Availability zone.
    pub availability_zone: String,
    /// Size in GiB.
    pub size_gib: u32,
    /// When the volume was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
}

impl EbsVolume {
    /// Whether the volume is attached to an instance (state `in-use`).
    pub fn in_use(&self) -> bool {
        self.state == "in-use"
    }
}

/// One attachment of a volume to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeAttachment {
    /// `i-…`
    pub instance_id: String,
    /// Device name (`/dev/xvda`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// `attaching`, `attached`, `detaching`, `detached`, `busy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A region's EBS encryption-by-default setting (`GetEbsEncryptionByDefault`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsEncryptionByDefault {
    /// Whether new volumes in the region are encrypted by default.
    pub enabled: bool,
    /// The default KMS key, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_kms_key_id: Option<String>,
}

/// An EBS snapshot owned by the account (`DescribeSnapshots OwnerIds=self`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsSnapshot {
    /// `snap-…`
    pub snapshot_id: String,
    /// The volume the snapshot was taken from (absent for copied snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_id: Option<String>,
    /// Whether the snapshot is encrypted.
    pub encrypted: bool,
    /// The KMS key, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `pending`, `completed`, `error`, `recoverable`, `recovering`.
    pub state: String,
    /// When the snapshot was started.
    pub start_time: DateTime<Utc>,
    /// Whether `createVolumePermission` grants the group `all`: `Some(true)` public,
    /// `Some(false)` confirmed private, `None` when it could not be confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restorable_by_all: Option<bool>,
}

impl EbsSnapshot {
    /// Whether the snapshot has completed (only completed snapshots can restore a volume).
    pub fn completed(&self) -> bool {
        self.state == "completed"
    }
}

/// An AMI owned by the account (`DescribeImages Owners=self`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ami {
    /// `ami-…`
    pub image_id: String,
    /// Whether launch permissions include everyone.
    pub public: bool,
    /// `available`, `pending`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// When the image was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
}

/// A VPC (`DescribeVpcs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    /// `vpc-…`
    pub vpc_id: String,
    /// Whether this is the region's default VPC.
    pub is_default: bool,
    /// Primary IPv4 CIDR block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<IpNet>,
    /// `pending` or `available`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

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

/// A security group (`DescribeSecurityGroups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// `sg-…`
    pub group_id: String,
    /// Group name (`default` for a VPC's default group).
    pub group_name: String,
    /// The VPC the group belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Whether this is the VPC's default security group.
    pub is_default: bool,
    /// Inbound permissions.
    #[serde(default)]
    pub ingress: Vec<SecurityGroupRule>,
    /// Outbound permissions.
    #[serde(default)]
    pub egress: Vec<SecurityGroupRule>,
}

/// One IP permission of a security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupRule {
    /// `-1` (all traffic), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub protocol: String,
    /// First port (or ICMP type); absent for all traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port (or ICMP code); absent for all traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// IPv4 source/destination ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_ranges: Vec<IpNet>,
    /// IPv6 source/destination ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_ranges: Vec<IpNet>,
    /// Referenced security groups (`sg-…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_groups: Vec<String>,
    /// Referenced managed prefix lists (`pl-…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_list_ids: Vec<String>,
}

/// A network ACL (`DescribeNetworkAcls`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    /// `acl-…`
    pub network_acl_id: String,
    /// The VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Whether it is the VPC's default ACL.
    #[serde(default)]
    pub is_default: bool,
    /// Inbound and outbound entries, in any order (rules sort by `rule_number`).
    #[serde(default)]
    pub entries: Vec<NetworkAclEntry>,
}

/// One numbered entry of a network ACL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAclEntry {
    /// Evaluation order, lowest first (32767 is the implicit catch-all).
    pub rule_number: i32,
    /// `true` for outbound entries.
    pub egress: bool,
    /// `-1` (all), `6` (tcp), `17` (udp), or a name.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: NaclAction,
    /// IPv4 range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<IpNet>,
    /// IPv6 range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<IpNet>,
    /// Port range for TCP/UDP; absent means all ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NaclAction {
    /// Traffic matching the entry is allowed.
    Allow,
    /// Traffic matching the entry is denied.
    Deny,
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortRange {
    /// First port.
    pub from: i32,
    /// Last port.
    pub to: i32,
}

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
