//! Rules for Amazon Web Services.

pub mod backup;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod iam;
pub mod kms;
pub mod resource_policy;
