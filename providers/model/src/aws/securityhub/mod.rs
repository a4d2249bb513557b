//! AWS Security Hub resources (collected per region).

mod securityhub_region;

pub use securityhub_region::*;
