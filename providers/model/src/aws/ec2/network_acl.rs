use ipnet::IpNet;
use serde::{Deserialize, Serialize};

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
