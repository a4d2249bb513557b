//! The period report: the canonical JSON model (`format: "soc2scan-period-report"`,
//! `format_version: 1`, docs/history.md) and how each figure is computed from the store.
//!
//! Definitions (also carried in the report's `method` section):
//!
//! - A run belongs to the day, in the report's time zone, of its collection time.
//! - A day's **evidence run** is its last complete run (no coverage gap kept a rule that ran
//!   from being evaluated). Per criterion a day is `pass` (the evidence run evaluated pairs
//!   of the criterion's rules and none failed unsuppressed), `fail` (at least one
//!   unsuppressed failure), `partial` (runs that day but none complete, or the evidence run
//!   evaluated no pair of the criterion but could not evaluate some) or `not_tested` (no
//!   run that day, or the evidence run ran no rule of the criterion or found nothing to
//!   check).
//! - The **daily pass rate** of a criterion is passing pairs / evaluated pairs (passing,
//!   failing and suppressed failing (rule, resource) pairs of its rules) in the evidence
//!   run; not-evaluated pairs are outside the rate and counted under coverage. Mean and
//!   minimum are over the days with a rate.
//! - An **exception** is a (rule, resource) seen failing, from the first run it failed in
//!   after its last pass, to the first run it passed in again (`fixed`). A not-evaluated
//!   verdict or a run without the resource does not end it; one that is failing or not
//!   evaluated in the period's last run is `open`; one whose resource is absent from the
//!   period's last run is `no_longer_observed`. Time to remediate is fixed time minus first
//!   failing time, over exceptions fixed in the period; the median of an even count is the
//!   mean of the middle two, the 90th percentile is the nearest-rank value.

use super::run::{Counter, Outcome, RuleSet, SuppressionRecord};
use super::store::{History, RunRow, SpanRow};
use super::verify::Verification;
use super::{parse_time, time_text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use soc2scan_providers::ScanTarget;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The `format` of the period report.
pub const REPORT_FORMAT: &str = "soc2scan-period-report";
/// Its version.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// Always [`REPORT_FORMAT`].
    pub format: String,
    /// Always [`REPORT_FORMAT_VERSION`].
    pub format_version: u32,
    /// When the report was generated: the only field that differs between two reports of
    /// the same store and arguments.
    pub generated_at: String,
    /// The soc2scan version that generated it.
    pub generated_by: String,
    /// The store (a password never shown).
    pub store: String,
    /// Section 1: period, time zone, scope, versions and rule-set changes.
    pub period: Period,
    /// Section 1: scope.
    pub scope: Scope,
    /// Section 2: method.
    pub method: Method,
    /// Section 3: one row per criterion.
    pub criteria: Vec<CriterionSummary>,
    /// Section 3: the criteria × day strip, one entry per day.
    pub daily: Vec<Day>,
    /// Section 4: the exceptions register.
    pub exceptions: Vec<Exception>,
    /// Section 5: coverage.
    pub coverage: Coverage,
    /// Section 6: suppressions in force in the period.
    pub suppressions: Vec<SuppressionUse>,
    /// Section 7: the evidence manifest.
    pub manifest: Manifest,
}

/// The period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// IANA time zone the days are cut in.
    pub time_zone: String,
    /// Days in the period.
    pub days: u64,
    /// The criteria asked for (`--criteria`), empty for all.
    pub criteria_filter: Vec<String>,
}

/// Scope of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// Accounts and projects scanned.
    pub targets: Vec<TargetUse>,
    /// Every region scanned.
    pub regions: Vec<String>,
    /// Resources by kind in the period's first and last run.
    pub resources_by_kind: Vec<KindCount>,
    /// The first run in the period.
    pub first_run: Option<RunRef>,
    /// The last run in the period.
    pub last_run: Option<RunRef>,
    /// soc2scan versions that evaluated the runs.
    pub tool_versions: Vec<VersionUse>,
    /// The rule set in force at the start and every change in the period.
    pub rule_set_changes: Vec<RuleSetChange>,
}

/// An account or project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetUse {
    /// Provider.
    pub provider: String,
    /// Account id or project.
    pub account: String,
    /// Alias, if known.
    pub alias: Option<String>,
    /// Regions scanned.
    pub regions: Vec<String>,
    /// First day scanned.
    pub first_date: String,
    /// Last day scanned.
    pub last_date: String,
    /// Runs that scanned it.
    pub runs: u64,
}

/// Resources of a kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindCount {
    /// Kind.
    pub kind: String,
    /// In the first run.
    pub first: u64,
    /// In the last run.
    pub last: u64,
}

/// A run named in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRef {
    /// Sequence number.
    pub seq: i64,
    /// Collection time (UTC).
    pub collected_at: String,
    /// Its day in the report's time zone.
    pub date: String,
}

/// A tool version used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionUse {
    /// Version.
    pub version: String,
    /// First day used.
    pub first_date: String,
    /// Last day used.
    pub last_date: String,
    /// Runs.
    pub runs: u64,
}

/// The rule set at the period start, or a change of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSetChange {
    /// The first run with this rule set.
    pub run: RunRef,
    /// `in_force_at_start` or `changed`.
    pub change: String,
    /// The evaluating version.
    pub tool_version: String,
    /// SHA-256 of the rule set.
    pub rule_set_sha256: String,
    /// Rules in it.
    pub rules: u64,
    /// Rules added since the previous rule set.
    pub added: Vec<String>,
    /// Rules removed.
    pub removed: Vec<String>,
    /// Rules whose definition, parameters, severity or criteria changed.
    pub changed: Vec<String>,
}

