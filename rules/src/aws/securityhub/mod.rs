//! AWS Security Hub rules: findings gathered and checked in every region.

mod off;

pub use off::SecurityhubOff;

use crate::rule::Rule;

/// The Security Hub rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&SecurityhubOff];
