//! Builders of AWS Backup resources (and the data stores aws-backup-no-plan looks for) for
//! the rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{
    BackupLifecycle, BackupPlan, BackupRegion, BackupRule, BackupVault, DynamodbTable, EbsVolume,
    EfsFileSystem, Resource, ResourceConfig, VolumeAttachment,
};

/// A rule backing up daily into `main`, keeping recovery points `delete_after_days` days
/// (`None`: no lifecycle, kept until deleted).
pub fn rule(name: &str, delete_after_days: Option<u64>) -> BackupRule {
    BackupRule {
        rule_name: name.to_string(),
        target_vault_name: "main".to_string(),
        schedule_expression: Some("cron(0 5 ? * * *)".to_string()),
        enable_continuous_backup: Some(false),
        lifecycle: delete_after_days.map(|days| BackupLifecycle {
            delete_after_days: Some(days),
            move_to_cold_storage_after_days: None,
        }),
    }
}

/// A plan with these rules (`None`: `GetBackupPlan` failed).
pub fn plan(id: &str, rules: Option<Vec<BackupRule>>) -> Resource {
    let mut plan = resource(
        &format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{id}"),
        ResourceConfig::BackupPlan(BackupPlan {
            backup_plan_id: id.to_string(),
            backup_plan_name: format!("{id}-plan"),
            version_id: Some("v1".to_string()),
            creation_date: Some(days_ago(10)),
            rules,
        }),
    );
    plan.name = Some(format!("{id}-plan"));
    plan
}

/// A vault, locked or not (`None`: the answer did not say).
pub fn vault(name: &str, locked: Option<bool>) -> Resource {
    let lock = locked == Some(true);
    resource(
        &format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:{name}"),
        ResourceConfig::BackupVault(BackupVault {
            backup_vault_name: name.to_string(),
            vault_type: Some("BACKUP_VAULT".to_string()),
            encryption_key_arn: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k-backup")),
            creation_date: Some(days_ago(100)),
            number_of_recovery_points: Some(12),
            locked,
            min_retention_days: lock.then_some(35),
            max_retention_days: lock.then_some(365),
            lock_date: None,
        }),
    )
}

/// The test region's AWS Backup resource, with the number of plans listed.
pub fn backup_region(plan_count: u32) -> Resource {
    resource(
        &format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-region"),
        ResourceConfig::BackupRegion(BackupRegion { plan_count }),
    )
}

/// An EBS volume, attached to an instance (`in-use`) or not (`available`).
pub fn volume(id: &str, in_use: bool) -> Resource {
    resource(
        &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{id}"),
        ResourceConfig::EbsVolume(EbsVolume {
            volume_id: id.to_string(),
            encrypted: true,
            kms_key_id: None,
            state: if in_use { "in-use" } else { "available" }.to_string(),
            attachments: if in_use {
                vec![VolumeAttachment {
                    instance_id: "i-app".to_string(),
                    device: Some("/dev/xvda".to_string()),
                    state: Some("attached".to_string()),
                }]
            } else {
                vec![]
            },
            availability_zone: "eu-west-1a".to_string(),
            size_gib: 8,
            create_time: None,
        }),
    )
}

/// A DynamoDB table.
pub fn table(name: &str) -> Resource {
    resource(
        &format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"),
        ResourceConfig::DynamodbTable(DynamodbTable {
            table_name: name.to_string(),
            table_status: Some("ACTIVE".to_string()),
            deletion_protection_enabled: Some(true),
            billing_mode: None,
            sse_type: None,
            kms_key_arn: None,
            creation_time: None,
            point_in_time_recovery_enabled: Some(true),
            point_in_time_recovery_days: Some(35),
        }),
    )
}

/// An EFS file system.
pub fn file_system(id: &str) -> Resource {
    resource(
        &format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{id}"),
        ResourceConfig::EfsFileSystem(EfsFileSystem {
            file_system_id: id.to_string(),
            encrypted: true,
            kms_key_id: None,
            life_cycle_state: "available".to_string(),
            performance_mode: None,
            throughput_mode: None,
            availability_zone_name: None,
            creation_time: None,
            backup_policy_status: Some("ENABLED".to_string()),
        }),
    )
}
