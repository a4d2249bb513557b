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
    use crate::aws::s3::fixtures::*;
    use crate::cases::{Case, Cases};
    use soc2scan_model::{S3PublicAccessBlock, S3_ALL_USERS};

    fn open(mut b: soc2scan_model::S3Bucket) -> soc2scan_model::S3Bucket {
        b.public_access_block = Some(S3PublicAccessBlock::default());
        b
    }

    pub(super) fn cases() -> Cases {
        let mut acl = open(private_bucket("acl-public"));
        acl.object_ownership = Some("ObjectWriter".into());
        acl.acl
            .as_mut()
            .unwrap()
            .grants
            .push(group_grant(S3_ALL_USERS, "READ"));
        let mut acl_ignored = acl.clone();
        acl_ignored.name = "acl-ignored".into();
        acl_ignored.public_access_block = Some(S3PublicAccessBlock {
            ignore_public_acls: true,
            ..Default::default()
        });
        let mut acl_disabled = acl.clone();
        acl_disabled.name = "acl-disabled".into();
        acl_disabled.object_ownership = Some("BucketOwnerEnforced".into());
        let mut policy_public = open(private_bucket("policy-public"));
        policy_public.policy = Some(policy(
            r#"{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::policy-public/*"}]}"#,
        ));
        let mut policy_restricted = open(private_bucket("policy-restricted"));
        policy_restricted.policy = Some(policy(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}}]}"#,
        ));
        let mut other_access = open(private_bucket("other-access"));
        other_access.policy = Some(policy(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}"#,
        ));
        let mut unknown_acl = acl.clone();
        unknown_acl.name = "unknown-ownership".into();
        unknown_acl.object_ownership = None;
        unknown_acl.public_access_block = None;
        Cases::new()
            .case(Case::new("a private bucket passes").pass(bucket_resource(private_bucket("private"))))
            .case(
                Case::new("a public ACL grant fails unless IgnorePublicAcls or disabled ACLs neutralise it")
                    .fail(bucket_resource(acl), &["acl-public", "can be read or listed by anyone", "ACL grants READ to AllUsers", "expected no public access"])
                    .pass(bucket_resource(acl_ignored))
                    .pass(bucket_resource(acl_disabled)),
            )
            .case(
                Case::new("a policy open to everyone fails; one restricted to a VPC endpoint passes; other actions do not count")
                    .fail(bucket_resource(policy_public), &["policy-public", "statement \"Open\" allows s3:GetObject", "RestrictPublicBuckets"])
                    .pass(bucket_resource(policy_restricted))
                    .pass(bucket_resource(other_access)),
            )
            .case(
                Case::new("the account's RestrictPublicBuckets neutralises a public policy")
                    .pass(bucket_resource({
                        let mut b = open(private_bucket("account-restricted"));
                        b.policy = Some(policy(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#));
                        b
                    }))
                    .with(account_block(true, S3PublicAccessBlock { restrict_public_buckets: true, ..Default::default() })),
            )
            .case(
                Case::new("a public ACL whose neutralising settings were not read is not evaluated")
                    .not_evaluated(bucket_resource(unknown_acl), &["unknown-ownership", "could not be decided"]),
            )
            .applies_to_every_resource("any bucket can be opened by an ACL or a policy, so every one is judged")
    }
}
