//! Amazon DynamoDB rules: point-in-time recovery and deletion protection of tables.

mod table_deletion_protection_off;
mod table_pitr_off;

#[cfg(test)]
mod test_support;

pub use table_deletion_protection_off::TableDeletionProtectionOff;
pub use table_pitr_off::TablePitrOff;

use crate::rule::{Rule, Verdict};
use soc2scan_model::{DynamodbTable, Resource, ResourceConfig};

/// The DynamoDB rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&TablePitrOff, &TableDeletionProtectionOff];

/// The table of a resource the engine handed a DynamoDB rule.
fn table_of(resource: &Resource) -> Result<&DynamodbTable, Verdict> {
    match &resource.config {
        ResourceConfig::DynamodbTable(table) => Ok(table),
        _ => Err(crate::aws::wrong_kind(resource, "a DynamoDB table")),
    }
}
