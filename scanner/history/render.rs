//! The period report's formats, each rendered from the JSON model ([`PeriodReport`]) and
//! nothing else: JSON itself, Markdown, and a CSV bundle (`summary.csv`, `daily.csv`,
//! `exceptions.csv`, `gaps.csv`, `manifest.csv`) whose text cells cannot be read as
//! spreadsheet formulas.

use super::period::{Exception, PeriodReport, RunRef};
use std::fmt::Write as _;

/// The canonical JSON (pretty, with a final newline).
pub fn json(report: &PeriodReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// A duration in words: `3d 4h`, `5h 12m`, `40m`, `12s`.
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{seconds}s")
    }
}

/// A rate as a percentage with two decimals, or `–`.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or("–".to_string(), |r| format!("{:.2}%", r * 100.0))
}

/// One character per day status in the text strip.
pub fn status_mark(status: &str) -> char {
    match status {
        "pass" => '.',
        "fail" => 'X',
        "partial" => '~',
        _ => ' ',
    }
}

/// The word for a status.
pub fn status_word(status: &str) -> &'static str {
    match status {
        "pass" => "pass",
        "fail" => "fail",
        "partial" => "partial",
        _ => "not tested",
    }
}

fn run_text(run: &RunRef) -> String {
    format!("{} (#{})", run.collected_at, run.seq)
}

/// Escapes a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// The exception's resource as shown: name and id.
pub fn resource_label(exception: &Exception) -> String {
    match &exception.name {
        Some(name) if name != &exception.resource => format!("{name} ({})", exception.resource),
        _ => exception.resource.clone(),
    }
}

