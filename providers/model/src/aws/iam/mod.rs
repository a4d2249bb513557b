//! AWS IAM resources (collected once per account).

mod account_summary;
mod credential_report;
mod group;
mod managed_policy;
mod password_policy;
mod principal;
mod role;
mod user;

pub use account_summary::*;
pub use credential_report::*;
pub use group::*;
pub use managed_policy::*;
pub use password_policy::*;
pub use principal::*;
pub use role::*;
pub use user::*;
