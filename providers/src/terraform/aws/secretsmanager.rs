//! Secrets Manager types: secrets, and the rotation settings that join them. A plan shows
//! whether rotation is on and how often; when a secret was last rotated only a running
//! account knows (the model's `history` stays absent, and the rule judges the
//! configuration alone).

use crate::model::ResourceKind::SecretsmanagerSecret as SecretKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_int, block_str, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};

/// The Secrets Manager types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_secretsmanager_secret"],
        kinds: &[SecretKind],
        resource: Some(secret),
        relation: None,
        unknown: &[],
        becomes: "`secretsmanager_secret`",
        notes: "`name`, `kms_key_id`; rotation off until an \
                `aws_secretsmanager_secret_rotation` joins it; no history (when it was last \
                rotated is known only in a running account)",
    },
    TypeMapping {
        types: &["aws_secretsmanager_secret_rotation"],
        kinds: &[SecretKind],
        resource: None,
        relation: Some(rotation),
        unknown: &[ROTATION_ENABLED, ROTATION_DAYS, ROTATION_SCHEDULE],
        becomes: "the rotation of its `secretsmanager_secret`",
        notes: "joins a secret of the plan (`secret_id`): rotation on, \
                `rotation_rules` (`automatically_after_days`, `schedule_expression`, \
                `duration`), `rotation_lambda_arn`",
    },
];

const ROTATION_ENABLED: UnknownField =
    UnknownField::new(SecretKind, "rotation_enabled", "secret_id");
const ROTATION_DAYS: UnknownField = UnknownField::new(
    SecretKind,
    "rotation_rules.automatically_after_days",
    "rotation_rules.automatically_after_days",
);
const ROTATION_SCHEDULE: UnknownField = UnknownField::new(
    SecretKind,
    "rotation_rules.schedule_expression",
    "rotation_rules.schedule_expression",
);

const SECRET: Link = Link {
    attribute: "secret_id",
    kind: SecretKind,
    types: &["aws_secretsmanager_secret"],
    value_prefix: "",
};

fn secret(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let config = ResourceConfig::SecretsmanagerSecret(SecretsmanagerSecret {
        name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| i.address.clone()),
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        rotation_enabled: false,
        rotation_lambda_arn: None,
        rotation_rules: None,
        owning_service: None,
        primary_region: None,
        history: None,
    });
    // Rotations name their secret by its ARN (`id` and `arn` are the same).
    let identity = i.str("arn").or_else(|| i.str("id")).map(str::to_string);
    b.push_primary(position, config, Vec::new(), identity);
}

/// An `aws_secretsmanager_secret_rotation` turns rotation on for its secret, on its
/// schedule.
fn rotation(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &SECRET);
    let i = &b.instances[position];
    let rules = i.block("rotation_rules");
    let within =
        |key| i.unknown_within(&[Step::Key("rotation_rules"), Step::At(0), Step::Key(key)]);
    let unknown: Vec<UnknownValue> = [
        (ROTATION_DAYS, "automatically_after_days"),
        (ROTATION_SCHEDULE, "schedule_expression"),
    ]
    .into_iter()
    .filter(|(_, key)| within(key))
    .map(|(field, _)| i.unknown(&field))
    .collect();
    let value = SecretRotationRules {
        automatically_after_days: block_int(rules, "automatically_after_days")
            .and_then(|days| u64::try_from(days).ok())
            .filter(|days| *days > 0),
        schedule_expression: block_str(rules, "schedule_expression")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        duration: block_str(rules, "duration")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    };
    let lambda = i.str("rotation_lambda_arn").map(str::to_string);
    match target {
        Target::Resource(index) => {
            if let ResourceConfig::SecretsmanagerSecret(secret) = &mut b.resources[index].config {
                secret.rotation_enabled = true;
                secret.rotation_lambda_arn = lambda;
                secret.rotation_rules = Some(value);
            }
            b.planned[index].unknown.extend(unknown);
        }
        // A secret outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could be any secret of the plan.
        Target::Unknown => {
            let value = i.unknown_at(&ROTATION_ENABLED, i.attribute(SECRET.attribute));
            b.spread_unknown(SecretKind, value);
        }
    }
}
