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
    use crate::testing::*;
    use soc2scan_model::{EbsVolume, ResourceKind};

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

    #[test]
    fn encrypted_volume_passes_and_unencrypted_fails() {
        let snap = snapshot(vec![volume("vol-enc", true), volume("vol-plain", false)]);
        let results = run(&EbsVolumeUnencrypted, &snap);
        assert_pass(&verdict_of(
            &results,
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-enc"),
        ));
        assert_fail(
            &verdict_of(
                &results,
                &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-plain"),
            ),
            &["vol-plain", "not encrypted", "expected"],
        );
    }

    #[test]
    fn failed_listing_is_not_evaluated_never_pass() {
        let mut snap = snapshot(vec![volume("vol-enc", true)]);
        fail_unit(&mut snap, ResourceKind::EbsVolume);
        let results = run(&EbsVolumeUnencrypted, &snap);
        assert_not_evaluated(
            &verdict_of(
                &results,
                &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-enc"),
            ),
            &["access_denied"],
        );
        assert!(results
            .iter()
            .any(|(s, v)| s.starts_with("unit:") && matches!(v, Verdict::NotEvaluated(_))));
        assert!(!results.iter().any(|(_, v)| *v == Verdict::Pass));
    }

    #[test]
    fn absent_coverage_is_not_evaluated() {
        let mut snap = snapshot(vec![volume("vol-enc", true)]);
        drop_unit(&mut snap, ResourceKind::EbsVolume);
        let results = run(&EbsVolumeUnencrypted, &snap);
        assert_not_evaluated(&results[0].1, &["no coverage entry"]);
    }
}
