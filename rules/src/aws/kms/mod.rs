//! AWS KMS rules: automatic rotation, scheduled deletion and public key policies of
//! customer-managed keys. AWS-managed keys are not the customer's to rotate, delete or
//! write policies for: no KMS rule applies to them.

mod key_pending_deletion;
mod key_policy_public;
mod key_rotation_off;

#[cfg(test)]
mod test_support;

pub use key_pending_deletion::KeyPendingDeletion;
pub use key_policy_public::KeyPolicyPublic;
pub use key_rotation_off::KeyRotationOff;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{KmsKey, Resource, ResourceConfig};

/// The KMS rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&KeyRotationOff, &KeyPendingDeletion, &KeyPolicyPublic];

/// Whether a customer rule applies: every key but the ones known to be AWS-managed (a key
/// whose manager is not known is judged, and is not evaluated when its data is missing).
fn customer_key(resource: &Resource) -> bool {
    matches!(&resource.config, ResourceConfig::KmsKey(key) if !key.aws_managed())
}

/// The key of a resource the engine handed a KMS rule.
fn key_of(resource: &Resource) -> Result<&KmsKey, Verdict> {
    match &resource.config {
        ResourceConfig::KmsKey(key) => Ok(key),
        _ => Err(crate::aws::wrong_kind(resource, "a KMS key")),
    }
}

/// How a message names a key: its id (or name), with its description when it has one.
fn named(resource: &Resource, key: &KmsKey) -> String {
    let name = resource.display_name();
    match key.description.as_deref().filter(|d| !d.is_empty()) {
        Some(description) => format!("{name} (\"{description}\")"),
        None => name.to_string(),
    }
}
