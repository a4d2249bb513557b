//! A compact Markdown summary for a CI job summary (`$GITHUB_STEP_SUMMARY`): heading,
//! totals, coverage gaps, the most severe failures and the per-criterion table.

use crate::summary::Summary;
use crate::table::{coverage_text, organization_text, resource_text, targets_text, totals_text};
use crate::RenderContext;
use soc2scan_rules::Report;
use std::fmt::Write as _;

/// How many failures the Markdown summary lists before "and N more".
pub const MAX_FAILURES: usize = 50;

/// Renders the Markdown summary.
pub fn render_markdown(report: &Report<'_>, ctx: &RenderContext) -> String {
    let summary = Summary::with_context(report, ctx);
    let snapshot = report.snapshot;
    let mut out = String::new();

    let _ = writeln!(out, "## soc2scan: SOC 2 configuration scan\n");
    let _ = writeln!(out, "{}\n", inline(&totals_text(&summary)));
    let _ = writeln!(
        out,
        "Targets: {} · snapshot {} · soc2scan {}\n",
        inline(&targets_text(snapshot)),
        snapshot.metadata.finished_at.format("%Y-%m-%d %H:%M UTC"),
        inline(&ctx.tool_version)
    );
    if let Some(organization) = organization_text(snapshot) {
        let _ = writeln!(out, "Organization: {}\n", inline(&organization));
    }

    let data = crate::data_as_of::listed(&crate::data_as_of::data_as_of(snapshot));
    if !data.is_empty() {
        let lines: Vec<String> = data.iter().map(|line| inline(line)).collect();
        let _ = writeln!(out, "Data as of: {}\n", lines.join(" · "));
    }
    if summary.complete {
        out.push_str("Coverage: complete, every check was decided.\n\n");
    } else {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> {}\n",
            inline(&coverage_text(&summary))
        );
    }
    if !summary.gaps.is_empty() {
        out.push_str("### Coverage gaps\n\n");
        for gap in &summary.gaps {
            let (failure, message) = gap.failure();
            let consequence = if gap.affects_rules() {
                format!("not evaluated: {}", code_list(&gap.rules))
            } else {
                "no rule that ran needs it".to_string()
            };
            let _ = writeln!(
                out,
                "- `{}`: {failure}, {} ({consequence})",
                code(&gap.entry.unit.to_string()),
                inline(message)
            );
        }
        out.push('\n');
    }
    let (runtime_only, not_collected) = crate::summary::skipped_by_cause(report);
    if !runtime_only.is_empty() {
        out.push_str("### Rules not run on this Terraform plan\n\n");
        for skipped in &runtime_only {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                skipped.run.rule.meta().id,
                inline(&skipped.reason.describe())
            );
        }
        out.push('\n');
    }
    if !not_collected.is_empty() {
        out.push_str("### Rules not run: not collected in this snapshot\n\n");
        out.push_str(
            "The snapshot has no coverage entry for these kinds (it predates them, or the scan left their service out): their rules are neither passed nor a coverage gap.\n\n",
        );
        for (kinds, rules) in &not_collected {
            let rules: Vec<String> = rules.iter().map(|id| format!("`{id}`")).collect();
            let _ = writeln!(out, "- `{}`: {}", code(kinds), rules.join(", "));
        }
        out.push('\n');
    }
    if !summary.unexplained_not_evaluated.is_empty() {
        out.push_str("### Not evaluated without a coverage gap\n\n");
        for entry in &summary.unexplained_not_evaluated {
            let _ = writeln!(
                out,
                "- `{}`: {} (e.g. {})",
                entry.rule_id,
                entry.count,
                inline(entry.reasons.first().copied().unwrap_or_default())
            );
        }
        out.push('\n');
    }

    let failures: Vec<_> = report
        .failures_by_severity()
        .into_iter()
        .filter(|evaluation| crate::suppression_of(report, ctx, evaluation).is_none())
        .collect();
    if failures.is_empty() {
        out.push_str("### Failures\n\nNone.\n\n");
    } else {
        let _ = writeln!(out, "### Failures ({})\n", failures.len());
        out.push_str("| Severity | Rule | Resource | Message |\n|---|---|---|---|\n");
        for evaluation in failures.iter().take(MAX_FAILURES) {
            let meta = report.rule_of(evaluation).rule.meta();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                meta.severity,
                meta.id,
                cell(&resource_text(report, evaluation)),
                cell(evaluation.verdict.message().unwrap_or_default())
            );
        }
        if failures.len() > MAX_FAILURES {
            let _ = writeln!(
                out,
                "\n…and {} more (see the SARIF or JSON report).",
                failures.len() - MAX_FAILURES
            );
        }
        out.push('\n');
    }

    if let Some(baseline) = &ctx.baseline {
        let _ = writeln!(out, "### Baseline\n\n{}\n", baseline.counts_text());
        if !baseline.fixed.is_empty() {
            out.push_str(
                "Fixed since the baseline:\n\n| Severity | Rule | Resource |\n|---|---|---|\n",
            );
            for finding in &baseline.fixed {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    finding.severity.as_deref().unwrap_or_default(),
                    finding.rule_id,
                    cell(&finding.subject)
                );
            }
            out.push('\n');
        }
    }

    out.push_str(
        "### SOC 2 criteria\n\nResources checked by the rules mapped to each criterion.\n\n",
    );
    out.push_str("| Criterion | Title | Rules | Passed | Failed | Not evaluated |\n");
    out.push_str("|---|---|--:|--:|--:|--:|\n");
    for row in &summary.criteria {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.id,
            cell(row.title),
            row.rules,
            row.resources.passed,
            row.resources.failed,
            row.resources.not_evaluated
        );
    }
    out
}

