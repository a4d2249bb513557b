use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{BackupPlan, Resource, ResourceConfig, ResourceKind};

declare_rule! {
    /// ## What it checks
    ///
    /// For every scanned region of every account that holds data stores — EBS volumes in
    /// use (attached to an instance), RDS DB instances (cluster members count through their
    /// cluster) and DB clusters, DynamoDB tables, EFS file systems — fails when the
    /// region has no AWS Backup plan with at least one rule. A region with such a plan
    /// passes; a region without data stores is not checked. The data stores are the kinds
    /// in the rule's `also_reads` other than `backup_plan`, so the verdict is *not
    /// evaluated* whenever one of their listings (or the plans') failed: a region whose
    /// tables could not be listed may hold data, and one whose plans could not be listed
    /// may have a plan. A plan whose rules could not be read (`GetBackupPlan` failed) counts
    /// as unknown. Which resources a plan selects (`ListBackupSelections`) is not checked:
    /// the rule asks whether backups are organised in the region at all; the per-service
    /// rules (`aws-ec2-ebs-volume-no-recent-backup`, `aws-dynamodb-table-pitr-off`,
    /// `aws-efs-filesystem-backup-off`) judge each data store.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects backup processes that cover the system's data, and CC7.5 expects the
    /// organization to be able to restore after an incident. An AWS Backup plan is the
    /// evidence an auditor asks for: a schedule, a retention, a vault. A region that stores
    /// data with no plan at all relies on every team remembering its own backups.
    ///
    /// ## How to fix
    ///
    /// Create a backup plan in the region with at least one rule (a schedule, a target
    /// vault and a lifecycle), and assign the region's data stores to it, by tag or by
    /// resource type.
    ///
    /// ### Console
    ///
    /// AWS Backup → (choose the region) → Backup plans → Create backup plan → "Start with a
    /// template" (e.g. Daily-35day-Retention) or "Build a new plan" → Create plan → Assign
    /// resources → include resource types or tags.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws backup create-backup-plan --region eu-west-1 --backup-plan '{
    ///   "BackupPlanName": "daily",
    ///   "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "Default",
    ///              "ScheduleExpression": "cron(0 3 * * ? *)",
    ///              "Lifecycle": {"DeleteAfterDays": 35}}]}'
    /// aws backup create-backup-selection --region eu-west-1 --backup-plan-id PLAN_ID \
    ///   --backup-selection '{"SelectionName": "tagged", "IamRoleArn": "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
    ///     "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_backup_plan" "daily" {
    ///   name = "daily"
    ///   rule {
    ///     rule_name         = "daily"
    ///     target_vault_name = aws_backup_vault.main.name
    ///     schedule          = "cron(0 3 * * ? *)"
    ///     lifecycle {
    ///       delete_after = 35
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_backup_selection" "tagged" {
    ///   name         = "tagged"
    ///   plan_id      = aws_backup_plan.daily.id
    ///   iam_role_arn = aws_iam_role.backup.arn
    ///   selection_tag {
    ///     type  = "STRINGEQUALS"
    ///     key   = "backup"
    ///     value = "daily"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery infrastructure), CC7.5 (recovery from identified security
    /// incidents).
    pub struct NoPlan {
        id: "aws-backup-no-plan",
        title: "Region holds data stores but has no backup plan with a rule",
        severity: High,
        criteria: ["A1.2", "CC7.5"],
        targets: [BackupRegion],
        // The plans, then every kind of data store the rule looks for: adding a kind here
        // is all it takes to count it (`holds_data` says when one of its resources does).
        also_reads: [BackupPlan, EbsVolume, RdsDbInstance, RdsDbCluster, DynamodbTable, EfsFileSystem],
        params: [],
        reads: ["plan_count"],
        runtime_only: "it is about the absence of a backup plan in a whole region of a running account, and a plan shows only the resources it manages",
    }
}

/// The kinds of data store the rule looks for: everything it also reads but the plans.
fn data_store_kinds() -> impl Iterator<Item = ResourceKind> {
    NoPlan::META
        .also_reads
        .iter()
        .copied()
        .filter(|kind| *kind != ResourceKind::BackupPlan)
}

/// Whether a resource of a data-store kind holds data to back up: EBS volumes when in use
/// (attached to an instance), DB instances unless they are cluster members (their cluster
/// holds the data), every resource of the other kinds.
fn holds_data(resource: &Resource) -> bool {
    match &resource.config {
        ResourceConfig::EbsVolume(volume) => volume.in_use(),
        ResourceConfig::RdsDbInstance(instance) => !instance.is_cluster_member(),
        _ => true,
    }
}

/// "3 in-use EBS volumes", "1 DynamoDB table".
fn count_text(kind: ResourceKind, count: usize) -> String {
    let label = match kind {
        ResourceKind::EbsVolume => "in-use EBS volume",
        other => other.label(),
    };
    if count == 1 {
        format!("1 {label}")
    } else {
        format!("{count} {label}s")
    }
}