/// Markdown.
pub fn markdown(report: &PeriodReport) -> String {
    let mut out = String::new();
    let p = &report.period;
    let _ = writeln!(
        out,
        "# SOC 2 evidence: {} to {} ({})\n",
        p.from, p.to, p.time_zone
    );
    let _ =
        writeln!(
        out,
        "Generated {} by {} from {}. Evidence language only: this report states what automated \
         checks observed; it is not an audit opinion.\n",
        report.generated_at, report.generated_by, cell(&report.store)
    );

    let _ = writeln!(out, "## 1. Period and scope\n");
    let _ = writeln!(
        out,
        "- Period: {} to {}, {} days, time zone {}",
        p.from, p.to, p.days, p.time_zone
    );
    if !p.criteria_filter.is_empty() {
        let _ = writeln!(out, "- Criteria reported: {}", p.criteria_filter.join(", "));
    }
    let scope = &report.scope;
    match (&scope.first_run, &scope.last_run) {
        (Some(first), Some(last)) => {
            let _ = writeln!(
                out,
                "- Runs: first {}, last {}",
                run_text(first),
                run_text(last)
            );
        }
        _ => {
            let _ = writeln!(out, "- Runs: none recorded in the period");
        }
    }
    let _ = writeln!(
        out,
        "- Regions: {}\n",
        if scope.regions.is_empty() {
            "–".to_string()
        } else {
            scope.regions.join(", ")
        }
    );
    if !scope.targets.is_empty() {
        let _ = writeln!(out, "| provider | account / project | alias | regions | first day | last day | runs |\n|---|---|---|---|---|---|---:|");
        for t in &scope.targets {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                t.provider,
                cell(&t.account),
                cell(t.alias.as_deref().unwrap_or("")),
                t.regions.join(", "),
                t.first_date,
                t.last_date,
                t.runs
            );
        }
        out.push('\n');
    }
    if !scope.resources_by_kind.is_empty() {
        let _ = writeln!(
            out,
            "| resource kind | first run | last run |\n|---|---:|---:|"
        );
        for k in &scope.resources_by_kind {
            let _ = writeln!(out, "| {} | {} | {} |", k.kind, k.first, k.last);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Tool versions:\n");
    for v in &scope.tool_versions {
        let _ = writeln!(
            out,
            "- soc2scan {}: {} runs, {} to {}",
            v.version, v.runs, v.first_date, v.last_date
        );
    }
    let _ = writeln!(out, "\nRule sets:\n");
    for change in &scope.rule_set_changes {
        let mut line = format!(
            "- {} {}: soc2scan {}, {} rules, rule set {}",
            change.run.date,
            if change.change == "in_force_at_start" {
                "in force at the start"
            } else {
                "changed"
            },
            change.tool_version,
            change.rules,
            &change.rule_set_sha256[..12.min(change.rule_set_sha256.len())]
        );
        for (label, ids) in [
            ("added", &change.added),
            ("removed", &change.removed),
            ("changed", &change.changed),
        ] {
            if !ids.is_empty() {
                let _ = write!(line, "; {label}: {}", ids.join(", "));
            }
        }
        let _ = writeln!(out, "{line}");
    }

    let m = &report.method;
    let _ = writeln!(out, "\n## 2. Method\n");
    let _ = writeln!(
        out,
        "- Schedule observed: {} runs ({} complete) on {} of {} days; {} to {} runs a day, {:.2} on average; {} day{} without a complete run",
        m.runs,
        m.complete_runs,
        m.days_with_runs,
        p.days,
        m.runs_per_day_min,
        m.runs_per_day_max,
        m.runs_per_day_mean,
        m.days_without_complete_run,
        if m.days_without_complete_run == 1 { "" } else { "s" }
    );
    let _ = writeln!(out, "- Day status: {}", m.day_status);
    let _ = writeln!(out, "- Pass rate: {}", m.pass_rate);
    let _ = writeln!(out, "- Exceptions: {}", m.exceptions);

    let _ = writeln!(out, "\n## 3. Criteria summary\n");
    let _ = writeln!(
        out,
        "Each column is a day from {} to {}: `.` pass, `X` fail, `~` partial, blank not tested.\n",
        p.from, p.to
    );
    out.push_str("```text\n");
    for criterion in &report.criteria {
        let strip: String = report
            .daily
            .iter()
            .map(|d| {
                d.criteria
                    .get(&criterion.id)
                    .map_or(' ', |c| status_mark(&c.status))
            })
            .collect();
        let _ = writeln!(out, "{:<6} |{strip}|", criterion.id);
    }
    out.push_str("```\n\n");
    let _ = writeln!(out, "| criterion | rules | days | tested | not tested or partial | no unsuppressed failure | mean pass rate | min pass rate | not evaluated pairs | exceptions opened | open at end | median time to remediate | p90 time to remediate | summary |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for c in &report.criteria {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.id,
            cell(&c.title),
            c.rules,
            c.days,
            c.days_tested,
            c.days_not_tested_or_partial,
            c.days_without_unsuppressed_failure,
            percent(c.pass_rate_mean),
            percent(c.pass_rate_min),
            c.not_evaluated_pairs,
            c.exceptions_opened,
            c.exceptions_open_at_end,
            c.remediation_median_seconds
                .map_or("–".to_string(), duration),
            c.remediation_p90_seconds.map_or("–".to_string(), duration),
            cell(&c.summary)
        );
    }

    let _ = writeln!(out, "\n## 4. Exceptions register\n");
    if report.exceptions.is_empty() {
        let _ = writeln!(out, "No exceptions observed in the period.");
    } else {
        let _ = writeln!(out, "| rule | severity | criteria | resource | first seen failing | last seen passing before | fixed at | duration | suppressed |\n|---|---|---|---|---|---|---|---:|---|");
        for e in &report.exceptions {
            let fixed = match (&e.fixed_at, e.status.as_str()) {
                (Some(run), _) => run_text(run),
                (None, "open") => "open".to_string(),
                _ => format!(
                    "no longer observed (last failing {})",
                    e.last_seen_failing.collected_at
                ),
            };
            let suppressed = if e.suppressions.is_empty() {
                "no".to_string()
            } else {
                e.suppressions
                    .iter()
                    .map(|s| format!("{} (expires {})", s.reason, s.expires))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                e.rule,
                e.severity,
                e.criteria.join(", "),
                cell(&resource_label(e)),
                run_text(&e.first_seen_failing),
                e.last_seen_passing_before
                    .as_ref()
                    .map_or("–".to_string(), run_text),
                fixed,
                duration(e.duration_seconds),
                cell(&suppressed)
            );
        }
    }

    let cov = &report.coverage;
    let _ = writeln!(out, "\n## 5. Coverage\n");
    let _ = writeln!(
        out,
        "- Days without a run: {}",
        if cov.days_not_tested.is_empty() {
            "none".to_string()
        } else {
            cov.days_not_tested.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "- Days with runs but no complete run: {}",
        if cov.days_partial.is_empty() {
            "none".to_string()
        } else {
            cov.days_partial.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "- Pairs not evaluated in the days' evidence runs: {}\n",
        cov.not_evaluated_pairs
    );
    if cov.gaps.is_empty() {
        let _ = writeln!(out, "No coverage gaps in the period.");
    } else {
        let _ = writeln!(out, "| provider | account | service | region | kinds | failure | first day | last day | runs | message |\n|---|---|---|---|---|---|---|---|---:|---|");
        for g in &cov.gaps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                g.provider,
                cell(&g.account),
                g.service,
                g.region,
                g.kinds.join(", "),
                g.failure_kinds.join(", "),
                g.first_date,
                g.last_date,
                g.runs,
                cell(&g.message)
            );
        }
    }

    let _ = writeln!(out, "\n## 6. Suppressions\n");
    if report.suppressions.is_empty() {
        let _ = writeln!(out, "No suppressions were in force in the period.");
    } else {
        let _ = writeln!(out, "| rule | resource | reason | expires | in force | covered |\n|---|---|---|---|---|---|");
        for s in &report.suppressions {
            let covered = if s.covered.is_empty() {
                "nothing failed under it".to_string()
            } else {
                s.covered
                    .iter()
                    .map(|c| format!("{} on {} ({} runs)", c.rule, c.resource, c.runs))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {}{} | {} to {} | {} |",
                cell(&s.rule),
                cell(&s.resource),
                cell(&s.reason),
                s.expires,
                if s.expired_in_period {
                    " (expired in the period)"
                } else {
                    ""
                },
                s.first_date,
                s.last_date,
                cell(&covered)
            );
        }
    }

    let man = &report.manifest;
    let _ = writeln!(out, "\n## 7. Evidence manifest\n");
    let _ = writeln!(
        out,
        "Chain: **{}**{}.",
        man.chain_status,
        match (&man.head_seq, &man.head_hash) {
            (Some(seq), Some(hash)) =>
                format!("; the store's newest run is #{seq} with run hash `{hash}`"),
            _ => String::new(),
        }
    );
    for problem in &man.problems {
        let _ = writeln!(out, "- {}", cell(problem));
    }
    let _ = writeln!(out, "\n{}\n", man.how_to_verify);
    if !man.runs.is_empty() {
        let _ = writeln!(out, "| run | collected (UTC) | day | source | version | complete | snapshot sha256 | run hash | chain |\n|---:|---|---|---|---|---|---|---|---|");
        for r in &man.runs {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | `{}` | `{}` | {} |",
                r.seq,
                r.collected_at,
                r.date,
                r.source,
                r.tool_version,
                if r.complete { "yes" } else { "no" },
                r.snapshot_sha256,
                r.run_hash,
                cell(&r.chain)
            );
        }
    }
    out
}

