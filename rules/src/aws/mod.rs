//! Rules for Amazon Web Services.

pub mod ec2;
pub mod iam;
pub mod rds;
