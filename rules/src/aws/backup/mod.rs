//! AWS Backup rules: a backup plan in every region that holds data, how long plans keep
//! recovery points, and Vault Lock on vaults.

mod no_plan;
mod plan_retention_short;
mod vault_lock_off;

#[cfg(test)]
mod test_support;

pub use no_plan::NoPlan;
pub use plan_retention_short::PlanRetentionShort;
pub use vault_lock_off::VaultLockOff;

use crate::rule::Rule;

/// The AWS Backup rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&NoPlan, &PlanRetentionShort, &VaultLockOff];
