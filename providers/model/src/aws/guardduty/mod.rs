//! Amazon GuardDuty resources (collected per region).

mod guardduty_region;

pub use guardduty_region::*;
