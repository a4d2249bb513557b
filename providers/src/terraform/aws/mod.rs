//! Mappings of the AWS provider's types, one module per service.

pub(super) mod ec2;
pub(super) mod iam;
pub(super) mod rds;
pub(super) mod s3;
