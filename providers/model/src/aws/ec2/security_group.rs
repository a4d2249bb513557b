use ipnet::IpNet;
use serde::{Deserialize, Serialize};

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
