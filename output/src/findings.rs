//! Failing findings read back from a previous report, and the comparison of two sets of
//! findings: what a baseline (`scan --baseline`) and `soc2scan diff` are built on.
//!
//! A report is recognised by its content, not its file name: the JSON report carries
//! `"format": "soc2scan-report"`, a SARIF log carries `"runs"`. Findings are matched by
//! their fingerprint (SARIF `partialFingerprints["soc2scan/v1"]`, JSON `fingerprint`), which
//! depends only on the rule id and the canonical resource id, so reordering resources,
//! rules or results never changes the comparison.

use crate::identity::{evaluation_fingerprint, subject_id, FINGERPRINT_KEY};
use crate::json::REPORT_FORMAT;
use serde::Serialize;
use serde_json::Value;
use soc2scan_rules::Report;
use std::collections::{BTreeMap, BTreeSet};

/// One failing finding of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that failed.
    pub rule_id: String,
    /// The canonical id of the resource (or collection unit) it is about.
    pub subject: String,
    /// The rule's severity, when the report records it.
    pub severity: Option<String>,
    /// The failure message.
    pub message: String,
    /// Its fingerprint (see [`crate::identity::fingerprint`]).
    pub fingerprint: String,
}

/// Why a file could not be read as a soc2scan report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not JSON at all.
    #[error("not a soc2scan report: not valid JSON ({0})")]
    NotJson(String),
    /// JSON, but neither a soc2scan JSON report nor a SARIF log.
    #[error("not a soc2scan report: expected a SARIF log (\"runs\") or a JSON report (\"format\": \"soc2scan-report\")")]
    UnknownFormat,
    /// A failure without the fields needed to match it.
    #[error("{0}")]
    Malformed(String),
}

/// The failing findings of a report (SARIF or JSON, detected by content), sorted by rule id
/// then subject.
pub fn read_findings(text: &str) -> Result<Vec<Finding>, ReadError> {
    let document: Value =
        serde_json::from_str(text).map_err(|error| ReadError::NotJson(error.to_string()))?;
    let mut findings = if document.get("format").and_then(Value::as_str) == Some(REPORT_FORMAT) {
        json_findings(&document)?
    } else if document.get("runs").is_some_and(Value::is_array) {
        sarif_findings(&document)?
    } else {
        return Err(ReadError::UnknownFormat);
    };
    sort(&mut findings);
    Ok(findings)
}

fn json_findings(document: &Value) -> Result<Vec<Finding>, ReadError> {
    let results = document
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::Malformed("JSON report without a \"results\" array".into()))?;
    let mut findings = Vec::new();
    for (index, result) in results.iter().enumerate() {
        if result.get("verdict").and_then(Value::as_str) != Some("fail") {
            continue;
        }
        let field = |name: &str| {
            result
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    ReadError::Malformed(format!("results[{index}] has no string \"{name}\""))
                })
        };
        let subject = result
            .pointer("/resource/id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_default();
        findings.push(Finding {
            rule_id: field("rule_id")?,
            subject,
            severity: result
                .get("severity")
                .and_then(Value::as_str)
                .map(str::to_string),
            message: field("message").unwrap_or_default(),
            fingerprint: field("fingerprint")?,
        });
    }
    Ok(findings)
}

fn sarif_findings(document: &Value) -> Result<Vec<Finding>, ReadError> {
    let mut findings = Vec::new();
    let runs = document["runs"].as_array().into_iter().flatten();
    for (run_index, run) in runs.enumerate() {
        let results = run.get("results").and_then(Value::as_array);
        for (index, result) in results.into_iter().flatten().enumerate() {
            // Failures are results of kind "fail" (SARIF's default when absent).
            let kind = result.get("kind").and_then(Value::as_str).unwrap_or("fail");
            if kind != "fail" {
                continue;
            }
            let at = format!("runs[{run_index}].results[{index}]");
            let fingerprint = result
                .pointer("/partialFingerprints")
                .and_then(|prints| prints.get(FINGERPRINT_KEY))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ReadError::Malformed(format!(
                        "{at} has no partialFingerprints[\"{FINGERPRINT_KEY}\"]; is this a soc2scan SARIF file?"
                    ))
                })?;
            let rule_id = result
                .get("ruleId")
                .and_then(Value::as_str)
                .ok_or_else(|| ReadError::Malformed(format!("{at} has no ruleId")))?;
            findings.push(Finding {
                rule_id: rule_id.to_string(),
                subject: result
                    .pointer("/locations/0/logicalLocations/0/fullyQualifiedName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                severity: result
                    .pointer("/properties/severity")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                message: result
                    .pointer("/message/text")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                fingerprint: fingerprint.to_string(),
            });
        }
    }
    Ok(findings)
}