/// How the figures were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// Runs in the period.
    pub runs: u64,
    /// Complete runs in the period.
    pub complete_runs: u64,
    /// Fewest runs on one day.
    pub runs_per_day_min: u64,
    /// Most runs on one day.
    pub runs_per_day_max: u64,
    /// Mean runs per day (6 decimals).
    pub runs_per_day_mean: f64,
    /// Days with at least one run.
    pub days_with_runs: u64,
    /// Days without a complete run.
    pub days_without_complete_run: u64,
    /// How a day's status is decided.
    pub day_status: String,
    /// How the pass rate is computed.
    pub pass_rate: String,
    /// What an exception is.
    pub exceptions: String,
}

/// Section 3: one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionSummary {
    /// `CC6.1`.
    pub id: String,
    /// Title from the catalog.
    pub title: String,
    /// Rules mapped to it in the period's rule sets.
    pub rules: u64,
    /// Days in the period.
    pub days: u64,
    /// Days `pass` or `fail`.
    pub days_tested: u64,
    /// Days `not_tested` or `partial`.
    pub days_not_tested_or_partial: u64,
    /// Of which `not_tested`.
    pub days_not_tested: u64,
    /// Of which `partial`.
    pub days_partial: u64,
    /// Tested days without an unsuppressed failure.
    pub days_without_unsuppressed_failure: u64,
    /// Mean daily pass rate (6 decimals), if any day had one.
    pub pass_rate_mean: Option<f64>,
    /// Minimum daily pass rate.
    pub pass_rate_min: Option<f64>,
    /// Not-evaluated pairs over the days' evidence runs.
    pub not_evaluated_pairs: u64,
    /// Exceptions first seen failing in the period.
    pub exceptions_opened: u64,
    /// Exceptions open at the period end.
    pub exceptions_open_at_end: u64,
    /// Exceptions whose resource was not in the period's last run.
    pub exceptions_no_longer_observed: u64,
    /// Exceptions fixed in the period.
    pub exceptions_fixed: u64,
    /// Median time to remediate, seconds.
    pub remediation_median_seconds: Option<i64>,
    /// 90th-percentile time to remediate, seconds.
    pub remediation_p90_seconds: Option<i64>,
    /// The neutral summary ("no exceptions observed; not tested on 3 days").
    pub summary: String,
}

/// One day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Day {
    /// The date.
    pub date: String,
    /// Runs that day.
    pub runs: u64,
    /// Complete runs.
    pub complete_runs: u64,
    /// The evidence run.
    pub evidence_run: Option<i64>,
    /// Per criterion.
    pub criteria: BTreeMap<String, DayCriterion>,
}

/// One criterion on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayCriterion {
    /// `pass`, `fail`, `partial` or `not_tested`.
    pub status: String,
    /// Passing pairs in the evidence run.
    pub passed: u64,
    /// Unsuppressed failing pairs.
    pub failed: u64,
    /// Suppressed failing pairs.
    pub suppressed: u64,
    /// Not-evaluated pairs.
    pub not_evaluated: u64,
    /// The pass rate (6 decimals), when pairs were evaluated.
    pub pass_rate: Option<f64>,
}

/// Section 4: one exception.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exception {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// Criteria.
    pub criteria: Vec<String>,
    /// Canonical resource id.
    pub resource: String,
    /// Kind.
    pub kind: String,
    /// Provider.
    pub provider: String,
    /// Account or project.
    pub account: String,
    /// Region.
    pub region: String,
    /// Name, if any.
    pub name: Option<String>,
    /// The failure message when first seen.
    pub message: String,
    /// First run it failed in.
    pub first_seen_failing: RunRef,
    /// The last run it passed in before that, if any.
    pub last_seen_passing_before: Option<RunRef>,
    /// The run it passed in again.
    pub fixed_at: Option<RunRef>,
    /// The last run it was seen failing in (up to the period end).
    pub last_seen_failing: RunRef,
    /// `fixed`, `open` or `no_longer_observed`.
    pub status: String,
    /// Seconds from first failing to fixed (or to the period's last run while open, or to
    /// the last failing run when no longer observed).
    pub duration_seconds: i64,
    /// Whether it was first seen failing in the period (else carried in).
    pub opened_in_period: bool,
    /// Suppressions that covered its failures.
    pub suppressions: Vec<SuppressionRecord>,
}

/// Section 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Days without any run.
    pub days_not_tested: Vec<String>,
    /// Days with runs but no complete run.
    pub days_partial: Vec<String>,
    /// Coverage gaps by provider, account, service and region.
    pub gaps: Vec<Gap>,
    /// Not-evaluated pairs over the days' evidence runs.
    pub not_evaluated_pairs: u64,
}

/// Coverage gaps of one service in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Provider.
    pub provider: String,
    /// Account or project.
    pub account: String,
    /// Service.
    pub service: String,
    /// Region.
    pub region: String,
    /// Kinds that failed.
    pub kinds: Vec<String>,
    /// Failure kinds (`access_denied`).
    pub failure_kinds: Vec<String>,
    /// First day with the gap.
    pub first_date: String,
    /// Last day.
    pub last_date: String,
    /// Runs with the gap.
    pub runs: u64,
    /// The first failure's message.
    pub message: String,
}

