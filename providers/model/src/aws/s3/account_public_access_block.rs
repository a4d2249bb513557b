use serde::{Deserialize, Serialize};

/// The account's S3 Block Public Access settings (S3 Control `GetPublicAccessBlock`), which
/// apply to every bucket of the account on top of the bucket's own settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3AccountPublicAccessBlock {
    /// Whether the account has a Block Public Access configuration at all
    /// (`NoSuchPublicAccessBlockConfiguration` is `false`, with every setting off).
    pub configured: bool,
    /// The four settings; all `false` when not configured.
    pub settings: S3PublicAccessBlock,
}

/// The four Block Public Access settings, of a bucket or of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3PublicAccessBlock {
    /// Rejects requests that add public ACLs.
    pub block_public_acls: bool,
    /// Ignores every public ACL on the bucket and its objects.
    pub ignore_public_acls: bool,
    /// Rejects bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Limits a bucket with a public policy to AWS services and the owner's principals.
    pub restrict_public_buckets: bool,
}

impl S3PublicAccessBlock {
    /// Whether all four settings are on.
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }

    /// The names of the settings that are off, as S3 spells them.
    pub fn off_settings(&self) -> Vec<&'static str> {
        [
            (self.block_public_acls, "BlockPublicAcls"),
            (self.ignore_public_acls, "IgnorePublicAcls"),
            (self.block_public_policy, "BlockPublicPolicy"),
            (self.restrict_public_buckets, "RestrictPublicBuckets"),
        ]
        .into_iter()
        .filter(|(on, _)| !on)
        .map(|(_, name)| name)
        .collect()
    }

    /// Both settings combined: a setting is in force when either has it on.
    pub fn combined(&self, other: &S3PublicAccessBlock) -> S3PublicAccessBlock {
        S3PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}
