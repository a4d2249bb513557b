//! Amazon GuardDuty rules: threat detection on in every region.

mod off;

pub use off::GuarddutyOff;

use crate::rule::Rule;

/// The GuardDuty rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&GuarddutyOff];
