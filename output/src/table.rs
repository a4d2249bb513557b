//! Human-readable tables for a terminal (comfy-table, ASCII only, no colors): header lines,
//! failures by severity, the per-criterion summary, then coverage gaps.

use crate::summary::Summary;
use crate::RenderContext;
use comfy_table::presets::ASCII_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use soc2scan_model::Snapshot;
use soc2scan_rules::{Evaluation, Report};
use std::fmt::Write as _;

/// How many failures the table lists, most severe first, before "and N more": a terminal
/// or CI log is no place for a million rows.
pub const MAX_FAILURES: usize = 1_000;

/// Renders the report as text tables.
pub fn render_table(report: &Report<'_>, ctx: &RenderContext) -> String {
    let summary = Summary::with_context(report, ctx);
    let mut out = String::new();
    let snapshot = report.snapshot;

    let _ = writeln!(
        out,
        "soc2scan {} · SOC 2 configuration scan",
        ctx.tool_version
    );
    let _ = writeln!(out, "Targets:   {}", targets_text(snapshot));
    if let Some(organization) = organization_text(snapshot) {
        let _ = writeln!(out, "Org:       {organization}");
    }
    if let Some(plan) = &snapshot.plan {
        let _ = writeln!(
            out,
            "Plan:      {} ({} format {}{}) · deleted, not checked: {} · unsupported types, ignored: {}",
            plan.plan_file,
            if plan.is_state { "state" } else { "plan" },
            plan.format_version,
            plan.terraform_version
                .as_deref()
                .map(|version| format!(", Terraform {version}"))
                .unwrap_or_default(),
            plan.deleted,
            plan.ignored_types.values().sum::<usize>()
        );
    }
    let _ = writeln!(
        out,
        "Snapshot:  {} → {}",
        snapshot.metadata.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        snapshot
            .metadata
            .finished_at
            .format("%Y-%m-%d %H:%M:%S UTC")
    );
    for (index, line) in crate::data_as_of::listed(&crate::data_as_of::data_as_of(snapshot))
        .iter()
        .enumerate()
    {
        let label = if index == 0 { "Data:" } else { "" };
        let _ = writeln!(out, "{label:<11}{line}");
    }
    let _ = writeln!(out, "Checks:    {}", totals_text(&summary));
    let _ = writeln!(out, "Coverage:  {}", coverage_text(&summary));

    let (suppressed, failures): (Vec<_>, Vec<_>) = report
        .failures_by_severity()
        .into_iter()
        .partition(|evaluation| crate::suppression_of(report, ctx, evaluation).is_some());
    out.push('\n');
    if failures.is_empty() {
        out.push_str("No failures.\n");
    } else {
        let _ = writeln!(out, "Failures ({})", failures.len());
        let mut table = new_table(ctx, &["Severity", "Rule", "Resource", "Message"]);
        for evaluation in failures.iter().take(MAX_FAILURES) {
            let meta = report.rule_of(evaluation).rule.meta();
            table.add_row(vec![
                meta.severity.as_str().to_string(),
                meta.id.to_string(),
                resource_text(report, evaluation),
                evaluation.verdict.message().unwrap_or_default().to_string(),
            ]);
        }
        push_table(&mut out, &table);
        if failures.len() > MAX_FAILURES {
            let _ = writeln!(
                out,
                "…and {} more (the JSON report lists every one; the SARIF report up to GitHub's limit).",
                failures.len() - MAX_FAILURES
            );
        }
    }

    if !suppressed.is_empty() {
        let _ = writeln!(out, "\nSuppressed ({})", suppressed.len());
        let mut table = new_table(ctx, &["Severity", "Rule", "Resource", "Reason", "Expires"]);
        for evaluation in &suppressed {
            let meta = report.rule_of(evaluation).rule.meta();
            let Some(suppression) = crate::suppression_of(report, ctx, evaluation) else {
                continue;
            };
            table.add_row(vec![
                meta.severity.as_str().to_string(),
                meta.id.to_string(),
                resource_text(report, evaluation),
                suppression.reason.clone(),
                suppression.expires.to_string(),
            ]);
        }
        push_table(&mut out, &table);
    }
    if let Some(baseline) = &ctx.baseline {
        out.push('\n');
        let _ = writeln!(out, "Baseline:  {}", baseline.counts_text());
        if !baseline.fixed.is_empty() {
            let _ = writeln!(out, "Fixed since the baseline ({})", baseline.fixed.len());
            let mut table = new_table(ctx, &["Severity", "Rule", "Resource"]);
            for finding in &baseline.fixed {
                table.add_row(vec![
                    finding.severity.clone().unwrap_or_default(),
                    finding.rule_id.clone(),
                    finding.subject.clone(),
                ]);
            }
            push_table(&mut out, &table);
        }
    }

    out.push('\n');
    out.push_str("SOC 2 criteria (resources checked by the rules mapped to each)\n");
    let mut table = new_table(
        ctx,
        &[
            "Criterion",
            "Title",
            "Rules",
            "Passed",
            "Failed",
            "Not evaluated",
        ],
    );
    for row in &summary.criteria {
        table.add_row(vec![
            Cell::new(row.id),
            Cell::new(row.title),
            number(row.rules),
            number(row.resources.passed),
            number(row.resources.failed),
            number(row.resources.not_evaluated),
        ]);
    }
    push_table(&mut out, &table);

    if !summary.gaps.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Coverage gaps ({})", summary.gaps.len());
        let mut table = new_table(ctx, &["Unit", "Failure", "Message", "Rules not evaluated"]);
        for gap in &summary.gaps {
            let (failure, message) = gap.failure();
            let rules = if gap.affects_rules() {
                gap.rules.join(", ")
            } else {
                "none (no rule that ran needs it)".to_string()
            };
            table.add_row(vec![
                gap.entry.unit.to_string(),
                failure.to_string(),
                message.to_string(),
                rules,
            ]);
        }
        push_table(&mut out, &table);
    }

    let (runtime_only, not_collected) = crate::summary::skipped_by_cause(report);
    if !runtime_only.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "Rules not run on this Terraform plan ({}): they need facts only a running account has",
            runtime_only.len()
        );
        let mut table = new_table(ctx, &["Rule", "Why not"]);
        for skipped in &runtime_only {
            table.add_row(vec![
                Cell::new(skipped.run.rule.meta().id),
                Cell::new(skipped.reason.describe()),
            ]);
        }
        push_table(&mut out, &table);
    }
    if !not_collected.is_empty() {
        out.push('\n');
        let _ =
            writeln!(
            out,
            "Rules not run: not collected in this snapshot ({}); not a pass and not a coverage gap",
            not_collected.iter().map(|(_, rules)| rules.len()).sum::<usize>()
        );
        let mut table = new_table(ctx, &["Not collected", "Rules"]);
        for (kinds, rules) in &not_collected {
            table.add_row(vec![Cell::new(kinds), Cell::new(rules.join(", "))]);
        }
        push_table(&mut out, &table);
    }

    if !summary.unexplained_not_evaluated.is_empty() {
        out.push('\n');
        out.push_str("Not evaluated without a coverage gap\n");
        let mut table = new_table(ctx, &["Rule", "Checks", "Reasons (first)"]);
        for entry in &summary.unexplained_not_evaluated {
            table.add_row(vec![
                Cell::new(entry.rule_id),
                number(entry.count),
                Cell::new(entry.reasons.join("\n")),
            ]);
        }
        push_table(&mut out, &table);
    }
    out
}

