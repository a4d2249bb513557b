//! The JSON report: a stable, documented schema (`format: "soc2scan-report"`,
//! `format_version: 1`) with the summary and every verdict, passes included.
//!
//! Fields are only ever added within a format version; see `docs/output-formats.md`.

use crate::findings::{Baseline, Finding};
use crate::identity::evaluation_fingerprint;
use crate::summary::Summary;
use crate::{Format, OutputError, RenderContext};
use chrono::{DateTime, Utc};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use soc2scan_model::{
    CollectionUnit, OrganizationScan, Provider, ResourceKind, ScanTarget, ToolInfo,
};
use soc2scan_rules::{Category, ParamValue, Report, Severity, SkipReason};
use std::collections::BTreeMap;

/// The `format` marker of a JSON report.
pub const REPORT_FORMAT: &str = "soc2scan-report";
/// The JSON report format version this build writes.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Renders the JSON report (pretty-printed, ending in a newline).
pub fn render_json(report: &Report<'_>, ctx: &RenderContext) -> Result<String, OutputError> {
    let mut bytes = Vec::new();
    write_json(report, ctx, &mut bytes)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes the JSON report to a stream, serialising verdicts as it goes.
pub fn write_json(
    report: &Report<'_>,
    ctx: &RenderContext,
    out: &mut dyn std::io::Write,
) -> Result<(), OutputError> {
    let summary = Summary::with_context(report, ctx);
    let document = JsonReport::new(report, ctx, &summary);
    serde_json::to_writer_pretty(&mut *out, &document).map_err(|source| {
        if source.is_io() {
            OutputError::Stream {
                source: source.into(),
            }
        } else {
            OutputError::Serialize {
                format: Format::Json,
                source,
            }
        }
    })?;
    out.write_all(b"\n")
        .map_err(|source| OutputError::Stream { source })
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    format_version: u32,
    tool: Tool<'a>,
    generated_at: DateTime<Utc>,
    snapshot: SnapshotInfo<'a>,
    summary: SummaryJson,
    criteria: Vec<CriterionJson>,
    coverage_gaps: Vec<GapJson<'a>>,
    rules: Vec<RuleJson<'a>>,
    /// Selected rules that were not run, and why: runtime-only rules on a Terraform plan, and
    /// rules needing a kind the snapshot did not collect.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped_rules: Vec<SkippedJson>,
    /// With `--baseline`: counts of new and existing failures, and the fixed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineJson<'a>>,
    results: Results<'a>,
}

#[derive(Serialize)]
struct SkippedJson {
    id: &'static str,
    title: &'static str,
    reason: String,
    /// `runtime_only` (a plan) or `not_collected` (the snapshot has no entry for a kind).
    cause: &'static str,
    /// For `not_collected`: the kinds the snapshot did not collect.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kinds: Vec<ResourceKind>,
}

#[derive(Serialize)]
struct BaselineJson<'a> {
    new: usize,
    existing: usize,
    fixed: &'a [Finding],
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct SnapshotInfo<'a> {
    tool: &'a ToolInfo,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    targets: &'a [ScanTarget],
    /// Data generated before or during the scan (an account's IAM credential report, which
    /// IAM reuses for up to four hours): when, per account.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data_as_of: Vec<DataAsOfJson<'a>>,
    /// The AWS Organization the targets were listed from (`--org`).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a OrganizationScan>,
    /// For a Terraform plan: the plan file and its format.
    #[serde(skip_serializing_if = "Option::is_none")]
    terraform_plan: Option<PlanJson<'a>>,
}

#[derive(Serialize)]
struct DataAsOfJson<'a> {
    provider: Provider,
    account: &'a str,
    kind: ResourceKind,
    generated_at: DateTime<Utc>,
    /// Whole seconds from generation to the start of the scan (negative: during the scan).
    seconds_before_scan: i64,
    /// The same in words.
    text: String,
}

#[derive(Serialize)]
struct PlanJson<'a> {
    file: &'a str,
    format_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    terraform_version: Option<&'a str>,
    is_state: bool,
    deleted: usize,
    ignored_types: &'a BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct SummaryJson {
    rules: usize,
    passed: usize,
    failed: usize,
    not_evaluated: usize,
    suppressed: usize,
    by_severity: BySeverity,
    complete: bool,
}

