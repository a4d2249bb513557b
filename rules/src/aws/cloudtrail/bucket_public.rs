use super::{own_trail, trail_of};
use crate::aws::s3::{account_block, exposure, Access, Exposure};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig, ResourceKind};

declare_rule! {
    /// ## What it checks
    ///
    /// For every trail of the account, looks up the S3 bucket it delivers to among the
    /// account's buckets and fails when anyone can read or list it, or write to it —
    /// the same evaluation as `aws-s3-bucket-public-read` and `aws-s3-bucket-public-write`
    /// (ACL grants and policy statements, after Block Public Access of the bucket and the
    /// account, and Object Ownership). Passes when the bucket is open to no one outside.
    ///
    /// A bucket that is not among the account's buckets in the snapshot — a central
    /// logging bucket of another account, as organizations usually have — is not evaluated,
    /// and the message says so: scan the account that owns it. So is a bucket whose ACL,
    /// policy or Block Public Access could not be read where they decide. Without S3 in the
    /// snapshot (`--services` left it out) the rule is skipped as not collected. An
    /// organization trail seen from a member account is judged in its management account.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to protected information to be restricted, and CC7.2 expects
    /// monitoring records to be kept safe. The trail's bucket holds the whole account's
    /// activity record: if anyone can read it, it tells an attacker the account's
    /// principals, resources and habits; if anyone can write to it, the record of an attack
    /// can be erased or forged.
    ///
    /// ## How to fix
    ///
    /// Remove the public ACL grants and policy statements from the bucket — CloudTrail
    /// needs only a statement for the `cloudtrail.amazonaws.com` service principal,
    /// conditioned on the trail's ARN — and turn on Block Public Access.
    ///
    /// ### Console
    ///
    /// S3 → the trail's bucket → Permissions → Bucket policy: keep only the
    /// `AWSCloudTrailAclCheck` and `AWSCloudTrailWrite` statements; Block public access →
    /// Edit → "Block all public access" → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws s3api put-public-access-block --bucket acme-cloudtrail --public-access-block-configuration \
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_s3_bucket_public_access_block" "cloudtrail" {
    ///   bucket                  = aws_s3_bucket.cloudtrail.id
    ///   block_public_acls       = true
    ///   ignore_public_acls      = true
    ///   block_public_policy     = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security), CC7.2 (protected monitoring records).
    pub struct BucketPublic {
        id: "aws-cloudtrail-bucket-public",
        title: "CloudTrail trail's S3 bucket can be read or written by anyone",
        severity: Critical,
        criteria: ["CC6.1", "CC7.2"],
        targets: [CloudtrailTrail],
        also_reads: [S3Bucket, S3BucketAcl, S3BucketPolicy, S3BucketPublicAccessBlock, S3BucketOwnershipControls, S3AccountPublicAccessBlock],
        params: [],
        reads: ["s3_bucket_name", "owner_account"],
        runtime_only: "who can reach the bucket depends on its ACL, its policy and the account's Block Public Access, which a plan may know only after apply or not manage at all",
    }
}

impl Rule for BucketPublic {
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

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let trail = match trail_of(resource) {
            Ok(trail) => trail,
            Err(verdict) => return verdict,
        };
        let Some(bucket_name) = trail.s3_bucket_name.as_deref() else {
            return Verdict::NotEvaluated(format!(
                "CloudTrail trail {}: the snapshot does not say which S3 bucket it delivers to",
                crate::aws::named(resource)
            ));
        };
        let found = ctx
            .inventory
            .resources_of(ResourceKind::S3Bucket)
            .filter(|r| r.account == resource.account)
            .find_map(|r| match &r.config {
                ResourceConfig::S3Bucket(b) if b.name == bucket_name => Some((r, b)),
                _ => None,
            });
        let Some((bucket_resource, bucket)) = found else {
            return Verdict::NotEvaluated(format!(
                "CloudTrail trail {} delivers to S3 bucket {bucket_name}, which is not among the buckets of account {} in this snapshot: it belongs to another account (or no longer exists) — scan the account that owns it",
                crate::aws::named(resource), resource.account
            ));
        };
        let account = account_block(ctx.inventory, bucket_resource);
        let mut public = Vec::new();
        let mut unknown = Vec::new();
        for (access, verb) in [(Access::Read, "read or listed"), (Access::Write, "written")] {
            match exposure(bucket, account, access) {
                Exposure::Private => {}
                Exposure::Public(grants) => {
                    public.push(format!("can be {verb} by anyone ({})", grants.join("; ")))
                }
                Exposure::Unknown(why) => unknown.push(why),
            }
        }
        if !public.is_empty() {
            return Verdict::Fail(format!(
                "CloudTrail trail {} delivers to S3 bucket {bucket_name}, which {}; expected the log bucket closed to everyone but CloudTrail and the account",
                crate::aws::named(resource),
                public.join(" and ")
            ));
        }
        if !unknown.is_empty() {
            unknown.dedup();
            return Verdict::NotEvaluated(format!(
                "CloudTrail trail {}: whether anyone can reach its S3 bucket {bucket_name} could not be decided ({})",
                crate::aws::named(resource),
                unknown.join(", ")
            ));
        }
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::aws::s3::fixtures::{bucket_resource, group_grant, private_bucket};
    use crate::cases::{Case, Cases};
    use soc2scan_model::{S3PublicAccessBlock, S3_ALL_USERS};

    pub(super) fn cases() -> Cases {
        let mut open = private_bucket("acme-trail");
        open.public_access_block = Some(S3PublicAccessBlock::default());
        open.object_ownership = Some("ObjectWriter".into());
        open.acl
            .as_mut()
            .unwrap()
            .grants
            .push(group_grant(S3_ALL_USERS, "READ"));
        let mut unread = private_bucket("acme-trail");
        unread.public_access_block = None;
        unread.policy = None;
        Cases::new()
            .case(
                Case::new("a private log bucket passes")
                    .pass(trail("main", |_| {}))
                    .with(bucket_resource(private_bucket("acme-trail"))),
            )
            .case(
                Case::new("a bucket anyone can read fails")
                    .fail(
                        trail("main", |_| {}),
                        &["delivers to S3 bucket acme-trail, which can be read or listed by anyone (ACL grants READ to AllUsers)"],
                    )
                    .with(bucket_resource(open)),
            )
            .case(
                Case::new("a bucket of another account is not evaluated, and says so")
                    .not_evaluated(
                        trail("main", |t| t.s3_bucket_name = Some("central-logs".into())),
                        &["central-logs, which is not among the buckets of account 111122223333", "belongs to another account"],
                    )
                    .with(bucket_resource(private_bucket("acme-trail"))),
            )
            .case(
                Case::new("a bucket whose policy could not be read is not evaluated")
                    .not_evaluated(trail("main", |_| {}), &["could not be decided", "policy was not collected"])
                    .with(bucket_resource(unread)),
            )
            .case(
                Case::new("another account's organization trail is judged there")
                    .not_applicable(organization_trail(|_| {}))
                    .with(bucket_resource(private_bucket("acme-trail"))),
            )
    }
}
