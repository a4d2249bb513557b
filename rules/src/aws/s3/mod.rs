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
    let block = bucket.public_access_block.map(|b| b.combined(&account));
    let acls_neutralised = match (block, bucket.acls_disabled()) {
        (_, Some(true)) => Some(true),
        (Some(b), _) if b.ignore_public_acls => Some(true),
        (Some(_), Some(false)) => Some(false),
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
    let policy_neutralised = block.map(|b| b.restrict_public_buckets);
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
