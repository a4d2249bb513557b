//! S3 rules, and the one evaluation of who can reach a bucket (public read and public
//! write here, the CloudTrail log bucket later).

mod account_public_access_block_off;
mod bucket_access_logging_off;
mod bucket_acls_enabled;
mod bucket_kms_encryption_off;
mod bucket_public_read;
mod bucket_public_write;
mod bucket_tls_not_enforced;
mod bucket_versioning_off;

pub use account_public_access_block_off::AccountPublicAccessBlockOff;
pub use bucket_access_logging_off::BucketAccessLoggingOff;
pub use bucket_acls_enabled::BucketAclsEnabled;
pub use bucket_kms_encryption_off::BucketKmsEncryptionOff;
pub use bucket_public_read::BucketPublicRead;
pub use bucket_public_write::BucketPublicWrite;
pub use bucket_tls_not_enforced::BucketTlsNotEnforced;
pub use bucket_versioning_off::BucketVersioningOff;

use super::resource_policy::{public_access, Actions};
use crate::inventory::Inventory;
use crate::rule::Rule;
use soc2scan_model::{Resource, S3AccountPublicAccessBlock, S3Bucket, S3PublicAccessBlock};

// Shared by every AWS service's rules.
use super::{named, wrong_kind};

#[cfg(test)]
pub(crate) mod fixtures;

/// The S3 rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &AccountPublicAccessBlockOff,
    &BucketPublicRead,
    &BucketPublicWrite,
    &BucketTlsNotEnforced,
    &BucketAccessLoggingOff,
    &BucketVersioningOff,
    &BucketKmsEncryptionOff,
    &BucketAclsEnabled,
];

/// What a caller could do to a bucket's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read objects or list the bucket.
    Read,
    /// Write, overwrite or delete objects, or change the bucket's ACL or policy.
    Write,
}

impl Access {
    /// The policy actions that give this access.
    fn actions(self) -> &'static [&'static str] {
        match self {
            Access::Read => READ_ACTIONS,
            Access::Write => WRITE_ACTIONS,
        }
    }

    /// Whether an ACL permission gives this access. `READ_ACP` (reading the ACL itself)
    /// exposes no data and gives neither.
    fn granted_by(self, permission: &str) -> bool {
        match self {
            Access::Read => matches!(permission, "READ" | "FULL_CONTROL"),
            Access::Write => matches!(permission, "WRITE" | "WRITE_ACP" | "FULL_CONTROL"),
        }
    }
}

/// Policy actions that read objects or list a bucket.
pub(crate) const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAttributes",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
];

/// Policy actions that write or delete objects, or change who can reach the bucket.
pub(crate) const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteBucket",
];

/// Who can reach a bucket, after Block Public Access and Object Ownership are applied.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Exposure {
    /// Open to everyone, through these grants and statements.
    Public(Vec<String>),
    /// Not open to everyone.
    Private,
    /// Not known: a part that decides it could not be read.
    Unknown(String),
}

/// The account's Block Public Access settings for a bucket's account, if the snapshot has
/// them (a Terraform plan may not manage them).
pub(crate) fn account_block<'s>(
    inventory: &Inventory<'s>,
    bucket: &Resource,
) -> Option<&'s S3AccountPublicAccessBlock> {
    inventory
        .resources_of(soc2scan_model::ResourceKind::S3AccountPublicAccessBlock)
        .find(|r| r.account == bucket.account)
        .and_then(|r| match &r.config {
            soc2scan_model::ResourceConfig::S3AccountPublicAccessBlock(block) => Some(block),
            _ => None,
        })
}

