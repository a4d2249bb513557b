//! # soc2scan
//!
//! A cloud configuration scanner that produces SOC 2 evidence: provider adapters collect a
//! [`Snapshot`](soc2scan_providers::Snapshot), the rule engine checks it, and the outputs
//! report the verdicts as SARIF (for GitHub code scanning), JSON, a table or Markdown, each
//! finding mapped to the SOC 2 Trust Services Criteria.
//!
//! This crate is the command-line front end: argument parsing ([`cli`]), the configuration
//! file ([`config`]), the commands, and the exit-code policy ([`exit`]).
//!
//! Exit codes: 0 clean · 1 failing findings at or above `--fail-on` · 2 usage or input
//! error · 3 scan incomplete (coverage gaps) unless `--allow-incomplete`.

pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod error;
pub mod exit;
pub mod history;
#[cfg(any(feature = "aws", feature = "gcp"))]
pub mod progress;
pub mod step_summary;
#[doc(hidden)]
pub mod synthetic;
#[doc(hidden)]
pub mod synthetic_plan;

pub use soc2scan_output as output;
pub use soc2scan_providers as providers;
pub use soc2scan_rules as rules;

/// This build's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