/// The failing findings of an evaluated report, sorted by rule id then subject.
pub fn report_findings(report: &Report<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = report
        .evaluations
        .iter()
        .filter(|evaluation| evaluation.verdict.is_fail())
        .map(|evaluation| {
            let meta = report.rule_of(evaluation).rule.meta();
            Finding {
                rule_id: meta.id.to_string(),
                subject: subject_id(report, evaluation).into_owned(),
                severity: Some(meta.severity.to_string()),
                message: evaluation.verdict.message().unwrap_or_default().to_string(),
                fingerprint: evaluation_fingerprint(report, evaluation),
            }
        })
        .collect();
    sort(&mut findings);
    findings
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.rule_id, &a.subject, &a.fingerprint).cmp(&(&b.rule_id, &b.subject, &b.fingerprint))
    });
}

/// Two sets of findings compared by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Failing now, not before.
    pub new: Vec<Finding>,
    /// Failing before, no longer failing.
    pub fixed: Vec<Finding>,
    /// Failing in both (as they are now).
    pub unchanged: Vec<Finding>,
}

impl Comparison {
    /// Compares `old` with `new`; each list keeps the order of its input (sorted, for
    /// inputs from [`read_findings`] and [`report_findings`]). A fingerprint repeated in
    /// one input counts once.
    pub fn between(old: &[Finding], new: &[Finding]) -> Comparison {
        let old_prints: BTreeSet<&str> = old.iter().map(|f| f.fingerprint.as_str()).collect();
        let new_prints: BTreeSet<&str> = new.iter().map(|f| f.fingerprint.as_str()).collect();
        let mut comparison = Comparison::default();
        let mut seen = BTreeSet::new();
        for finding in new {
            if !seen.insert(finding.fingerprint.as_str()) {
                continue;
            }
            if old_prints.contains(finding.fingerprint.as_str()) {
                comparison.unchanged.push(finding.clone());
            } else {
                comparison.new.push(finding.clone());
            }
        }
        let mut seen = BTreeSet::new();
        for finding in old {
            if seen.insert(finding.fingerprint.as_str())
                && !new_prints.contains(finding.fingerprint.as_str())
            {
                comparison.fixed.push(finding.clone());
            }
        }
        comparison
    }

    /// Counts of new, fixed and unchanged findings, for summaries.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("new", self.new.len()),
            ("fixed", self.fixed.len()),
            ("unchanged", self.unchanged.len()),
        ])
    }
}

/// A scan compared with a baseline report (`scan --baseline`): which failures were already
/// known, and which known failures are fixed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Fingerprints of the baseline's failing findings.
    pub known: BTreeSet<String>,
    /// Failing now, not in the baseline.
    pub new: usize,
    /// Failing now and in the baseline.
    pub existing: usize,
    /// In the baseline, no longer failing.
    pub fixed: Vec<Finding>,
}

impl Baseline {
    /// Compares the failures of `current` with those of a baseline report.
    pub fn compare(baseline: &[Finding], current: &[Finding]) -> Baseline {
        let comparison = Comparison::between(baseline, current);
        Baseline {
            known: baseline.iter().map(|f| f.fingerprint.clone()).collect(),
            new: comparison.new.len(),
            existing: comparison.unchanged.len(),
            fixed: comparison.fixed,
        }
    }

    /// `"new"` or `"existing"`: the state of a failure with this fingerprint.
    pub fn state_of(&self, fingerprint: &str) -> &'static str {
        if self.known.contains(fingerprint) {
            "existing"
        } else {
            "new"
        }
    }

    /// One line for summaries: `2 new, 5 existing, 1 fixed`.
    pub fn counts_text(&self) -> String {
        format!(
            "{} new, {} existing, {} fixed",
            self.new,
            self.existing,
            self.fixed.len()
        )
    }
}

/// Renders a comparison as a plain-text listing: one section per state.
pub fn render_comparison_table(comparison: &Comparison) -> String {
    let mut out = format!(
        "{} new, {} fixed, {} unchanged\n",
        comparison.new.len(),
        comparison.fixed.len(),
        comparison.unchanged.len()
    );
    for (title, findings) in sections(comparison) {
        out.push_str(&format!("\n{title} ({}):\n", findings.len()));
        if findings.is_empty() {
            out.push_str("  (none)\n");
        }
        for finding in findings {
            out.push_str(&format!(
                "  {:<8} {}  {}\n",
                finding.severity.as_deref().unwrap_or("-"),
                finding.rule_id,
                finding.subject
            ));
        }
    }
    out
}

