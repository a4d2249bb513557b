//! Errors the command line reports. Every variant is a usage or input error (exit code 2)
//! and carries the context a user needs to act: the file, the flag, what was expected.

use std::path::PathBuf;

/// A usage or input error; printed once, by [`crate::cli::run`], with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag or argument combination that cannot work.
    #[error("{0}")]
    Usage(String),
    /// The snapshot could not be loaded.
    #[error(transparent)]
    Snapshot(#[from] soc2scan_providers::LoadError),
    /// The Terraform plan could not be read.
    #[error(transparent)]
    Plan(#[from] soc2scan_providers::terraform::PlanError),
    /// The configuration file could not be read or is invalid.
    #[error("{path}: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A previous report (`--baseline`, `soc2scan diff`) could not be read.
    #[error("{path}: {message}")]
    Report {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// An invalid rule selection (unknown id, unknown criterion, nothing left).
    #[error(transparent)]
    Selection(#[from] soc2scan_rules::SelectionError),
    /// Live collection could not start (no credentials, no region, a role that cannot be
    /// assumed). Failures of single API calls are coverage gaps, not errors.
    #[error("{0}")]
    Collection(String),
    /// The evidence history store could not be used.
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    /// A report could not be rendered or written.
    #[error(transparent)]
    Output(#[from] soc2scan_output::OutputError),
}
