//! CloudWatch Logs rules: how long log groups keep events, and KMS encryption.

mod group_kms_off;
mod group_retention_short;

#[cfg(test)]
pub(crate) mod test_support;

pub use group_kms_off::GroupKmsOff;
pub use group_retention_short::GroupRetentionShort;

use crate::rule::Rule;

/// The CloudWatch Logs rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&GroupRetentionShort, &GroupKmsOff];
