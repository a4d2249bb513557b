//! Builders shared by the IAM rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT};
use chrono::{DateTime, Utc};
use soc2scan_model::{
    AccessKey, AttachedPolicy, IamCredentialReport, IamUser, InlinePolicy, LastUsed,
    PolicyDocument, Resource, ResourceConfig, UserCredentials,
};

/// The ARN of a test user.
pub fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// A user created 400 days ago, with a credential report row showing no password, no MFA
/// and no keys, and no policies or groups.
pub fn user(name: &str) -> IamUser {
    IamUser {
        user_name: name.to_string(),
        user_id: None,
        create_date: days_ago(400),
        credentials: Some(UserCredentials {
            password_enabled: false,
            password_last_used: LastUsed::Never,
            password_last_changed: None,
            mfa_active: false,
            access_keys: vec![],
        }),
        attached_managed_policies: vec![],
        inline_policies: vec![],
        groups: vec![],
    }
}

/// The credentials of a user built by [`user`], to adjust.
pub fn creds(user: &mut IamUser) -> &mut UserCredentials {
    user.credentials
        .as_mut()
        .expect("test users start with credentials")
}

/// A user as a resource with its ARN as id.
pub fn user_resource(user: IamUser) -> Resource {
    resource(&user_arn(&user.user_name), ResourceConfig::IamUser(user))
}

/// `LastUsed::Used` that many days ago.
pub fn used(days: i64) -> LastUsed {
    LastUsed::Used { at: days_ago(days) }
}

/// An access key in `slot`, rotated `rotated` days ago (`None`: not reported).
pub fn key(slot: u8, active: bool, rotated: Option<i64>, last_used: LastUsed) -> AccessKey {
    AccessKey {
        slot,
        active,
        last_rotated: rotated.map(days_ago),
        last_used,
    }
}

/// A managed policy attachment.
pub fn attached(name: &str, arn: &str) -> AttachedPolicy {
    AttachedPolicy {
        policy_name: name.to_string(),
        policy_arn: arn.to_string(),
    }
}

/// An inline policy from document text (JSON or URL-encoded JSON).
pub fn inline(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy {
        policy_name: name.to_string(),
        document: PolicyDocument::parse(document).expect("test policy parses"),
    }
}

/// The account's credential report resource, generated at `generated_at`.
pub fn credential_report(generated_at: Option<DateTime<Utc>>) -> Resource {
    resource(
        &format!("arn:aws:iam::{ACCOUNT}:credential-report"),
        ResourceConfig::IamCredentialReport(IamCredentialReport { generated_at }),
    )
}
