//! Google Cloud Storage rules: public access, uniform access, encryption keys, logging,
//! versioning and soft delete.

use crate::rule::Rule;

/// The Cloud Storage rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[];
