use super::{customer_key, key_of, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every enabled customer-managed KMS key that could rotate automatically
    /// but does not: a symmetric encryption key (`SYMMETRIC_DEFAULT`) whose key material
    /// KMS generated (origin `AWS_KMS`), with automatic rotation off. Keys that cannot
    /// rotate automatically (asymmetric, HMAC, imported material, custom key stores),
    /// disabled keys, keys pending deletion and AWS-managed keys (which AWS rotates every
    /// year) are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects encryption keys to be managed through their lifecycle. Rotation
    /// limits how much data one key version protects and how long a leaked or
    /// cryptanalysed key version stays useful; auditors ask for evidence that customer
    /// keys rotate on a schedule. KMS keeps every earlier version, so rotating never makes
    /// old ciphertext unreadable.
    ///
    /// ## How to fix
    ///
    /// Turn on automatic rotation (every 365 days by default; 90 to 2560 days can be
    /// chosen). Applications keep using the same key id and ARN.
    ///
    /// ### Console
    ///
    /// KMS → Customer managed keys → choose the key → Key rotation → tick "Automatically
    /// rotate this KMS key every year" (or set a rotation period) → Save.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws kms enable-key-rotation --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    ///   --rotation-period-in-days 365
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description             = "application data"
    ///   enable_key_rotation     = true
    ///   rotation_period_in_days = 365
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: management of encryption keys).
    pub struct KeyRotationOff {
        id: "aws-kms-key-rotation-off",
        title: "Customer-managed KMS key does not rotate automatically",
        severity: Medium,
        criteria: ["CC6.1"],
        targets: [KmsKey],
        also_reads: [KmsKeyRotation],
        params: [],
        reads: ["key_manager", "key_state", "key_spec", "origin", "rotation_enabled"],
    }
}

impl Rule for KeyRotationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Customer-managed keys that are enabled and can rotate automatically, and keys not
    /// known to be otherwise (a key `DescribeKey` could not describe is judged, and is
    /// not evaluated).
    fn applies(&self, resource: &Resource) -> bool {
        let Ok(key) = key_of(resource) else {
            return false;
        };
        customer_key(resource)
            && key
                .key_state
                .as_deref()
                .is_none_or(|state| state == "Enabled")
            && key.supports_automatic_rotation() != Some(false)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let key = match key_of(resource) {
            Ok(key) => key,
            Err(verdict) => return verdict,
        };
        if key.key_manager.is_none()
            || key.key_state.is_none()
            || key.supports_automatic_rotation().is_none()
        {
            return Verdict::NotEvaluated(format!(
                "DescribeKey did not say who manages KMS key {}, its state, key spec or origin, so whether it can rotate is unknown",
                resource.display_name()
            ));
        }
        match key.rotation_enabled {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail(format!(
                "customer-managed KMS key {} does not rotate automatically; expected automatic \
                 rotation on (every 365 days by default), as for every enabled symmetric key \
                 whose material KMS generated",
                named(resource, key)
            )),
            None => Verdict::NotEvaluated(format!(
                "the rotation status of KMS key {} was not collected, so whether it rotates is unknown",
                resource.display_name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{aws_managed_key, good_key, key, undescribed_key};
    use crate::cases::{Case, Cases};
    use soc2scan_model::KmsKey;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a rotating symmetric key passes").pass(key(good_key("k-rotating"))))
            .case(
                Case::new("a symmetric key without rotation fails, naming the key").fail(
                    key(KmsKey {
                        rotation_enabled: Some(false),
                        rotation_period_days: None,
                        ..good_key("k-static")
                    }),
                    &["k-static", "\"application data\"", "does not rotate", "expected"],
                ),
            )
            .case(
                Case::new("a key whose rotation status is missing is not evaluated")
                    .not_evaluated(
                        key(KmsKey {
                            rotation_enabled: None,
                            ..good_key("k-unknown")
                        }),
                        &["rotation status", "k-unknown", "not collected"],
                    )
                    .not_evaluated(key(undescribed_key("k-undescribed")), &["DescribeKey", "k-undescribed"]),
            )
            .case(
                Case::new("keys that cannot rotate automatically, disabled, pending and AWS-managed keys are not judged")
                    .not_applicable(key(KmsKey {
                        key_spec: Some("RSA_2048".to_string()),
                        key_usage: Some("SIGN_VERIFY".to_string()),
                        rotation_enabled: None,
                        ..good_key("k-rsa")
                    }))
                    .not_applicable(key(KmsKey {
                        key_spec: Some("HMAC_256".to_string()),
                        key_usage: Some("GENERATE_VERIFY_MAC".to_string()),
                        rotation_enabled: None,
                        ..good_key("k-hmac")
                    }))
                    .not_applicable(key(KmsKey {
                        origin: Some("EXTERNAL".to_string()),
                        rotation_enabled: None,
                        ..good_key("k-imported")
                    }))
                    .not_applicable(key(KmsKey {
                        key_state: Some("Disabled".to_string()),
                        rotation_enabled: Some(false),
                        ..good_key("k-disabled")
                    }))
                    .not_applicable(key(KmsKey {
                        key_state: Some("PendingDeletion".to_string()),
                        rotation_enabled: Some(false),
                        ..good_key("k-doomed")
                    }))
                    .not_applicable(key(aws_managed_key("k-aws-ebs"))),
            )
    }
}
