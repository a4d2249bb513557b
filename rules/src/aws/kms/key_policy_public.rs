use super::{customer_key, key_of, named};
use crate::aws::resource_policy::{public_access, Actions};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every customer-managed KMS key whose key policy allows everyone — a
    /// `Principal` of `"*"` or `{"AWS": "*"}`, or a `NotPrincipal` — to use or manage the
    /// key, without a condition that restricts who can (for example `kms:CallerAccount`,
    /// `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` or `aws:SourceArn`
    /// pinned to fixed values), unless an unconditioned `Deny` to everyone takes the same
    /// actions back. Conditions on how a call is made (`kms:ViaService` alone,
    /// `aws:SecureTransport`) do not restrict who. The policy is evaluated by soc2scan's
    /// shared resource-policy evaluator, the one the S3 bucket-policy rules use.
    /// AWS-managed keys' policies are written by AWS and are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 and CC6.6 expect access to protected information, and to the keys that protect
    /// it, to be limited to authorised identities. A key policy open to every AWS account
    /// lets anyone who can reach the ciphertext decrypt it (or re-encrypt, create grants,
    /// schedule the key's deletion), which defeats the encryption it provides.
    ///
    /// ## How to fix
    ///
    /// Name the principals that need the key (accounts, roles, services), or keep the
    /// wildcard principal and add a condition that limits it to your account or
    /// organization. Removing the statement that opens the key is usually enough: the
    /// default statement that delegates to IAM in the key's own account remains.
    ///
    /// ### Console
    ///
    /// KMS → Customer managed keys → choose the key → Key policy → Edit → replace
    /// `"Principal": "*"` (or `{"AWS": "*"}`) with specific principals, or add a `Condition`
    /// such as `"StringEquals": {"kms:CallerAccount": "111122223333"}` → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws kms get-key-policy --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    ///   --policy-name default --query Policy --output text > policy.json
    /// # edit policy.json: restrict the principals or add a condition
    /// aws kms put-key-policy --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    ///   --policy-name default --policy file://policy.json
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// data "aws_iam_policy_document" "key" {
    ///   statement {
    ///     sid       = "OwnAccount"
    ///     actions   = ["kms:*"]
    ///     resources = ["*"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["arn:aws:iam::111122223333:root"]
    ///     }
    ///   }
    ///   statement {
    ///     sid       = "OrganizationDecrypt"
    ///     actions   = ["kms:Decrypt"]
    ///     resources = ["*"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["*"]
    ///     }
    ///     condition {
    ///       test     = "StringEquals"
    ///       variable = "aws:PrincipalOrgID"
    ///       values   = ["o-exampleorgid"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_kms_key" "data" {
    ///   enable_key_rotation = true
    ///   policy              = data.aws_iam_policy_document.key.json
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security: who can use encryption keys), CC6.6 (protection
    /// against access from outside the system's boundaries).
    pub struct KeyPolicyPublic {
        id: "aws-kms-key-policy-public",
        title: "KMS key policy lets anyone use the key",
        severity: Critical,
        criteria: ["CC6.1", "CC6.6"],
        targets: [KmsKey],
        also_reads: [KmsKeyPolicy],
        params: [],
        reads: ["key_manager", "policy"],
    }
}

impl Rule for KeyPolicyPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        customer_key(resource)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let key = match key_of(resource) {
            Ok(key) => key,
            Err(verdict) => return verdict,
        };
        if key.key_manager.is_none() {
            return Verdict::NotEvaluated(format!(
                "DescribeKey did not say who manages KMS key {}, so whether the rule applies is unknown",
                resource.display_name()
            ));
        }
        let Some(policy) = &key.policy else {
            return Verdict::NotEvaluated(format!(
                "the key policy of KMS key {} was not collected, so whether it is public is unknown",
                resource.display_name()
            ));
        };
        let open = public_access(policy, Actions::Any);
        if open.is_empty() {
            return Verdict::Pass;
        }
        let statements: Vec<String> = open.iter().map(|access| access.describe()).collect();
        Verdict::Fail(format!(
            "the key policy of customer-managed KMS key {} lets anyone use it: {}; expected \
             named principals, or a condition that restricts who (kms:CallerAccount, \
             aws:PrincipalOrgID, aws:SourceVpce, …)",
            named(resource, key),
            statements.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{aws_managed_key, good_key, key, policy, undescribed_key};
    use crate::cases::{Case, Cases};
    use soc2scan_model::KmsKey;

    fn with_policy(id: &str, json: &str) -> KmsKey {
        KmsKey {
            policy: Some(policy(json)),
            ..good_key(id)
        }
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("the default policy and a wildcard restricted to the account pass")
                    .pass(key(good_key("k-default")))
                    .pass(key(with_policy(
                        "k-account",
                        r#"{"Statement":[{"Sid":"AccountOnly","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}]}"#,
                    )))
                    .pass(key(with_policy(
                        "k-denied",
                        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
                    ))),
            )
            .case(
                Case::new("a wildcard principal without a restricting condition fails, naming the statement")
                    .fail(
                        key(with_policy(
                            "k-open",
                            r#"{"Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
                        )),
                        &["k-open", "statement \"Everyone\" allows kms:Decrypt to everyone", "expected named principals"],
                    )
                    .fail(
                        key(with_policy(
                            "k-https",
                            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
                        )),
                        &["k-https", "statement 1 allows kms:*"],
                    ),
            )
            .case(
                Case::new("a key whose policy was not collected is not evaluated")
                    .not_evaluated(
                        key(KmsKey {
                            policy: None,
                            ..good_key("k-unread")
                        }),
                        &["key policy", "k-unread", "not collected"],
                    )
                    .not_evaluated(key(undescribed_key("k-undescribed")), &["DescribeKey", "k-undescribed"]),
            )
            .case(Case::new("AWS-managed keys are not judged").not_applicable(key(aws_managed_key("k-aws"))))
    }
}