/// Section 6: one suppression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuppressionUse {
    /// Rule id or glob.
    pub rule: String,
    /// Resource glob.
    pub resource: String,
    /// Reason.
    pub reason: String,
    /// Last day it applies.
    pub expires: String,
    /// First day in force in the period.
    pub first_date: String,
    /// Last day in force in the period.
    pub last_date: String,
    /// Whether it expired within the period.
    pub expired_in_period: bool,
    /// The failing pairs it covered, with the runs they were suppressed in.
    pub covered: Vec<Covered>,
}

/// A pair a suppression covered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Covered {
    /// Rule id.
    pub rule: String,
    /// Resource.
    pub resource: String,
    /// Runs in the period in which it was suppressed.
    pub runs: u64,
}

/// Section 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `intact` or `broken`.
    pub chain_status: String,
    /// Problems found (global and in the period's runs).
    pub problems: Vec<String>,
    /// The store's newest run.
    pub head_seq: Option<i64>,
    /// Its run hash.
    pub head_hash: Option<String>,
    /// Every run in the period.
    pub runs: Vec<ManifestRun>,
    /// How to verify.
    pub how_to_verify: String,
}

/// One run in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRun {
    /// Sequence number.
    pub seq: i64,
    /// Collection time.
    pub collected_at: String,
    /// Day in the report's time zone.
    pub date: String,
    /// When recorded.
    pub recorded_at: String,
    /// `scan`, `snapshot`, `import`.
    pub source: String,
    /// Evaluating version.
    pub tool_version: String,
    /// Complete.
    pub complete: bool,
    /// Snapshot SHA-256.
    pub snapshot_sha256: String,
    /// Run hash.
    pub run_hash: String,
    /// `intact`, or what is broken.
    pub chain: String,
}

/// What the report is asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Time zone name (IANA).
    pub time_zone: String,
    /// Criteria to report (empty: all with rules).
    pub criteria: Vec<String>,
    /// Generation time.
    pub generated_at: DateTime<Utc>,
}

/// Why a report cannot be made from this store and request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Unknown time zone.
    #[error("--tz {0:?}: not a time zone name of the IANA database (e.g. Europe/Berlin, UTC)")]
    TimeZone(String),
    /// A criterion named that no recorded rule maps to.
    #[error("--criteria {0}: no rule in the rule sets recorded in the period maps to it")]
    NoRules(String),
    /// The store has something unreadable.
    #[error("run #{0}: {1} (run `soc2scan verify`)")]
    Unreadable(i64, String),
}

/// A run parsed for the report.
struct Run<'h> {
    row: &'h RunRow,
    collected_at: DateTime<Utc>,
    date: NaiveDate,
    counters: BTreeMap<String, Counter>,
    kinds: BTreeMap<String, u64>,
    targets: Vec<ScanTarget>,
    suppressions: Vec<SuppressionRecord>,
}

impl Run<'_> {
    fn reference(&self) -> RunRef {
        RunRef {
            seq: self.row.seq,
            collected_at: time_text(self.collected_at),
            date: self.date.to_string(),
        }
    }
}

fn rate(passed: u64, evaluated: u64) -> Option<f64> {
    (evaluated > 0).then(|| round6(passed as f64 / evaluated as f64))
}

fn round6(value: f64) -> f64 {
    (value * 1_000_000.0).round() / 1_000_000.0
}

/// The day of a time in a time zone.
fn local_date(time: DateTime<Utc>, zone: &jiff::tz::TimeZone) -> Option<NaiveDate> {
    let timestamp = jiff::Timestamp::from_second(time.timestamp()).ok()?;
    let date = timestamp.to_zoned(zone.clone()).date();
    NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        u32::try_from(date.month()).ok()?,
        u32::try_from(date.day()).ok()?,
    )
}

/// Median (mean of the middle two for an even count) and nearest-rank 90th percentile.
pub fn median_and_p90(mut values: Vec<i64>) -> (Option<i64>, Option<i64>) {
    if values.is_empty() {
        return (None, None);
    }
    values.sort_unstable();
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    };
    let rank = (n * 9).div_ceil(10).max(1);
    (Some(median), Some(values[rank - 1]))
}

