//! AWS Secrets Manager resources (collected per region).

mod secretsmanager_secret;

pub use secretsmanager_secret::*;
