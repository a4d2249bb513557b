//! AWS IAM rules: root user, password policy, users' credentials, privileges.

use crate::rule::Rule;

/// The IAM rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[];