/// Text safe inside a table cell: no raw HTML, no line breaks, `|` escaped.
pub fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// Text safe on one Markdown line: `<`, `>` and `&` as entities, line breaks as spaces.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text safe inside a code span.
fn code(text: &str) -> String {
    text.replace('`', "'").replace(['\r', '\n'], " ")
}

fn code_list(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{}`", code(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{context, volume, Fixture};

    #[test]
    fn markdown_summary_has_totals_gaps_failures_and_criteria() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let text = render_markdown(&report, &context());
        assert!(text.starts_with("## soc2scan: SOC 2 configuration scan\n\n"));
        assert!(text.contains(
            "3 rules · 4 passed · 3 failed (1 critical, 1 high, 1 low) · 5 not evaluated"
        ));
        assert!(text.contains("> [!WARNING]\n> INCOMPLETE: 1 coverage gap"));
        assert!(text.contains(
            "- `aws/111122223333/us-east-1 ebs_volume`: access_denied, ec2:DescribeVolumes: UnauthorizedOperation (not evaluated: `aws-ec2-ebs-volume-unencrypted`, `aws-ec2-volume-owner-tag-missing`)"
        ), "{text}");
        assert!(text.contains("(no rule that ran needs it)"));
        assert!(text.contains("### Failures (3)"));
        // The `|` in the resource name and in the message are escaped.
        assert!(
            text.contains("db data\\|primary (111122223333/eu-west-1)"),
            "{text}"
        );
        assert!(
            text.contains("expected tags \\| owner = &lt;team&gt;"),
            "{text}"
        );
        assert!(text.contains("| CC6.1 | Logical access security |"));
        // Every table row has the same number of unescaped pipes as its header.
        for line in text.lines().filter(|l| l.starts_with("| ")) {
            let pipes = line.replace("\\|", "").matches('|').count();
            assert!(pipes == 5 || pipes == 7, "{line}");
        }
    }

    #[test]
    fn organization_scans_name_accounts_paths_and_skipped_ones() {
        let fixture = Fixture::organization();
        let text = render_markdown(&fixture.report(), &context());
        assert!(
            text.contains("aws 444455556666 (legacy; Root/Legacy; skipped: SUSPENDED)"),
            "{text}"
        );
        assert!(
            text.contains("acme-prod-app; Root/Workloads/Prod"),
            "{text}"
        );
        assert!(
            text.contains("Organization: o-abc123def4 (management 999988887777"),
            "{text}"
        );
        assert!(text.contains("2 excluded by --org-exclude"), "{text}");
    }

    #[test]
    fn long_failure_lists_are_cut_at_fifty() {
        let mut fixture = Fixture::standard();
        for i in 0..60 {
            fixture
                .snapshot
                .resources
                .push(volume(&format!("vol-{i:03}"), false));
        }
        let report = fixture.report();
        let text = render_markdown(&report, &context());
        let rows = text
            .lines()
            .filter(|l| {
                l.starts_with("| high ") || l.starts_with("| low ") || l.starts_with("| critical ")
            })
            .count();
        assert_eq!(rows, MAX_FAILURES);
        let failed = report.tally().failed;
        assert!(text.contains(&format!("…and {} more", failed - MAX_FAILURES)));
    }

    #[test]
    fn cells_escape_pipes_html_and_newlines() {
        assert_eq!(cell("a|b\nc<d>&"), "a\\|b c&lt;d&gt;&amp;");
    }
}