/// Failed checks per severity, most severe first.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct CriterionJson {
    id: &'static str,
    title: &'static str,
    category: Option<Category>,
    rules: usize,
    passed: usize,
    failed: usize,
    not_evaluated: usize,
}

#[derive(Serialize)]
struct GapJson<'a> {
    unit: &'a CollectionUnit,
    failure: &'static str,
    message: &'a str,
    affects_rules: bool,
    rules: &'a [&'static str],
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'static str,
    title: &'static str,
    severity: Severity,
    criteria: &'static [&'static str],
    params: BTreeMap<&'static str, &'a ParamValue>,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    rule_id: &'static str,
    severity: Severity,
    verdict: &'static str,
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<ResourceJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a CollectionUnit>,
    criteria: &'static [&'static str],
    fingerprint: String,
    /// With `--baseline`, for failures: `new` or `existing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    /// A failure accepted by an active `[[suppressions]]` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<SuppressionJson<'a>>,
}

#[derive(Serialize)]
struct SuppressionJson<'a> {
    rule: &'a str,
    resource: &'a str,
    reason: &'a str,
    expires: chrono::NaiveDate,
}

#[derive(Serialize)]
struct ResourceJson<'a> {
    id: &'a str,
    kind: ResourceKind,
    provider: Provider,
    account: &'a str,
    region: &'a str,
    name: &'a str,
    /// For a Terraform plan: the resource's address and the file and line defining it.
    #[serde(skip_serializing_if = "Option::is_none")]
    terraform: Option<&'a soc2scan_model::PlannedResource>,
}

/// Every verdict, serialised one by one rather than collected first: a large snapshot has
/// millions of them.
struct Results<'a> {
    report: &'a Report<'a>,
    baseline: Option<&'a Baseline>,
    ctx: &'a RenderContext,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.report;
        let mut seq = serializer.serialize_seq(Some(report.evaluations.len()))?;
        for evaluation in &report.evaluations {
            let meta = report.rule_of(evaluation).rule.meta();
            let resource = report.resource_of(evaluation).map(|r| ResourceJson {
                id: &r.id,
                kind: r.kind(),
                provider: r.provider,
                account: &r.account,
                region: &r.region,
                name: r.display_name(),
                terraform: crate::identity::plan_source(report, r),
            });
            let fingerprint = evaluation_fingerprint(report, evaluation);
            let baseline_state = self
                .baseline
                .filter(|_| evaluation.verdict.is_fail())
                .map(|baseline| baseline.state_of(&fingerprint));
            seq.serialize_element(&ResultJson {
                rule_id: meta.id,
                severity: meta.severity,
                verdict: evaluation.verdict.as_str(),
                message: evaluation.verdict.message(),
                resource,
                scope: report.unit_of(evaluation).map(|entry| &entry.unit),
                criteria: meta.criteria,
                fingerprint,
                baseline_state,
                suppression: crate::suppression_of(report, self.ctx, evaluation).map(|s| {
                    SuppressionJson {
                        rule: &s.rule,
                        resource: &s.resource,
                        reason: &s.reason,
                        expires: s.expires,
                    }
                }),
            })?;
        }
        seq.end()
    }
}

