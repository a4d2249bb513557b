//! AWS resource kinds, one file per kind under the service's folder.

pub mod ec2;
pub mod iam;
pub mod policy_document;
pub mod s3;
pub mod rds;
