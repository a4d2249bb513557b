//! Builders of EFS file systems for the rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{EfsFileSystem, Resource, ResourceConfig};

/// The ARN of a file system in the test account and region.
pub fn file_system_arn(id: &str) -> String {
    format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{id}")
}

/// An available, encrypted Regional file system with automatic backups on.
pub fn good_file_system(id: &str) -> EfsFileSystem {
    EfsFileSystem {
        file_system_id: id.to_string(),
        encrypted: true,
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k-efs")),
        life_cycle_state: "available".to_string(),
        performance_mode: Some("generalPurpose".to_string()),
        throughput_mode: Some("elastic".to_string()),
        availability_zone_name: None,
        creation_time: Some(days_ago(30)),
        backup_policy_status: Some("ENABLED".to_string()),
    }
}

/// A file system as a resource.
pub fn file_system(config: EfsFileSystem) -> Resource {
    resource(
        &file_system_arn(&config.file_system_id),
        ResourceConfig::EfsFileSystem(config),
    )
}
