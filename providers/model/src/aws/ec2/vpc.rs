use ipnet::IpNet;
use serde::{Deserialize, Serialize};

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