/// Renders a comparison as Markdown: a count line and one table per non-empty state.
pub fn render_comparison_markdown(comparison: &Comparison) -> String {
    let mut out = format!(
        "## soc2scan diff\n\n**{}** new · **{}** fixed · **{}** unchanged\n",
        comparison.new.len(),
        comparison.fixed.len(),
        comparison.unchanged.len()
    );
    for (title, findings) in sections(comparison) {
        if findings.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n### {title} ({})\n\n| Severity | Rule | Resource |\n|---|---|---|\n",
            findings.len()
        ));
        for finding in findings {
            out.push_str(&format!(
                "| {} | `{}` | `{}` |\n",
                finding.severity.as_deref().unwrap_or("-"),
                finding.rule_id,
                escape_cell(&finding.subject)
            ));
        }
    }
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'")
}

fn sections(comparison: &Comparison) -> [(&'static str, &[Finding]); 3] {
    [
        ("New", &comparison.new),
        ("Fixed", &comparison.fixed),
        ("Unchanged", &comparison.unchanged),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{context, Fixture};
    use crate::{render, Format};

    fn finding(rule: &str, subject: &str) -> Finding {
        Finding {
            rule_id: rule.to_string(),
            subject: subject.to_string(),
            severity: Some("high".to_string()),
            message: String::new(),
            fingerprint: crate::fingerprint(rule, subject),
        }
    }

    #[test]
    fn sarif_and_json_reports_read_back_as_the_same_findings() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let ctx = context();
        let expected = report_findings(&report);
        assert!(!expected.is_empty());
        let from_json = read_findings(&render(Format::Json, &report, &ctx).unwrap()).unwrap();
        let from_sarif = read_findings(&render(Format::Sarif, &report, &ctx).unwrap()).unwrap();
        assert_eq!(from_json, expected);
        let prints = |findings: &[Finding]| -> Vec<String> {
            findings.iter().map(|f| f.fingerprint.clone()).collect()
        };
        assert_eq!(prints(&from_sarif), prints(&expected));
    }

    #[test]
    fn comparison_is_by_fingerprint_and_ignores_order() {
        let old = vec![finding("r1", "a"), finding("r1", "b"), finding("r2", "a")];
        let new = vec![finding("r2", "a"), finding("r3", "c"), finding("r1", "a")];
        let comparison = Comparison::between(&old, &new);
        let ids = |findings: &[Finding]| -> Vec<String> {
            findings
                .iter()
                .map(|f| format!("{}:{}", f.rule_id, f.subject))
                .collect()
        };
        assert_eq!(ids(&comparison.new), ["r3:c"]);
        assert_eq!(ids(&comparison.fixed), ["r1:b"]);
        assert_eq!(ids(&comparison.unchanged), ["r2:a", "r1:a"]);
        let mut reversed = old.clone();
        reversed.reverse();
        let again = Comparison::between(&reversed, &new);
        assert_eq!(again.counts(), comparison.counts());
    }

    #[test]
    fn other_documents_are_rejected_with_a_reason() {
        assert!(matches!(read_findings("{"), Err(ReadError::NotJson(_))));
        assert_eq!(read_findings("{\"a\": 1}"), Err(ReadError::UnknownFormat));
        let unfingerprinted =
            r#"{"runs": [{"results": [{"ruleId": "x", "message": {"text": "m"}}]}]}"#;
        let error = read_findings(unfingerprinted).unwrap_err().to_string();
        assert!(error.contains("partialFingerprints"), "{error}");
    }

    #[test]
    fn renderings_list_every_state() {
        let comparison = Comparison::between(&[finding("r1", "a|b")], &[finding("r2", "c")]);
        let table = render_comparison_table(&comparison);
        assert!(table.starts_with("1 new, 1 fixed, 0 unchanged"), "{table}");
        assert!(table.contains("New (1):\n  high     r2  c"), "{table}");
        let markdown = render_comparison_markdown(&comparison);
        assert!(markdown.contains("### Fixed (1)"), "{markdown}");
        assert!(markdown.contains("`a\\|b`"), "{markdown}");
        assert!(!markdown.contains("### Unchanged"), "{markdown}");
    }
}
