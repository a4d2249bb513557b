use crate::aws::named;
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every AWS Backup plan with a rule that deletes its recovery points fewer
    /// than `min_retention_days` days (default 35) after creating them: the rule's
    /// lifecycle sets `DeleteAfterDays` below the minimum. A rule without a lifecycle, or
    /// whose lifecycle only moves recovery points to cold storage, keeps them until someone
    /// deletes them, and passes. Copies a rule makes to other vaults have lifecycles of
    /// their own and are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects backups to be kept long enough to recover from what is likely to
    /// happen. Corruption, ransomware and mistaken deletes are often found weeks later; a
    /// plan that keeps a week of recovery points cannot restore data lost a month ago, and
    /// auditors compare retention with the recovery objectives the organization committed
    /// to.
    ///
    /// ## How to fix
    ///
    /// Raise the rule's retention to at least `min_retention_days`, or set the parameter
    /// to the retention your recovery objectives require. Short-lived frequent backups can
    /// stay if another rule of the plan keeps longer ones; then keep the short rule in a
    /// plan of its own and suppress its finding with the reason.
    ///
    /// ### Console
    ///
    /// AWS Backup → Backup plans → choose the plan → choose the rule → Edit → Retention
    /// period → at least 35 days (or "Always") → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws backup get-backup-plan --backup-plan-id PLAN_ID --query BackupPlan > plan.json
    /// # edit plan.json: "Lifecycle": {"DeleteAfterDays": 35}
    /// aws backup update-backup-plan --backup-plan-id PLAN_ID --backup-plan file://plan.json
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
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery: retention of backups).
    pub struct PlanRetentionShort {
        id: "aws-backup-plan-retention-short",
        title: "Backup rule keeps recovery points too briefly",
        severity: Medium,
        criteria: ["A1.2"],
        targets: [BackupPlan],
        also_reads: [],
        params: [ParamSpec {
            name: "min_retention_days",
            description: "Days a backup rule must keep its recovery points at least",
            default: ParamDefault::Integer(35),
            min: 1,
            max: 36500,
        }],
        reads: ["rules"],
    }
}

impl Rule for PlanRetentionShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::BackupPlan(plan) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a backup plan");
        };
        let Some(rules) = &plan.rules else {
            return Verdict::NotEvaluated(format!(
                "the rules of backup plan {} were not collected, so how long it keeps recovery points is unknown",
                resource.display_name()
            ));
        };
        let minimum = ctx.params.integer("min_retention_days");
        let short: Vec<String> = rules
            .iter()
            .filter_map(|rule| {
                let days = rule.lifecycle?.delete_after_days?;
                (i64::try_from(days).unwrap_or(i64::MAX) < minimum).then(|| {
                    format!(
                        "rule \"{}\" deletes them after {days} day{}",
                        rule.rule_name,
                        if days == 1 { "" } else { "s" }
                    )
                })
            })
            .collect();
        if short.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "backup plan {} keeps recovery points too briefly: {}; expected at least {minimum} \
             days (min_retention_days = {minimum}), or no deletion",
            named(resource),
            short.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{plan, rule};
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;
    use soc2scan_model::BackupLifecycle;

    pub(super) fn cases() -> Cases {
        let mut cold_only = rule("archive", None);
        cold_only.lifecycle = Some(BackupLifecycle {
            delete_after_days: None,
            move_to_cold_storage_after_days: Some(30),
        });
        Cases::new()
            .case(
                Case::new("35 days, no lifecycle and cold storage only pass")
                    .pass(plan("daily", Some(vec![rule("daily", Some(35)), rule("forever", None)])))
                    .pass(plan("cold", Some(vec![cold_only]))),
            )
            .case(
                Case::new("a rule deleting recovery points before 35 days fails, naming the rule")
                    .fail(
                        plan("mixed", Some(vec![rule("monthly", Some(365)), rule("hourly", Some(7)), rule("daily", Some(1))])),
                        &[
                            "backup plan mixed-plan (mixed)",
                            "rule \"hourly\" deletes them after 7 days, rule \"daily\" deletes them after 1 day",
                            "expected at least 35 days (min_retention_days = 35)",
                        ],
                    ),
            )
            .case(
                Case::new("the minimum is a parameter")
                    .pass(plan("weekly", Some(vec![rule("weekly", Some(14))])))
                    .param("min_retention_days", ParamValue::Integer(14)),
            )
            .case(
                Case::new("a plan whose rules were not read is not evaluated")
                    .not_evaluated(plan("unread", None), &["rules of backup plan unread-plan", "not collected"]),
            )
            .applies_to_every_resource("every backup plan keeps its recovery points for some time, so every one is judged")
    }
}
