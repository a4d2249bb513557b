use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every EBS snapshot owned by the account that is not encrypted.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected wherever it is kept. A snapshot is a full
    /// copy of a disk: an unencrypted one can be copied, shared or restored into a volume
    /// whose data anyone with access reads in the clear, outside the key policy that guards
    /// encrypted copies.
    ///
    /// ## How to fix
    ///
    /// A snapshot cannot be encrypted in place: copy it with encryption, point backups and
    /// restores at the copy, then delete the unencrypted original. Fix the source volume too
    /// (`aws-ec2-ebs-volume-unencrypted`) and turn on encryption by default
    /// (`aws-ec2-ebs-default-encryption-off`) so future snapshots are encrypted.
    ///
    /// ### Console
    ///
    /// EC2 → Elastic Block Store → Snapshots → select the snapshot → Actions → Copy
    /// snapshot → tick "Encrypt this snapshot", choose the KMS key → Copy snapshot; then
    /// delete the original.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 copy-snapshot --source-region eu-west-1 --source-snapshot-id snap-0123 \
    ///   --encrypted --kms-key-id alias/ebs
    /// aws ec2 delete-snapshot --snapshot-id snap-0123
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_ebs_snapshot_copy" "encrypted" {
    ///   source_snapshot_id = "snap-0123"
    ///   source_region      = "eu-west-1"
    ///   encrypted          = true
    ///   kms_key_id         = aws_kms_key.ebs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protect confidential
    /// information).
    pub struct EbsSnapshotUnencrypted {
        id: "aws-ec2-ebs-snapshot-unencrypted",
        title: "EBS snapshot is not encrypted",
        severity: Medium,
        criteria: ["CC6.1", "C1.1"],
        targets: [EbsSnapshot],
        also_reads: [],
        params: [],
        reads: ["encrypted"],
    }
}

impl Rule for EbsSnapshotUnencrypted {
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
        if snap.encrypted {
            return Verdict::Pass;
        }
        let source = match &snap.volume_id {
            Some(volume) => format!("of volume {volume}"),
            None => "with no source volume".to_string(),
        };
        Verdict::Fail(format!(
            "EBS snapshot {} ({source}, started {}) is not encrypted; expected encryption at \
             rest with a KMS key",
            named(resource),
            snap.start_time.format("%Y-%m-%d")
        ))
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
            .case(Case::new("an encrypted snapshot passes").pass(snap("snap-enc", true)))
            .case(
                Case::new("an unencrypted snapshot fails, naming its volume").fail(
                    snap("snap-plain", false),
                    &[
                        "EBS snapshot snap-plain",
                        "vol-1",
                        "not encrypted",
                        "expected",
                    ],
                ),
            )
            .applies_to_every_resource(
                "every snapshot holds a copy of a volume's data, so every one is judged",
            )
    }

    fn snap(id: &str, encrypted: bool) -> Resource {
        let mut snap = ebs_snapshot(id, Some("vol-1"), days_ago(3));
        snap.encrypted = encrypted;
        snapshot_resource(snap)
    }
}
