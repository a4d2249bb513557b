//! EFS types: file systems, and the backup policies that join them.

use crate::model::ResourceKind::EfsFileSystem as FileSystemKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::block_str;
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};

/// The EFS types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_efs_file_system"],
        kinds: &[FileSystemKind],
        resource: Some(file_system),
        relation: None,
        unknown: &[FILE_SYSTEM_ENCRYPTED, FILE_SYSTEM_ZONE],
        becomes: "`efs_file_system`",
        notes: "`encrypted` (default false); automatic backups as EFS sets them for a file \
                system created through the API — on for One Zone (`availability_zone_name`), \
                off for Regional ones — until an `aws_efs_backup_policy` says otherwise",
    },
    TypeMapping {
        types: &["aws_efs_backup_policy"],
        kinds: &[FileSystemKind],
        resource: None,
        relation: Some(backup_policy),
        unknown: &[BACKUP_POLICY_STATUS],
        becomes: "the `backup_policy_status` of its `efs_file_system`",
        notes: "joins a file system of the plan (`file_system_id`)",
    },
];

const FILE_SYSTEM_ENCRYPTED: UnknownField =
    UnknownField::new(FileSystemKind, "encrypted", "encrypted");
const FILE_SYSTEM_ZONE: UnknownField = UnknownField::new(
    FileSystemKind,
    "backup_policy_status",
    "availability_zone_name",
);
const BACKUP_POLICY_STATUS: UnknownField = UnknownField::new(
    FileSystemKind,
    "backup_policy_status",
    "backup_policy.status",
);

const FILE_SYSTEM: Link = Link {
    attribute: "file_system_id",
    kind: FileSystemKind,
    types: &["aws_efs_file_system"],
    value_prefix: "",
};

fn file_system(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let unknown: Vec<UnknownValue> = [FILE_SYSTEM_ENCRYPTED, FILE_SYSTEM_ZONE]
        .iter()
        .filter(|field| i.is_unknown(field.attribute) && i.configured(field.attribute))
        .map(|field| i.unknown(field))
        .collect();
    let one_zone = i.str(FILE_SYSTEM_ZONE.attribute);
    let config = ResourceConfig::EfsFileSystem(EfsFileSystem {
        file_system_id: i.native_id(),
        encrypted: i.bool(FILE_SYSTEM_ENCRYPTED.attribute).unwrap_or(false),
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        life_cycle_state: "available".to_string(),
        performance_mode: Some(
            i.str("performance_mode")
                .unwrap_or("generalPurpose")
                .to_string(),
        ),
        throughput_mode: Some(i.str("throughput_mode").unwrap_or("bursting").to_string()),
        availability_zone_name: one_zone.map(str::to_string),
        creation_time: None,
        // EFS turns automatic backups on at creation for One Zone file systems only.
        backup_policy_status: Some(
            if one_zone.is_some() {
                "ENABLED"
            } else {
                "DISABLED"
            }
            .to_string(),
        ),
    });
    let identity = i.str("id").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

/// An `aws_efs_backup_policy` sets the automatic backups of its file system.
fn backup_policy(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &FILE_SYSTEM);
    let i = &b.instances[position];
    let status = block_str(i.block("backup_policy"), "status").map(str::to_string);
    let unknown = i
        .is_unknown("backup_policy")
        .then(|| i.unknown(&BACKUP_POLICY_STATUS));
    match target {
        Target::Resource(index) => {
            if let ResourceConfig::EfsFileSystem(fs) = &mut b.resources[index].config {
                if status.is_some() {
                    fs.backup_policy_status = status;
                }
            }
            b.planned[index].unknown.extend(unknown);
        }
        // A file system outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could be any file system of the plan.
        Target::Unknown => {
            let value = i.unknown_at(&BACKUP_POLICY_STATUS, i.attribute(FILE_SYSTEM.attribute));
            b.spread_unknown(FileSystemKind, value);
        }
    }
}
