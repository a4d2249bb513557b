//! AWS Backup resources (collected per region).

mod backup_plan;
mod backup_region;
mod backup_vault;

pub use backup_plan::*;
pub use backup_region::*;
pub use backup_vault::*;
