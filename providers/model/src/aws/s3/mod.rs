//! Amazon S3 resources: buckets (listed once per account, each read in its own region)
//! and the account's Block Public Access setting.

mod account_public_access_block;
mod bucket;

pub use account_public_access_block::*;
pub use bucket::*;
