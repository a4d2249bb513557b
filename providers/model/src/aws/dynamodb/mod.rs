//! Amazon DynamoDB resources (collected per region).

mod dynamodb_table;

pub use dynamodb_table::*;
