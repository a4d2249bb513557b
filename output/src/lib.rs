//! # soc2scan-output
//!
//! Report writers: SARIF 2.1.0 for GitHub code scanning ([`sarif`]), a stable JSON report
//! with every verdict ([`json`]), a terminal table ([`table`]) and a compact Markdown summary
//! for CI job summaries ([`markdown`]), plus [`write_atomic`], which never leaves a partial
//! file behind.
//!
//! Writers read an evaluated [`Report`] and a small [`RenderContext`] (tool version, times,
//! options) and nothing else. The formats are documented in `docs/output-formats.md`.

pub mod data_as_of;
pub mod findings;
pub mod identity;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod suppress;
pub mod table;
mod write;

#[cfg(test)]
pub(crate) mod test_support;

use chrono::{DateTime, Utc};
use soc2scan_rules::Report;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

pub use identity::{fingerprint, FINGERPRINT_KEY};
pub use sarif::{render_sarif, render_sarif_with_limits, SarifLimits};
pub use summary::Summary;
pub use write::{commit_all, stage, stage_with, write_atomic, write_files, StagedFile};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable tables for a terminal.
    Table,
    /// The stable JSON report with every verdict (`docs/output-formats.md`).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// A compact Markdown summary for a CI job summary.
    Markdown,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Sarif, Format::Markdown];

    /// The name used on the command line (`table`, `json`, `sarif`, `markdown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An output format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format {given:?}; expected one of: table, json, sarif, markdown")]
pub struct ParseFormatError {
    /// The name given.
    pub given: String,
}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parses a format name, ignoring case and surrounding spaces.
    fn from_str(name: &str) -> Result<Format, ParseFormatError> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ParseFormatError {
                given: name.to_string(),
            })
    }
}

/// What the writers need to know besides the report: the tool, the invocation, options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderContext {
    /// soc2scan's version (`CARGO_PKG_VERSION` of the binary).
    pub tool_version: String,
    /// When this invocation started.
    pub invocation_started: DateTime<Utc>,
    /// When this invocation finished (evaluation done, output being written).
    pub invocation_finished: DateTime<Utc>,
    /// The SARIF category (`automationDetails.id`); `None` derives
    /// `soc2scan/<provider>/<account>/` from the snapshot's targets.
    pub sarif_category: Option<String>,
    /// The process exit code this invocation will end with, if already known.
    pub exit_code: Option<i32>,
    /// The command line, for SARIF `invocations[0].commandLine`. Never put secrets in it.
    pub command_line: Option<String>,
    /// Also emit passing checks as SARIF results of `kind: "pass"` (evidence for auditors).
    pub sarif_include_pass: bool,
    /// Wrap table cells to fit this many columns; `None` never wraps (files, pipes, tests).
    pub terminal_width: Option<u16>,
    /// The comparison with a baseline report (`--baseline`), if one was given.
    pub baseline: Option<findings::Baseline>,
    /// The `[[suppressions]]` of the configuration, split into active and expired.
    pub suppressions: suppress::Suppressions,
}

impl RenderContext {
    /// A context with no category override, exit code, command line, pass results or wrapping.
    pub fn new(
        tool_version: impl Into<String>,
        invocation_started: DateTime<Utc>,
        invocation_finished: DateTime<Utc>,
    ) -> RenderContext {
        RenderContext {
            tool_version: tool_version.into(),
            invocation_started,
            invocation_finished,
            sarif_category: None,
            exit_code: None,
            command_line: None,
            sarif_include_pass: false,
            terminal_width: None,
            baseline: None,
            suppressions: suppress::Suppressions::default(),
        }
    }
}

/// Why a report could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing the output file failed; nothing was left at `path`.
    #[error("{path}: cannot write output ({action}): {source}")]
    Write {
        /// The file that was to be written.
        path: PathBuf,
        /// What was being done (`creating a temporary file in /out`, `renaming into place`).
        action: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// One of several files written together ([`write_files`], [`commit_all`]) could not
    /// be put in place; `outcome` says what became of the others — put back as they were,
    /// or exactly which were written and which not when that failed too.
    #[error("{path}: cannot write output ({action}): {source}; {outcome}")]
    Together {
        /// The file that could not be put in place.
        path: PathBuf,
        /// What was being done (`renaming into place`, `keeping a copy of the old file`).
        action: String,
        /// The OS error.
        source: std::io::Error,
        /// What became of every file of the set.
        outcome: String,
    },
    /// Writing a report to a stream (standard output, a staged file) failed.
    #[error("cannot write the report: {source}")]
    Stream {
        /// The OS error.
        source: std::io::Error,
    },
    /// A report could not be serialised (a bug: every value the writers emit is serialisable).
    #[error("cannot serialise the {format} report: {source}")]
    Serialize {
        /// The format being rendered.
        format: Format,
        /// The serializer's error.
        source: serde_json::Error,
    },
}

/// Writes a report in one format to a stream. JSON is serialised straight into the stream,
/// so a report with millions of verdicts is never held in memory as text.
pub fn render_to(
    format: Format,
    report: &Report<'_>,
    ctx: &RenderContext,
    out: &mut dyn std::io::Write,
) -> Result<(), OutputError> {
    match format {
        Format::Json => json::write_json(report, ctx, out),
        other => {
            let text = render(other, report, ctx)?;
            out.write_all(text.as_bytes())
                .map_err(|source| OutputError::Stream { source })
        }
    }
}

/// The active suppression covering an evaluation, if it is a failure and one matches.
pub fn suppression_of<'c>(
    report: &Report<'_>,
    ctx: &'c RenderContext,
    evaluation: &soc2scan_rules::Evaluation,
) -> Option<&'c suppress::Suppression> {
    if !evaluation.verdict.is_fail() || ctx.suppressions.active.is_empty() {
        return None;
    }
    let rule_id = report.rule_of(evaluation).rule.meta().id;
    ctx.suppressions
        .find(rule_id, &identity::subject_id(report, evaluation))
}

/// Renders a report in one format.
pub fn render(
    format: Format,
    report: &Report<'_>,
    ctx: &RenderContext,
) -> Result<String, OutputError> {
    match format {
        Format::Table => Ok(table::render_table(report, ctx)),
        Format::Json => json::render_json(report, ctx),
        Format::Sarif => sarif::render_sarif(report, ctx),
        Format::Markdown => Ok(markdown::render_markdown(report, ctx)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_names() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!(" SARIF ".parse::<Format>(), Ok(Format::Sarif));
    }

    #[test]
    fn unknown_format_lists_the_valid_names() {
        let error = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown output format \"xml\"; expected one of: table, json, sarif, markdown"
        );
    }

    #[test]
    fn render_dispatches_to_every_writer() {
        let fixture = test_support::Fixture::standard();
        let report = fixture.report();
        let ctx = test_support::context();
        let table = render(Format::Table, &report, &ctx).unwrap();
        assert_eq!(table, table::render_table(&report, &ctx));
        let markdown = render(Format::Markdown, &report, &ctx).unwrap();
        assert!(markdown.starts_with("## soc2scan"));
        let json: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &report, &ctx).unwrap()).unwrap();
        assert_eq!(json["format"], "soc2scan-report");
        let sarif: serde_json::Value =
            serde_json::from_str(&render(Format::Sarif, &report, &ctx).unwrap()).unwrap();
        test_support::assert_valid_sarif(&sarif);
    }
}
