//! The GitHub Actions job summary: when `$GITHUB_STEP_SUMMARY` names a file, `scan` appends
//! the same Markdown summary that `--format markdown` writes, so the run's page shows the
//! totals, coverage and the most severe failures without anyone opening a log.
//!
//! The summary is a convenience beside the reports, never a reason to lose them: it is
//! written after every report is in place (so only on exit codes 0, 1 and 3 — a usage or
//! input error writes nothing, as everywhere else), and a file that cannot be appended to
//! is a warning on standard error that leaves the exit code alone. The warning is printed
//! even with `--quiet`: it reports a write that was asked for and did not happen.

use soc2scan_output::{Format, RenderContext};
use soc2scan_rules::Report;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable GitHub Actions sets to the job summary file of the running step.
pub const VARIABLE: &str = "GITHUB_STEP_SUMMARY";

/// The job summary file, when the variable is set and not empty.
pub fn path_from_env() -> Option<PathBuf> {
    std::env::var_os(VARIABLE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// Appends the Markdown summary to `$GITHUB_STEP_SUMMARY` when it is set; a failure is
/// printed as a warning and otherwise ignored.
pub fn append_if_requested(report: &Report<'_>, context: &RenderContext) {
    let Some(path) = path_from_env() else {
        return;
    };
    if let Err(error) = append(&path, report, context) {
        eprintln!(
            "soc2scan: warning: {}: cannot append the Markdown summary to ${VARIABLE} ({error}); \
             the reports and the exit code are not affected",
            path.display()
        );
    }
}

/// Appends the Markdown summary to `path`, creating the file if it is missing and never
/// truncating it: other steps' summaries, and earlier scans of the same step, stay.
pub fn append(
    path: &Path,
    report: &Report<'_>,
    context: &RenderContext,
) -> Result<(), std::io::Error> {
    let markdown = soc2scan_output::render(Format::Markdown, report, context)
        .map_err(std::io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    // A blank line first, unless the file is empty, so the heading starts a block of its
    // own after whatever an earlier step wrote. One write: with O_APPEND it lands whole even
    // when a parallel step appends to the same file.
    let separator = if file.metadata()?.len() > 0 { "\n" } else { "" };
    file.write_all(format!("{separator}{markdown}").as_bytes())?;
    file.flush()
}
