//! `soc2scan diff OLD NEW`: what changed between two reports.

use crate::cli::{DiffArgs, ListFormat};
use crate::commands::{load_findings, print_stdout};
use crate::error::CliError;
use crate::exit;
use soc2scan_output::findings::{render_comparison_markdown, render_comparison_table, Comparison};

/// Runs `soc2scan diff`: prints new, fixed and unchanged failing findings; exits 0 whatever
/// they are (a gate uses `scan --baseline` instead).
pub fn run(args: &DiffArgs) -> Result<u8, CliError> {
    let old = load_findings(&args.old)?;
    let new = load_findings(&args.new)?;
    let comparison = Comparison::between(&old, &new);
    let text = match args.format {
        ListFormat::Table => render_comparison_table(&comparison),
        ListFormat::Markdown => render_comparison_markdown(&comparison),
        ListFormat::Json => {
            let document = serde_json::json!({
                "format": "soc2scan-diff",
                "format_version": 1,
                "counts": comparison.counts(),
                "new": comparison.new,
                "fixed": comparison.fixed,
                "unchanged": comparison.unchanged,
            });
            let mut text = serde_json::to_string_pretty(&document)
                .map_err(|e| CliError::Usage(format!("cannot serialise the diff: {e}")))?;
            text.push('\n');
            text
        }
    };
    print_stdout(&text)?;
    Ok(exit::CLEAN)
}
