//! CloudWatch rules: alarms that act, and the security alarms on the account's trail.

mod alarm_no_action;
mod patterns;
mod security_alarms_missing;

pub use alarm_no_action::AlarmNoAction;
pub use security_alarms_missing::SecurityAlarmsMissing;

use crate::rule::Rule;

/// The CloudWatch rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&AlarmNoAction, &SecurityAlarmsMissing];
