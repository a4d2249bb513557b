//! Builders of DynamoDB tables for the rules' unit tests.

use crate::testing::{days_ago, resource, ACCOUNT, REGION};
use soc2scan_model::{DynamodbTable, Resource, ResourceConfig};

/// The ARN of a table in the test account and region.
pub fn table_arn(name: &str) -> String {
    format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")
}

/// An active table with point-in-time recovery and deletion protection on.
pub fn good_table(name: &str) -> DynamodbTable {
    DynamodbTable {
        table_name: name.to_string(),
        table_status: Some("ACTIVE".to_string()),
        deletion_protection_enabled: Some(true),
        billing_mode: Some("PAY_PER_REQUEST".to_string()),
        sse_type: None,
        kms_key_arn: None,
        creation_time: Some(days_ago(90)),
        point_in_time_recovery_enabled: Some(true),
        point_in_time_recovery_days: Some(35),
    }
}

/// A table as a resource.
pub fn table(config: DynamodbTable) -> Resource {
    resource(
        &table_arn(&config.table_name),
        ResourceConfig::DynamodbTable(config),
    )
}