impl Rule for NoPlan {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::BackupRegion(region) = &resource.config else {
            return crate::aws::wrong_kind(resource, "an AWS Backup region");
        };
        let here = |kind| {
            ctx.inventory
                .resources_in(kind, &resource.account, &resource.region)
        };
        let plans: Vec<(&Resource, &BackupPlan)> = here(ResourceKind::BackupPlan)
            .filter_map(|r| match &r.config {
                ResourceConfig::BackupPlan(plan) => Some((r, plan)),
                _ => None,
            })
            .collect();
        if plans
            .iter()
            .any(|(_, plan)| plan.rules.as_ref().is_some_and(|rules| !rules.is_empty()))
        {
            return Verdict::Pass;
        }
        let stores: Vec<String> = data_store_kinds()
            .filter_map(|kind| {
                let count = here(kind).filter(|r| holds_data(r)).count();
                (count > 0).then(|| count_text(kind, count))
            })
            .collect();
        if stores.is_empty() {
            return Verdict::NotApplicable;
        }
        let subject = format!(
            "region {} of account {} holds {}",
            resource.region,
            resource.account,
            stores.join(", ")
        );
        let unread: Vec<&str> = plans
            .iter()
            .filter(|(_, plan)| plan.rules.is_none())
            .map(|(r, _)| r.display_name())
            .collect();
        if !unread.is_empty() {
            return Verdict::NotEvaluated(format!(
                "{subject}, and the rules of its backup plan{} {} could not be read, so whether it has a plan with a rule is unknown",
                if unread.len() == 1 { "" } else { "s" },
                unread.join(", ")
            ));
        }
        let plans_text = match region.plan_count.max(plans.len() as u32) {
            0 => "no backup plan".to_string(),
            1 => "one backup plan, without rules".to_string(),
            n => format!("{n} backup plans, none with a rule"),
        };
        Verdict::Fail(format!(
            "{subject} but has {plans_text}; expected an AWS Backup plan with at least one \
             rule in every region that holds data"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{backup_region, file_system, plan, rule, table, volume};
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a region with data and a plan with a rule passes")
                    .pass(backup_region(1))
                    .with(plan("daily", Some(vec![rule("daily", Some(35))])))
                    .with(volume("vol-app", true))
                    .with(table("orders")),
            )
            .case(
                Case::new("a region with data and no plan fails, counting the data stores")
                    .fail(
                        backup_region(0),
                        &[
                            "region eu-west-1 of account 111122223333 holds 2 in-use EBS volumes, 1 DynamoDB table, 1 EFS file system",
                            "but has no backup plan",
                            "expected an AWS Backup plan with at least one rule",
                        ],
                    )
                    .with(volume("vol-app", true))
                    .with(volume("vol-db", true))
                    .with(volume("vol-spare", false))
                    .with(table("orders"))
                    .with(file_system("fs-0shared")),
            )
            .case(
                Case::new("plans without rules do not count")
                    .fail(backup_region(1), &["1 EFS file system", "one backup plan, without rules"])
                    .with(plan("empty", Some(vec![])))
                    .with(file_system("fs-0shared")),
            )
            .case(
                Case::new("a plan whose rules could not be read leaves the region not evaluated")
                    .not_evaluated(
                        backup_region(2),
                        &["holds 1 DynamoDB table", "unread-plan", "could not be read"],
                    )
                    .with(plan("empty", Some(vec![])))
                    .with(plan("unread", None))
                    .with(table("orders")),
            )
            .case(
                Case::new("RDS databases are data stores; a cluster member counts through its cluster")
                    .fail(
                        backup_region(0),
                        &["holds 1 RDS DB instance, 1 RDS DB cluster", "but has no backup plan"],
                    )
                    .with(crate::aws::rds::fixtures::instance("orders-db", |_| {}))
                    .with(crate::aws::rds::fixtures::cluster("events", Some(true)))
                    .with(crate::aws::rds::fixtures::cluster_member("events-1", |_| {})),
            )
            .case(
                Case::new("a region without data stores is not judged, plan or not")
                    .not_applicable(backup_region(0))
                    .with(volume("vol-spare", false)),
            )
    }

    #[test]
    fn data_stores_and_plans_of_other_regions_and_accounts_do_not_count() {
        let mut elsewhere_table = table("orders");
        elsewhere_table.region = "us-east-1".to_string();
        let mut other_account_plan = plan("daily", Some(vec![rule("daily", Some(35))]));
        other_account_plan.account = "444455556666".to_string();
        let mut region_elsewhere = backup_region(0);
        region_elsewhere.region = "us-east-1".to_string();
        region_elsewhere.id = "arn:aws:backup:us-east-1:111122223333:backup-region".to_string();
        let snap = snapshot(vec![
            backup_region(0),
            region_elsewhere,
            elsewhere_table,
            volume("vol-app", true),
            other_account_plan,
        ]);
        let results = run(&NoPlan, &snap);
        assert_fail(
            &verdict_of(
                &results,
                "arn:aws:backup:eu-west-1:111122223333:backup-region",
            ),
            &["holds 1 in-use EBS volume but has no backup plan"],
        );
        assert_fail(
            &verdict_of(
                &results,
                "arn:aws:backup:us-east-1:111122223333:backup-region",
            ),
            &["region us-east-1", "holds 1 DynamoDB table but"],
        );
    }

    #[test]
    fn the_data_stores_are_the_regional_aws_kinds_read_besides_the_plans() {
        let kinds: Vec<ResourceKind> = data_store_kinds().collect();
        assert!(kinds.contains(&ResourceKind::EbsVolume), "{kinds:?}");
        assert!(!kinds.contains(&ResourceKind::BackupPlan), "{kinds:?}");
        for kind in kinds {
            assert_eq!(kind.provider(), soc2scan_model::Provider::Aws, "{kind}");
            assert_eq!(
                kind.collection_scope(),
                soc2scan_model::CollectionScope::Regional,
                "{kind}: the rule judges regions"
            );
            assert!(
                !kind.is_coverage_only(),
                "{kind}: a data store has resources"
            );
        }
    }
}
