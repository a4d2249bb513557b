//! AWS Config resources (collected per region).

mod config_region;

pub use config_region::*;
