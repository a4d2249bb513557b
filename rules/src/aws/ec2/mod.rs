//! AWS EC2 rules: EBS encryption and backups, snapshots and AMIs, VPC flow logs, security
//! groups, network ACLs and instances.

mod ami_public;
mod default_sg_not_restricted;
mod ebs_default_encryption_off;
mod ebs_snapshot_public;
mod ebs_snapshot_unencrypted;
mod ebs_volume_no_recent_backup;
mod ebs_volume_unencrypted;
mod instance_detailed_monitoring_off;
mod instance_imdsv1_allowed;
mod instance_public_ip;
mod nacl_admin_ports_public;
pub mod network;
mod sg_admin_ports_public;
mod sg_all_ports_public;
mod sg_data_ports_public;
mod vpc_flow_logs_off;

#[cfg(test)]
mod fixtures;

pub use ami_public::AmiPublic;
pub use default_sg_not_restricted::DefaultSgNotRestricted;
pub use ebs_default_encryption_off::EbsDefaultEncryptionOff;
pub use ebs_snapshot_public::EbsSnapshotPublic;
pub use ebs_snapshot_unencrypted::EbsSnapshotUnencrypted;
pub use ebs_volume_no_recent_backup::EbsVolumeNoRecentBackup;
pub use ebs_volume_unencrypted::EbsVolumeUnencrypted;
pub use instance_detailed_monitoring_off::InstanceDetailedMonitoringOff;
pub use instance_imdsv1_allowed::InstanceImdsv1Allowed;
pub use instance_public_ip::InstancePublicIp;
pub use nacl_admin_ports_public::NaclAdminPortsPublic;
pub use sg_admin_ports_public::SgAdminPortsPublic;
pub use sg_all_ports_public::SgAllPortsPublic;
pub use sg_data_ports_public::SgDataPortsPublic;
pub use vpc_flow_logs_off::VpcFlowLogsOff;

use crate::rule::Rule;
use soc2scan_model::Resource;

/// The EC2 rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &EbsVolumeUnencrypted,
    &EbsDefaultEncryptionOff,
    &EbsSnapshotUnencrypted,
    &EbsSnapshotPublic,
    &AmiPublic,
    &EbsVolumeNoRecentBackup,
    &VpcFlowLogsOff,
    &SgAdminPortsPublic,
    &SgAllPortsPublic,
    &SgDataPortsPublic,
    &DefaultSgNotRestricted,
    &NaclAdminPortsPublic,
    &InstanceImdsv1Allowed,
    &InstancePublicIp,
    &InstanceDetailedMonitoringOff,
];

/// How a message names a resource: its display name, followed by its own id when the
/// display name is a `Name` tag (`web-1 (i-0abc)`), so the finding can be found either way.
pub(crate) fn named(resource: &Resource) -> String {
    let display = resource.display_name();
    match resource.config.native_id() {
        Some(id) if id != display => format!("{display} ({id})"),
        _ => display.to_string(),
    }
}

/// The verdict for a resource whose configuration is not the kind the rule targets (the
/// engine only hands a rule its target kinds, so this means a programming error).
pub(crate) fn wrong_kind(resource: &Resource, expected: &str) -> crate::rule::Verdict {
    crate::rule::Verdict::NotEvaluated(format!(
        "{} is a {}, not {expected}",
        resource.id,
        resource.kind().label()
    ))
}
