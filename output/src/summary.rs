//! The summary every human-facing format shows, computed once: totals, failures by
//! severity, a per-criterion view, coverage gaps and unexplained `NotEvaluated` verdicts.

use soc2scan_model::{CoverageEntry, CoverageStatus};
use soc2scan_rules::catalog::criterion;
use soc2scan_rules::{
    Category, Evaluation, Report, Severity, SkipReason, SkippedRule, Subject, Tally, Verdict,
};
use std::collections::HashMap;

/// How many distinct reasons [`UnexplainedNotEvaluated::reasons`] keeps.
pub const MAX_REASONS: usize = 3;

/// Totals and per-criterion counts of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary<'s> {
    /// How many rules ran.
    pub rules: usize,
    /// Every verdict (checks), counted once each; suppressed failures are not in `failed`.
    pub checks: Tally,
    /// Failures covered by an active suppression (counted neither passed nor failed).
    pub suppressed: usize,
    /// Failed checks per rule severity, most severe first; every severity is present.
    pub failed_by_severity: Vec<(Severity, usize)>,
    /// One row per criterion referenced by a rule that ran, in catalog order.
    pub criteria: Vec<CriterionSummary>,
    /// Every coverage gap of the snapshot, in snapshot order.
    pub gaps: Vec<GapSummary<'s>>,
    /// Per rule, `NotEvaluated` verdicts that no coverage gap explains (e.g. values a
    /// Terraform plan only knows after apply, or a snapshot without a coverage entry).
    pub unexplained_not_evaluated: Vec<UnexplainedNotEvaluated<'s>>,
    /// Whether the scan decided everything it set out to: no coverage gap affects a rule
    /// that ran and no check is `NotEvaluated`.
    pub complete: bool,
}

/// One criterion's row.
///
/// Counts are of distinct subjects (resources, or whole scopes for scope-level verdicts)
/// checked by at least one rule mapped to the criterion: a subject is *failed* if any such
/// check failed, else *not evaluated* if any could not be decided, else *passed*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionSummary {
    /// Criterion id (`CC6.1`).
    pub id: &'static str,
    /// Its short title (empty for an id the catalog does not know).
    pub title: &'static str,
    /// Its category, if the catalog knows the id.
    pub category: Option<Category>,
    /// How many of the rules that ran map to it.
    pub rules: usize,
    /// Subjects passed / failed / not evaluated, as defined above.
    pub resources: Tally,
}

/// One coverage gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapSummary<'s> {
    /// The coverage entry (its status is `Failed`).
    pub entry: &'s CoverageEntry,
    /// Ids of the rules that ran and need this unit; empty if no rule that ran needs it.
    pub rules: Vec<&'static str>,
}

impl<'s> GapSummary<'s> {
    /// Whether the gap keeps a rule that ran from being evaluated (it makes the scan
    /// incomplete).
    pub fn affects_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The failure kind (`access_denied`) and the provider's message.
    pub fn failure(&self) -> (&'static str, &'s str) {
        match &self.entry.status {
            CoverageStatus::Failed { kind, message } => (kind.as_str(), message.as_str()),
            CoverageStatus::Ok => ("ok", ""),
        }
    }
}

/// `NotEvaluated` verdicts of one rule that no coverage gap explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexplainedNotEvaluated<'s> {
    /// Index into [`Report::rules`].
    pub rule: usize,
    /// The rule's id.
    pub rule_id: &'static str,
    /// How many.
    pub count: usize,
    /// The first distinct reasons (at most [`MAX_REASONS`]).
    pub reasons: Vec<&'s str>,
}

// Per-subject state while folding verdicts into a criterion: worst wins.
const NONE: u8 = 0;
const PASSED: u8 = 1;
const NOT_EVALUATED: u8 = 2;
const FAILED: u8 = 3;

fn rank(verdict: &Verdict) -> u8 {
    match verdict {
        Verdict::Pass => PASSED,
        Verdict::NotEvaluated(_) => NOT_EVALUATED,
        Verdict::Fail(_) => FAILED,
        Verdict::NotApplicable => NONE,
    }
}

