use super::{public_verdict, Access};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every bucket that anyone can read or list: an ACL grant of `READ` or `FULL_CONTROL` to the `AllUsers` or
    /// `AuthenticatedUsers` group, or a bucket policy statement that allows everyone (`"*"`,
    /// `{"AWS": "*"}`, or a `NotPrincipal`) a read or list action (`s3:GetObject`, `s3:GetObjectVersion`, `s3:ListBucket`, … — wildcards and `NotAction` included) with no condition that restricts who
    /// (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceVpc`, `aws:SourceVpce`,
    /// `aws:PrincipalOrgID`, `aws:SourceIp` narrower than everything, …) and that no unconditioned
    /// `Deny` takes back. Block Public Access in force — the bucket's and the account's settings
    /// combined — neutralises what it covers: `IgnorePublicAcls` (or ACLs disabled by Object
    /// Ownership `BucketOwnerEnforced`) neutralises ACL grants, `RestrictPublicBuckets` neutralises
    /// public policies. A bucket is not evaluated when a part that decides it could not be read.
    /// An account without Block Public Access in the snapshot (a Terraform plan that does not
    /// manage it) counts as all off, and the message says so.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 and CC6.6 expect access to information to be limited to authorised users and the
    /// system boundary to be protected, and C1.1 expects confidential information to be protected from disclosure. A bucket anyone can read is the most common way customer data leaks from AWS: automated scanners find public buckets within hours, and an auditor will treat any public bucket holding customer data as a control failure.
    ///
    /// ## How to fix
    ///
    /// Remove the public ACL grants and policy statements, or add a condition that names who may
    /// call; then turn on Block Public Access for the bucket and the account so it cannot happen
    /// again. Content that must be public belongs behind CloudFront with origin access control.
    ///
    /// ### Console
    ///
    /// S3 → the bucket → Permissions: under "Bucket policy" remove or narrow the statements with
    /// `"Principal": "*"`; under "Object Ownership" choose "ACLs disabled"; under "Block public
    /// access (bucket settings)" → Edit → "Block all public access" → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api delete-bucket-policy --bucket my-bucket   # or put a narrowed policy
    /// aws s3api put-bucket-ownership-controls --bucket my-bucket \
    ///   --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
    /// aws s3api put-public-access-block --bucket my-bucket --public-access-block-configuration \
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_public_access_block" "data" {
    ///   bucket                  = aws_s3_bucket.data.id
    ///   block_public_acls       = true
    ///   ignore_public_acls      = true
    ///   block_public_policy     = true
    ///   restrict_public_buckets = true
    /// }
    ///
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
    /// CC6.1 (logical access security), CC6.6 (protection against threats from outside the system boundary), C1.1 (protect confidential information).
    pub struct BucketPublicRead {
        id: "aws-s3-bucket-public-read",
        title: "S3 bucket can be read or listed by anyone",
        severity: Critical,
        criteria: ["CC6.1", "CC6.6", "C1.1"],
        targets: [S3Bucket],
        also_reads: [S3BucketAcl, S3BucketPolicy, S3BucketPublicAccessBlock, S3BucketOwnershipControls, S3AccountPublicAccessBlock],
        params: [],
        reads: ["acl", "policy", "public_access_block", "object_ownership"],
    }
}

impl Rule for BucketPublicRead {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        public_verdict(resource, ctx, Access::Read)
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::s3::fixtures::public_access_cases;
    use crate::cases::Cases;
    use soc2scan_model::S3_ALL_USERS;

    pub(super) fn cases() -> Cases {
        public_access_cases(
            (S3_ALL_USERS, "AllUsers", "READ"),
            "s3:GetObject",
            "s3:PutObject",
            "read or listed",
        )
    }
}
