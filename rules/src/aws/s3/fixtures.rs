//! Test buckets: a private, fully configured bucket to vary from.

use crate::cases::{Case, Cases};
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

fn open(mut b: soc2scan_model::S3Bucket) -> soc2scan_model::S3Bucket {
    b.public_access_block = Some(S3PublicAccessBlock::default());
    b
}

/// The cases of a public-access rule: `grant` a public ACL grant that gives the access
/// (`(group URI, group name, permission)`), `action` a policy action that gives it,
/// `other_action` one that does not, `verb` how the message says it.
pub(crate) fn public_access_cases(
    grant: (&str, &str, &str),
    action: &str,
    other_action: &str,
    verb: &str,
) -> Cases {
    let (group, group_name, permission) = grant;
    let mut acl = open(private_bucket("acl-public"));
    acl.object_ownership = Some("ObjectWriter".into());
    acl.acl
        .as_mut()
        .unwrap()
        .grants
        .push(group_grant(group, permission));
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
    policy_public.policy = Some(policy(&format!(
        r#"{{"Statement":[{{"Sid":"Open","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"{action}","Resource":"arn:aws:s3:::policy-public/*"}}]}}"#,
    )));
    let mut policy_restricted = open(private_bucket("policy-restricted"));
    policy_restricted.policy = Some(policy(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"{action}","Resource":"*","Condition":{{"StringEquals":{{"aws:SourceVpce":"vpce-1a2b"}}}}}}]}}"#,
    )));
    let mut other_access = open(private_bucket("other-access"));
    other_access.policy = Some(policy(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"{other_action}","Resource":"*"}}]}}"#,
    )));
    let mut unknown_acl = acl.clone();
    unknown_acl.name = "unknown-ownership".into();
    unknown_acl.object_ownership = None;
    unknown_acl.public_access_block = None;
    Cases::new()
        .case(Case::new("a private bucket passes").pass(bucket_resource(private_bucket("private"))))
        .case(
            Case::new("a public ACL grant fails unless IgnorePublicAcls or disabled ACLs neutralise it")
                .fail(bucket_resource(acl), &["acl-public", &format!("can be {verb} by anyone"), &format!("ACL grants {permission} to {group_name}"), "expected no public access"])
                .pass(bucket_resource(acl_ignored))
                .pass(bucket_resource(acl_disabled)),
        )
        .case(
            Case::new("a policy open to everyone fails; one restricted to a VPC endpoint passes; other actions do not count")
                .fail(bucket_resource(policy_public), &["policy-public", &format!("statement \"Open\" allows {action}"), "RestrictPublicBuckets"])
                .pass(bucket_resource(policy_restricted))
                .pass(bucket_resource(other_access)),
        )
        .case(
            Case::new("the account's RestrictPublicBuckets neutralises a public policy")
                .pass(bucket_resource({
                    let mut b = open(private_bucket("account-restricted"));
                    b.policy = Some(policy(&format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"{action}","Resource":"*"}}]}}"#)));
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
