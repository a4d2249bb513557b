//! # soc2scan-providers
//!
//! The provider adapters: live AWS and Google Cloud collection (behind cargo features `aws`
//! and `gcp`) and the Terraform plan adapter, each turning its source into the snapshot
//! model of `soc2scan-model` (re-exported here as [`model`]).
//!
//! The model compiles without any cloud SDK: a [`Snapshot`] is plain data, serialised as a
//! versioned JSON document (see `docs/snapshot-format.md`). Live AWS, live GCP, Terraform
//! plans and snapshot files all adapt into this one model, so a rule never knows where its
//! resource came from. The model is its own crate so that editing an adapter recompiles
//! neither the rules nor the report writers.

pub mod live;
pub mod terraform;

/// The snapshot model (the `soc2scan-model` crate), re-exported so adapters and the
/// command line reach it through one path.
pub use soc2scan_model as model;
pub use soc2scan_model::snapshot;
pub use soc2scan_model::*;

pub use live::{CollectionProgress, LiveCollection, NoProgress};

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "gcp")]
pub mod gcp;
