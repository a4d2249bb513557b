//! AWS resource kinds, one file per kind under the service's folder.

pub mod backup;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elbv2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod policy_document;
pub mod rds;
pub mod s3;

pub mod acm;
pub mod config;
pub mod guardduty;
pub mod secretsmanager;
pub mod securityhub;