impl<'s> Summary<'s> {
    /// Computes the summary of a report.
    pub fn of(report: &'s Report<'_>) -> Summary<'s> {
        Summary::with_context(
            report,
            &crate::RenderContext::new("", Default::default(), Default::default()),
        )
    }

    /// Computes the summary of a report, counting failures the context suppresses apart.
    pub fn with_context(report: &'s Report<'_>, ctx: &crate::RenderContext) -> Summary<'s> {
        let mut checks = report.tally();
        let mut failed = [0usize; 5];
        let mut suppressed = 0;
        for evaluation in &report.evaluations {
            if crate::suppression_of(report, ctx, evaluation).is_some() {
                suppressed += 1;
                checks.failed -= 1;
            } else if evaluation.verdict.is_fail() {
                let severity = report.rule_of(evaluation).rule.meta().severity;
                failed[severity_slot(severity)] += 1;
            }
        }
        let failed_by_severity = Severity::ALL_DESCENDING
            .into_iter()
            .map(|severity| (severity, failed[severity_slot(severity)]))
            .collect();
        let gaps: Vec<GapSummary<'s>> = report
            .snapshot
            .gaps()
            .map(|entry| GapSummary {
                entry,
                rules: report.rules_affected_by(entry),
            })
            .collect();
        let unexplained_not_evaluated = unexplained_not_evaluated(report);
        let complete = checks.not_evaluated == 0 && !gaps.iter().any(GapSummary::affects_rules);
        Summary {
            rules: report.rules.len(),
            checks,
            suppressed,
            failed_by_severity,
            criteria: criteria_summary(report),
            gaps,
            unexplained_not_evaluated,
            complete,
        }
    }

    /// Gaps that affect a rule that ran.
    pub fn relevant_gaps(&self) -> impl Iterator<Item = &GapSummary<'s>> {
        self.gaps.iter().filter(|gap| gap.affects_rules())
    }

    /// Failed checks of one severity.
    pub fn failed_at(&self, severity: Severity) -> usize {
        self.failed_by_severity[severity_slot(severity)].1
    }
}

