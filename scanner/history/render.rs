//! The period report's formats, each rendered from the JSON model ([`PeriodReport`]) and
//! nothing else: JSON itself, Markdown, one self-contained HTML file, and a CSV bundle
//! (`summary.csv`, `daily.csv`, `exceptions.csv`, `gaps.csv`, `manifest.csv`) whose text
//! cells cannot be read as spreadsheet formulas.

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
/// When an exception was fixed, as the register's "fixed at" column says it.
fn fixed_text(e: &Exception) -> String {
    match (&e.fixed_at, e.status.as_str()) {
        (Some(run), _) => run_text(run),
        (None, "open") => "open".to_string(),
        _ => format!(
            "no longer observed (last failing {})",
            e.last_seen_failing.collected_at
        ),
    }
}

/// The suppressions that covered an exception, as the register's "suppressed" column says.
fn suppressed_text(e: &Exception) -> String {
    if e.suppressions.is_empty() {
        "no".to_string()
    } else {
        e.suppressions
            .iter()
            .map(|s| format!("{} (expires {})", s.reason, s.expires))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

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
            let (fixed, suppressed) = (fixed_text(e), suppressed_text(e));
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

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The Content-Security-Policy of the HTML report: nothing may be loaded or run; only the
/// inline style sheet applies.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; \
font-src 'none'; script-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; \
form-action 'none'; base-uri 'none'";

const HTML_STYLE: &str = "
:root { --pass: #2e7d32; --fail: #c62828; --partial: #f9a825; --none: #bdbdbd; }
body { font: 14px/1.45 -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #212121; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; word-break: break-all; }
.note { color: #555; } .legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
.status-intact { color: var(--pass); font-weight: bold; } .status-broken { color: var(--fail); font-weight: bold; }
svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; font-size: 10px; } h2 { break-after: avoid; } tr, svg { break-inside: avoid; } table { font-size: 9px; } }
";

fn status_color(status: &str) -> &'static str {
    match status {
        "pass" => "var(--pass)",
        "fail" => "var(--fail)",
        "partial" => "var(--partial)",
        _ => "var(--none)",
    }
}

/// The criteria × day strip as inline SVG: one row per criterion, one cell per day.
fn strip_svg(report: &PeriodReport) -> String {
    let cell = 6usize;
    let label = 60usize;
    let days = report.daily.len().max(1);
    let width = label + days * cell + 10;
    let height = report.criteria.len() * (cell + 4) + 24;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"criteria by day\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">"
    );
    for (row, criterion) in report.criteria.iter().enumerate() {
        let y = row * (cell + 4) + 4;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"9\">{}</text>",
            y + cell,
            escape(&criterion.id)
        );
        for (column, day) in report.daily.iter().enumerate() {
            let status = day
                .criteria
                .get(&criterion.id)
                .map_or("not_tested", |c| c.status.as_str());
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{cell}\" style=\"fill:{}\"><title>{} {}: {}</title></rect>",
                label + column * cell,
                cell - 1,
                status_color(status),
                escape(&criterion.id),
                escape(&day.date),
                status_word(status)
            );
        }
    }
    // Month ticks.
    let y = report.criteria.len() * (cell + 4) + 18;
    for (column, day) in report.daily.iter().enumerate() {
        if column == 0 || day.date.ends_with("-01") {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{y}\" font-size=\"9\">{}</text>",
                label + column * cell,
                escape(day.date.get(..7).unwrap_or(&day.date))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The daily pass rate of one criterion as a small inline SVG line chart.
fn rate_svg(report: &PeriodReport, id: &str) -> String {
    let (width, height) = (240usize, 40usize);
    let days = report.daily.len().max(2);
    let mut points = Vec::new();
    for (index, day) in report.daily.iter().enumerate() {
        if let Some(rate) = day.criteria.get(id).and_then(|c| c.pass_rate) {
            let x = index as f64 * (width - 1) as f64 / (days - 1) as f64;
            let y = (1.0 - rate) * (height - 4) as f64 + 2.0;
            points.push(format!("{x:.1},{y:.1}"));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"daily pass rate of {}\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\
         <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" style=\"fill:#fafafa;stroke:#ddd\"/>\
         <polyline points=\"{}\" style=\"fill:none;stroke:#1565c0;stroke-width:1.2\"/></svg>",
        escape(id),
        points.join(" ")
    )
}

/// One self-contained HTML file: inline CSS and SVG, no script, font or request, a
/// Content-Security-Policy that forbids them, and print styles. Figures carry
/// `data-field` attributes named after the JSON model's fields.
pub fn html(report: &PeriodReport) -> String {
    let mut out = String::new();
    let p = &report.period;
    let td = |field: &str, text: &str| format!("<td data-field=\"{field}\">{}</td>", escape(text));
    let tn = |field: &str, text: &str| {
        format!(
            "<td class=\"n\" data-field=\"{field}\">{}</td>",
            escape(text)
        )
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>SOC 2 evidence {} to {}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n",
        escape(&p.from),
        escape(&p.to)
    );
    let _ = write!(
        out,
        "<h1>SOC 2 evidence: {} to {} ({})</h1>\n<p class=\"note\">Generated <span data-field=\"generated_at\">{}</span> by {} from <code>{}</code>. Evidence language only: this report states what automated checks observed; it is not an audit opinion.</p>\n",
        escape(&p.from),
        escape(&p.to),
        escape(&p.time_zone),
        escape(&report.generated_at),
        escape(&report.generated_by),
        escape(&report.store)
    );

    let scope = &report.scope;
    out.push_str("<h2>1. Period and scope</h2>\n<ul>");
    let _ = write!(
        out,
        "<li>Period: {} to {}, <span data-field=\"days\">{}</span> days, time zone {}</li>",
        escape(&p.from),
        escape(&p.to),
        p.days,
        escape(&p.time_zone)
    );
    if !p.criteria_filter.is_empty() {
        let _ = write!(
            out,
            "<li>Criteria reported: {}</li>",
            escape(&p.criteria_filter.join(", "))
        );
    }
    if let (Some(first), Some(last)) = (&scope.first_run, &scope.last_run) {
        let _ = write!(
            out,
            "<li>Runs: first {}, last {}</li>",
            escape(&run_text(first)),
            escape(&run_text(last))
        );
    } else {
        out.push_str("<li>Runs: none recorded in the period</li>");
    }
    let _ = writeln!(
        out,
        "<li>Regions: {}</li></ul>",
        escape(&scope.regions.join(", "))
    );
    if !scope.targets.is_empty() {
        out.push_str("<table><tr><th>provider</th><th>account / project</th><th>alias</th><th>regions</th><th>first day</th><th>last day</th><th>runs</th></tr>\n");
        for t in &scope.targets {
            let _ = writeln!(
                out,
                "<tr>{}{}{}{}{}{}{}</tr>",
                td("provider", &t.provider),
                td("account", &t.account),
                td("alias", t.alias.as_deref().unwrap_or("")),
                td("regions", &t.regions.join(", ")),
                td("first_date", &t.first_date),
                td("last_date", &t.last_date),
                tn("runs", &t.runs.to_string())
            );
        }
        out.push_str("</table>\n");
    }
    if !scope.resources_by_kind.is_empty() {
        out.push_str("<table><tr><th>resource kind</th><th>first run</th><th>last run</th></tr>\n");
        for k in &scope.resources_by_kind {
            let _ = writeln!(
                out,
                "<tr>{}{}{}</tr>",
                td("kind", &k.kind),
                tn("first", &k.first.to_string()),
                tn("last", &k.last.to_string())
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<p>Tool versions:</p><ul>");
    for v in &scope.tool_versions {
        let _ = write!(
            out,
            "<li>soc2scan {}: {} runs, {} to {}</li>",
            escape(&v.version),
            v.runs,
            escape(&v.first_date),
            escape(&v.last_date)
        );
    }
    out.push_str("</ul><p>Rule sets:</p><ul>");
    for change in &scope.rule_set_changes {
        let mut line = format!(
            "{} {}: soc2scan {}, {} rules, rule set <code>{}</code>",
            escape(&change.run.date),
            if change.change == "in_force_at_start" {
                "in force at the start"
            } else {
                "changed"
            },
            escape(&change.tool_version),
            change.rules,
            escape(&change.rule_set_sha256)
        );
        for (label, ids) in [
            ("added", &change.added),
            ("removed", &change.removed),
            ("changed", &change.changed),
        ] {
            if !ids.is_empty() {
                let _ = write!(line, "; {label}: {}", escape(&ids.join(", ")));
            }
        }
        let _ = write!(out, "<li>{line}</li>");
    }
    out.push_str("</ul>\n");

    let m = &report.method;
    let _ = write!(
        out,
        "<h2>2. Method</h2>\n<ul><li>Schedule observed: <span data-field=\"runs\">{}</span> runs (<span data-field=\"complete_runs\">{}</span> complete) on {} of {} days; {} to {} runs a day, {:.2} on average; <span data-field=\"days_without_complete_run\">{}</span> days without a complete run</li><li>Day status: {}</li><li>Pass rate: {}</li><li>Exceptions: {}</li></ul>\n",
        m.runs, m.complete_runs, m.days_with_runs, p.days, m.runs_per_day_min, m.runs_per_day_max, m.runs_per_day_mean, m.days_without_complete_run,
        escape(&m.day_status), escape(&m.pass_rate), escape(&m.exceptions)
    );

    out.push_str("<h2>3. Criteria summary</h2>\n<p class=\"legend\">Each column is a day:<span style=\"background:var(--pass)\"></span>pass<span style=\"background:var(--fail)\"></span>fail<span style=\"background:var(--partial)\"></span>partial<span style=\"background:var(--none)\"></span>not tested</p>\n");
    out.push_str(&strip_svg(report));
    out.push_str("\n<table><tr><th>criterion</th><th>rules</th><th>days</th><th>tested</th><th>not tested or partial</th><th>no unsuppressed failure</th><th>mean pass rate</th><th>min pass rate</th><th>daily pass rate</th><th>not evaluated pairs</th><th>exceptions opened</th><th>open at end</th><th>median time to remediate</th><th>p90 time to remediate</th><th>summary</th></tr>\n");
    for c in &report.criteria {
        let _ = writeln!(
            out,
            "<tr data-criterion=\"{}\"><td>{} {}</td>{}{}{}{}{}{}{}<td>{}</td>{}{}{}{}{}{}</tr>",
            escape(&c.id),
            escape(&c.id),
            escape(&c.title),
            tn("rules", &c.rules.to_string()),
            tn("days", &c.days.to_string()),
            tn("days_tested", &c.days_tested.to_string()),
            tn(
                "days_not_tested_or_partial",
                &c.days_not_tested_or_partial.to_string()
            ),
            tn(
                "days_without_unsuppressed_failure",
                &c.days_without_unsuppressed_failure.to_string()
            ),
            tn("pass_rate_mean", &percent(c.pass_rate_mean)),
            tn("pass_rate_min", &percent(c.pass_rate_min)),
            rate_svg(report, &c.id),
            tn("not_evaluated_pairs", &c.not_evaluated_pairs.to_string()),
            tn("exceptions_opened", &c.exceptions_opened.to_string()),
            tn(
                "exceptions_open_at_end",
                &c.exceptions_open_at_end.to_string()
            ),
            tn(
                "remediation_median",
                &c.remediation_median_seconds
                    .map_or("–".to_string(), duration)
            ),
            tn(
                "remediation_p90",
                &c.remediation_p90_seconds.map_or("–".to_string(), duration)
            ),
            td("summary", &c.summary),
        );
    }
    out.push_str("</table>\n");

    out.push_str("<h2>4. Exceptions register</h2>\n");
    if report.exceptions.is_empty() {
        out.push_str("<p>No exceptions observed in the period.</p>\n");
    } else {
        out.push_str("<table><tr><th>rule</th><th>severity</th><th>criteria</th><th>resource</th><th>first seen failing</th><th>last seen passing before</th><th>fixed at</th><th>duration</th><th>suppressed</th></tr>\n");
        for e in &report.exceptions {
            let (fixed, suppressed) = (fixed_text(e), suppressed_text(e));
            let _ = writeln!(
                out,
                "<tr class=\"exception\">{}{}{}{}{}{}{}{}{}</tr>",
                td("rule", &e.rule),
                td("severity", &e.severity),
                td("criteria", &e.criteria.join(", ")),
                td("resource", &resource_label(e)),
                td("first_seen_failing", &run_text(&e.first_seen_failing)),
                td(
                    "last_seen_passing_before",
                    &e.last_seen_passing_before
                        .as_ref()
                        .map_or("–".to_string(), run_text)
                ),
                td("fixed_at", &fixed),
                tn("duration", &duration(e.duration_seconds)),
                td("suppressed", &suppressed)
            );
        }
        out.push_str("</table>\n");
    }

    let cov = &report.coverage;
    let _ = write!(
        out,
        "<h2>5. Coverage</h2>\n<ul><li>Days without a run: <span data-field=\"days_not_tested\">{}</span></li><li>Days with runs but no complete run: <span data-field=\"days_partial\">{}</span></li><li>Pairs not evaluated in the days' evidence runs: {}</li></ul>\n",
        escape(&if cov.days_not_tested.is_empty() { "none".to_string() } else { cov.days_not_tested.join(", ") }),
        escape(&if cov.days_partial.is_empty() { "none".to_string() } else { cov.days_partial.join(", ") }),
        cov.not_evaluated_pairs
    );
    if cov.gaps.is_empty() {
        out.push_str("<p>No coverage gaps in the period.</p>\n");
    } else {
        out.push_str("<table><tr><th>provider</th><th>account</th><th>service</th><th>region</th><th>kinds</th><th>failure</th><th>first day</th><th>last day</th><th>runs</th><th>message</th></tr>\n");
        for g in &cov.gaps {
            let _ = writeln!(
                out,
                "<tr class=\"gap\">{}{}{}{}{}{}{}{}{}{}</tr>",
                td("provider", &g.provider),
                td("account", &g.account),
                td("service", &g.service),
                td("region", &g.region),
                td("kinds", &g.kinds.join(", ")),
                td("failure_kinds", &g.failure_kinds.join(", ")),
                td("first_date", &g.first_date),
                td("last_date", &g.last_date),
                tn("runs", &g.runs.to_string()),
                td("message", &g.message)
            );
        }
        out.push_str("</table>\n");
    }

    out.push_str("<h2>6. Suppressions</h2>\n");
    if report.suppressions.is_empty() {
        out.push_str("<p>No suppressions were in force in the period.</p>\n");
    } else {
        out.push_str("<table><tr><th>rule</th><th>resource</th><th>reason</th><th>expires</th><th>in force</th><th>covered</th></tr>\n");
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
            let expires = format!(
                "{}{}",
                s.expires,
                if s.expired_in_period {
                    " (expired in the period)"
                } else {
                    ""
                }
            );
            let _ = writeln!(
                out,
                "<tr class=\"suppression\">{}{}{}{}{}{}</tr>",
                td("rule", &s.rule),
                td("resource", &s.resource),
                td("reason", &s.reason),
                td("expires", &expires),
                td("in_force", &format!("{} to {}", s.first_date, s.last_date)),
                td("covered", &covered)
            );
        }
        out.push_str("</table>\n");
    }

    let man = &report.manifest;
    let _ = write!(
        out,
        "<h2>7. Evidence manifest</h2>\n<p>Chain: <span class=\"status-{0}\" data-field=\"chain_status\">{0}</span>{1}</p>\n",
        escape(&man.chain_status),
        match (&man.head_seq, &man.head_hash) {
            (Some(seq), Some(hash)) => format!("; the store's newest run is #{seq} with run hash <code>{}</code>", escape(hash)),
            _ => String::new(),
        }
    );
    if !man.problems.is_empty() {
        out.push_str("<ul>");
        for problem in &man.problems {
            let _ = write!(out, "<li>{}</li>", escape(problem));
        }
        out.push_str("</ul>");
    }
    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&man.how_to_verify));
    if !man.runs.is_empty() {
        out.push_str("<table><tr><th>run</th><th>collected (UTC)</th><th>day</th><th>source</th><th>version</th><th>complete</th><th>snapshot sha256</th><th>run hash</th><th>chain</th></tr>\n");
        for r in &man.runs {
            let _ = writeln!(
                out,
                "<tr class=\"run\">{}{}{}{}{}{}<td class=\"hash\">{}</td><td class=\"hash\">{}</td>{}</tr>",
                tn("seq", &r.seq.to_string()), td("collected_at", &r.collected_at), td("date", &r.date), td("source", &r.source), td("tool_version", &r.tool_version), td("complete", if r.complete { "yes" } else { "no" }),
                escape(&r.snapshot_sha256), escape(&r.run_hash), td("chain", &r.chain)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
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
