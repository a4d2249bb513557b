//! CloudWatch Logs resources (collected per region).

mod logs_log_group;

pub use logs_log_group::*;
