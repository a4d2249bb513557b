use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use chrono::TimeDelta;
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// For every EBS volume in use (attached to an instance), looks for a completed
    /// snapshot of it, owned by the account in the same region, that was started less than
    /// `max_backup_age_days` days before the scan (default 7). Fails when there is none.
    /// Volumes that are not in use are not checked. Snapshots still pending or in error do
    /// not count, since they cannot restore a volume.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data backup and recovery processes to be in place, and CC7.5 expects the
    /// organization to be able to recover from incidents. A disk in use without a recent
    /// snapshot cannot be restored to a recent point after deletion, corruption or
    /// ransomware, and an auditor will ask for evidence that backups run on schedule.
    ///
    /// ## How to fix
    ///
    /// Back up volumes on a schedule with AWS Backup or Amazon Data Lifecycle Manager,
    /// selecting them by tag, with a frequency at least as often as `max_backup_age_days`.
    ///
    /// ### Console
    ///
    /// AWS Backup → Backup plans → Create backup plan → add a daily rule → Assign resources
    /// → choose "EBS" or select by tag (e.g. `backup=daily`). Or EC2 → Elastic Block Store →
    /// Lifecycle Manager → Create lifecycle policy → EBS snapshot policy → target tags.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 create-snapshot --volume-id vol-0123456789abcdef0 --description "manual backup"
    /// aws dlm create-lifecycle-policy --execution-role-arn arn:aws:iam::111122223333:role/AWSDataLifecycleManagerDefaultRole \
    ///   --description daily --state ENABLED --policy-details file://daily-snapshots.json
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
    ///     lifecycle { delete_after = 35 }
    ///   }
    /// }
    ///
    /// resource "aws_backup_selection" "tagged" {
    ///   name         = "tagged-volumes"
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
    pub struct EbsVolumeNoRecentBackup {
        id: "aws-ec2-ebs-volume-no-recent-backup",
        title: "EBS volume in use has no recent completed snapshot",
        severity: Medium,
        criteria: ["A1.2", "CC7.5"],
        targets: [EbsVolume],
        also_reads: [EbsSnapshot],
        params: [ParamSpec {
            name: "max_backup_age_days",
            description: "Age in days the newest completed snapshot of an in-use volume must be younger than",
            default: ParamDefault::Integer(7),
            min: 1,
            max: 3650,
        }],
        runtime_only: "needs the snapshots actually taken of each volume and their ages, which exist only in a running account",
    }
}

impl Rule for EbsVolumeNoRecentBackup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::EbsVolume(volume) if volume.in_use())
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::EbsVolume(volume) = &resource.config else {
            return wrong_kind(resource, "an EBS volume");
        };
        let max_age_days = ctx.params.integer("max_backup_age_days");
        let Some(cutoff) =
            TimeDelta::try_days(max_age_days).and_then(|age| ctx.now.checked_sub_signed(age))
        else {
            return Verdict::NotEvaluated(format!(
                "max_backup_age_days = {max_age_days} is out of the range of dates"
            ));
        };
        let newest = ctx
            .inventory
            .snapshots_of_volume(&resource.account, &resource.region, &volume.volume_id)
            .filter(|snap| snap.completed())
            .max_by_key(|snap| snap.start_time);
        let instances: Vec<&str> = volume
            .attachments
            .iter()
            .map(|a| a.instance_id.as_str())
            .collect();
        let subject = if instances.is_empty() {
            format!("EBS volume {} (in use)", named(resource))
        } else {
            format!(
                "EBS volume {} (in use by {})",
                named(resource),
                instances.join(", ")
            )
        };
        let expected = format!(
            "expected a completed snapshot newer than {} (max_backup_age_days = {max_age_days})",
            days_text(max_age_days)
        );
        match newest {
            Some(snap) if snap.start_time > cutoff => Verdict::Pass,
            Some(snap) => Verdict::Fail(format!(
                "{subject} was last backed up {} ago: its newest completed snapshot {} started \
                 {}; {expected}",
                age_text(ctx.now - snap.start_time),
                snap.snapshot_id,
                snap.start_time.format("%Y-%m-%d %H:%M UTC")
            )),
            None => Verdict::Fail(format!(
                "{subject} has no completed snapshot in {}; {expected}",
                resource.region
            )),
        }
    }
}

