use super::{bucket_part, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket whose versioning is not `Enabled`: `Suspended`, or never turned on.
    /// Not evaluated when the versioning status could not be read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// A1.2 expects data to be backed up and recoverable, and CC7.5 expects the entity to recover
    /// from incidents. With versioning, an overwritten or deleted object — by mistake, a bug or
    /// ransomware — can be restored from its previous version; without it the data is gone. Pair
    /// it with a lifecycle rule that expires old versions to keep the cost in check.
    ///
    /// ## How to fix
    ///
    /// Enable versioning (it cannot be turned off again, only suspended).
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Properties → Bucket Versioning → Edit → Enable → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-bucket-versioning --bucket my-bucket \
    ///   --versioning-configuration Status=Enabled
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_versioning" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   versioning_configuration {
    ///     status = "Enabled"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// A1.2 (backup and recovery), CC7.5 (recover from identified security incidents).
    pub struct BucketVersioningOff {
        id: "aws-s3-bucket-versioning-off",
        title: "S3 bucket versioning is not enabled",
        severity: Medium,
        criteria: ["A1.2", "CC7.5"],
        targets: [S3Bucket],
        also_reads: [S3BucketVersioning],
        params: [],
        reads: ["versioning"],
    }
}

impl Rule for BucketVersioningOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let versioning = match bucket_part(resource, |b| b.versioning.as_ref(), "versioning status")
        {
            Ok(part) => part,
            Err(verdict) => return verdict,
        };
        if versioning.status == "Enabled" {
            Verdict::Pass
        } else {
            let state = match versioning.status.as_str() {
                "Suspended" => "suspended",
                _ => "never enabled",
            };
            Verdict::Fail(format!(
                "S3 bucket {} has versioning {state}, so an overwritten or deleted object \
                 cannot be restored; expected versioning Enabled",
                named(resource)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let with = |name: &str, status: &str| {
            let mut b = private_bucket(name);
            b.versioning = Some(soc2scan_model::S3Versioning {
                status: status.into(),
                mfa_delete: None,
            });
            bucket_resource(b)
        };
        Cases::new()
            .case(
                Case::new("versioning enabled passes")
                    .pass(bucket_resource(private_bucket("versioned"))),
            )
            .case(
                Case::new("suspended or never enabled fails")
                    .fail(
                        with("suspended", "Suspended"),
                        &[
                            "suspended",
                            "versioning suspended",
                            "expected versioning Enabled",
                        ],
                    )
                    .fail(with("never", "Off"), &["never", "versioning never enabled"]),
            )
            .case(
                Case::new("a versioning that could not be read is not evaluated").not_evaluated(
                    bucket_resource({
                        let mut b = private_bucket("unread");
                        b.versioning = None;
                        b
                    }),
                    &["unread", "not collected"],
                ),
            )
            .applies_to_every_resource("any bucket's objects can be overwritten or deleted")
    }
}
