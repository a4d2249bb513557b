//! AWS EC2 rules: EBS encryption and backups, snapshots and AMIs, VPC flow logs, security
//! groups, network ACLs and instances.

mod ami_public;
mod ebs_default_encryption_off;
mod ebs_snapshot_public;
mod ebs_snapshot_unencrypted;
mod ebs_volume_no_recent_backup;
mod ebs_volume_unencrypted;
pub mod network;
mod vpc_flow_logs_off;

#[cfg(test)]
mod fixtures;

pub use ami_public::AmiPublic;
pub use ebs_default_encryption_off::EbsDefaultEncryptionOff;
pub use ebs_snapshot_public::EbsSnapshotPublic;
pub use ebs_snapshot_unencrypted::EbsSnapshotUnencrypted;
pub use ebs_volume_no_recent_backup::EbsVolumeNoRecentBackup;
pub use ebs_volume_unencrypted::EbsVolumeUnencrypted;
pub use vpc_flow_logs_off::VpcFlowLogsOff;

use crate::rule::Rule;
use soc2scan_providers::Resource;

/// The EC2 rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &EbsVolumeUnencrypted,
    &EbsDefaultEncryptionOff,
    &EbsSnapshotUnencrypted,
    &EbsSnapshotPublic,
    &AmiPublic,
    &EbsVolumeNoRecentBackup,
    &VpcFlowLogsOff,
];

/// How a message names a resource: its display name, followed by its own id when the
/// display name is a `Name` tag (`web-1 (i-0abc)`), so the finding can be found either way.
fn named(resource: &Resource) -> String {
    let display = resource.display_name();
    match resource.config.native_id() {
        Some(id) if id != display => format!("{display} ({id})"),
        _ => display.to_string(),
    }
}

/// The verdict for a resource whose configuration is not the kind the rule targets (the
/// engine only hands a rule its target kinds, so this means a programming error).
fn wrong_kind(resource: &Resource, expected: &str) -> crate::rule::Verdict {
    crate::rule::Verdict::NotEvaluated(format!(
        "{} is a {}, not {expected}",
        resource.id,
        resource.kind().label()
    ))
}