fn age_text(age: TimeDelta) -> String {
    match age.num_days() {
        days if days < 1 => "less than a day".to_string(),
        days => days_text(days),
    }
}

fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{arn, ebs_snapshot, snapshot_resource, volume};
    use crate::cases::{Case, Cases};
    use crate::rule::{ParamValue, Params};
    use crate::testing::*;
    use soc2scan_model::{EbsSnapshot, VolumeAttachment};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a volume with a recent completed snapshot passes")
                    .pass(attached("vol-1"))
                    .with(snap_of("snap-old", "vol-1", 30))
                    .with(snap_of("snap-new", "vol-1", 2)),
            )
            .case(
                Case::new("a volume with only old completed snapshots fails with the newest age")
                    .fail(
                        attached("vol-1"),
                        &[
                            "EBS volume vol-1 (in use by i-app)",
                            "12 days ago",
                            "snap-old",
                            "newer than 7 days",
                        ],
                    )
                    .with(snap_of("snap-older", "vol-1", 40))
                    .with(snap_of("snap-old", "vol-1", 12))
                    // A newer snapshot that has not completed does not count.
                    .with(pending(ebs_snapshot(
                        "snap-pending",
                        Some("vol-1"),
                        days_ago(1),
                    ))),
            )
            .case(
                Case::new("a volume without snapshots fails; another volume's do not count")
                    .fail(
                        attached("vol-1"),
                        &["vol-1", "no completed snapshot", "expected"],
                    )
                    .with(snap_of("snap-other", "vol-2", 1)),
            )
            .case(
                Case::new("a volume not in use is not judged")
                    .not_applicable(volume("vol-spare", "available")),
            )
    }

    fn attached(id: &str) -> Resource {
        let mut resource = volume(id, "in-use");
        if let ResourceConfig::EbsVolume(v) = &mut resource.config {
            v.attachments.push(VolumeAttachment {
                instance_id: "i-app".to_string(),
                device: Some("/dev/xvda".to_string()),
                state: Some("attached".to_string()),
            });
        }
        resource
    }

    fn snap_of(id: &str, volume: &str, age_days: i64) -> Resource {
        snapshot_resource(ebs_snapshot(id, Some(volume), days_ago(age_days)))
    }

    fn pending(mut snap: EbsSnapshot) -> Resource {
        snap.state = "pending".to_string();
        snapshot_resource(snap)
    }

    #[test]
    fn snapshots_in_another_region_do_not_count() {
        let mut elsewhere = snap_of("snap-copy", "vol-1", 1);
        elsewhere.region = "us-east-1".to_string();
        let snap = snapshot(vec![attached("vol-1"), elsewhere]);
        let results = run(&EbsVolumeNoRecentBackup, &snap);
        assert_fail(
            &verdict_of(&results, &arn("volume", "vol-1")),
            &["no completed snapshot"],
        );
    }

    #[test]
    fn the_cutoff_is_exclusive() {
        let snap = snapshot(vec![attached("vol-1"), snap_of("snap-7", "vol-1", 7)]);
        let results = run(&EbsVolumeNoRecentBackup, &snap);
        assert_fail(
            &verdict_of(&results, &arn("volume", "vol-1")),
            &["7 days ago"],
        );
    }

    #[test]
    fn max_backup_age_days_can_be_overridden() {
        let snap = snapshot(vec![attached("vol-1"), snap_of("snap-old", "vol-1", 12)]);
        let mut params = Params::defaults(&EbsVolumeNoRecentBackup::META);
        params
            .set("max_backup_age_days", ParamValue::Integer(30))
            .unwrap();
        let results = run_with(&EbsVolumeNoRecentBackup, params, &snap);
        assert_pass(&verdict_of(&results, &arn("volume", "vol-1")));

        let mut params = Params::defaults(&EbsVolumeNoRecentBackup::META);
        assert!(params
            .set("max_backup_age_days", ParamValue::Integer(0))
            .is_err());
        params
            .set("max_backup_age_days", ParamValue::Integer(1))
            .unwrap();
        let snap = snapshot(vec![attached("vol-1"), snap_of("snap-2", "vol-1", 2)]);
        let results = run_with(&EbsVolumeNoRecentBackup, params, &snap);
        assert_fail(
            &verdict_of(&results, &arn("volume", "vol-1")),
            &["2 days ago", "newer than 1 day ("],
        );
    }
}
