use super::{own_trail, trail_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every trail of the account whose log files are not encrypted with a KMS
    /// key (no `KmsKeyId`: only the bucket's own encryption), and passes the others. An
    /// organization trail seen from a member account is judged in its management account.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to protected information to be restricted, and CC7.2 expects
    /// monitoring records to be protected. CloudTrail logs name every principal, resource
    /// and source address in the account. With SSE-KMS, reading them needs
    /// `kms:Decrypt` on the key as well as access to the bucket, and every decryption is
    /// itself logged — a second lock an auditor expects on the audit record.
    ///
    /// ## How to fix
    ///
    /// Create a customer-managed KMS key whose policy lets CloudTrail encrypt
    /// (`kms:GenerateDataKey*` for `cloudtrail.amazonaws.com`, conditioned on the trail's
    /// ARN) and your log readers decrypt, and set it on the trail.
    ///
    /// ### Console
    ///
    /// CloudTrail → Trails → the trail → General details → Edit → "Log file SSE-KMS
    /// encryption: Enabled" → choose or create the key → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudtrail update-trail --name main --kms-key-id alias/cloudtrail
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   # ...
    ///   kms_key_id = aws_kms_key.cloudtrail.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption of data at rest), CC7.2 (protected
    /// monitoring records).
    pub struct KmsOff {
        id: "aws-cloudtrail-kms-off",
        title: "CloudTrail trail's logs are not encrypted with a KMS key",
        severity: Medium,
        criteria: ["CC6.1", "CC7.2"],
        targets: [CloudtrailTrail],
        also_reads: [],
        params: [],
        reads: ["kms_key_id", "owner_account"],
    }
}

impl Rule for KmsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn applies(&self, resource: &Resource) -> bool {
        own_trail(resource)
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let trail = match trail_of(resource) {
            Ok(trail) => trail,
            Err(verdict) => return verdict,
        };
        match trail.kms_key_id.as_deref() {
            Some(key) if !key.is_empty() => Verdict::Pass,
            _ => Verdict::Fail(format!(
                "CloudTrail trail {} encrypts its log files only with the bucket's own encryption; expected SSE-KMS with a customer-managed KMS key",
                crate::aws::named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a KMS key passes").pass(trail("main", |_| {})))
            .case(Case::new("no KMS key fails").fail(
                trail("main", |t| t.kms_key_id = None),
                &[
                    "trail main encrypts its log files only with the bucket's own encryption",
                    "expected SSE-KMS",
                ],
            ))
            .case(
                Case::new("another account's organization trail is judged there")
                    .not_applicable(organization_trail(|t| t.kms_key_id = None)),
            )
    }
}
