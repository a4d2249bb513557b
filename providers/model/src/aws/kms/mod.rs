//! AWS KMS resources (collected per region).

mod kms_key;

pub use kms_key::*;
