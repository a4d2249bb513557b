//! End-to-end tests of the `soc2scan` binary: one test binary (linking is the slow part of
//! the build), one module per area.

#[cfg(feature = "aws")]
mod aws;
mod baseline;
mod cli;
mod common;
mod compat;
mod gaps;
mod gcs;
mod github;
mod golden;
mod history;
mod limits;
#[cfg(feature = "aws")]
mod org;
mod scale;
#[cfg(feature = "aws")]
mod shard;
mod suppressions;
mod terraform;
