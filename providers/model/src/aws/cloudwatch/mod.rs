//! CloudWatch resources (collected per region), and the account as a whole for the
//! security-alarm join.

mod cloudwatch_account;
mod cloudwatch_alarm;

pub use cloudwatch_account::*;
pub use cloudwatch_alarm::*;