fn severity_slot(severity: Severity) -> usize {
    match severity {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

fn criteria_summary(report: &Report<'_>) -> Vec<CriterionSummary> {
    // Criteria referenced by the rules that ran, in catalog order (unknown ids last).
    let mut ids: Vec<&'static str> = Vec::new();
    for run in &report.rules {
        for id in run.rule.meta().criteria {
            if !ids.contains(id) {
                ids.push(id);
            }
        }
    }
    let catalog_position = |id: &str| {
        soc2scan_rules::CRITERIA
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    ids.sort_by_key(|id| catalog_position(id));
    let slot_of: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let rule_slots: Vec<Vec<usize>> = report
        .rules
        .iter()
        .map(|run| {
            run.rule
                .meta()
                .criteria
                .iter()
                .map(|id| slot_of[id])
                .collect()
        })
        .collect();

    // Worst verdict per (criterion, subject): dense over resources, sparse over scopes.
    let resources = report.snapshot.resources.len();
    let mut by_resource = vec![vec![NONE; resources]; ids.len()];
    let mut by_unit: Vec<HashMap<u32, u8>> = vec![HashMap::new(); ids.len()];
    for evaluation in &report.evaluations {
        let verdict = rank(&evaluation.verdict);
        for &slot in &rule_slots[evaluation.rule as usize] {
            let state = match evaluation.subject {
                Subject::Resource(index) => &mut by_resource[slot][index as usize],
                Subject::Unit(index) => by_unit[slot].entry(index).or_insert(NONE),
            };
            *state = (*state).max(verdict);
        }
    }

    ids.iter()
        .enumerate()
        .map(|(slot, id)| {
            let mut tally = Tally::default();
            for &state in by_resource[slot].iter().chain(by_unit[slot].values()) {
                match state {
                    PASSED => tally.passed += 1,
                    NOT_EVALUATED => tally.not_evaluated += 1,
                    FAILED => tally.failed += 1,
                    _ => {}
                }
            }
            let known = criterion(id);
            CriterionSummary {
                id,
                title: known.map_or("", |c| c.title),
                category: known.map(|c| c.category),
                rules: rule_slots.iter().filter(|s| s.contains(&slot)).count(),
                resources: tally,
            }
        })
        .collect()
}

/// `NotEvaluated` verdicts that no failed coverage unit explains (the rule could not decide,
/// or a needed unit is absent from the coverage table).
fn unexplained_not_evaluated<'s>(report: &'s Report<'_>) -> Vec<UnexplainedNotEvaluated<'s>> {
    let explained = |evaluation: &Evaluation| evaluation.gap.is_some();

    let mut per_rule: Vec<Option<UnexplainedNotEvaluated<'s>>> = vec![None; report.rules.len()];
    for evaluation in &report.evaluations {
        let Verdict::NotEvaluated(reason) = &evaluation.verdict else {
            continue;
        };
        if explained(evaluation) {
            continue;
        }
        let index = evaluation.rule as usize;
        let entry = per_rule[index].get_or_insert_with(|| UnexplainedNotEvaluated {
            rule: index,
            rule_id: report.rules[index].rule.meta().id,
            count: 0,
            reasons: Vec::new(),
        });
        entry.count += 1;
        if entry.reasons.len() < MAX_REASONS && !entry.reasons.contains(&reason.as_str()) {
            entry.reasons.push(reason.as_str());
        }
    }
    per_rule.into_iter().flatten().collect()
}

/// The skipped rules of a report by cause: the runtime-only rules of a plan, one by one,
/// and the rules a snapshot did not collect data for, grouped by the kinds it lacks
/// (`"gcs_bucket"` → the rule ids), so a scan of one provider reads as one line per
/// missing service rather than one per rule.
pub fn skipped_by_cause<'r>(
    report: &'r Report<'_>,
) -> (Vec<&'r SkippedRule>, Vec<(String, Vec<&'static str>)>) {
    let mut runtime_only = Vec::new();
    let mut not_collected: Vec<(String, Vec<&'static str>)> = Vec::new();
    for skipped in &report.skipped {
        match &skipped.reason {
            SkipReason::RuntimeOnly(_) => runtime_only.push(skipped),
            SkipReason::NotCollected(kinds) => {
                let names: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
                let key = names.join(", ");
                let id = skipped.run.rule.meta().id;
                match not_collected.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, rules)) => rules.push(id),
                    None => not_collected.push((key, vec![id])),
                }
            }
        }
    }
    (runtime_only, not_collected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Fixture;
    use std::collections::HashSet;

    #[test]
    fn totals_criteria_and_gaps() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let summary = Summary::of(&report);
        assert_eq!(summary.rules, report.rules.len());
        assert_eq!(summary.checks, report.tally());
        assert_eq!(
            summary
                .failed_by_severity
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            summary.checks.failed
        );
        assert!(!summary.complete);

        let cc61 = summary.criteria.iter().find(|c| c.id == "CC6.1").unwrap();
        assert_eq!(cc61.title, "Logical access security");
        // Catalog order: CC before A before C.
        let order: Vec<&str> = summary.criteria.iter().map(|c| c.id).collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|id| {
            soc2scan_rules::CRITERIA
                .iter()
                .position(|c| c.id == *id)
                .unwrap()
        });
        assert_eq!(order, sorted);

        assert!(summary.relevant_gaps().count() >= 1);
        let irrelevant = summary.gaps.iter().find(|g| !g.affects_rules()).unwrap();
        assert!(irrelevant.rules.is_empty());
    }

    #[test]
    fn a_resource_counts_once_per_criterion_with_the_worst_verdict() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let summary = Summary::of(&report);
        // vol-plain fails the EBS rule and passes the tag rule, both mapped to CC6.1: one
        // failed resource, not one passed and one failed.
        let cc61 = summary.criteria.iter().find(|c| c.id == "CC6.1").unwrap();
        let checked: HashSet<Subject> = report
            .evaluations
            .iter()
            .filter(|e| report.rule_of(e).rule.meta().criteria.contains(&"CC6.1"))
            .map(|e| e.subject)
            .collect();
        let r = cc61.resources;
        assert_eq!(r.passed + r.failed + r.not_evaluated, checked.len());
    }

    #[test]
    fn not_evaluated_without_a_gap_is_reported_per_rule() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let summary = Summary::of(&report);
        let unexplained: Vec<&str> = summary
            .unexplained_not_evaluated
            .iter()
            .map(|u| u.rule_id)
            .collect();
        assert_eq!(unexplained, vec![crate::test_support::TAG_RULE_ID]);
        assert_eq!(summary.unexplained_not_evaluated[0].count, 1);
    }
}
