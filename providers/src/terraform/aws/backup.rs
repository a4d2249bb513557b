//! AWS Backup types: plans with their rules, vaults, and the Vault Lock configurations that
//! join them.

use crate::model::ResourceKind::{BackupPlan as PlanKind, BackupVault as VaultKind};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_bool, block_int, block_str, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::Value;

/// The AWS Backup types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_backup_plan"],
        kinds: &[PlanKind],
        resource: Some(plan),
        relation: None,
        unknown: &[PLAN_RETENTION],
        becomes: "`backup_plan`",
        notes: "each `rule` with its `lifecycle` (`delete_after`; none: kept until deleted)",
    },
    TypeMapping {
        types: &["aws_backup_vault"],
        kinds: &[VaultKind],
        resource: Some(vault),
        relation: None,
        unknown: &[],
        becomes: "`backup_vault`",
        notes: "not locked until an `aws_backup_vault_lock_configuration` joins it",
    },
    TypeMapping {
        types: &["aws_backup_vault_lock_configuration"],
        kinds: &[VaultKind],
        resource: None,
        relation: Some(vault_lock),
        unknown: &[VAULT_LOCK],
        becomes: "the Vault Lock of its `backup_vault`",
        notes: "joins a vault of the plan (`backup_vault_name`); `changeable_for_days` makes \
                it compliance mode",
    },
];

const PLAN_RETENTION: UnknownField =
    UnknownField::new(PlanKind, "rules", "rule[N].lifecycle.delete_after");
const VAULT_LOCK: UnknownField = UnknownField::new(VaultKind, "locked", "backup_vault_name");

const VAULT: Link = Link {
    attribute: "backup_vault_name",
    kind: VaultKind,
    types: &["aws_backup_vault"],
    value_prefix: "",
};

fn plan(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let blocks: &[Value] = i
        .attr("rule")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut unknown = Vec::new();
    let mut rules = Vec::with_capacity(blocks.len());
    for (n, block) in blocks.iter().enumerate() {
        if i.unknown_within(&[Step::Key("rule"), Step::At(n), Step::Key("lifecycle")]) {
            unknown.push(i.unknown_at(
                &PLAN_RETENTION,
                format!("{}.rule[{n}].lifecycle.delete_after", i.address),
            ));
        }
        let lifecycle = block
            .get("lifecycle")
            .and_then(|l| l.get(0))
            .map(|l| {
                // 0 is the provider's "not set".
                let days = |key: &str| {
                    block_int(Some(l), key)
                        .filter(|d| *d > 0)
                        .and_then(|d| u64::try_from(d).ok())
                };
                BackupLifecycle {
                    delete_after_days: days("delete_after"),
                    move_to_cold_storage_after_days: days("cold_storage_after"),
                }
            })
            .filter(|l| {
                l.delete_after_days.is_some() || l.move_to_cold_storage_after_days.is_some()
            });
        rules.push(BackupRule {
            rule_name: block_str(Some(block), "rule_name")
                .unwrap_or("")
                .to_string(),
            target_vault_name: block_str(Some(block), "target_vault_name")
                .unwrap_or("")
                .to_string(),
            schedule_expression: block_str(Some(block), "schedule").map(str::to_string),
            enable_continuous_backup: block_bool(Some(block), "enable_continuous_backup"),
            lifecycle,
        });
    }
    let name = i
        .str("name")
        .map(str::to_string)
        .unwrap_or_else(|| i.address.clone());
    let config = ResourceConfig::BackupPlan(BackupPlan {
        backup_plan_id: i.native_id(),
        backup_plan_name: name,
        version_id: i.str("version").map(str::to_string),
        creation_date: None,
        rules: Some(rules),
    });
    b.push_primary(position, config, unknown, None);
}

fn vault(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let name = i.str("name").map(str::to_string);
    let config = ResourceConfig::BackupVault(BackupVault {
        backup_vault_name: name.clone().unwrap_or_else(|| i.address.clone()),
        vault_type: Some("BACKUP_VAULT".to_string()),
        encryption_key_arn: i.str("kms_key_arn").map(str::to_string),
        creation_date: None,
        number_of_recovery_points: None,
        locked: Some(false),
        min_retention_days: None,
        max_retention_days: None,
        lock_date: None,
    });
    b.push_primary(position, config, Vec::new(), name);
}

/// An `aws_backup_vault_lock_configuration` locks its vault.
fn vault_lock(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &VAULT);
    let now = b.now;
    let i = &b.instances[position];
    let days = |key: &str| i.int(key).and_then(|d| u64::try_from(d).ok());
    let (min, max, changeable) = (
        days("min_retention_days"),
        days("max_retention_days"),
        i.int("changeable_for_days"),
    );
    match target {
        Target::Resource(index) => {
            if let ResourceConfig::BackupVault(vault) = &mut b.resources[index].config {
                vault.locked = Some(true);
                vault.min_retention_days = min;
                vault.max_retention_days = max;
                // Compliance mode: immutable once the grace period after the apply ends.
                vault.lock_date = changeable
                    .and_then(chrono::TimeDelta::try_days)
                    .map(|d| now + d);
            }
        }
        // A vault outside the plan is not judged here.
        Target::Outside(_) => {}
        // It could lock any vault of the plan.
        Target::Unknown => {
            let value = i.unknown(&VAULT_LOCK);
            b.spread_unknown(VaultKind, value);
        }
    }
}
