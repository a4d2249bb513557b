//! AWS Backup collection, per region, in two jobs:
//!
//! - plans: `ListBackupPlans` (every page), then one `GetBackupPlan` per plan,
//!   concurrently under the shared bound, for its rules; the same listing gives the
//!   region's `backup_region` resource, which exists whether the region has plans or not.
//!   A failed `GetBackupPlan` keeps the plan without rules and a `backup_plan` gap narrowed
//!   to it; a plan deleted since the listing is left out;
//! - vaults: `ListBackupVaults` (every page), which carries each vault's Vault Lock state.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_backup::types::BackupPlansListMember;
use std::sync::Arc;

/// The AWS Backup service: plans, vaults and the region as a whole, per region.
pub(crate) struct Backup;

/// The AWS Backup kinds, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::BackupPlan,
    ResourceKind::BackupVault,
    ResourceKind::BackupRegion,
];

/// The kinds the plan listing fills.
const PLAN_KINDS: &[ResourceKind] = &[ResourceKind::BackupPlan, ResourceKind::BackupRegion];

impl AwsService for Backup {
    fn name(&self) -> &'static str {
        "backup"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "backup:ListBackupPlans",
            "backup:GetBackupPlan",
            "backup:ListBackupVaults",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Arc::new(BackupScope {
            client: sdk_client!(aws_sdk_backup, &ctx),
            ctx,
        });
        let plans_scope = scope.clone();
        vec![
            Job::several(PLAN_KINDS, async move { plans(&plans_scope).await }),
            Job::one(
                ResourceKind::BackupVault,
                async move { vaults(&scope).await },
            ),
        ]
    }
}

/// The largest `MaxResults` of the AWS Backup listings.
const PAGE_SIZE: i32 = 1000;

/// What one region's AWS Backup calls share.
type BackupScope = Scoped<aws_sdk_backup::Client>;

/// The region's plans with their rules, and the region itself.
async fn plans(scope: &BackupScope) -> Vec<(ResourceKind, Collected)> {
    let listed = match list_plans(scope).await {
        Ok(listed) => listed,
        Err(failure) => {
            return PLAN_KINDS
                .iter()
                .map(|&k| (k, Err(failure.clone())))
                .collect()
        }
    };
    // A listing entry without an id fails the listing: a plan that cannot be named
    // cannot be judged, and leaving it out could make a region look planless.
    let ids: Result<Vec<(&str, &BackupPlansListMember)>, CallFailure> = listed
        .iter()
        .map(|member| {
            scope
                .required(
                    member.backup_plan_id(),
                    "backup:ListBackupPlans",
                    "BackupPlanId",
                )
                .map(|id| (id, member))
        })
        .collect();
    let ids = match ids {
        Ok(ids) => ids,
        Err(failure) => {
            return PLAN_KINDS
                .iter()
                .map(|&k| (k, Err(failure.clone())))
                .collect()
        }
    };
    let plans: Vec<Resource> =
        futures::future::join_all(ids.iter().map(|(id, member)| plan(scope, id, member)))
            .await
            .into_iter()
            .flatten()
            .collect();
    let region = scope.resource(
        scope.regional_arn("backup", "backup-region"),
        None,
        Default::default(),
        ResourceConfig::BackupRegion(BackupRegion {
            plan_count: u32::try_from(plans.len()).unwrap_or(u32::MAX),
        }),
    );
    vec![
        (ResourceKind::BackupPlan, Ok(plans)),
        (ResourceKind::BackupRegion, Ok(vec![region])),
    ]
}

async fn list_plans(scope: &BackupScope) -> Result<Vec<BackupPlansListMember>, CallFailure> {
    paginate(
        scope,
        "backup:ListBackupPlans",
        |token| {
            scope
                .client
                .list_backup_plans()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            out.extend(page.backup_plans_list().iter().cloned());
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

/// One plan with its rules (`None` when it was deleted since the listing).
async fn plan(scope: &BackupScope, id: &str, member: &BackupPlansListMember) -> Option<Resource> {
    const GET: &str = "backup:GetBackupPlan";
    let arn = scope.regional_arn("backup", &format!("backup-plan:{id}"));
    let answer = scope
        .call(scope.client.get_backup_plan().backup_plan_id(id).send())
        .await;
    let rules = match answer {
        Ok(answer) => match answer.backup_plan() {
            Some(plan) => Some(plan.rules().iter().map(rule).collect()),
            None => {
                let failure = CallFailure::new(
                    crate::snapshot::FailureKind::Error,
                    format!(
                        "{} {GET}: plan {id}: the response lacks BackupPlan",
                        scope.region
                    ),
                );
                scope.record_narrowed_gap(&arn, ResourceKind::BackupPlan, &failure);
                None
            }
        },
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            return None
        }
        Err(error) => {
            scope.record_narrowed_gap(&arn, ResourceKind::BackupPlan, &scope.fail(GET, &error));
            None
        }
    };
    let name = member.backup_plan_name().unwrap_or(id).to_string();
    let config = BackupPlan {
        backup_plan_id: id.to_string(),
        backup_plan_name: name.clone(),
        version_id: member.version_id().map(str::to_string),
        creation_date: member.creation_date().and_then(time),
        rules,
    };
    Some(scope.resource(
        arn,
        Some(name),
        Default::default(),
        ResourceConfig::BackupPlan(config),
    ))
}

fn rule(rule: &aws_sdk_backup::types::BackupRule) -> BackupRule {
    let days = |value: Option<i64>| value.and_then(|days| u64::try_from(days).ok());
    BackupRule {
        rule_name: rule.rule_name().to_string(),
        target_vault_name: rule.target_backup_vault_name().to_string(),
        schedule_expression: rule.schedule_expression().map(str::to_string),
        enable_continuous_backup: rule.enable_continuous_backup(),
        lifecycle: rule
            .lifecycle()
            .map(|lifecycle| BackupLifecycle {
                delete_after_days: days(lifecycle.delete_after_days()),
                move_to_cold_storage_after_days: days(lifecycle.move_to_cold_storage_after_days()),
            })
            .filter(|lifecycle| {
                lifecycle.delete_after_days.is_some()
                    || lifecycle.move_to_cold_storage_after_days.is_some()
            }),
    }
}

async fn vaults(scope: &BackupScope) -> Collected {
    const OP: &str = "backup:ListBackupVaults";
    let days = |value: Option<i64>| value.and_then(|days| u64::try_from(days).ok());
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .list_backup_vaults()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for vault in page.backup_vault_list() {
                let name = scope.required(vault.backup_vault_name(), OP, "BackupVaultName")?;
                let config = BackupVault {
                    backup_vault_name: name.to_string(),
                    vault_type: vault.vault_type().map(|t| t.as_str().to_string()),
                    encryption_key_arn: vault.encryption_key_arn().map(str::to_string),
                    creation_date: vault.creation_date().and_then(time),
                    number_of_recovery_points: u64::try_from(vault.number_of_recovery_points())
                        .ok(),
                    locked: vault.locked(),
                    min_retention_days: days(vault.min_retention_days()),
                    max_retention_days: days(vault.max_retention_days()),
                    lock_date: vault.lock_date().and_then(time),
                };
                out.push(scope.resource(
                    scope.regional_arn("backup", &format!("backup-vault:{name}")),
                    None,
                    Default::default(),
                    ResourceConfig::BackupVault(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}
