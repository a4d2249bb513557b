//! Builders of KMS keys for the rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{KmsKey, PolicyDocument, Resource, ResourceConfig};

/// The ARN of a key in the test account and region.
pub fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
}

/// An enabled customer-managed symmetric key that rotates, with the default key policy.
pub fn good_key(id: &str) -> KmsKey {
    KmsKey {
        key_id: id.to_string(),
        key_manager: Some("CUSTOMER".to_string()),
        key_state: Some("Enabled".to_string()),
        key_spec: Some("SYMMETRIC_DEFAULT".to_string()),
        key_usage: Some("ENCRYPT_DECRYPT".to_string()),
        origin: Some("AWS_KMS".to_string()),
        multi_region: Some(false),
        description: Some("application data".to_string()),
        creation_date: Some(days_ago(400)),
        deletion_date: None,
        pending_deletion_window_days: None,
        rotation_enabled: Some(true),
        rotation_period_days: Some(365),
        policy: Some(policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
        ))),
    }
}

/// An AWS-managed key (`aws/ebs`): AWS rotates it and writes its policy.
pub fn aws_managed_key(id: &str) -> KmsKey {
    KmsKey {
        key_manager: Some("AWS".to_string()),
        description: Some(
            "Default key that protects my EBS volumes when no other key is defined".to_string(),
        ),
        rotation_enabled: None,
        rotation_period_days: None,
        policy: None,
        ..good_key(id)
    }
}

/// A key whose `DescribeKey` failed: its id alone.
pub fn undescribed_key(id: &str) -> KmsKey {
    KmsKey::id_only(id)
}

/// A policy document from JSON text.
pub fn policy(json: &str) -> PolicyDocument {
    PolicyDocument::parse(json).expect("a valid test policy")
}

/// A key as a resource.
pub fn key(config: KmsKey) -> Resource {
    resource(&key_arn(&config.key_id), ResourceConfig::KmsKey(config))
}
