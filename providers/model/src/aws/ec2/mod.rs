//! AWS EC2 resources (collected per region).

mod ami;
mod ebs_encryption_by_default;
mod ebs_snapshot;
mod ebs_volume;
mod ec2_instance;
mod flow_log;
mod network_acl;
mod security_group;
mod vpc;

pub use ami::*;
pub use ebs_encryption_by_default::*;
pub use ebs_snapshot::*;
pub use ebs_volume::*;
pub use ec2_instance::*;
pub use flow_log::*;
pub use network_acl::*;
pub use security_group::*;
pub use vpc::*;
