//! Terraform input: reading `terraform show -json` output and pointing every planned resource
//! back at the `.tf` source that defines it.
//!
//! `terraform show -json` carries no source positions, so [`locations`] parses the `.tf` files
//! of the root module and of every module the plan's configuration calls.

pub mod locations;
