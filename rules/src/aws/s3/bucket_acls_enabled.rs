use super::{bucket_part, named};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket whose Object Ownership is not `BucketOwnerEnforced`, so ACLs still
    /// grant access (`BucketOwnerPreferred`, `ObjectWriter`, or no ownership controls, which is
    /// `ObjectWriter`). Not evaluated when Object Ownership could not be read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.3 expects access to be granted and removed through a managed process. ACLs are a second
    /// permission system beside IAM and bucket policies, set object by object, invisible in IAM
    /// and easy to forget; with ACLs disabled, access is decided by policies alone, which can be
    /// reviewed. AWS disables ACLs on new buckets by default since 2023.
    ///
    /// ## How to fix
    ///
    /// Set Object Ownership to "Bucket owner enforced". First move any access that ACLs grant
    /// (S3 log delivery to the bucket, other accounts' uploads) into the bucket policy — S3 refuses
    /// the change while the bucket ACL grants to others.
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Permissions → Object Ownership → Edit → "ACLs disabled (recommended)" →
    /// Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-bucket-ownership-controls --bucket my-bucket \
    ///   --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_ownership_controls" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   rule {
    ///     object_ownership = "BucketOwnerEnforced"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.3 (manage access through roles and a defined process).
    pub struct BucketAclsEnabled {
        id: "aws-s3-bucket-acls-enabled",
        title: "S3 bucket ACLs are enabled",
        severity: Low,
        criteria: ["CC6.3"],
        targets: [S3Bucket],
        also_reads: [S3BucketOwnershipControls],
        params: [],
        reads: ["object_ownership"],
    }
}

impl Rule for BucketAclsEnabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let object_ownership = match bucket_part(
            resource,
            |b| b.object_ownership.as_ref(),
            "Object Ownership",
        ) {
            Ok(part) => part,
            Err(verdict) => return verdict,
        };
        if object_ownership == "BucketOwnerEnforced" {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "S3 bucket {} has Object Ownership {object_ownership}, so ACLs still grant \
                 access beside its policy; expected BucketOwnerEnforced (ACLs disabled)",
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
        let with = |name: &str, ownership: &str| {
            let mut b = private_bucket(name);
            b.object_ownership = Some(ownership.into());
            bucket_resource(b)
        };
        Cases::new()
            .case(
                Case::new("ACLs disabled passes").pass(bucket_resource(private_bucket("enforced"))),
            )
            .case(
                Case::new("ACLs enabled fails")
                    .fail(
                        with("writer", "ObjectWriter"),
                        &[
                            "writer",
                            "Object Ownership ObjectWriter",
                            "expected BucketOwnerEnforced",
                        ],
                    )
                    .fail(with("preferred", "BucketOwnerPreferred"), &["preferred"]),
            )
            .case(
                Case::new("a object_ownership that could not be read is not evaluated")
                    .not_evaluated(
                        bucket_resource({
                            let mut b = private_bucket("unread");
                            b.object_ownership = None;
                            b
                        }),
                        &["unread", "not collected"],
                    ),
            )
            .applies_to_every_resource("every bucket either uses ACLs or has them disabled")
    }
}
