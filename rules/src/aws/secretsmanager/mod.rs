//! AWS Secrets Manager rules: secrets rotated automatically and recently. No rule (and no
//! collection) reads a secret value.

mod rotation_off;

pub use rotation_off::RotationOff;

use crate::rule::Rule;

/// The Secrets Manager rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&RotationOff];