/// A CSV cell: quoted when needed, and a text cell that a spreadsheet would read as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with
/// `'` and quoted.
pub fn csv_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if formula || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_row(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn csv_numbers(out: &mut String, text: &[String], numbers: &[String]) {
    let mut line: Vec<String> = text.iter().map(|c| csv_cell(c)).collect();
    line.extend(numbers.iter().cloned());
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

/// The CSV bundle: file name → contents.
pub fn csv_bundle(report: &PeriodReport) -> Vec<(&'static str, String)> {
    let mut summary = String::new();
    csv_row(
        &mut summary,
        &[
            "criterion",
            "title",
            "rules",
            "days",
            "days_tested",
            "days_not_tested_or_partial",
            "days_not_tested",
            "days_partial",
            "days_without_unsuppressed_failure",
            "pass_rate_mean",
            "pass_rate_min",
            "not_evaluated_pairs",
            "exceptions_opened",
            "exceptions_open_at_end",
            "exceptions_no_longer_observed",
            "exceptions_fixed",
            "remediation_median_seconds",
            "remediation_p90_seconds",
            "summary",
        ]
        .map(String::from),
    );
    for c in &report.criteria {
        let mut cells = vec![c.id.clone(), c.title.clone()];
        cells.extend([
            c.rules.to_string(),
            c.days.to_string(),
            c.days_tested.to_string(),
            c.days_not_tested_or_partial.to_string(),
            c.days_not_tested.to_string(),
            c.days_partial.to_string(),
            c.days_without_unsuppressed_failure.to_string(),
            opt(c.pass_rate_mean),
            opt(c.pass_rate_min),
            c.not_evaluated_pairs.to_string(),
            c.exceptions_opened.to_string(),
            c.exceptions_open_at_end.to_string(),
            c.exceptions_no_longer_observed.to_string(),
            c.exceptions_fixed.to_string(),
            opt(c.remediation_median_seconds),
            opt(c.remediation_p90_seconds),
        ]);
        let mut line: Vec<String> = vec![csv_cell(&cells[0]), csv_cell(&cells[1])];
        line.extend(cells[2..].iter().cloned());
        line.push(csv_cell(&c.summary));
        summary.push_str(&line.join(","));
        summary.push_str("\r\n");
    }

    let mut daily = String::new();
    csv_row(
        &mut daily,
        &[
            "date",
            "criterion",
            "status",
            "evidence_run",
            "runs",
            "complete_runs",
            "passed",
            "failed",
            "suppressed",
            "not_evaluated",
            "pass_rate",
        ]
        .map(String::from),
    );
    for day in &report.daily {
        for (id, c) in &day.criteria {
            csv_numbers(
                &mut daily,
                &[day.date.clone(), id.clone(), c.status.clone()],
                &[
                    opt(day.evidence_run),
                    day.runs.to_string(),
                    day.complete_runs.to_string(),
                    c.passed.to_string(),
                    c.failed.to_string(),
                    c.suppressed.to_string(),
                    c.not_evaluated.to_string(),
                    opt(c.pass_rate),
                ],
            );
        }
    }

    let mut exceptions = String::new();
    csv_row(
        &mut exceptions,
        &[
            "rule",
            "title",
            "severity",
            "criteria",
            "resource",
            "name",
            "kind",
            "provider",
            "account",
            "region",
            "status",
            "first_seen_failing",
            "first_failing_run",
            "last_seen_passing_before",
            "fixed_at",
            "fixed_run",
            "last_seen_failing",
            "opened_in_period",
            "duration_seconds",
            "suppressed",
            "suppression_reason",
            "suppression_expires",
            "message",
        ]
        .map(String::from),
    );
    for e in &report.exceptions {
        let reasons: Vec<&str> = e.suppressions.iter().map(|s| s.reason.as_str()).collect();
        let expiries: Vec<&str> = e.suppressions.iter().map(|s| s.expires.as_str()).collect();
        let text = [
            e.rule.clone(),
            e.title.clone(),
            e.severity.clone(),
            e.criteria.join(" "),
            e.resource.clone(),
            e.name.clone().unwrap_or_default(),
            e.kind.clone(),
            e.provider.clone(),
            e.account.clone(),
            e.region.clone(),
            e.status.clone(),
            e.first_seen_failing.collected_at.clone(),
        ];
        let mut line: Vec<String> = text.iter().map(|c| csv_cell(c)).collect();
        line.push(e.first_seen_failing.seq.to_string());
        line.push(csv_cell(
            &e.last_seen_passing_before
                .as_ref()
                .map_or(String::new(), |r| r.collected_at.clone()),
        ));
        line.push(csv_cell(
            &e.fixed_at
                .as_ref()
                .map_or(String::new(), |r| r.collected_at.clone()),
        ));
        line.push(opt(e.fixed_at.as_ref().map(|r| r.seq)));
        line.push(csv_cell(&e.last_seen_failing.collected_at));
        line.push(e.opened_in_period.to_string());
        line.push(e.duration_seconds.to_string());
        line.push((!e.suppressions.is_empty()).to_string());
        line.push(csv_cell(&reasons.join("; ")));
        line.push(csv_cell(&expiries.join("; ")));
        line.push(csv_cell(&e.message));
        exceptions.push_str(&line.join(","));
        exceptions.push_str("\r\n");
    }

    let mut gaps = String::new();
    csv_row(
        &mut gaps,
        &[
            "provider",
            "account",
            "service",
            "region",
            "kinds",
            "failure_kinds",
            "first_date",
            "last_date",
            "runs",
            "message",
        ]
        .map(String::from),
    );
    for g in &report.coverage.gaps {
        let mut line: Vec<String> = [
            g.provider.clone(),
            g.account.clone(),
            g.service.clone(),
            g.region.clone(),
            g.kinds.join(" "),
            g.failure_kinds.join(" "),
            g.first_date.clone(),
            g.last_date.clone(),
        ]
        .iter()
        .map(|c| csv_cell(c))
        .collect();
        line.push(g.runs.to_string());
        line.push(csv_cell(&g.message));
        gaps.push_str(&line.join(","));
        gaps.push_str("\r\n");
    }
    for date in &report.coverage.days_not_tested {
        csv_numbers(
            &mut gaps,
            &[
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "no_run".to_string(),
                date.clone(),
                date.clone(),
            ],
            &["0".to_string(), String::new()],
        );
    }

    let mut manifest = String::new();
    csv_row(
        &mut manifest,
        &[
            "seq",
            "collected_at",
            "date",
            "recorded_at",
            "source",
            "tool_version",
            "complete",
            "snapshot_sha256",
            "run_hash",
            "chain",
        ]
        .map(String::from),
    );
    for r in &report.manifest.runs {
        let mut line = vec![r.seq.to_string()];
        line.extend(
            [
                r.collected_at.clone(),
                r.date.clone(),
                r.recorded_at.clone(),
                r.source.clone(),
                r.tool_version.clone(),
            ]
            .iter()
            .map(|c| csv_cell(c)),
        );
        line.push(r.complete.to_string());
        line.extend(
            [
                r.snapshot_sha256.clone(),
                r.run_hash.clone(),
                r.chain.clone(),
            ]
            .iter()
            .map(|c| csv_cell(c)),
        );
        manifest.push_str(&line.join(","));
        manifest.push_str("\r\n");
    }

    vec![
        ("summary.csv", summary),
        ("daily.csv", daily),
        ("exceptions.csv", exceptions),
        ("gaps.csv", gaps),
        ("manifest.csv", manifest),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("-cmd"), "\"'-cmd\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("arn:aws:s3:::x-y"), "arn:aws:s3:::x-y");
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(2 * 86_400 + 3 * 3_600), "2d 3h");
        assert_eq!(duration(3 * 3_600 + 120), "3h 2m");
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(5), "5s");
    }
}