fn new_table(ctx: &RenderContext, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(ASCII_FULL_CONDENSED);
    table.force_no_tty();
    match ctx.terminal_width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(header.to_vec());
    table
}

fn number(value: usize) -> Cell {
    Cell::new(value).set_alignment(CellAlignment::Right)
}

fn push_table(out: &mut String, table: &Table) {
    out.push_str(&table.to_string());
    out.push('\n');
}

/// `aws 111122223333 (acme; eu-west-1, us-east-1), gcp acme-prod`.
pub(crate) fn targets_text(snapshot: &Snapshot) -> String {
    let targets = &snapshot.metadata.targets;
    if targets.is_empty() {
        return "(none recorded)".to_string();
    }
    targets
        .iter()
        .map(|target| {
            let mut details: Vec<String> = Vec::new();
            if let Some(alias) = &target.alias {
                details.push(alias.clone());
            }
            if let Some(org) = &target.organization {
                if let Some(name) = &org.name {
                    details.push(name.clone());
                }
                details.push(org.ou_path.clone());
                if org.skipped {
                    details.push(format!("skipped: {}", org.status));
                }
            }
            if !target.regions.is_empty() {
                details.push(target.regions.join(", "));
            }
            if details.is_empty() {
                format!("{} {}", target.provider, target.account)
            } else {
                format!(
                    "{} {} ({})",
                    target.provider,
                    target.account,
                    details.join("; ")
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `o-abc123def4 (management 111122223333, role OrganizationAccountAccessRole, OUs
/// Root/Workloads): 30 accounts scanned, 1 skipped (SUSPENDED), 2 excluded by --org-exclude`,
/// for a snapshot of an AWS Organization.
pub(crate) fn organization_text(snapshot: &Snapshot) -> Option<String> {
    let organization = snapshot.metadata.organization.as_ref()?;
    let listed: Vec<_> = snapshot
        .metadata
        .targets
        .iter()
        .filter(|t| t.organization.is_some())
        .collect();
    let skipped: Vec<String> = listed
        .iter()
        .filter(|t| t.is_skipped())
        .map(|t| {
            let org = t.organization.as_ref().map(|o| o.status.as_str());
            format!("{} {}", t.account, org.unwrap_or_default())
        })
        .collect();
    let mut scope = format!(
        "management {}, role {}",
        organization.management_account, organization.member_role
    );
    if !organization.units.is_empty() {
        let units: Vec<String> = organization
            .units
            .iter()
            .map(|unit| format!("{} ({})", unit.path, unit.id))
            .collect();
        let _ = write!(scope, ", OUs {}", units.join(", "));
    }
    Some(format!(
        "{} ({scope}): {} scanned, {} skipped{}, {} excluded by --org-exclude",
        organization.id,
        if listed.len() - skipped.len() == 1 {
            "1 account".to_string()
        } else {
            format!("{} accounts", listed.len() - skipped.len())
        },
        skipped.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(" ({})", skipped.join(", "))
        },
        organization.excluded.len()
    ))
}

/// `3 rules · 4 passed · 3 failed (1 critical, 1 high, 1 low) · 4 not evaluated`.
pub(crate) fn totals_text(summary: &Summary<'_>) -> String {
    let rules = match summary.rules {
        1 => "1 rule".to_string(),
        n => format!("{n} rules"),
    };
    let mut failed = format!("{} failed", summary.checks.failed);
    let by_severity: Vec<String> = summary
        .failed_by_severity
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(severity, n)| format!("{n} {severity}"))
        .collect();
    if !by_severity.is_empty() {
        let _ = write!(failed, " ({})", by_severity.join(", "));
    }
    let mut text = format!(
        "{rules} · {} passed · {failed} · {} not evaluated",
        summary.checks.passed, summary.checks.not_evaluated
    );
    if summary.suppressed > 0 {
        let _ = write!(text, " · {} suppressed", summary.suppressed);
    }
    text
}

/// Whether the scan is complete, and if not why.
pub(crate) fn coverage_text(summary: &Summary<'_>) -> String {
    if summary.complete {
        return "complete: every check was decided".to_string();
    }
    let relevant = summary.relevant_gaps().count();
    let mut reasons = Vec::new();
    if relevant > 0 {
        reasons.push(match relevant {
            1 => "1 coverage gap affects the rules that ran".to_string(),
            n => format!("{n} coverage gaps affect the rules that ran"),
        });
    }
    if summary.checks.not_evaluated > 0 {
        reasons.push(format!(
            "{} checks not evaluated",
            summary.checks.not_evaluated
        ));
    }
    format!("INCOMPLETE: {}", reasons.join("; "))
}

/// `db data (111122223333/eu-west-1)`.
pub(crate) fn resource_text(report: &Report<'_>, evaluation: &Evaluation) -> String {
    match report.resource_of(evaluation) {
        Some(resource) => format!(
            "{} ({}/{})",
            resource.display_name(),
            resource.account,
            resource.region
        ),
        None => report
            .unit_of(evaluation)
            .map(|entry| entry.unit.to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{context, Fixture};

    #[test]
    fn organization_accounts_show_names_paths_skips_and_exclusions() {
        let fixture = Fixture::organization();
        let text = render_table(&fixture.report(), &context());
        assert!(
            text.contains(
                "Targets:   aws 111122223333 (acme; acme-prod-app; Root/Workloads/Prod; \
                 eu-west-1, us-east-1), gcp acme-prod, aws 444455556666 (legacy; Root/Legacy; \
                 skipped: SUSPENDED)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "Org:       o-abc123def4 (management 999988887777, role \
                 OrganizationAccountAccessRole): 1 account scanned, 1 skipped (444455556666 \
                 SUSPENDED), 2 excluded by --org-exclude\n"
            ),
            "{text}"
        );
        // Without an organization there is no Org line.
        let plain = render_table(&Fixture::standard().report(), &context());
        assert!(!plain.contains("Org:"));
    }

    #[test]
    fn table_has_header_failures_criteria_and_gaps() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let text = render_table(&report, &context());
        assert!(
            text.is_ascii() || !text.contains('\u{1b}'),
            "no escape codes"
        );
        assert!(text.starts_with("soc2scan 0.1.0 · SOC 2 configuration scan\n"));
        assert!(text
            .contains("Targets:   aws 111122223333 (acme; eu-west-1, us-east-1), gcp acme-prod\n"));
        assert!(text.contains("Snapshot:  2026-06-01 09:00:00 UTC → 2026-06-01 09:02:00 UTC"));
        assert!(
            text.contains(
                "3 rules · 4 passed · 3 failed (1 critical, 1 high, 1 low) · 5 not evaluated"
            ),
            "{text}"
        );
        assert!(text.contains("INCOMPLETE: 1 coverage gap affects the rules that ran"));
        assert!(text.contains("Failures (3)"));

        // Most severe first.
        let critical = text.find("| critical ").unwrap();
        let high = text.find("| high ").unwrap();
        let low = text.find("| low ").unwrap();
        assert!(critical < high && high < low, "{text}");
        assert!(text.contains("db data|primary (111122223333/eu-west-1)"));

        assert!(
            text.contains("| CC6.1     | Logical access security "),
            "{text}"
        );
        assert!(text.contains("Coverage gaps (2)"));
        assert!(text.contains("aws/111122223333/us-east-1 ebs_volume"));
        assert!(text.contains("none (no rule that ran needs it)"));
        assert!(text.contains("Not evaluated without a coverage gap"));
        assert!(text.contains("the owner tag of vol-plan is only known after apply"));
    }

    #[test]
    fn table_is_deterministic_and_wraps_only_when_asked() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let ctx = context();
        assert_eq!(render_table(&report, &ctx), render_table(&report, &ctx));
        let mut narrow = ctx.clone();
        narrow.terminal_width = Some(80);
        let wrapped = render_table(&report, &narrow);
        let widest_table_line = wrapped
            .lines()
            .filter(|l| l.starts_with('|') || l.starts_with('+'))
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(widest_table_line <= 80, "{wrapped}");
    }
}
