//! The subcommands.

pub mod listing;
pub mod scan;
pub mod snapshot;

use crate::error::CliError;
use std::io::Write;

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
