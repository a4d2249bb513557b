//! Amazon EFS rules: encryption at rest and automatic backups of file systems.

mod filesystem_backup_off;
mod filesystem_unencrypted;

#[cfg(test)]
mod test_support;

pub use filesystem_backup_off::FilesystemBackupOff;
pub use filesystem_unencrypted::FilesystemUnencrypted;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{EfsFileSystem, Resource, ResourceConfig};

/// The EFS rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&FilesystemUnencrypted, &FilesystemBackupOff];

/// The file system of a resource the engine handed an EFS rule.
fn file_system_of(resource: &Resource) -> Result<&EfsFileSystem, Verdict> {
    match &resource.config {
        ResourceConfig::EfsFileSystem(file_system) => Ok(file_system),
        _ => Err(crate::aws::wrong_kind(resource, "an EFS file system")),
    }
}