/// Whether `access` to the bucket is open to everyone: a public ACL grant that neither
/// `IgnorePublicAcls` (bucket or account) nor disabled ACLs (`BucketOwnerEnforced`)
/// neutralises, or a policy statement open to everyone that `RestrictPublicBuckets`
/// (bucket or account) does not neutralise. An account without Block Public Access in the
/// snapshot counts as all off. `Block*` settings only stop new grants; they do not undo
/// existing ones, so they are not counted.
pub(crate) fn exposure(
    bucket: &S3Bucket,
    account: Option<&S3AccountPublicAccessBlock>,
    access: Access,
) -> Exposure {
    let account = account.map(|a| a.settings).unwrap_or_default();
    let mut public = Vec::new();
    let mut unknown = Vec::new();
    // A setting is in force when the account or the bucket has it on; with the bucket's
    // settings unread, only the account's "on" is known.
    let in_force = |of: fn(&S3PublicAccessBlock) -> bool| -> Option<bool> {
        if of(&account) {
            Some(true)
        } else {
            bucket.public_access_block.as_ref().map(of)
        }
    };
    let acls_neutralised = match (in_force(|b| b.ignore_public_acls), bucket.acls_disabled()) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    match (&bucket.acl, acls_neutralised) {
        (_, Some(true)) => {}
        (None, _) => unknown.push("its ACL was not collected"),
        (Some(acl), neutralised) => {
            let grants: Vec<String> = acl
                .grants
                .iter()
                .filter(|g| g.is_public() && access.granted_by(&g.permission))
                .map(|g| format!("ACL grants {} to {}", g.permission, g.group_name()))
                .collect();
            if !grants.is_empty() {
                match neutralised {
                    Some(_) => public.extend(grants),
                    None => unknown
                        .push("its Block Public Access or Object Ownership was not collected"),
                }
            }
        }
    }
    let policy_neutralised = in_force(|b| b.restrict_public_buckets);
    match (&bucket.policy, policy_neutralised) {
        (_, Some(true)) => {}
        (None, _) => unknown.push("its policy was not collected"),
        (Some(policy), neutralised) => {
            let statements: Vec<String> = policy
                .document()
                .map(|doc| public_access(doc, Actions::Of(access.actions())))
                .unwrap_or_default()
                .iter()
                .map(|p| format!("policy {}", p.describe()))
                .collect();
            if !statements.is_empty() {
                match neutralised {
                    Some(_) => public.extend(statements),
                    None => unknown.push("its Block Public Access settings were not collected"),
                }
            }
        }
    }
    if !public.is_empty() {
        Exposure::Public(public)
    } else if !unknown.is_empty() {
        unknown.dedup();
        Exposure::Unknown(unknown.join(", "))
    } else {
        Exposure::Private
    }
}

/// The Block Public Access settings in force that are off, for the fix in a message.
pub(crate) fn neutralising_settings(block: &S3PublicAccessBlock) -> String {
    let off = block.off_settings();
    if off.is_empty() {
        String::new()
    } else {
        format!(" (Block Public Access off: {})", off.join(", "))
    }
}

/// A bucket's part that a rule reads, or the verdict when it cannot: not evaluated when the
/// part was not collected (its call failed for this bucket), and the wrong-kind verdict for
/// anything but a bucket.
pub(crate) fn bucket_part<'r, T>(
    resource: &'r Resource,
    part: fn(&S3Bucket) -> Option<&T>,
    label: &str,
) -> Result<&'r T, crate::rule::Verdict> {
    let soc2scan_model::ResourceConfig::S3Bucket(bucket) = &resource.config else {
        return Err(wrong_kind(resource, "an S3 bucket"));
    };
    part(bucket).ok_or_else(|| {
        crate::rule::Verdict::NotEvaluated(format!(
            "S3 bucket {}: its {label} was not collected",
            named(resource)
        ))
    })
}

