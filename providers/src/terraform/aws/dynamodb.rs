//! DynamoDB types: tables with their point-in-time recovery and deletion protection.

use crate::model::ResourceKind::DynamodbTable as TableKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_bool, block_int, block_str, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};

/// The DynamoDB types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[TypeMapping {
    types: &["aws_dynamodb_table"],
    kinds: &[TableKind],
    resource: Some(table),
    relation: None,
    unknown: &[TABLE_PITR, TABLE_DELETION_PROTECTION],
    becomes: "`dynamodb_table`",
    notes: "`point_in_time_recovery` block (off without one), `deletion_protection_enabled` \
            (default false), `server_side_encryption`",
}];

const TABLE_PITR: UnknownField = UnknownField::new(
    TableKind,
    "point_in_time_recovery_enabled",
    "point_in_time_recovery.enabled",
);
const TABLE_DELETION_PROTECTION: UnknownField = UnknownField::new(
    TableKind,
    "deletion_protection_enabled",
    "deletion_protection_enabled",
);

fn table(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    // Only `enabled` matters: the block's computed `recovery_period_in_days` may be unknown
    // while whether recovery is on is not.
    if i.configured("point_in_time_recovery")
        && i.unknown_within(&[
            Step::Key("point_in_time_recovery"),
            Step::At(0),
            Step::Key("enabled"),
        ])
    {
        unknown.push(i.unknown(&TABLE_PITR));
    }
    if i.is_unknown(TABLE_DELETION_PROTECTION.attribute)
        && i.configured(TABLE_DELETION_PROTECTION.attribute)
    {
        unknown.push(i.unknown(&TABLE_DELETION_PROTECTION));
    }
    let pitr = i.block("point_in_time_recovery");
    let pitr_enabled = block_bool(pitr, "enabled").unwrap_or(false);
    let sse = i.block("server_side_encryption");
    let sse_enabled = block_bool(sse, "enabled").unwrap_or(false);
    let config = ResourceConfig::DynamodbTable(DynamodbTable {
        table_name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| i.address.clone()),
        table_status: Some("ACTIVE".to_string()),
        deletion_protection_enabled: Some(
            i.bool(TABLE_DELETION_PROTECTION.attribute).unwrap_or(false),
        ),
        billing_mode: Some(i.str("billing_mode").unwrap_or("PROVISIONED").to_string()),
        sse_type: sse_enabled.then(|| "KMS".to_string()),
        kms_key_arn: block_str(sse, "kms_key_arn")
            .filter(|_| sse_enabled)
            .map(str::to_string),
        creation_time: None,
        point_in_time_recovery_enabled: Some(pitr_enabled),
        point_in_time_recovery_days: block_int(pitr, "recovery_period_in_days")
            .and_then(|days| u32::try_from(days).ok())
            .filter(|_| pitr_enabled),
    });
    let identity = i.str("name").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}
