//! AWS EC2 rules: EBS encryption and backups, snapshots and AMIs, VPC flow logs, security
//! groups, network ACLs and instances.

mod ebs_volume_unencrypted;

pub use ebs_volume_unencrypted::EbsVolumeUnencrypted;

use crate::rule::Rule;

/// The EC2 rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&EbsVolumeUnencrypted];
