//! The exit-code policy.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | clean: no failure at or above `--fail-on`, and the scan is complete |
//! | 1 | failing findings at or above `--fail-on` (default `high`) |
//! | 2 | usage or input error (nothing is written) |
//! | 3 | scan incomplete: a coverage gap kept rules that ran from being evaluated, unless `--allow-incomplete` |
//!
//! With a baseline (`--baseline`), only failures the baseline does not have count toward
//! `--fail-on`: a gate fails on what a change introduced, not on what was already there.
//!
//! Failures covered by an active suppression never count.
//!
//! An incomplete scan outranks failing findings: the findings are real, but a gate or an
//! evidence job must not read "1" as "these are all the findings there are".

use soc2scan_output::findings::Baseline;
use soc2scan_output::identity::{evaluation_fingerprint, subject_id};
use soc2scan_output::suppress::Suppressions;
use soc2scan_rules::{Report, Severity};

/// Clean.
pub const CLEAN: u8 = 0;
/// Failing findings at or above the threshold.
pub const FINDINGS: u8 = 1;
/// Usage or input error.
pub const USAGE: u8 = 2;
/// Coverage gaps.
pub const INCOMPLETE: u8 = 3;

/// Why a scan exits the way it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The exit code.
    pub code: u8,
    /// Failures at or above the threshold (new ones only, with a baseline).
    pub failing: usize,
    /// Coverage gaps that affected the rules that ran.
    pub gaps: usize,
}

/// Decides the exit code of a scan.
pub fn outcome(
    report: &Report<'_>,
    fail_on: Option<Severity>,
    allow_incomplete: bool,
    baseline: Option<&Baseline>,
    suppressions: &Suppressions,
) -> Outcome {
    let failing = match fail_on {
        Some(threshold) => report
            .evaluations
            .iter()
            .filter(|e| e.verdict.is_fail() && report.rule_of(e).rule.meta().severity >= threshold)
            .filter(|e| {
                suppressions
                    .find(report.rule_of(e).rule.meta().id, &subject_id(report, e))
                    .is_none()
            })
            .filter(|e| {
                baseline.is_none_or(|baseline| {
                    !baseline.known.contains(&evaluation_fingerprint(report, e))
                })
            })
            .count(),
        None => 0,
    };
    let gaps = report.relevant_gaps().len();
    let code = if gaps > 0 && !allow_incomplete {
        INCOMPLETE
    } else if failing > 0 {
        FINDINGS
    } else {
        CLEAN
    };
    Outcome {
        code,
        failing,
        gaps,
    }
}
