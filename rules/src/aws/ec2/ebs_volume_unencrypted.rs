use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every EBS volume that is not encrypted at rest, whatever its state.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest, and C1.1 expects
    /// confidential information to be protected wherever it is stored. An unencrypted
    /// volume keeps its data readable to anyone who obtains a copy of it or of its
    /// snapshots; auditors ask for evidence that every data store is encrypted.
    ///
    /// ## How to fix
    ///
    /// A volume cannot be encrypted in place: snapshot it, copy the snapshot with
    /// encryption, create a volume from the encrypted copy and swap it in. Turn on EBS
    /// encryption by default so new volumes are encrypted (see
    /// `aws-ec2-ebs-default-encryption-off`).
    ///
    /// ### Console
    ///
    /// EC2 → Elastic Block Store → Snapshots → select the volume's snapshot → Actions →
    /// Copy snapshot → tick "Encrypt this snapshot" → Create volume from the copy, then
    /// stop the instance, detach the old volume and attach the new one.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 create-snapshot --volume-id vol-0123456789abcdef0
    /// aws ec2 copy-snapshot --source-region eu-west-1 --source-snapshot-id snap-0123 --encrypted
    /// aws ec2 create-volume --snapshot-id snap-0456 --availability-zone eu-west-1a --encrypted
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 100
    ///   encrypted         = true
    ///   kms_key_id        = aws_kms_key.ebs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest), C1.1 (protect confidential
    /// information).
    pub struct EbsVolumeUnencrypted {
        id: "aws-ec2-ebs-volume-unencrypted",
        title: "EBS volume is not encrypted",
        severity: High,
        criteria: ["CC6.1", "C1.1"],
        targets: [EbsVolume],
        also_reads: [],
        params: [],
        reads: ["encrypted"],
    }
}

impl Rule for EbsVolumeUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::EbsVolume(volume) = &resource.config else {
            return Verdict::NotEvaluated(format!("{} is not an EBS volume", resource.id));
        };
        if volume.encrypted {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "EBS volume {} ({} GiB, {}, {}) is not encrypted; expected encryption at rest with a KMS key",
                resource.display_name(),
                volume.size_gib,
                volume.state,
                volume.availability_zone
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::EbsVolume;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("an encrypted volume passes").pass(volume("vol-enc", true)))
            .case(Case::new("an unencrypted volume fails").fail(
                volume("vol-plain", false),
                &["vol-plain", "not encrypted", "expected"],
            ))
            .applies_to_every_resource(
                "every volume holds data at rest, attached or not, so every one is judged",
            )
    }

    fn volume(id: &str, encrypted: bool) -> Resource {
        resource(
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{id}"),
            ResourceConfig::EbsVolume(EbsVolume {
                volume_id: id.to_string(),
                encrypted,
                kms_key_id: None,
                state: "in-use".to_string(),
                attachments: vec![],
                availability_zone: "eu-west-1a".to_string(),
                size_gib: 8,
                create_time: None,
            }),
        )
    }
}