impl<'a> JsonReport<'a> {
    fn new(report: &'a Report<'a>, ctx: &'a RenderContext, summary: &'a Summary<'a>) -> Self {
        let metadata = &report.snapshot.metadata;
        JsonReport {
            format: REPORT_FORMAT,
            format_version: REPORT_FORMAT_VERSION,
            tool: Tool {
                name: "soc2scan",
                version: &ctx.tool_version,
            },
            generated_at: ctx.invocation_finished,
            snapshot: SnapshotInfo {
                tool: &metadata.tool,
                started_at: metadata.started_at,
                finished_at: metadata.finished_at,
                targets: &metadata.targets,
                data_as_of: crate::data_as_of::data_as_of(report.snapshot)
                    .into_iter()
                    .map(|source| DataAsOfJson {
                        provider: source.provider,
                        account: source.account,
                        kind: source.kind,
                        generated_at: source.generated_at,
                        seconds_before_scan: source.seconds_before_scan(),
                        text: source.describe(),
                    })
                    .collect(),
                organization: metadata.organization.as_ref(),
                terraform_plan: report.snapshot.plan.as_ref().map(|plan| PlanJson {
                    file: &plan.plan_file,
                    format_version: &plan.format_version,
                    terraform_version: plan.terraform_version.as_deref(),
                    is_state: plan.is_state,
                    deleted: plan.deleted,
                    ignored_types: &plan.ignored_types,
                }),
            },
            skipped_rules: report
                .skipped
                .iter()
                .map(|skipped| SkippedJson {
                    id: skipped.run.rule.meta().id,
                    title: skipped.run.rule.meta().title,
                    reason: skipped.reason.describe(),
                    cause: skipped.reason.as_str(),
                    kinds: match &skipped.reason {
                        SkipReason::NotCollected(kinds) => kinds.clone(),
                        SkipReason::RuntimeOnly(_) => Vec::new(),
                    },
                })
                .collect(),
            summary: SummaryJson {
                rules: summary.rules,
                passed: summary.checks.passed,
                failed: summary.checks.failed,
                not_evaluated: summary.checks.not_evaluated,
                suppressed: summary.suppressed,
                by_severity: BySeverity {
                    critical: summary.failed_at(Severity::Critical),
                    high: summary.failed_at(Severity::High),
                    medium: summary.failed_at(Severity::Medium),
                    low: summary.failed_at(Severity::Low),
                    info: summary.failed_at(Severity::Info),
                },
                complete: summary.complete,
            },
            criteria: summary
                .criteria
                .iter()
                .map(|c| CriterionJson {
                    id: c.id,
                    title: c.title,
                    category: c.category,
                    rules: c.rules,
                    passed: c.resources.passed,
                    failed: c.resources.failed,
                    not_evaluated: c.resources.not_evaluated,
                })
                .collect(),
            coverage_gaps: summary
                .gaps
                .iter()
                .map(|gap| {
                    let (failure, message) = gap.failure();
                    GapJson {
                        unit: &gap.entry.unit,
                        failure,
                        message,
                        affects_rules: gap.affects_rules(),
                        rules: &gap.rules,
                    }
                })
                .collect(),
            rules: report
                .rules
                .iter()
                .map(|run| {
                    let meta = run.rule.meta();
                    RuleJson {
                        id: meta.id,
                        title: meta.title,
                        severity: meta.severity,
                        criteria: meta.criteria,
                        params: run.params.iter().collect(),
                    }
                })
                .collect(),
            baseline: ctx.baseline.as_ref().map(|baseline| BaselineJson {
                new: baseline.new,
                existing: baseline.existing,
                fixed: &baseline.fixed,
            }),
            results: Results {
                report,
                baseline: ctx.baseline.as_ref(),
                ctx,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::fingerprint;
    use crate::test_support::{context, Fixture, BUCKET_RULE_ID, EBS_RULE_ID, TAG_RULE_ID};
    use serde_json::{json, Value};

    fn render(fixture: &Fixture) -> Value {
        let report = fixture.report();
        let text = render_json(&report, &context()).unwrap();
        assert!(text.ends_with("}\n"));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn organization_accounts_carry_their_place_and_the_scan_its_organization() {
        let document = render(&Fixture::organization());
        let targets = document["snapshot"]["targets"].as_array().unwrap();
        assert_eq!(
            targets[0]["organization"],
            json!({"name": "acme-prod-app", "ou_path": "Root/Workloads/Prod", "status": "ACTIVE"})
        );
        assert_eq!(
            targets[2]["organization"],
            json!({"name": "legacy", "ou_path": "Root/Legacy", "status": "SUSPENDED", "skipped": true})
        );
        let organization = &document["snapshot"]["organization"];
        assert_eq!(organization["id"], "o-abc123def4");
        assert_eq!(organization["excluded"].as_array().unwrap().len(), 2);
        // No organization, no key.
        let plain = render(&Fixture::standard());
        assert!(plain["snapshot"].get("organization").is_none());
        assert!(plain["snapshot"]["targets"][0]
            .get("organization")
            .is_none());
    }

    #[test]
    fn header_snapshot_and_summary() {
        let document = render(&Fixture::standard());
        assert_eq!(document["format"], "soc2scan-report");
        assert_eq!(document["format_version"], 1);
        assert_eq!(
            document["tool"],
            json!({"name": "soc2scan", "version": "0.1.0"})
        );
        assert_eq!(document["generated_at"], "2026-06-01T09:06:00Z");
        assert_eq!(document["snapshot"]["started_at"], "2026-06-01T09:00:00Z");
        assert_eq!(document["snapshot"]["finished_at"], "2026-06-01T09:02:00Z");
        assert_eq!(
            document["snapshot"]["targets"][0]["account"],
            "111122223333"
        );
        assert_eq!(
            document["summary"],
            json!({
                "rules": 3,
                "passed": 4,
                "failed": 3,
                "not_evaluated": 5,
                "suppressed": 0,
                "by_severity": {"critical": 1, "high": 1, "medium": 0, "low": 1, "info": 0},
                "complete": false
            })
        );
    }

    #[test]
    fn criteria_gaps_and_rules() {
        let document = render(&Fixture::standard());
        let cc61 = &document["criteria"][0];
        assert_eq!(cc61["id"], "CC6.1");
        assert_eq!(cc61["title"], "Logical access security");
        assert_eq!(cc61["category"], "security");
        assert_eq!(cc61["rules"], 2);
        // Volumes: enc passes both, plain fails, plan passes one and is undecided by the
        // other (not evaluated), east and the failed us-east-1 scope are not evaluated.
        assert_eq!(cc61["passed"], 1);
        assert_eq!(cc61["failed"], 1);
        assert_eq!(cc61["not_evaluated"], 3);

        let gaps = document["coverage_gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 2);
        assert_eq!(
            gaps[0],
            json!({
                "unit": {"provider": "aws", "account": "111122223333", "region": "us-east-1", "kind": "ebs_volume"},
                "failure": "access_denied",
                "message": "ec2:DescribeVolumes: UnauthorizedOperation",
                "affects_rules": true,
                "rules": [EBS_RULE_ID, TAG_RULE_ID]
            })
        );
        assert_eq!(gaps[1]["affects_rules"], false);

        let rules = document["rules"].as_array().unwrap();
        assert_eq!(
            rules[0],
            json!({
                "id": EBS_RULE_ID,
                "title": "EBS volume is not encrypted",
                "severity": "high",
                "criteria": ["CC6.1", "C1.1"],
                "params": {}
            })
        );
        assert_eq!(rules[2]["id"], BUCKET_RULE_ID);
    }

    #[test]
    fn every_verdict_is_a_result() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let document = render(&fixture);
        let results = document["results"].as_array().unwrap();
        assert_eq!(results.len(), report.evaluations.len());
        let count = |verdict: &str| results.iter().filter(|r| r["verdict"] == verdict).count();
        assert_eq!(
            (count("pass"), count("fail"), count("not_evaluated")),
            (4, 3, 5)
        );

        let arn = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-plain";
        let failure = results
            .iter()
            .find(|r| r["rule_id"] == EBS_RULE_ID && r["resource"]["id"] == arn)
            .unwrap();
        assert_eq!(failure["verdict"], "fail");
        assert_eq!(failure["severity"], "high");
        assert_eq!(failure["criteria"], json!(["CC6.1", "C1.1"]));
        assert_eq!(
            failure["resource"],
            json!({
                "id": arn,
                "kind": "ebs_volume",
                "provider": "aws",
                "account": "111122223333",
                "region": "eu-west-1",
                "name": "db data|primary"
            })
        );
        assert!(failure.get("scope").is_none());
        assert_eq!(failure["fingerprint"], fingerprint(EBS_RULE_ID, arn));
        assert!(failure["message"]
            .as_str()
            .unwrap()
            .contains("is not encrypted"));

        let pass = results.iter().find(|r| r["verdict"] == "pass").unwrap();
        assert_eq!(pass["message"], Value::Null);

        let scope = results
            .iter()
            .find(|r| r.get("scope").is_some())
            .expect("a scope-level verdict");
        assert_eq!(scope["verdict"], "not_evaluated");
        assert_eq!(scope["scope"]["region"], "us-east-1");
        assert!(scope.get("resource").is_none());
        assert_eq!(
            scope["fingerprint"],
            fingerprint(
                scope["rule_id"].as_str().unwrap(),
                "coverage-unit:aws/111122223333/us-east-1/ebs_volume"
            )
        );
    }

    #[test]
    fn fingerprints_match_the_sarif_ones() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let json: Value = serde_json::from_str(&render_json(&report, &context()).unwrap()).unwrap();
        let sarif: Value =
            serde_json::from_str(&crate::render_sarif(&report, &context()).unwrap()).unwrap();
        for result in sarif["runs"][0]["results"].as_array().unwrap() {
            let print = &result["partialFingerprints"][crate::FINGERPRINT_KEY];
            assert!(json["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["fingerprint"] == *print && r["verdict"] == "fail"));
        }
    }
}
