//! End-to-end tests of the `soc2scan` binary: one test binary (linking is the slow part of
//! the build), one module per area.

mod cli;
mod common;
mod golden;
