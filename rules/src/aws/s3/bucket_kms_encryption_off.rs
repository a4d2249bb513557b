use super::{bucket_part, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket whose default encryption is not SSE-KMS (`aws:kms`) or DSSE-KMS
    /// (`aws:kms:dsse`): buckets with SSE-S3 (`AES256`) only, and buckets from before 2023 with no
    /// default encryption at all. Not evaluated when the encryption configuration could not be
    /// read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 and C1.1 expect confidential data to be protected with access restricted to those who
    /// need it. Every S3 object is encrypted at rest today, but with SSE-S3 anyone who can read the
    /// object can read the data. With a KMS key, reading also needs `kms:Decrypt` on the key — a
    /// second, separately governed permission that CloudTrail logs on every use — which is what
    /// auditors mean by encryption as an access control.
    ///
    /// ## How to fix
    ///
    /// Set the bucket's default encryption to SSE-KMS with a customer-managed key, with S3 Bucket
    /// Keys on to keep KMS costs low. Existing objects keep their encryption until rewritten
    /// (S3 Batch Operations can copy them in place).
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Properties → Default encryption → Edit → "Server-side encryption with AWS
    /// Key Management Service keys (SSE-KMS)" → choose the key → Bucket Key: Enable → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-bucket-encryption --bucket my-bucket --server-side-encryption-configuration \
    ///   '{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
    ///     "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-..."},
    ///     "BucketKeyEnabled": true}]}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   rule {
    ///     apply_server_side_encryption_by_default {
    ///       sse_algorithm     = "aws:kms"
    ///       kms_master_key_id = aws_kms_key.data.arn
    ///     }
    ///     bucket_key_enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, encryption), C1.1 (protect confidential information).
    pub struct BucketKmsEncryptionOff {
        id: "aws-s3-bucket-kms-encryption-off",
        title: "S3 bucket default encryption does not use KMS",
        severity: Low,
        criteria: ["CC6.1", "C1.1"],
        targets: [S3Bucket],
        also_reads: [S3BucketEncryption],
        params: [],
        reads: ["default_encryption.algorithm"],
    }
}

impl Rule for BucketKmsEncryptionOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let default_encryption = match bucket_part(
            resource,
            |b| b.default_encryption.as_ref(),
            "default encryption",
        ) {
            Ok(part) => part,
            Err(verdict) => return verdict,
        };
        if default_encryption.uses_kms() {
            return Verdict::Pass;
        }
        let what = match default_encryption.algorithm.as_deref() {
            Some("AES256") => "SSE-S3 (AES256) only".to_string(),
            Some(other) => format!("default encryption {other}"),
            None => "no default encryption".to_string(),
        };
        Verdict::Fail(format!(
            "S3 bucket {} has {what}; expected SSE-KMS (aws:kms) or DSSE-KMS with a \
             customer-managed key",
            named(resource)
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let with = |name: &str, algorithm: Option<&str>| {
            let mut b = private_bucket(name);
            b.default_encryption = Some(soc2scan_model::S3DefaultEncryption {
                algorithm: algorithm.map(str::to_string),
                kms_key_id: None,
                bucket_key_enabled: None,
            });
            bucket_resource(b)
        };
        Cases::new()
            .case(
                Case::new("SSE-KMS and DSSE-KMS pass")
                    .pass(bucket_resource(private_bucket("kms")))
                    .pass(with("dsse", Some("aws:kms:dsse"))),
            )
            .case(
                Case::new("SSE-S3 only or no default encryption fails")
                    .fail(
                        with("sse-s3", Some("AES256")),
                        &["sse-s3", "SSE-S3 (AES256) only", "expected SSE-KMS"],
                    )
                    .fail(with("none", None), &["none", "no default encryption"]),
            )
            .case(
                Case::new("a default_encryption that could not be read is not evaluated")
                    .not_evaluated(
                        bucket_resource({
                            let mut b = private_bucket("unread");
                            b.default_encryption = None;
                            b
                        }),
                        &["unread", "not collected"],
                    ),
            )
            .applies_to_every_resource("every bucket stores objects under its default encryption")
    }
}
