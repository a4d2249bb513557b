use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every region where EBS encryption by default is off, so new volumes (and
    /// copies of unencrypted snapshots) are created unencrypted unless someone asks.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects protected information to be encrypted at rest. Encryption by default
    /// makes that the behaviour of the platform instead of a choice each engineer and each
    /// tool has to remember; without it, every new volume is a chance to store data in the
    /// clear (see `aws-ec2-ebs-volume-unencrypted`).
    ///
    /// ## How to fix
    ///
    /// Turn on EBS encryption by default in every region you use. It is a per-region,
    /// per-account setting; existing volumes are not changed.
    ///
    /// ### Console
    ///
    /// EC2 → (choose the region) → Settings → Data protection and security → EBS encryption
    /// → Manage → tick "Enable" → choose the default KMS key → Update EBS encryption.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 enable-ebs-encryption-by-default --region eu-west-1
    /// aws ec2 modify-ebs-default-kms-key-id --region eu-west-1 --kms-key-id alias/ebs
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_ebs_encryption_by_default" "this" {
    ///   enabled = true
    /// }
    ///
    /// resource "aws_ebs_default_kms_key" "this" {
    ///   key_arn = aws_kms_key.ebs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption at rest).
    pub struct EbsDefaultEncryptionOff {
        id: "aws-ec2-ebs-default-encryption-off",
        title: "EBS encryption by default is off in a region",
        severity: Medium,
        criteria: ["CC6.1"],
        targets: [EbsEncryptionByDefault],
        also_reads: [],
        params: [],
        reads: ["enabled"],
    }
}

impl Rule for EbsDefaultEncryptionOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::EbsEncryptionByDefault(setting) = &resource.config else {
            return wrong_kind(resource, "an EBS encryption-by-default setting");
        };
        if setting.enabled {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "EBS encryption by default is off in region {} of account {} ({}); expected it \
                 on, so that new EBS volumes and snapshot copies are encrypted",
                resource.region,
                resource.account,
                named(resource)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::ec2::fixtures::encryption_by_default;
    use crate::cases::{Case, Cases};
    use crate::testing::*;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("encryption by default on passes").pass(encryption_by_default(true)))
            .case(
                Case::new("encryption by default off fails, naming region and account").fail(
                    encryption_by_default(false),
                    &[REGION, ACCOUNT, "is off", "expected"],
                ),
            )
            .applies_to_every_resource(
                "each region of each account has exactly one encryption-by-default setting, and every one is judged",
            )
    }
}