/// The verdict of a public-read or public-write rule on one bucket.
pub(crate) fn public_verdict(
    resource: &Resource,
    ctx: &crate::rule::CheckContext<'_>,
    access: Access,
) -> crate::rule::Verdict {
    use crate::rule::Verdict;
    let soc2scan_model::ResourceConfig::S3Bucket(bucket) = &resource.config else {
        return wrong_kind(resource, "an S3 bucket");
    };
    let account = account_block(ctx.inventory, resource);
    let (verb, expected) = match access {
        Access::Read => (
            "read or listed",
            "remove the public grants, or turn on Block Public Access (IgnorePublicAcls, RestrictPublicBuckets) for the bucket or the account",
        ),
        Access::Write => (
            "written or deleted",
            "remove the public grants now: anyone can overwrite or delete its objects",
        ),
    };
    match exposure(bucket, account, access) {
        Exposure::Private => Verdict::Pass,
        Exposure::Public(grants) => {
            let combined = bucket
                .public_access_block
                .unwrap_or_default()
                .combined(&account.map(|a| a.settings).unwrap_or_default());
            let account_note = if account.is_none() {
                "; the account's Block Public Access is not in the snapshot"
            } else {
                ""
            };
            Verdict::Fail(format!(
                "S3 bucket {} can be {verb} by anyone: {}{}{account_note}; expected no public access — {expected}",
                named(resource),
                grants.join("; "),
                neutralising_settings(&combined),
            ))
        }
        Exposure::Unknown(why) => Verdict::NotEvaluated(format!(
            "S3 bucket {}: whether anyone can reach it could not be decided ({why})",
            named(resource)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use soc2scan_model::{S3AccountPublicAccessBlock, S3_ALL_USERS};

    /// A bucket with a public READ grant (ACLs enabled) and a public GetObject policy,
    /// with the given bucket settings.
    fn exposed(block: Option<S3PublicAccessBlock>, ownership: Option<&str>) -> S3Bucket {
        let mut b = private_bucket("b");
        b.public_access_block = block;
        b.object_ownership = ownership.map(str::to_string);
        b.acl
            .as_mut()
            .unwrap()
            .grants
            .push(group_grant(S3_ALL_USERS, "READ"));
        b.policy = Some(policy(
            r#"{"Statement":{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        ));
        b
    }

    fn account(settings: S3PublicAccessBlock) -> S3AccountPublicAccessBlock {
        S3AccountPublicAccessBlock {
            configured: true,
            settings,
        }
    }

    fn grants(exposure: Exposure) -> Vec<String> {
        match exposure {
            Exposure::Public(grants) => grants,
            other => panic!("expected public, got {other:?}"),
        }
    }

    const IGNORE_ACLS: S3PublicAccessBlock = S3PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: true,
        block_public_policy: false,
        restrict_public_buckets: false,
    };
    const RESTRICT: S3PublicAccessBlock = S3PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: false,
        block_public_policy: false,
        restrict_public_buckets: true,
    };
    const BLOCK_ONLY: S3PublicAccessBlock = S3PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: false,
        block_public_policy: true,
        restrict_public_buckets: false,
    };

    #[test]
    fn block_public_access_combinations() {
        let off = Some(S3PublicAccessBlock::default());
        let writer = Some("ObjectWriter");
        // Nothing on: both the ACL and the policy.
        let both = grants(exposure(&exposed(off, writer), None, Access::Read));
        assert_eq!(both.len(), 2, "{both:?}");
        assert!(both[0].contains("ACL grants READ to AllUsers"));
        assert!(both[1].contains("statement \"Open\" allows s3:GetObject"));
        // Block* settings stop new grants but do not undo existing ones.
        assert_eq!(
            grants(exposure(
                &exposed(Some(BLOCK_ONLY), writer),
                None,
                Access::Read
            ))
            .len(),
            2
        );
        // IgnorePublicAcls on the bucket or the account neutralises the ACL only.
        for (bucket, acct) in [(Some(IGNORE_ACLS), None), (off, Some(account(IGNORE_ACLS)))] {
            let left = grants(exposure(
                &exposed(bucket, writer),
                acct.as_ref(),
                Access::Read,
            ));
            assert_eq!(left.len(), 1);
            assert!(left[0].starts_with("policy"), "{left:?}");
        }
        // RestrictPublicBuckets on either neutralises the policy only.
        for (bucket, acct) in [(Some(RESTRICT), None), (off, Some(account(RESTRICT)))] {
            let left = grants(exposure(
                &exposed(bucket, writer),
                acct.as_ref(),
                Access::Read,
            ));
            assert_eq!(left.len(), 1);
            assert!(left[0].starts_with("ACL"), "{left:?}");
        }
        // Disabled ACLs neutralise the ACL whatever Block Public Access says.
        let left = grants(exposure(
            &exposed(off, Some("BucketOwnerEnforced")),
            None,
            Access::Read,
        ));
        assert_eq!(left.len(), 1);
        // Both halves, split between bucket and account: private.
        assert_eq!(
            exposure(
                &exposed(Some(IGNORE_ACLS), writer),
                Some(&account(RESTRICT)),
                Access::Read
            ),
            Exposure::Private
        );
        // A READ grant and a GetObject policy give no write access.
        assert_eq!(
            exposure(&exposed(off, writer), None, Access::Write),
            Exposure::Private
        );
    }

    #[test]
    fn unread_parts_are_unknown_only_where_they_decide() {
        let writer = Some("ObjectWriter");
        // Bucket settings unknown, account settings neutralise both: private.
        let both_on = account(S3PublicAccessBlock {
            ignore_public_acls: true,
            restrict_public_buckets: true,
            ..S3PublicAccessBlock::default()
        });
        assert_eq!(
            exposure(&exposed(None, writer), Some(&both_on), Access::Read),
            Exposure::Private
        );
        // Bucket settings unknown otherwise: unknown, not private.
        assert!(matches!(
            exposure(&exposed(None, writer), None, Access::Read),
            Exposure::Unknown(_)
        ));
        // A known public grant wins over an unknown part.
        let mut b = exposed(Some(S3PublicAccessBlock::default()), writer);
        b.acl = None;
        assert_eq!(grants(exposure(&b, None, Access::Read)).len(), 1);
        // An unread policy with nothing else public: unknown.
        let mut b = private_bucket("b");
        b.public_access_block = Some(S3PublicAccessBlock::default());
        b.policy = None;
        assert!(matches!(
            exposure(&b, None, Access::Read),
            Exposure::Unknown(why) if why.contains("policy was not collected")
        ));
    }
}
