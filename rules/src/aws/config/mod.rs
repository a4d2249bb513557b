//! AWS Config rules: a configuration recorder recording in every region, and the global
//! IAM resource types recorded in one.

mod recorder_off;

pub use recorder_off::RecorderOff;

use crate::rule::Rule;

/// The AWS Config rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&RecorderOff];
