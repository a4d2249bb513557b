use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every EBS snapshot owned by the account whose create-volume permission
    /// includes the group `all`, so that any AWS account can restore it into a volume.
    /// When the permission could not be read, the snapshot is reported as not evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to information to be limited to authorised users, and C1.1
    /// expects confidential information to be protected from disclosure. A public snapshot
    /// hands a full copy of a disk — databases, keys, logs — to anyone with an AWS account;
    /// public snapshots are routinely found and harvested by automated scanners.
    ///
    /// ## How to fix
    ///
    /// Remove the `all` group from the snapshot's create-volume permission and share it
    /// with specific accounts instead, if it needs sharing at all. Turn on the account's
    /// "block public access for EBS snapshots" setting so it cannot happen again.
    ///
    /// ### Console
    ///
    /// EC2 → Elastic Block Store → Snapshots → select the snapshot → Actions → Snapshot
    /// settings → Modify permissions → choose "Private" → Save changes. Then EC2 → Settings
    /// → Data protection and security → Block public access for EBS snapshots → Manage.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 modify-snapshot-attribute --snapshot-id snap-0123 \
    ///   --attribute createVolumePermission --operation-type remove --group-names all
    /// aws ec2 enable-snapshot-block-public-access --state block-all-sharing
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// # Share with named accounts only; never with group "all".
    /// resource "aws_snapshot_create_volume_permission" "partner" {
    ///   snapshot_id = aws_ebs_snapshot.data.id
    ///   account_id  = "444455556666"
    /// }
    ///
    /// resource "aws_ebs_snapshot_block_public_access" "this" {
    ///   state = "block-all-sharing"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), C1.1 (protect confidential information).
    pub struct EbsSnapshotPublic {
        id: "aws-ec2-ebs-snapshot-public",
        title: "EBS snapshot can be restored by any AWS account",
        severity: Critical,
        criteria: ["CC6.1", "C1.1"],
        targets: [EbsSnapshot],
        also_reads: [],
        params: [],
        runtime_only: "public sharing is a create-volume permission granted on a snapshot that exists; a plan does not show it",
    }
}

impl Rule for EbsSnapshotPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::EbsSnapshot(snap) = &resource.config else {
            return wrong_kind(resource, "an EBS snapshot");
        };
        match snap.restorable_by_all {
            Some(false) => Verdict::Pass,
            Some(true) => Verdict::Fail(format!(
                "EBS snapshot {}{} is public: its create-volume permission grants group \"all\", \
                 so any AWS account can restore it; expected it private or shared with named \
                 accounts only",
                named(resource),
                snap.volume_id
                    .as_deref()
                    .map(|volume| format!(" (of volume {volume})"))
                    .unwrap_or_default()
            )),
            None => Verdict::NotEvaluated(format!(
                "EBS snapshot {}: public restore permission could not be confirmed (its \
                 createVolumePermission attribute was not collected)",
                named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{ebs_snapshot, snapshot_resource};
    use crate::cases::{Case, Cases};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a private snapshot passes, a public one fails, an unknown permission is not evaluated")
                    .pass(snap("snap-private", Some(false)))
                    .fail(
                        snap("snap-public", Some(true)),
                        &["snap-public", "vol-1", "\"all\"", "expected"],
                    )
                    .not_evaluated(
                        snap("snap-unknown", None),
                        &[
                            "snap-unknown",
                            "public restore permission could not be confirmed",
                        ],
                    ),
            )
            .applies_to_every_resource(
                "any snapshot the account owns can be shared publicly, so every one is judged",
            )
    }

    fn snap(id: &str, restorable_by_all: Option<bool>) -> Resource {
        let mut snap = ebs_snapshot(id, Some("vol-1"), days_ago(3));
        snap.restorable_by_all = restorable_by_all;
        snapshot_resource(snap)
    }
}
