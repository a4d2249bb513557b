use super::wrong_kind;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every account whose S3 Block Public Access settings (the account-level ones, in
    /// S3 Control) are missing or do not have all four settings on: `BlockPublicAcls`,
    /// `IgnorePublicAcls`, `BlockPublicPolicy` and `RestrictPublicBuckets`. The message names the
    /// settings that are off. One verdict per account.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects logical access to information assets to be restricted, and CC6.6 expects the
    /// boundary to the outside to be controlled. Account-level Block Public Access is the one
    /// switch that keeps every bucket of the account — including the ones created tomorrow — from
    /// being opened to the internet by an ACL or a policy; auditors accept it as a preventive
    /// control in place of reviewing every bucket.
    ///
    /// ## How to fix
    ///
    /// Turn on all four settings for the account. Buckets that must serve the public (a static
    /// website) belong behind CloudFront with origin access control, not a public bucket.
    ///
    /// ### Console
    ///
    /// S3 → Block Public Access settings for this account → Edit → check "Block all public access"
    /// → Save changes → confirm.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3control put-public-access-block --account-id 111122223333 \
    ///   --public-access-block-configuration \
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_account_public_access_block" "this" {
    ///   block_public_acls       = true
    ///   ignore_public_acls      = true
    ///   block_public_policy     = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), CC6.6 (protection against threats from outside the
    /// system boundary).
    pub struct AccountPublicAccessBlockOff {
        id: "aws-s3-account-public-access-block-off",
        title: "S3 Block Public Access is not fully on for the account",
        severity: High,
        criteria: ["CC6.1", "CC6.6"],
        targets: [S3AccountPublicAccessBlock],
        also_reads: [],
        params: [],
        reads: ["configured", "settings"],
    }
}

impl Rule for AccountPublicAccessBlockOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::S3AccountPublicAccessBlock(block) = &resource.config else {
            return wrong_kind(resource, "an S3 account Block Public Access setting");
        };
        if !block.configured {
            return Verdict::Fail(format!(
                "account {} has no S3 Block Public Access configuration, so any bucket can be \
                 made public by an ACL or a policy; expected all four settings on",
                resource.account
            ));
        }
        if block.settings.all_on() {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "account {}'s S3 Block Public Access has {} off; expected all four settings on",
                resource.account,
                block.settings.off_settings().join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::{account_block, all_on};
    use crate::cases::{Case, Cases};
    use soc2scan_model::S3PublicAccessBlock;

    pub(super) fn cases() -> Cases {
        let partial = S3PublicAccessBlock {
            block_public_policy: false,
            restrict_public_buckets: false,
            ..all_on()
        };
        Cases::new()
            .case(Case::new("all four settings on passes").pass(account_block(true, all_on())))
            .case(Case::new("settings partly off fail, naming them").fail(
                account_block(true, partial),
                &[
                    "111122223333",
                    "BlockPublicPolicy, RestrictPublicBuckets off",
                    "expected all four",
                ],
            ))
            .case(Case::new("no configuration at all fails").fail(
                account_block(false, S3PublicAccessBlock::default()),
                &["no S3 Block Public Access configuration"],
            ))
            .applies_to_every_resource(
                "every account has exactly one setting, and it protects every bucket",
            )
    }
}
