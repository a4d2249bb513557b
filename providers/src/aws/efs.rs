//! EFS collection, per region: `DescribeFileSystems` (every page), then for every file
//! system, concurrently under the shared bound, `DescribeBackupPolicy`.
//!
//! `PolicyNotFound` is an answer, not an error: the file system has no backup policy
//! (`backup_policy_status = "NONE"`), so automatic backups are off. Any other failure
//! leaves the status unset with an `efs_backup_policy` gap narrowed to the file system. A
//! file system deleted since the listing (`FileSystemNotFound`) is left out.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_efs::types::FileSystemDescription;

/// The EFS service: file systems with their backup policies, per region.
pub(crate) struct Efs;

/// The EFS kinds, in coverage order: both come from one job.
const KINDS: &[ResourceKind] = &[ResourceKind::EfsFileSystem, ResourceKind::EfsBackupPolicy];

impl AwsService for Efs {
    fn name(&self) -> &'static str {
        "efs"
    }

    #[cfg(test)]
    fn iam_prefix(&self) -> &'static str {
        "elasticfilesystem"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "elasticfilesystem:DescribeFileSystems",
            "elasticfilesystem:DescribeBackupPolicy",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = EfsScope {
            client: sdk_client!(aws_sdk_efs, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// `DescribeFileSystems`' largest `MaxItems`.
const PAGE_SIZE: i32 = 100;

/// What one region's EFS calls share.
type EfsScope = Scoped<aws_sdk_efs::Client>;

/// Every file system of the region; when the listing fails, both units fail.
async fn collect(scope: &EfsScope) -> Vec<(ResourceKind, Collected)> {
    let listed = match list_file_systems(scope).await {
        Ok(listed) => listed,
        Err(failure) => return KINDS.iter().map(|&k| (k, Err(failure.clone()))).collect(),
    };
    let file_systems: Vec<Resource> =
        futures::future::join_all(listed.iter().map(|fs| file_system(scope, fs)))
            .await
            .into_iter()
            .flatten()
            .collect();
    vec![
        (ResourceKind::EfsFileSystem, Ok(file_systems)),
        (ResourceKind::EfsBackupPolicy, Ok(Vec::new())),
    ]
}

async fn list_file_systems(scope: &EfsScope) -> Result<Vec<FileSystemDescription>, CallFailure> {
    paginate(
        scope,
        "elasticfilesystem:DescribeFileSystems",
        |marker| {
            scope
                .client
                .describe_file_systems()
                .max_items(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            out.extend(page.file_systems().iter().cloned());
            Ok(PageEnd::next_token(page.next_marker()))
        },
    )
    .await
}

/// One file system with its backup policy; `None` when it no longer exists.
async fn file_system(scope: &EfsScope, fs: &FileSystemDescription) -> Option<Resource> {
    const OP: &str = "elasticfilesystem:DescribeBackupPolicy";
    let id = fs.file_system_id();
    let arn = scope.regional_arn("elasticfilesystem", &format!("file-system/{id}"));
    let answer = scope
        .call(
            scope
                .client
                .describe_backup_policy()
                .file_system_id(id)
                .send(),
        )
        .await;
    let backup_policy_status = match answer {
        Ok(answer) => match answer.backup_policy() {
            Some(policy) => Some(policy.status().as_str().to_string()),
            None => Some(EfsFileSystem::NO_BACKUP_POLICY.to_string()),
        },
        Err(error) => match error.as_service_error() {
            Some(e) if e.is_policy_not_found() => Some(EfsFileSystem::NO_BACKUP_POLICY.to_string()),
            Some(e) if e.is_file_system_not_found() => return None,
            _ => {
                scope.record_narrowed_gap(
                    &arn,
                    ResourceKind::EfsBackupPolicy,
                    &scope.fail(OP, &error),
                );
                None
            }
        },
    };
    let config = EfsFileSystem {
        file_system_id: id.to_string(),
        // DescribeFileSystems always says; a missing flag is the API's default, false.
        encrypted: fs.encrypted().unwrap_or(false),
        kms_key_id: fs.kms_key_id().map(str::to_string),
        life_cycle_state: fs.life_cycle_state().as_str().to_string(),
        performance_mode: Some(fs.performance_mode().as_str().to_string()),
        throughput_mode: fs.throughput_mode().map(|m| m.as_str().to_string()),
        availability_zone_name: fs.availability_zone_name().map(str::to_string),
        creation_time: time(fs.creation_time()),
        backup_policy_status,
    };
    Some(scope.tagged_resource(
        arn,
        fs.tags().iter().map(|t| (Some(t.key()), Some(t.value()))),
        ResourceConfig::EfsFileSystem(config),
    ))
}
