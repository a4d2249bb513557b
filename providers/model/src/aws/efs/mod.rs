//! Amazon EFS resources (collected per region).

mod efs_file_system;

pub use efs_file_system::*;
