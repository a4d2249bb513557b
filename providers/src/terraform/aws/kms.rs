//! KMS types: keys, and key policies set by a resource of their own.

use crate::model::ResourceKind::KmsKey as KeyKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::Value;

/// The KMS types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_kms_key"],
        kinds: &[KeyKind],
        resource: Some(key),
        relation: None,
        unknown: &[KEY_ROTATION, KEY_POLICY, KEY_ENABLED, KEY_SPEC],
        becomes: "`kms_key`",
        notes: "customer-managed; `enable_key_rotation` (default false), `is_enabled`, \
                `customer_master_key_spec`, `policy` (a rendered `aws_iam_policy_document` \
                is read like any JSON; no `policy` is the default key policy, which names \
                the key's own account); `deletion_window_in_days` is the waiting period of \
                a future deletion, not a scheduled one",
    },
    TypeMapping {
        types: &["aws_kms_key_policy"],
        kinds: &[KeyKind],
        resource: None,
        relation: Some(key_policy),
        unknown: &[KEY_POLICY],
        becomes: "the `policy` of its `kms_key`",
        notes: "joins a key of the plan (`key_id`)",
    },
];

const KEY_ROTATION: UnknownField =
    UnknownField::new(KeyKind, "rotation_enabled", "enable_key_rotation");
const KEY_POLICY: UnknownField = UnknownField::new(KeyKind, "policy", "policy");
const KEY_ENABLED: UnknownField = UnknownField::new(KeyKind, "key_state", "is_enabled");
const KEY_SPEC: UnknownField = UnknownField::new(KeyKind, "key_spec", "customer_master_key_spec");

const KEY: Link = Link {
    attribute: "key_id",
    kind: KeyKind,
    types: &["aws_kms_key"],
    value_prefix: "",
};

fn key(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    // `policy` is computed: a key configured without one shows it unknown in the plan, and
    // gets KMS's default policy (the key's own account, through IAM).
    let default_policy_applies = !i.configured(KEY_POLICY.attribute);
    let unknown: Vec<UnknownValue> = [KEY_ROTATION, KEY_ENABLED, KEY_SPEC, KEY_POLICY]
        .iter()
        .filter(|field| i.is_unknown(field.attribute))
        .filter(|field| field.attribute != KEY_POLICY.attribute || !default_policy_applies)
        .map(|field| i.unknown(field))
        .collect();
    let policy = match i.str(KEY_POLICY.attribute) {
        Some(text) => parse_document(text),
        None if default_policy_applies || !i.is_unknown(KEY_POLICY.attribute) => {
            Some(default_policy(&i.account))
        }
        None => None,
    };
    let origin = match (i.str("custom_key_store_id"), i.str("xks_key_id")) {
        (_, Some(_)) => "EXTERNAL_KEY_STORE",
        (Some(_), None) => "AWS_CLOUDHSM",
        (None, None) => "AWS_KMS",
    };
    let rotation_enabled = i.bool("enable_key_rotation").unwrap_or(false);
    let config = ResourceConfig::KmsKey(KmsKey {
        key_id: i
            .str("key_id")
            .map(str::to_string)
            .unwrap_or_else(|| i.native_id()),
        key_manager: Some("CUSTOMER".to_string()),
        key_state: Some(
            if i.bool("is_enabled").unwrap_or(true) {
                "Enabled"
            } else {
                "Disabled"
            }
            .to_string(),
        ),
        key_spec: Some(
            i.str("customer_master_key_spec")
                .unwrap_or("SYMMETRIC_DEFAULT")
                .to_string(),
        ),
        key_usage: Some(i.str("key_usage").unwrap_or("ENCRYPT_DECRYPT").to_string()),
        origin: Some(origin.to_string()),
        multi_region: Some(i.bool("multi_region").unwrap_or(false)),
        description: i.str("description").map(str::to_string),
        creation_date: None,
        deletion_date: None,
        pending_deletion_window_days: None,
        rotation_enabled: Some(rotation_enabled),
        rotation_period_days: i
            .int("rotation_period_in_days")
            .filter(|_| rotation_enabled)
            .and_then(|days| u32::try_from(days).ok()),
        policy,
    });
    let identity = i.str("key_id").or(i.str("id")).map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

/// An `aws_kms_key_policy` sets the policy of its key.
fn key_policy(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &KEY);
    let i = &b.instances[position];
    let unknown = i
        .is_unknown(KEY_POLICY.attribute)
        .then(|| i.unknown(&KEY_POLICY));
    let policy = i.str(KEY_POLICY.attribute).and_then(parse_document);
    match target {
        Target::Resource(index) => {
            if let ResourceConfig::KmsKey(key) = &mut b.resources[index].config {
                key.policy = policy.or(key.policy.take());
            }
            b.planned[index].unknown.extend(unknown);
        }
        // A key outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could be any key of the plan.
        Target::Unknown => {
            let value = i.unknown_at(&KEY_POLICY, i.attribute(KEY.attribute));
            b.spread_unknown(KeyKind, value);
        }
    }
}

/// The key policy KMS gives a key created without one: the account may use IAM policies to
/// grant access to it.
fn default_policy(account: &str) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    PolicyDocument::parse(&text).unwrap_or_default()
}

fn parse_document(text: &str) -> Option<PolicyDocument> {
    serde_json::from_value(Value::String(text.to_string())).ok()
}
