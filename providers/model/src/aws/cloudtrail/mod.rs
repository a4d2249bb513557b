//! CloudTrail resources (collected per region, merged across the account's regions).

mod cloudtrail_account;
mod cloudtrail_trail;

pub use cloudtrail_account::*;
pub use cloudtrail_trail::*;
