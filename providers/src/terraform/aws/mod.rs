//! Mappings of the AWS provider's types, one module per service.

pub(super) mod backup;
pub(super) mod cloudtrail;
pub(super) mod dynamodb;
pub(super) mod ec2;
pub(super) mod efs;
pub(super) mod elbv2;
pub(super) mod iam;
pub(super) mod kms;
pub(super) mod lambda;
pub(super) mod rds;
pub(super) mod s3;

pub(super) mod secretsmanager;
