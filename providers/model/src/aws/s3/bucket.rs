use super::S3PublicAccessBlock;
use crate::PolicyDocument;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An S3 bucket, with everything the S3 rules read. The resource's `region` is the
/// bucket's own region.
///
/// Each part is read with its own call, and each is `None` when that call failed (the
/// coverage table then has a gap narrowed to the bucket for the part's coverage-only kind,
/// `s3_bucket_acl`, `s3_bucket_policy`, …). A part S3 answers "not configured" for is a
/// value: no policy, no Block Public Access settings (all off), no default encryption, no
/// ownership controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Bucket {
    /// The bucket name.
    pub name: String,
    /// When the bucket was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    /// The bucket ACL's grants (`GetBucketAcl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<S3Acl>,
    /// The bucket policy (`GetBucketPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<S3PolicyState>,
    /// The bucket's own Block Public Access settings (`GetPublicAccessBlock`); all off when
    /// the bucket has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<S3PublicAccessBlock>,
    /// Default encryption (`GetBucketEncryption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_encryption: Option<S3DefaultEncryption>,
    /// Versioning (`GetBucketVersioning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<S3Versioning>,
    /// Server access logging (`GetBucketLogging`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<S3Logging>,
    /// Object Ownership (`GetBucketOwnershipControls`): `BucketOwnerEnforced` (ACLs
    /// disabled), `BucketOwnerPreferred` or `ObjectWriter`; a bucket without ownership
    /// controls is `ObjectWriter`, which is what S3 applies then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ownership: Option<String>,
}

impl S3Bucket {
    /// Whether ACLs are disabled (Object Ownership `BucketOwnerEnforced`), if known.
    pub fn acls_disabled(&self) -> Option<bool> {
        self.object_ownership
            .as_deref()
            .map(|o| o == "BucketOwnerEnforced")
    }
}

/// A bucket ACL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Acl {
    /// The grants, in ACL order.
    #[serde(default)]
    pub grants: Vec<S3AclGrant>,
}

/// Group URI of everyone, anonymous callers included.
pub const S3_ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
/// Group URI of every authenticated AWS principal, of any account.
pub const S3_AUTHENTICATED_USERS: &str =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3AclGrant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// The group URI or canonical user id; `None` for e-mail grantees (soc2scan does not
    /// record e-mail addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee: Option<String>,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`.
    pub permission: String,
}

impl S3AclGrant {
    /// Whether the grant is to everyone or to every authenticated AWS principal.
    pub fn is_public(&self) -> bool {
        self.grantee_type == "Group"
            && matches!(
                self.grantee.as_deref(),
                Some(S3_ALL_USERS | S3_AUTHENTICATED_USERS)
            )
    }

    /// `AllUsers` or `AuthenticatedUsers`, for messages.
    pub fn group_name(&self) -> &str {
        self.grantee
            .as_deref()
            .and_then(|g| g.rsplit('/').next())
            .unwrap_or("unknown")
    }
}

/// A bucket's policy, or that it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum S3PolicyState {
    /// The bucket has no policy (`NoSuchBucketPolicy`).
    None,
    /// The bucket's policy document.
    Set {
        /// The document.
        document: PolicyDocument,
    },
}

impl S3PolicyState {
    /// The document, if the bucket has one.
    pub fn document(&self) -> Option<&PolicyDocument> {
        match self {
            S3PolicyState::None => None,
            S3PolicyState::Set { document } => Some(document),
        }
    }
}

/// Default encryption of new objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3DefaultEncryption {
    /// `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse` (DSSE-KMS); `None` when the
    /// bucket has no default encryption rule
    /// (`ServerSideEncryptionConfigurationNotFoundError`, buckets from before 2023).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The KMS key of SSE-KMS / DSSE-KMS (`None`: the AWS-managed `aws/s3` key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether S3 Bucket Keys are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_key_enabled: Option<bool>,
}

impl S3DefaultEncryption {
    /// Whether new objects are encrypted with a KMS key (SSE-KMS or DSSE-KMS).
    pub fn uses_kms(&self) -> bool {
        matches!(self.algorithm.as_deref(), Some("aws:kms" | "aws:kms:dsse"))
    }
}

/// Bucket versioning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Versioning {
    /// `Enabled`, `Suspended`, or `Off` for a bucket whose versioning was never set.
    pub status: String,
    /// Whether MFA delete is on, if S3 said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_delete: Option<bool>,
}

/// Server access logging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Logging {
    /// The bucket that receives the logs; `None` when logging is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_bucket: Option<String>,
    /// The object prefix of the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_prefix: Option<String>,
}
