//! # soc2scan-providers
//!
//! The snapshot model every provider adapter fills and every rule reads, plus (behind cargo
//! features, in later releases) the live adapters themselves.
//!
//! The model compiles without any cloud SDK: a [`Snapshot`] is plain data, serialised as a
//! versioned JSON document (see `docs/snapshot-format.md`). Live AWS, live GCP, Terraform
//! plans and snapshot files all adapt into this one model, so a rule never knows where its
//! resource came from.

pub mod model;
pub mod snapshot;
pub mod terraform;

pub use model::*;
pub use snapshot::{
    CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, LoadError, ScanMetadata,
    ScanTarget, Snapshot, ToolInfo, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION,
};

#[cfg(feature = "aws")]
pub mod aws;