/// Builds the report.
pub fn build(
    history: &History,
    verification: &Verification,
    store: &str,
    request: &ReportRequest,
) -> Result<PeriodReport, ReportError> {
    let zone = jiff::tz::TimeZone::get(&request.time_zone)
        .map_err(|_| ReportError::TimeZone(request.time_zone.clone()))?;
    let rulesets: HashMap<&str, RuleSet> = history
        .rulesets
        .iter()
        .filter_map(|(hash, body)| Some((hash.as_str(), serde_json::from_str(body).ok()?)))
        .collect();
    let suppression_sets: HashMap<&str, Vec<SuppressionRecord>> = history
        .suppression_sets
        .iter()
        .filter_map(|(hash, body)| Some((hash.as_str(), serde_json::from_str(body).ok()?)))
        .collect();
    let mut runs: Vec<Run<'_>> = Vec::with_capacity(history.runs.len());
    for row in &history.runs {
        let unreadable =
            |what: &str| ReportError::Unreadable(row.seq, format!("its {what} cannot be read"));
        let collected_at =
            parse_time(&row.collected_at).ok_or_else(|| unreadable("collection time"))?;
        runs.push(Run {
            row,
            collected_at,
            date: local_date(collected_at, &zone).ok_or_else(|| unreadable("collection time"))?,
            counters: serde_json::from_str(&row.counters).map_err(|_| unreadable("counters"))?,
            kinds: serde_json::from_str(&row.kinds).map_err(|_| unreadable("resource counts"))?,
            targets: serde_json::from_str(&row.targets).map_err(|_| unreadable("targets"))?,
            suppressions: suppression_sets
                .get(row.suppression_set.as_str())
                .cloned()
                .ok_or_else(|| unreadable("suppressions"))?,
        });
        if !rulesets.contains_key(row.ruleset.as_str()) {
            return Err(unreadable("rule set"));
        }
    }
    let by_seq: HashMap<i64, usize> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.row.seq, i))
        .collect();
    let in_period: Vec<usize> = (0..runs.len())
        .filter(|&i| runs[i].date >= request.from && runs[i].date <= request.to)
        .collect();
    // The last run up to the period end: exceptions are judged as of it.
    let end_index = (0..runs.len()).rev().find(|&i| runs[i].date <= request.to);
    let end_seq = end_index.map(|i| runs[i].row.seq);
    let ruleset_of = |run: &Run<'_>| &rulesets[run.row.ruleset.as_str()];

    // Criteria and the rules mapped to them.
    let mut criteria_rules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if in_period.is_empty() {
        for rule in soc2scan_rules::all_rules() {
            for criterion in rule.meta().criteria {
                criteria_rules
                    .entry(criterion.to_string())
                    .or_default()
                    .insert(rule.meta().id.to_string());
            }
        }
    }
    for &i in &in_period {
        for rule in &ruleset_of(&runs[i]).rules {
            for criterion in &rule.criteria {
                criteria_rules
                    .entry(criterion.clone())
                    .or_default()
                    .insert(rule.id.clone());
            }
        }
    }
    if !request.criteria.is_empty() {
        for wanted in &request.criteria {
            if !criteria_rules.contains_key(wanted) {
                return Err(ReportError::NoRules(wanted.clone()));
            }
        }
        criteria_rules.retain(|id, _| request.criteria.contains(id));
    }
    let criterion_order = |id: &str| -> (usize, String) {
        let position = soc2scan_rules::CRITERIA
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX);
        (position, id.to_string())
    };
    let mut criteria_ids: Vec<String> = criteria_rules.keys().cloned().collect();
    criteria_ids.sort_by_key(|id| criterion_order(id));

    // Days.
    let mut days_list = Vec::new();
    let mut day = request.from;
    while day <= request.to {
        days_list.push(day);
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let mut runs_by_day: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for &i in &in_period {
        runs_by_day.entry(runs[i].date).or_default().push(i);
    }
    let mut daily = Vec::with_capacity(days_list.len());
    for &date in &days_list {
        let on_day = runs_by_day.get(&date).cloned().unwrap_or_default();
        let complete: Vec<usize> = on_day
            .iter()
            .copied()
            .filter(|&i| runs[i].row.complete)
            .collect();
        let evidence = complete.last().copied();
        let mut per_criterion = BTreeMap::new();
        for id in &criteria_ids {
            let entry = match evidence {
                None => DayCriterion {
                    status: if on_day.is_empty() {
                        "not_tested"
                    } else {
                        "partial"
                    }
                    .to_string(),
                    passed: 0,
                    failed: 0,
                    suppressed: 0,
                    not_evaluated: 0,
                    pass_rate: None,
                },
                Some(i) => {
                    let run = &runs[i];
                    let mut total = Counter::default();
                    let mut ran = false;
                    for rule in &ruleset_of(run).rules {
                        if !rule.criteria.contains(id) {
                            continue;
                        }
                        if let Some(counter) = run.counters.get(&rule.id) {
                            ran = true;
                            total.merge(counter);
                        }
                    }
                    let evaluated = total.passed + total.failed + total.suppressed;
                    let status = if !ran || (evaluated == 0 && total.not_evaluated == 0) {
                        "not_tested"
                    } else if evaluated == 0 {
                        "partial"
                    } else if total.failed > 0 {
                        "fail"
                    } else {
                        "pass"
                    };
                    DayCriterion {
                        status: status.to_string(),
                        passed: total.passed,
                        failed: total.failed,
                        suppressed: total.suppressed,
                        not_evaluated: total.not_evaluated,
                        pass_rate: rate(total.passed, evaluated),
                    }
                }
            };
            per_criterion.insert(id.clone(), entry);
        }
        daily.push(Day {
            date: date.to_string(),
            runs: on_day.len() as u64,
            complete_runs: complete.len() as u64,
            evidence_run: evidence.map(|i| runs[i].row.seq),
            criteria: per_criterion,
        });
    }

    // Exceptions, from the spans of each subject up to the period end.
    let mut exceptions = Vec::new();
    if let Some(end_seq) = end_seq {
        let mut start = 0;
        let spans = &history.spans;
        while start < spans.len() {
            let subject_id = spans[start].subject;
            let mut stop = start;
            while stop < spans.len() && spans[stop].subject == subject_id {
                stop += 1;
            }
            if let Some(subject) = history.subjects.get(&subject_id) {
                exceptions_of(
                    subject,
                    &spans[start..stop],
                    end_seq,
                    &runs,
                    &by_seq,
                    history,
                    &rulesets,
                    request,
                    &mut exceptions,
                );
            }
            start = stop;
        }
    }
    if !request.criteria.is_empty() {
        exceptions.retain(|e: &Exception| e.criteria.iter().any(|c| request.criteria.contains(c)));
    }
    exceptions.sort_by(|a, b| {
        (a.first_seen_failing.seq, &a.rule, &a.resource).cmp(&(
            b.first_seen_failing.seq,
            &b.rule,
            &b.resource,
        ))
    });

    // Criteria summary.
    let from_text = request.from.to_string();
    let to_text = request.to.to_string();
    let in_range = |date: &str| date >= from_text.as_str() && date <= to_text.as_str();
    let mut criteria = Vec::with_capacity(criteria_ids.len());
    for id in &criteria_ids {
        let mut summary = CriterionSummary {
            id: id.clone(),
            title: soc2scan_rules::catalog::criterion(id)
                .map(|c| c.title.to_string())
                .unwrap_or_default(),
            rules: criteria_rules[id].len() as u64,
            days: days_list.len() as u64,
            days_tested: 0,
            days_not_tested_or_partial: 0,
            days_not_tested: 0,
            days_partial: 0,
            days_without_unsuppressed_failure: 0,
            pass_rate_mean: None,
            pass_rate_min: None,
            not_evaluated_pairs: 0,
            exceptions_opened: 0,
            exceptions_open_at_end: 0,
            exceptions_no_longer_observed: 0,
            exceptions_fixed: 0,
            remediation_median_seconds: None,
            remediation_p90_seconds: None,
            summary: String::new(),
        };
        let mut rates = Vec::new();
        for day in &daily {
            let entry = &day.criteria[id];
            summary.not_evaluated_pairs += entry.not_evaluated;
            match entry.status.as_str() {
                "pass" => {
                    summary.days_tested += 1;
                    summary.days_without_unsuppressed_failure += 1;
                }
                "fail" => summary.days_tested += 1,
                "partial" => summary.days_partial += 1,
                _ => summary.days_not_tested += 1,
            }
            if let Some(rate) = entry.pass_rate {
                rates.push(rate);
            }
        }
        summary.days_not_tested_or_partial = summary.days_not_tested + summary.days_partial;
        if !rates.is_empty() {
            summary.pass_rate_mean = Some(round6(rates.iter().sum::<f64>() / rates.len() as f64));
            summary.pass_rate_min = rates.iter().copied().reduce(f64::min);
        }
        let mut durations = Vec::new();
        let mut observed = 0;
        for exception in exceptions.iter().filter(|e| e.criteria.contains(id)) {
            observed += 1;
            if exception.opened_in_period {
                summary.exceptions_opened += 1;
            }
            match exception.status.as_str() {
                "open" => summary.exceptions_open_at_end += 1,
                "no_longer_observed" => summary.exceptions_no_longer_observed += 1,
                _ => {
                    if exception
                        .fixed_at
                        .as_ref()
                        .is_some_and(|f| in_range(&f.date))
                    {
                        summary.exceptions_fixed += 1;
                        durations.push(exception.duration_seconds);
                    }
                }
            }
        }
        let (median, p90) = median_and_p90(durations);
        summary.remediation_median_seconds = median;
        summary.remediation_p90_seconds = p90;
        let mut text = if observed == 0 {
            "no exceptions observed".to_string()
        } else {
            format!("exceptions observed ({observed})")
        };
        if summary.days_not_tested > 0 {
            text.push_str(&format!(
                "; not tested on {} day{}",
                summary.days_not_tested,
                plural(summary.days_not_tested)
            ));
        }
        if summary.days_partial > 0 {
            text.push_str(&format!(
                "; partially tested on {} day{}",
                summary.days_partial,
                plural(summary.days_partial)
            ));
        }
        summary.summary = text;
        criteria.push(summary);
    }

    // Scope.
    let mut targets: BTreeMap<(String, String), TargetUse> = BTreeMap::new();
    let mut regions = BTreeSet::new();
    for &i in &in_period {
        let run = &runs[i];
        for target in &run.targets {
            let key = (target.provider.as_str().to_string(), target.account.clone());
            let entry = targets.entry(key).or_insert_with(|| TargetUse {
                provider: target.provider.as_str().to_string(),
                account: target.account.clone(),
                alias: None,
                regions: Vec::new(),
                first_date: run.date.to_string(),
                last_date: run.date.to_string(),
                runs: 0,
            });
            entry.runs += 1;
            entry.last_date = run.date.to_string();
            if target.alias.is_some() {
                entry.alias = target.alias.clone();
            }
            for region in &target.regions {
                regions.insert(region.clone());
                if !entry.regions.contains(region) {
                    entry.regions.push(region.clone());
                }
            }
            entry.regions.sort();
        }
    }
    let first_in = in_period.first().map(|&i| &runs[i]);
    let last_in = in_period.last().map(|&i| &runs[i]);
    let mut resources_by_kind = Vec::new();
    if let (Some(first), Some(last)) = (first_in, last_in) {
        let kinds: BTreeSet<&String> = first.kinds.keys().chain(last.kinds.keys()).collect();
        for kind in kinds {
            resources_by_kind.push(KindCount {
                kind: kind.clone(),
                first: first.kinds.get(kind).copied().unwrap_or(0),
                last: last.kinds.get(kind).copied().unwrap_or(0),
            });
        }
    }
    let mut tool_versions: Vec<VersionUse> = Vec::new();
    for &i in &in_period {
        let run = &runs[i];
        match tool_versions
            .iter_mut()
            .find(|v| v.version == run.row.tool_version)
        {
            Some(used) => {
                used.runs += 1;
                used.last_date = run.date.to_string();
            }
            None => tool_versions.push(VersionUse {
                version: run.row.tool_version.clone(),
                first_date: run.date.to_string(),
                last_date: run.date.to_string(),
                runs: 1,
            }),
        }
    }
    let mut rule_set_changes: Vec<RuleSetChange> = Vec::new();
    let mut previous: Option<&RuleSet> = None;
    let mut previous_hash = "";
    for &i in &in_period {
        let run = &runs[i];
        if run.row.ruleset == previous_hash {
            continue;
        }
        let current = ruleset_of(run);
        let (added, removed, changed) = match previous {
            None => (Vec::new(), Vec::new(), Vec::new()),
            Some(before) => ruleset_diff(before, current),
        };
        rule_set_changes.push(RuleSetChange {
            run: run.reference(),
            change: if previous.is_none() {
                "in_force_at_start"
            } else {
                "changed"
            }
            .to_string(),
            tool_version: current.tool_version.clone(),
            rule_set_sha256: run.row.ruleset.clone(),
            rules: current.rules.len() as u64,
            added,
            removed,
            changed,
        });
        previous = Some(current);
        previous_hash = &run.row.ruleset;
    }

    // Method.
    let per_day: Vec<u64> = days_list
        .iter()
        .map(|d| runs_by_day.get(d).map_or(0, |r| r.len() as u64))
        .collect();
    let days_without_complete = daily.iter().filter(|d| d.complete_runs == 0).count() as u64;
    let method = Method {
        runs: in_period.len() as u64,
        complete_runs: in_period.iter().filter(|&&i| runs[i].row.complete).count() as u64,
        runs_per_day_min: per_day.iter().copied().min().unwrap_or(0),
        runs_per_day_max: per_day.iter().copied().max().unwrap_or(0),
        runs_per_day_mean: if per_day.is_empty() {
            0.0
        } else {
            round6(per_day.iter().sum::<u64>() as f64 / per_day.len() as f64)
        },
        days_with_runs: per_day.iter().filter(|&&n| n > 0).count() as u64,
        days_without_complete_run: days_without_complete,
        day_status: DAY_STATUS.to_string(),
        pass_rate: PASS_RATE.to_string(),
        exceptions: EXCEPTIONS.to_string(),
    };

    // Coverage.
    let mut gaps: BTreeMap<(String, String, String, String), Gap> = BTreeMap::new();
    for &i in &in_period {
        let run = &runs[i];
        let mut counted = BTreeSet::new();
        for row in history.coverage.get(&run.row.seq).into_iter().flatten() {
            let Some((failure_kind, message)) = &row.failure else {
                continue;
            };
            let key = (
                row.provider.clone(),
                row.account.clone(),
                row.service.clone(),
                row.region.clone(),
            );
            let gap = gaps.entry(key.clone()).or_insert_with(|| Gap {
                provider: row.provider.clone(),
                account: row.account.clone(),
                service: row.service.clone(),
                region: row.region.clone(),
                kinds: Vec::new(),
                failure_kinds: Vec::new(),
                first_date: run.date.to_string(),
                last_date: run.date.to_string(),
                runs: 0,
                message: message.clone(),
            });
            gap.last_date = run.date.to_string();
            if counted.insert(key) {
                gap.runs += 1;
            }
            if !gap.kinds.contains(&row.kind) {
                gap.kinds.push(row.kind.clone());
                gap.kinds.sort();
            }
            if !gap.failure_kinds.contains(failure_kind) {
                gap.failure_kinds.push(failure_kind.clone());
                gap.failure_kinds.sort();
            }
        }
    }
    let coverage = Coverage {
        days_not_tested: daily
            .iter()
            .filter(|d| d.runs == 0)
            .map(|d| d.date.clone())
            .collect(),
        days_partial: daily
            .iter()
            .filter(|d| d.runs > 0 && d.complete_runs == 0)
            .map(|d| d.date.clone())
            .collect(),
        gaps: gaps.into_values().collect(),
        not_evaluated_pairs: daily
            .iter()
            .filter_map(|d| d.evidence_run)
            .filter_map(|seq| by_seq.get(&seq))
            .map(|&i| {
                runs[i]
                    .counters
                    .values()
                    .map(|c| c.not_evaluated)
                    .sum::<u64>()
            })
            .sum(),
    };

    // Suppressions.
    let suppression_ids: HashMap<&SuppressionRecord, i64> = history
        .suppressions
        .iter()
        .map(|(id, record)| (record, *id))
        .collect();
    let period_seqs: Option<(i64, i64)> = match (first_in, last_in) {
        (Some(first), Some(last)) => Some((first.row.seq, last.row.seq)),
        _ => None,
    };
    let mut uses: BTreeMap<SuppressionRecord, SuppressionUse> = BTreeMap::new();
    for &i in &in_period {
        let run = &runs[i];
        for record in &run.suppressions {
            let entry = uses
                .entry(record.clone())
                .or_insert_with(|| SuppressionUse {
                    rule: record.rule.clone(),
                    resource: record.resource.clone(),
                    reason: record.reason.clone(),
                    expires: record.expires.clone(),
                    first_date: run.date.to_string(),
                    last_date: run.date.to_string(),
                    expired_in_period: record.expires >= from_text && record.expires < to_text,
                    covered: Vec::new(),
                });
            entry.last_date = run.date.to_string();
        }
    }
    if let Some((first_seq, last_seq)) = period_seqs {
        let newest = history.runs.last().map_or(last_seq, |r| r.seq);
        let mut covered: BTreeMap<(i64, String, String), u64> = BTreeMap::new();
        for span in &history.spans {
            let Some(id) = span.suppression else { continue };
            let span_last = span.last_seq.unwrap_or(newest);
            let lo = span.first_seq.max(first_seq);
            let hi = span_last.min(last_seq);
            if lo > hi {
                continue;
            }
            let Some(subject) = history.subjects.get(&span.subject) else {
                continue;
            };
            let in_runs = in_period
                .iter()
                .filter(|&&i| runs[i].row.seq >= lo && runs[i].row.seq <= hi)
                .count() as u64;
            *covered
                .entry((id, subject.rule.clone(), subject.subject.clone()))
                .or_insert(0) += in_runs;
        }
        for (record, entry) in uses.iter_mut() {
            let Some(&id) = suppression_ids.get(record) else {
                continue;
            };
            entry.covered = covered
                .range((id, String::new(), String::new())..)
                .take_while(|((key, _, _), _)| *key == id)
                .map(|((_, rule, resource), runs)| Covered {
                    rule: rule.clone(),
                    resource: resource.clone(),
                    runs: *runs,
                })
                .collect();
        }
    }

    // Manifest.
    let mut problems: Vec<String> = verification
        .global()
        .iter()
        .map(|p| p.message.clone())
        .collect();
    let manifest_runs: Vec<ManifestRun> = in_period
        .iter()
        .map(|&i| {
            let run = &runs[i];
            let run_problems = verification.of_run(run.row.seq);
            for problem in &run_problems {
                problems.push(format!("run #{}: {}", run.row.seq, problem.message));
            }
            ManifestRun {
                seq: run.row.seq,
                collected_at: time_text(run.collected_at),
                date: run.date.to_string(),
                recorded_at: run.row.recorded_at.clone(),
                source: run.row.source.clone(),
                tool_version: run.row.tool_version.clone(),
                complete: run.row.complete,
                snapshot_sha256: run.row.snapshot.clone(),
                run_hash: run.row.run_hash.clone(),
                chain: if run_problems.is_empty() {
                    "intact".to_string()
                } else {
                    run_problems
                        .iter()
                        .map(|p| p.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            }
        })
        .collect();
    let manifest = Manifest {
        chain_status: if problems.is_empty() {
            "intact"
        } else {
            "broken"
        }
        .to_string(),
        problems,
        head_seq: verification.head.as_ref().map(|(seq, _)| *seq),
        head_hash: verification.head.as_ref().map(|(_, hash)| hash.clone()),
        runs: manifest_runs,
        how_to_verify: format!(
            "Each run's hash covers its content and the previous run's hash, starting from 64 \
             zeros; each snapshot is stored under the SHA-256 of its bytes. To check the store \
             independently of this report run `soc2scan verify --history {store}`: it recomputes \
             every run's content hash and the chain, re-hashes every stored snapshot, and exits \
             0 when intact, 1 listing what is broken. Compare the newest run hash it prints with \
             one kept outside the store (a CI log, this report) to detect a rewritten history. A \
             kept snapshot file can be matched to its run with `sha256sum FILE`."
        ),
    };

    Ok(PeriodReport {
        format: REPORT_FORMAT.to_string(),
        format_version: REPORT_FORMAT_VERSION,
        generated_at: time_text(request.generated_at),
        generated_by: format!("soc2scan {}", crate::VERSION),
        store: store.to_string(),
        period: Period {
            from: from_text.clone(),
            to: to_text.clone(),
            time_zone: request.time_zone.clone(),
            days: days_list.len() as u64,
            criteria_filter: request.criteria.clone(),
        },
        scope: Scope {
            targets: targets.into_values().collect(),
            regions: regions.into_iter().collect(),
            resources_by_kind,
            first_run: first_in.map(Run::reference),
            last_run: last_in.map(Run::reference),
            tool_versions,
            rule_set_changes,
        },
        method,
        criteria,
        daily,
        exceptions,
        coverage,
        suppressions: uses.into_values().collect(),
        manifest,
    })
}

fn plural(count: u64) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// How a day's status is decided (carried in the report).
pub const DAY_STATUS: &str = "A run belongs to the day of its collection time in the report's \
time zone. A day's evidence run is its last complete run (one in which no coverage gap kept a \
rule from being evaluated). Per criterion the day is 'pass' when the evidence run evaluated \
(rule, resource) pairs of the criterion's rules and none failed without a suppression, 'fail' \
when at least one failed without a suppression, 'partial' when the day had runs but none \
complete (or the evidence run could evaluate none of the criterion's pairs), and 'not tested' \
when the day had no run (or the evidence run ran none of the criterion's rules, or found \
nothing to check).";

/// How the pass rate is computed (carried in the report).
pub const PASS_RATE: &str = "Daily pass rate = passing pairs / evaluated pairs of the \
criterion's rules in the day's evidence run, where evaluated pairs are passing, failing and \
suppressed failing pairs. Pairs not evaluated (coverage gaps, unknown values) are outside the \
rate and counted under coverage. Mean and minimum are over the days that have a rate.";

/// What an exception is (carried in the report).
pub const EXCEPTIONS: &str = "An exception is a (rule, resource) pair from the first run in \
which it failed after its last pass to the first run in which it passed again (fixed). A run \
that could not evaluate it, or did not see the resource, does not end it. It is open when it \
failed or was not evaluated in the period's last run, and no longer observed when its resource \
was absent from that run. Time to remediate = fixed time - first failing time, over exceptions \
fixed in the period; the median of an even count is the mean of the middle two, the 90th \
percentile is the nearest-rank value.";

fn ruleset_diff(before: &RuleSet, after: &RuleSet) -> (Vec<String>, Vec<String>, Vec<String>) {
    let old: BTreeMap<&str, _> = before.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let new: BTreeMap<&str, _> = after.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let added = new
        .keys()
        .filter(|id| !old.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let changed = new
        .iter()
        .filter(|(id, rule)| old.get(*id).is_some_and(|before| before != *rule))
        .map(|(id, _)| id.to_string())
        .collect();
    (added, removed, changed)
}

/// The exceptions of one subject, appended to `out`.
#[allow(clippy::too_many_arguments)]
fn exceptions_of<'h>(
    subject: &super::store::SubjectRow,
    spans: &[SpanRow],
    end_seq: i64,
    runs: &[Run<'h>],
    by_seq: &HashMap<i64, usize>,
    history: &History,
    rulesets: &HashMap<&str, RuleSet>,
    request: &ReportRequest,
    out: &mut Vec<Exception>,
) {
    struct Open {
        first: usize,
        last_fail: usize,
        last_pass_before: Option<usize>,
        message: String,
        suppressions: BTreeSet<i64>,
    }
    let run_at = |seq: i64| by_seq.get(&seq).copied();
    let newest = history.runs.last().map_or(end_seq, |r| r.seq);
    let mut current: Option<Open> = None;
    let mut last_pass: Option<usize> = None;
    let mut held_at_end = false;
    let finish = |open: Open, fixed: Option<usize>, held_at_end: bool, out: &mut Vec<Exception>| {
        let first = &runs[open.first];
        let last_fail = &runs[open.last_fail];
        let end = &runs[run_at(end_seq).unwrap_or(open.last_fail)];
        let (status, until) = match fixed {
            Some(fixed) => ("fixed", &runs[fixed]),
            None if held_at_end => ("open", end),
            None => ("no_longer_observed", last_fail),
        };
        // Not in the period at all: over before it started.
        let ends_on = match fixed {
            Some(fixed) => runs[fixed].date,
            None if held_at_end => end.date,
            None => last_fail.date,
        };
        if ends_on < request.from {
            return;
        }
        let rule = rulesets
            .get(first.row.ruleset.as_str())
            .and_then(|set| set.rules.iter().find(|r| r.id == subject.rule));
        out.push(Exception {
            rule: subject.rule.clone(),
            title: rule.map(|r| r.title.clone()).unwrap_or_default(),
            severity: rule.map(|r| r.severity.clone()).unwrap_or_default(),
            criteria: rule.map(|r| r.criteria.clone()).unwrap_or_default(),
            resource: subject.subject.clone(),
            kind: subject.kind.clone(),
            provider: subject.provider.clone(),
            account: subject.account.clone(),
            region: subject.region.clone(),
            name: subject.name.clone(),
            message: open.message,
            first_seen_failing: first.reference(),
            last_seen_passing_before: open.last_pass_before.map(|i| runs[i].reference()),
            fixed_at: fixed.map(|i| runs[i].reference()),
            last_seen_failing: last_fail.reference(),
            status: status.to_string(),
            duration_seconds: (until.collected_at - first.collected_at).num_seconds(),
            opened_in_period: first.date >= request.from,
            suppressions: open
                .suppressions
                .iter()
                .filter_map(|id| history.suppressions.get(id).cloned())
                .collect(),
        });
    };
    for span in spans {
        if span.first_seq > end_seq {
            break;
        }
        let last_seq = span.last_seq.unwrap_or(newest).min(end_seq);
        let (Some(first), Some(last)) = (run_at(span.first_seq), run_at(last_seq)) else {
            continue;
        };
        held_at_end = last_seq == end_seq;
        match Outcome::parse(&span.outcome) {
            Some(Outcome::Fail) => {
                let open = current.get_or_insert_with(|| Open {
                    first,
                    last_fail: last,
                    last_pass_before: last_pass,
                    message: span.message.clone(),
                    suppressions: BTreeSet::new(),
                });
                open.last_fail = last;
                if let Some(id) = span.suppression {
                    open.suppressions.insert(id);
                }
            }
            Some(Outcome::Pass) => {
                if let Some(open) = current.take() {
                    finish(open, Some(first), false, out);
                }
                last_pass = Some(last);
            }
            Some(Outcome::NotEvaluated) | None => {}
        }
    }
    if let Some(open) = current.take() {
        finish(open, None, held_at_end, out);
    }
}
