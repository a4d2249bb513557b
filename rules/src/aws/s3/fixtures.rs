//! Test buckets: a private, fully configured bucket to vary from.

use crate::testing::resource;
use soc2scan_model::*;

/// The owner's own full-control grant.
pub(crate) fn owner_grant() -> S3AclGrant {
    S3AclGrant {
        grantee_type: "CanonicalUser".into(),
        grantee: Some("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be".into()),
        permission: "FULL_CONTROL".into(),
    }
}

/// A group grant (`AllUsers`, `AuthenticatedUsers`, `LogDelivery`).
pub(crate) fn group_grant(group_uri: &str, permission: &str) -> S3AclGrant {
    S3AclGrant {
        grantee_type: "Group".into(),
        grantee: Some(group_uri.into()),
        permission: permission.into(),
    }
}

/// All four Block Public Access settings on.
pub(crate) fn all_on() -> S3PublicAccessBlock {
    S3PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }
}

/// A private bucket that passes every S3 rule: owner-only ACL, a TLS-only policy, Block
/// Public Access on, SSE-KMS, versioning, logging and ACLs disabled.
pub(crate) fn private_bucket(name: &str) -> S3Bucket {
    S3Bucket {
        name: name.into(),
        creation_date: None,
        acl: Some(S3Acl {
            grants: vec![owner_grant()],
        }),
        policy: Some(policy(&format!(
            r#"{{"Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
        ))),
        public_access_block: Some(all_on()),
        default_encryption: Some(S3DefaultEncryption {
            algorithm: Some("aws:kms".into()),
            kms_key_id: Some("arn:aws:kms:eu-west-1:111122223333:key/1234".into()),
            bucket_key_enabled: Some(true),
        }),
        versioning: Some(S3Versioning {
            status: "Enabled".into(),
            mfa_delete: Some(false),
        }),
        logging: Some(S3Logging {
            target_bucket: Some("acme-logs".into()),
            target_prefix: Some(format!("{name}/")),
        }),
        object_ownership: Some("BucketOwnerEnforced".into()),
    }
}

/// A bucket policy from its JSON.
pub(crate) fn policy(json: &str) -> S3PolicyState {
    S3PolicyState::Set {
        document: PolicyDocument::parse(json).expect("test policy parses"),
    }
}

/// The bucket as a resource of the test account.
pub(crate) fn bucket_resource(bucket: S3Bucket) -> Resource {
    let mut r = resource(
        &format!("arn:aws:s3:::{}", bucket.name),
        ResourceConfig::S3Bucket(bucket),
    );
    r.name = r.config.native_id().map(str::to_string);
    r
}

/// The test account's Block Public Access settings.
pub(crate) fn account_block(configured: bool, settings: S3PublicAccessBlock) -> Resource {
    let mut r = resource(
        "arn:aws:s3::111122223333:account-public-access-block",
        ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
            configured,
            settings,
        }),
    );
    r.region = GLOBAL_REGION.to_string();
    r
}
