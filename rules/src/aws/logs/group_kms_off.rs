use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every CloudWatch Logs log group without a KMS key (`kmsKeyId`), whose
    /// events are encrypted only with CloudWatch Logs' own keys, and passes the groups
    /// encrypted with a customer-managed key (log groups cannot use AWS-managed keys).
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to protected information to be restricted, including by
    /// encryption at rest. Logs routinely carry personal data, tokens and request bodies.
    /// With a customer-managed key, reading a group needs `kms:Decrypt` on that key as well
    /// as `logs:GetLogEvents`, every use of the key is in CloudTrail, and disabling the key
    /// cuts off access at once.
    ///
    /// ## How to fix
    ///
    /// Create a customer-managed KMS key whose policy lets the CloudWatch Logs service of
    /// the region use it (conditioned on the log group's ARN), and associate it with the
    /// group; events written from then on are encrypted with it.
    ///
    /// ### Console
    ///
    /// The console cannot associate a key with an existing group; use the CLI or create the
    /// group with a key: CloudWatch → Log groups → Create log group → KMS key ARN.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws logs associate-kms-key --log-group-name /aws/lambda/orders \
    ///   --kms-key-id arn:aws:kms:eu-west-1:111122223333:key/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "orders" {
    ///   name       = "/aws/lambda/orders"
    ///   kms_key_id = aws_kms_key.logs.arn
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption of data at rest).
    pub struct GroupKmsOff {
        id: "aws-logs-group-kms-off",
        title: "CloudWatch Logs log group is not encrypted with a KMS key",
        severity: Low,
        criteria: ["CC6.1"],
        targets: [LogsLogGroup],
        also_reads: [],
        params: [],
        reads: ["kms_key_id"],
    }
}

impl Rule for GroupKmsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::LogsLogGroup(group) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudWatch Logs log group");
        };
        match group.kms_key_id.as_deref() {
            Some(key) if !key.is_empty() => Verdict::Pass,
            _ => Verdict::Fail(format!(
                "CloudWatch Logs log group {} is not encrypted with a KMS key; expected a customer-managed KMS key",
                crate::aws::named(resource)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::log_group;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("a KMS key passes").pass(log_group("app", |_| {})))
            .case(Case::new("no KMS key fails").fail(
                log_group("app", |g| g.kms_key_id = None),
                &["log group app is not encrypted with a KMS key"],
            ))
            .applies_to_every_resource("every log group is encrypted one way or the other")
    }
}
