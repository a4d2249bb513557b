//! The subcommands.

pub mod diff;
pub mod history;
pub mod listing;
pub mod merge;
pub mod per_account;
pub mod record;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod verify;

use crate::error::CliError;
use soc2scan_output::findings::{read_findings, Finding};
use std::io::Write;
use std::path::Path;

/// Writes to standard output; a closed pipe (`soc2scan rules | head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(CliError::Usage(format!(
            "cannot write to standard output: {error}"
        ))),
    }
}

/// The failing findings of a previous report (SARIF or JSON, recognised by content); any
/// problem is an input error naming the file.
pub(crate) fn load_findings(path: &Path) -> Result<Vec<Finding>, CliError> {
    let error = |message: String| CliError::Report {
        path: path.to_path_buf(),
        message,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| error(format!("cannot read the report: {e}")))?;
    read_findings(&text).map_err(|e| error(e.to_string()))
}
