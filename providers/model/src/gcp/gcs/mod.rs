//! Google Cloud Storage resources (listed once per project).

mod bucket;

pub use bucket::*;
