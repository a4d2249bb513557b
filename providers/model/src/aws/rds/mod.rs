//! AWS RDS resources (collected per region): DB instances, DB clusters (Aurora and Multi-AZ
//! DB clusters), and the account's manual DB and DB cluster snapshots.

mod db_cluster;
mod db_instance;
mod snapshot;

pub use db_cluster::*;
pub use db_instance::*;
pub use snapshot::*;
