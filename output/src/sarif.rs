//! SARIF 2.1.0 for GitHub code scanning, built with serde-sarif.
//!
//! One run per invocation. Failures are results (with `--sarif-include-pass`, passing checks
//! too, as `kind: "pass"`); `NotEvaluated` verdicts are never results: coverage gaps and
//! other undecided checks become `invocations[0].toolExecutionNotifications`. The SOC 2
//! Trust Services Criteria are a SARIF taxonomy that each rule links to. The conventions are
//! documented in `docs/output-formats.md`.

use crate::identity::{
    artifact_uri, encode_segment, evaluation_fingerprint, path_uri, plan_source, subject_id,
    unit_id, FINGERPRINT_KEY, GIT_FILE_TAG, GIT_REPO_TAG,
};
use crate::summary::{GapSummary, Summary, UnexplainedNotEvaluated};
use crate::{Format, OutputError, RenderContext};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, ReportingDescriptorReference, ReportingDescriptorRelationship,
    Result as SarifResult, ResultKind, ResultLevel, Run, RunAutomationDetails, Sarif, Suppression,
    Tool, ToolComponent, ToolComponentReference,
};
use sha2::{Digest, Sha256};
use soc2scan_model::{Provider, ScanTarget, Snapshot};
use soc2scan_rules::docs::{doc_markdown, rule_page, short_description};
use soc2scan_rules::{Evaluation, Report, RuleMeta, Severity, SkipReason, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

/// The `$schema` of every log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://github.com/soc2scan/soc2scan";
/// Where rule documentation lives; a rule's `helpUri` is this plus `#<rule id>`.
pub const RULES_DOC_URI: &str = "https://github.com/soc2scan/soc2scan/blob/main/docs/rules.md";
/// The name of the SOC 2 taxonomy (`runs[].taxonomies[0].name`).
pub const TAXONOMY_NAME: &str = "SOC2-TSC";
/// The SOC 2 taxonomy's stable GUID.
pub const TAXONOMY_GUID: &str = "4f1c2a8e-6b0d-5e39-9a57-2c3d8e1f0b64";
/// The version of the Trust Services Criteria the catalog follows.
pub const TAXONOMY_VERSION: &str = "2017 (rev. 2022)";
/// Where the criteria are published.
pub const TAXONOMY_URI: &str =
    "https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022";

/// Notification descriptors (`tool.driver.notifications[]`), by index.
const NOTE_COVERAGE_GAP: (i64, &str) = (0, "coverage-gap");
const NOTE_NOT_EVALUATED: (i64, &str) = (1, "not-evaluated");
const NOTE_TRUNCATED: (i64, &str) = (2, "results-truncated");
const NOTE_SUPPRESSION_EXPIRED: (i64, &str) = (3, "suppression-expired");
/// Listed only in logs of Terraform plans that skipped runtime-only rules.
const NOTE_RULE_SKIPPED: (i64, &str) = (4, "rule-skipped");
/// Listed only in logs of snapshots that did not collect a kind some rule needs; its index
/// follows whatever descriptors precede it (see [`notification_descriptors`]).
const NOTE_RULE_NOT_COLLECTED: &str = "rule-not-collected";

/// Limits of the consumer the log is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SarifLimits {
    /// Most results in one run.
    pub max_results: usize,
    /// Largest gzip-compressed size of the log, in bytes.
    pub max_gzip_bytes: usize,
}

impl SarifLimits {
    /// GitHub code scanning: 25,000 results per run, 10 MB gzipped upload.
    pub const GITHUB: SarifLimits = SarifLimits {
        max_results: 25_000,
        max_gzip_bytes: 10_000_000,
    };
}

impl Default for SarifLimits {
    fn default() -> Self {
        SarifLimits::GITHUB
    }
}

/// Renders the SARIF log, within GitHub's limits ([`SarifLimits::GITHUB`]).
pub fn render_sarif(report: &Report<'_>, ctx: &RenderContext) -> Result<String, OutputError> {
    render_sarif_with_limits(report, ctx, &SarifLimits::GITHUB)
}

/// Renders the SARIF log within `limits`: past them the most severe results are kept and a
/// notification says how many were dropped.
pub fn render_sarif_with_limits(
    report: &Report<'_>,
    ctx: &RenderContext,
    limits: &SarifLimits,
) -> Result<String, OutputError> {
    let summary = Summary::with_context(report, ctx);
    let candidates = candidates(report, ctx.sarif_include_pass);
    let mut keep = candidates.len().min(limits.max_results);
    loop {
        let log = sarif_log(report, ctx, &summary, &candidates, keep, limits);
        let text = serde_json::to_string_pretty(&log).map_err(|source| OutputError::Serialize {
            format: Format::Sarif,
            source,
        })?;
        // Gzip never expands JSON enough to matter, so small logs skip compression.
        if text.len() <= limits.max_gzip_bytes || keep == 0 {
            return Ok(text);
        }
        let compressed = gzip_len(text.as_bytes());
        if compressed <= limits.max_gzip_bytes {
            return Ok(text);
        }
        // Results dominate the size; aim a little under the limit and try again.
        let ratio = limits.max_gzip_bytes as f64 / compressed as f64;
        let target = (keep as f64 * ratio * 0.95) as usize;
        keep = target.min(keep - 1);
    }
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder =
        flate2::write::GzEncoder::new(CountingSink(0), flate2::Compression::default());
    // Writing to a counter cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|sink| sink.0).unwrap_or(usize::MAX)
}

struct CountingSink(usize);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The evaluations that may become results, most important first: failures by severity
/// (then report order), then passes if asked for.
fn candidates<'r>(report: &'r Report<'_>, include_pass: bool) -> Vec<&'r Evaluation> {
    let mut candidates = report.failures_by_severity();
    if include_pass {
        candidates.extend(
            report
                .evaluations
                .iter()
                .filter(|e| e.verdict == Verdict::Pass),
        );
    }
    candidates
}

fn sarif_log(
    report: &Report<'_>,
    ctx: &RenderContext,
    summary: &Summary<'_>,
    candidates: &[&Evaluation],
    keep: usize,
    limits: &SarifLimits,
) -> Sarif {
    let taxon_index: BTreeMap<&str, i64> = summary
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i as i64))
        .collect();
    let rules: Vec<ReportingDescriptor> = report
        .rules
        .iter()
        .map(|run| rule_descriptor(run.rule.meta(), &taxon_index))
        .collect();

    let skip_causes = (
        report
            .skipped
            .iter()
            .any(|s| matches!(s.reason, SkipReason::RuntimeOnly(_))),
        report
            .skipped
            .iter()
            .any(|s| matches!(s.reason, SkipReason::NotCollected(_))),
    );
    let not_collected_index = NOTE_RULE_SKIPPED.0 + i64::from(skip_causes.0);
    let mut driver = ToolComponent::builder()
        .name("soc2scan")
        .version(ctx.tool_version.clone())
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .notifications(notification_descriptors(skip_causes.0, skip_causes.1))
        .supported_taxonomies(vec![taxonomy_reference()])
        .build();
    if is_semantic_version(&ctx.tool_version) {
        driver.semantic_version = Some(ctx.tool_version.clone());
    }

    let results: Vec<SarifResult> = candidates[..keep]
        .iter()
        .map(|evaluation| result(report, evaluation, ctx))
        .collect();

    let mut notifications: Vec<Notification> = summary.gaps.iter().map(gap_notification).collect();
    notifications.extend(
        summary
            .unexplained_not_evaluated
            .iter()
            .map(not_evaluated_notification),
    );
    if keep < candidates.len() {
        notifications.push(truncation_notification(report, candidates, keep, limits));
    }
    notifications.extend(report.skipped.iter().map(|skipped| {
        let meta = skipped.run.rule.meta();
        let (descriptor, text) = match &skipped.reason {
            SkipReason::RuntimeOnly(reason) => (
                descriptor_reference(NOTE_RULE_SKIPPED),
                format!(
                    "Rule {} ({}) was not run on this Terraform plan: {reason}",
                    meta.id, meta.title
                ),
            ),
            SkipReason::NotCollected(_) => (
                descriptor_reference((not_collected_index, NOTE_RULE_NOT_COLLECTED)),
                format!(
                    "Rule {} ({}) was not run: {}",
                    meta.id,
                    meta.title,
                    skipped.reason.describe()
                ),
            ),
        };
        Notification::builder()
            .level(json!("note"))
            .descriptor(descriptor)
            .message(message(text))
            .properties(bag([("ruleId", json!(meta.id))]))
            .build()
    }));
    notifications.extend(ctx.suppressions.expired.iter().map(|suppression| {
        Notification::builder()
            .level(json!("warning"))
            .descriptor(descriptor_reference(NOTE_SUPPRESSION_EXPIRED))
            .message(message(format!(
                "Suppression {} has expired and no longer applies (reason: {})",
                suppression.label(),
                suppression.reason
            )))
            .build()
    }));

    let mut invocation = Invocation::builder()
        .execution_successful(true)
        .start_time_utc(timestamp(ctx.invocation_started))
        .end_time_utc(timestamp(ctx.invocation_finished))
        .properties(bag([
            (
                "snapshotStartedAt",
                json!(timestamp(report.snapshot.metadata.started_at)),
            ),
            (
                "snapshotFinishedAt",
                json!(timestamp(report.snapshot.metadata.finished_at)),
            ),
        ]))
        .build();
    let data_as_of: Vec<serde_json::Value> = crate::data_as_of::data_as_of(report.snapshot)
        .iter()
        .map(|source| {
            json!({
                "provider": source.provider.as_str(),
                "account": source.account,
                "kind": source.kind.as_str(),
                "generatedAt": timestamp(source.generated_at),
                "secondsBeforeScan": source.seconds_before_scan(),
                "text": source.describe(),
            })
        })
        .collect();
    if !data_as_of.is_empty() {
        if let Some(properties) = invocation.properties.as_mut() {
            properties
                .additional_properties
                .insert("dataAsOf".to_string(), json!(data_as_of));
        }
    }
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    invocation.exit_code = ctx.exit_code.map(i64::from);
    invocation.command_line = ctx.command_line.clone();

    let mut run_properties = bag([
        ("checksPassed", json!(summary.checks.passed)),
        ("checksFailed", json!(summary.checks.failed)),
        ("checksNotEvaluated", json!(summary.checks.not_evaluated)),
        ("complete", json!(summary.complete)),
    ]);
    if let Some(organization) = organization_properties(report.snapshot) {
        run_properties
            .additional_properties
            .insert("organization".to_string(), organization);
    }
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .taxonomies(vec![taxonomy(summary)])
        .automation_details(
            RunAutomationDetails::builder()
                .id(category(report, ctx))
                .build(),
        )
        .invocations(vec![invocation])
        .results(results)
        .properties(run_properties)
        .build();

    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn bag<const N: usize>(entries: [(&str, Value); N]) -> PropertyBag {
    PropertyBag::builder()
        .additional_properties(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<String, Value>>(),
        )
        .build()
}

fn text(text: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn message(text: impl Into<String>) -> Message {
    Message::builder().text(sentence(text.into())).build()
}

/// SARIF messages are complete sentences.
fn sentence(mut text: String) -> String {
    let trimmed = text.trim_end();
    if !trimmed.ends_with(['.', '!', '?']) {
        text.truncate(trimmed.len());
        text.push('.');
    }
    text
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The result level of a failure of this severity.
pub fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// `aws-ec2-ebs-volume-unencrypted` → `AwsEc2EbsVolumeUnencrypted`.
pub fn camel_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn is_semantic_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// GitHub shows at most this many tags per rule.
const MAX_TAGS: usize = 20;

fn rule_descriptor(meta: &RuleMeta, taxon_index: &BTreeMap<&str, i64>) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string(), "soc2".to_string()];
    tags.extend(meta.criteria.iter().map(|c| format!("soc2/{c}")));
    tags.push(meta.provider().to_string());
    tags.push(meta.service().to_string());
    let mut seen = BTreeSet::new();
    tags.retain(|tag| seen.insert(tag.clone()));
    tags.truncate(MAX_TAGS);

    let relationships = meta
        .criteria
        .iter()
        .map(|id| {
            let mut target = ReportingDescriptorReference::builder()
                .id(id.to_string())
                .tool_component(taxonomy_reference())
                .build();
            target.index = taxon_index.get(id).copied();
            ReportingDescriptorRelationship::builder()
                .target(target)
                .kinds(vec!["superset".to_string()])
                .build()
        })
        .collect::<Vec<_>>();

    let mut properties = bag([
        (
            "security-severity",
            json!(meta.severity.security_severity()),
        ),
        ("precision", json!("very-high")),
        ("severity", json!(meta.severity.as_str())),
        ("criteria", json!(meta.criteria)),
    ]);
    properties.tags = Some(tags);

    ReportingDescriptor::builder()
        .id(meta.id)
        .name(camel_case(meta.id))
        .short_description(text(meta.title))
        .full_description(text(short_description(meta)))
        .help(
            MultiformatMessageString::builder()
                .text(doc_markdown(meta))
                .markdown(rule_page(meta, 2))
                .build(),
        )
        .help_uri(format!("{RULES_DOC_URI}#{}", meta.id))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(meta.severity)))
                .build(),
        )
        .properties(properties)
        .relationships(relationships)
        .build()
}

fn taxonomy_reference() -> ToolComponentReference {
    ToolComponentReference::builder()
        .name(TAXONOMY_NAME)
        .guid(TAXONOMY_GUID)
        .index(0)
        .build()
}

fn taxonomy(summary: &Summary<'_>) -> ToolComponent {
    let taxa = summary
        .criteria
        .iter()
        .map(|c| {
            let known = soc2scan_rules::catalog::criterion(c.id);
            let mut taxon = ReportingDescriptor::builder().id(c.id).build();
            if let Some(known) = known {
                taxon.name = Some(known.title.to_string());
                taxon.short_description = Some(text(known.description));
                taxon.properties = Some(bag([
                    ("category", json!(known.category.as_str())),
                    ("group", json!(known.group)),
                ]));
            }
            taxon
        })
        .collect::<Vec<_>>();
    ToolComponent::builder()
        .name(TAXONOMY_NAME)
        .guid(TAXONOMY_GUID)
        .full_name("AICPA Trust Services Criteria (SOC 2)")
        .organization("AICPA")
        .version(TAXONOMY_VERSION)
        .information_uri(TAXONOMY_URI)
        .short_description(text(
            "The AICPA Trust Services Criteria for Security, Availability and Confidentiality that SOC 2 reports against.",
        ))
        .is_comprehensive(false)
        .contents(vec![json!("localizedData"), json!("nonLocalizedData")])
        .taxa(taxa)
        .build()
}

/// Where the notifications are explained.
pub const NOTIFICATIONS_DOC_URI: &str =
    "https://github.com/soc2scan/soc2scan/blob/main/docs/output-formats.md#notifications";

fn notification_descriptors(
    runtime_skipped: bool,
    not_collected: bool,
) -> Vec<ReportingDescriptor> {
    let descriptor = |(_, id): (i64, &str), name: &str, short: &str, full: &str, help: &str| {
        ReportingDescriptor::builder()
            .id(id)
            .name(name)
            .short_description(text(short))
            .full_description(text(full))
            .help(
                MultiformatMessageString::builder()
                    .text(help)
                    .markdown(help)
                    .build(),
            )
            .help_uri(NOTIFICATIONS_DOC_URI)
            .build()
    };
    let mut descriptors = vec![
        descriptor(
            NOTE_COVERAGE_GAP,
            "CoverageGap",
            "A collection unit could not be collected.",
            "A collection unit (provider, account, region, resource kind) could not be collected; the rules that need it were not evaluated in its scope, so their absence of findings there is not a pass. Level error when a rule that ran needs the unit, warning otherwise.",
            "Grant the scanning identity the permission named in the message (see docs/permissions.md), or enable the region or service, then scan again.",
        ),
        descriptor(
            NOTE_NOT_EVALUATED,
            "NotEvaluated",
            "Some checks of a rule could not be decided.",
            "Some checks of a rule could not be decided for a reason other than a coverage gap, for example a Terraform plan value known only after apply or a snapshot without a coverage entry for the data the rule needs.",
            "Read the reasons in the message; the JSON report lists every undecided check with its reason.",
        ),
        descriptor(
            NOTE_TRUNCATED,
            "ResultsTruncated",
            "Some results were left out of the log.",
            "The scan found more results than the consumer accepts (GitHub code scanning: 25,000 results per run and 10 MB gzipped), so only the most severe were kept.",
            "Fix the most severe findings first, or scan fewer accounts per run; the JSON report always holds every result.",
        ),
        descriptor(
            NOTE_SUPPRESSION_EXPIRED,
            "SuppressionExpired",
            "A suppression in soc2scan.toml has expired.",
            "A [[suppressions]] entry is past its expiry date, so it no longer applies: the failures it covered are reported again.",
            "Fix the findings, or review the acceptance and set a new expiry date in soc2scan.toml.",
        ),
    ];
    if runtime_skipped {
        descriptors.push(descriptor(
            NOTE_RULE_SKIPPED,
            "RuleSkipped",
            "A rule was not run on a Terraform plan.",
            "The rule needs facts that exist only in a running account (key age, last use, snapshots taken), so it was not run on the Terraform plan; its absence of findings is not a pass.",
            "Scan the live account (soc2scan scan aws) for these rules; see docs/terraform.md.",
        ));
    }
    if not_collected {
        descriptors.push(descriptor(
            (0, NOTE_RULE_NOT_COLLECTED),
            "RuleNotCollected",
            "A rule was not run: the snapshot did not collect what it reads.",
            "The snapshot has no coverage entry at all for a kind of resource the rule needs: it was written before soc2scan collected that kind, or the scan left the kind's service out (--services). The rule was not run, so its absence of findings is not a pass; this is not a coverage gap, which is a kind that was attempted and failed.",
            "Collect the service (soc2scan scan aws --services …, or without --services for every service), or evaluate the snapshot knowing these rules are out of its scope.",
        ));
    }
    descriptors
}

fn descriptor_reference((index, id): (i64, &str)) -> ReportingDescriptorReference {
    ReportingDescriptorReference::builder()
        .id(id)
        .index(index)
        .build()
}

fn result(report: &Report<'_>, evaluation: &Evaluation, ctx: &RenderContext) -> SarifResult {
    let run = report.rule_of(evaluation);
    let meta = run.rule.meta();
    let (level, kind, text) = match &evaluation.verdict {
        Verdict::Fail(message) => (level(meta.severity), None, message.clone()),
        _ => (
            ResultLevel::None,
            Some(ResultKind::Pass),
            format!(
                "{} passed {} ({})",
                subject_label(report, evaluation),
                meta.id,
                meta.title
            ),
        ),
    };

    let mut properties = BTreeMap::new();
    let mut start_line = 1;
    let (uri, logical) = match report.resource_of(evaluation) {
        Some(resource) => {
            let planned = plan_source(report, resource);
            if let Some(planned) = planned {
                properties.insert("terraformAddress".to_string(), json!(planned.address));
                start_line = i64::from(planned.source.line.unwrap_or(1));
            }
            properties.insert("provider".to_string(), json!(resource.provider));
            properties.insert("account".to_string(), json!(resource.account));
            properties.insert("region".to_string(), json!(resource.region));
            properties.insert("resourceType".to_string(), json!(resource.kind()));
            if resource.tags.contains_key(GIT_FILE_TAG) {
                if let Some(repo) = resource.tags.get(GIT_REPO_TAG) {
                    properties.insert("gitRepo".to_string(), json!(repo));
                }
            }
            let logical = LogicalLocation::builder()
                .fully_qualified_name(resource.id.clone())
                .name(resource.display_name())
                .kind("resource")
                .build();
            let uri = match planned {
                Some(planned) => path_uri(&planned.source.file),
                None => artifact_uri(resource),
            };
            (uri, logical)
        }
        None => {
            let unit = report
                .unit_of(evaluation)
                .map(|entry| &entry.unit)
                .expect("an evaluation is about a resource or a unit");
            properties.insert("provider".to_string(), json!(unit.provider));
            properties.insert("account".to_string(), json!(unit.account));
            properties.insert("region".to_string(), json!(unit.region));
            properties.insert("resourceType".to_string(), json!(unit.kind));
            let uri = [
                unit.provider.as_str(),
                &unit.account,
                &unit.region,
                unit.kind.service(),
                unit.kind.as_str(),
            ]
            .iter()
            .map(|s| encode_segment(s))
            .collect::<Vec<_>>()
            .join("/");
            let logical = LogicalLocation::builder()
                .fully_qualified_name(unit_id(unit))
                .kind("resource")
                .build();
            (uri, logical)
        }
    };
    properties.insert("criteria".to_string(), json!(meta.criteria));
    properties.insert("severity".to_string(), json!(meta.severity));

    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri).build())
                .region(Region::builder().start_line(start_line).build())
                .build(),
        )
        .logical_locations(vec![logical])
        .build();

    let fingerprint = evaluation_fingerprint(report, evaluation);
    // With a baseline, a failure is "new" or "unchanged" (SARIF's name for existing).
    let baseline_state = match &ctx.baseline {
        Some(baseline) if evaluation.verdict.is_fail() => {
            Some(match baseline.state_of(&fingerprint) {
                "new" => json!("new"),
                _ => json!("unchanged"),
            })
        }
        _ => None,
    };
    let mut result = SarifResult::builder()
        .rule_id(meta.id)
        .rule_index(i64::from(evaluation.rule))
        .level(level)
        .message(message(text))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    result.kind = kind;
    result.baseline_state = baseline_state;
    if let Some(suppression) = crate::suppression_of(report, ctx, evaluation) {
        // GitHub code scanning shows externally suppressed results as dismissed.
        result.suppressions = Some(vec![Suppression::builder()
            .kind(json!("external"))
            .justification(suppression.reason.clone())
            .build()]);
    }
    result
}

fn subject_label(report: &Report<'_>, evaluation: &Evaluation) -> String {
    match report.resource_of(evaluation) {
        Some(resource) => format!("{} {}", resource.kind().label(), resource.display_name()),
        None => subject_id(report, evaluation).into_owned(),
    }
}

fn gap_notification(gap: &GapSummary<'_>) -> Notification {
    let (failure, detail) = gap.failure();
    let unit = &gap.entry.unit;
    let consequence = if gap.affects_rules() {
        format!(
            "these rules were not evaluated in that scope: {}",
            gap.rules.join(", ")
        )
    } else {
        "no rule that ran needs it".to_string()
    };
    let level = if gap.affects_rules() {
        "error"
    } else {
        "warning"
    };
    Notification::builder()
        .level(json!(level))
        .descriptor(descriptor_reference(NOTE_COVERAGE_GAP))
        .message(message(format!(
            "Coverage gap: {unit} could not be collected ({failure}: {detail}); {consequence}"
        )))
        .properties(bag([
            ("unit", json!(unit)),
            ("failureKind", json!(failure)),
            ("rules", json!(gap.rules)),
        ]))
        .build()
}

fn not_evaluated_notification(unexplained: &UnexplainedNotEvaluated<'_>) -> Notification {
    let checks = if unexplained.count == 1 {
        "1 check".to_string()
    } else {
        format!("{} checks", unexplained.count)
    };
    Notification::builder()
        .level(json!("warning"))
        .descriptor(descriptor_reference(NOTE_NOT_EVALUATED))
        .associated_rule(
            ReportingDescriptorReference::builder()
                .id(unexplained.rule_id)
                .index(unexplained.rule as i64)
                .build(),
        )
        .message(message(format!(
            "{checks} of {} could not be decided: {}",
            unexplained.rule_id,
            unexplained.reasons.join("; ")
        )))
        .properties(bag([("count", json!(unexplained.count))]))
        .build()
}

fn truncation_notification(
    report: &Report<'_>,
    candidates: &[&Evaluation],
    keep: usize,
    limits: &SarifLimits,
) -> Notification {
    let dropped = &candidates[keep..];
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    let mut passes = 0;
    for evaluation in dropped {
        if evaluation.verdict.is_fail() {
            let severity = report.rule_of(evaluation).rule.meta().severity;
            *by_severity.entry(severity.as_str()).or_default() += 1;
        } else {
            passes += 1;
        }
    }
    let mut parts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .filter_map(|s| by_severity.get(s.as_str()).map(|n| format!("{n} {s}")))
        .collect();
    if passes > 0 {
        parts.push(format!("{passes} pass"));
    }
    Notification::builder()
        .level(json!("warning"))
        .descriptor(descriptor_reference(NOTE_TRUNCATED))
        .message(message(format!(
            "Kept the {keep} most severe of {} results to stay within {} results and {} bytes gzipped per run; dropped {} ({}). The JSON report has every result",
            candidates.len(),
            limits.max_results,
            limits.max_gzip_bytes,
            dropped.len(),
            parts.join(", ")
        )))
        .properties(bag([
            ("kept", json!(keep)),
            ("dropped", json!(dropped.len())),
            ("droppedBySeverity", json!(by_severity)),
        ]))
        .build()
}

/// The run's category (`automationDetails.id`), always ending in `/` so GitHub treats all
/// of it as the category: the context's override, else `plan/` for a Terraform plan, else
/// `soc2scan/<providers>/<accounts>/` from the snapshot's targets (several joined by `+`).
pub fn category(report: &Report<'_>, ctx: &RenderContext) -> String {
    match ctx.sarif_category.as_deref().map(str::trim) {
        Some(category) if !category.is_empty() => {
            if category.ends_with('/') {
                category.to_string()
            } else {
                format!("{category}/")
            }
        }
        _ => default_category(report.snapshot),
    }
}

fn default_category(snapshot: &Snapshot) -> String {
    // A plan has no account to name; its findings are about the change under review.
    if snapshot.plan.is_some() {
        return "plan/".to_string();
    }
    // Skipped organization accounts were listed, not scanned: they name no category.
    let mut scopes: BTreeSet<(Provider, &str)> = snapshot
        .metadata
        .targets
        .iter()
        .filter(|target| !target.is_skipped())
        .map(
            |ScanTarget {
                 provider, account, ..
             }| (*provider, account.as_str()),
        )
        .collect();
    if scopes.is_empty() {
        scopes = snapshot
            .coverage
            .iter()
            .map(|entry| (entry.unit.provider, entry.unit.account.as_str()))
            .collect();
    }
    if scopes.is_empty() {
        return "soc2scan/".to_string();
    }
    let mut providers: Vec<&str> = Vec::new();
    let mut accounts: Vec<&str> = Vec::new();
    for (provider, account) in &scopes {
        if !providers.contains(&provider.as_str()) {
            providers.push(provider.as_str());
        }
        if !accounts.contains(account) {
            accounts.push(account);
        }
    }
    if accounts.len() <= MAX_NAMED_SCOPES {
        return format!("soc2scan/{}/{}/", providers.join("+"), accounts.join("+"));
    }
    // An organization of hundreds of accounts would make a category of kilobytes: past a
    // few accounts it names the organization (or the number of scopes) and a digest of the
    // exact set, so two scans of the same accounts share a category and any other set —
    // another OU, another shard — gets its own.
    let digest = Sha256::digest(accounts.join("\n").as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let name = match &snapshot.metadata.organization {
        Some(organization) => organization.id.clone(),
        None => format!("{}-scopes", accounts.len()),
    };
    format!("soc2scan/{}/{name}-{hex}/", providers.join("+"))
}

/// Up to this many accounts and projects are named in the default category one by one.
pub const MAX_NAMED_SCOPES: usize = 10;

/// The organization and its accounts' names and OU paths, for the run's properties.
fn organization_properties(snapshot: &Snapshot) -> Option<Value> {
    let organization = snapshot.metadata.organization.as_ref()?;
    let accounts: Vec<Value> = snapshot
        .metadata
        .targets
        .iter()
        .filter_map(|target| {
            let org = target.organization.as_ref()?;
            Some(json!({
                "account": target.account,
                "name": org.name,
                "ouPath": org.ou_path,
                "status": org.status,
                "skipped": org.skipped,
            }))
        })
        .collect();
    Some(json!({
        "id": organization.id,
        "managementAccount": organization.management_account,
        "memberRole": organization.member_role,
        "units": organization
            .units
            .iter()
            .map(|unit| json!({"id": unit.id, "path": unit.path}))
            .collect::<Vec<_>>(),
        "excluded": organization.excluded.len(),
        "accounts": accounts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::fingerprint;
    use crate::test_support::{
        assert_valid_sarif, context, volume, Fixture, BUCKET_RULE_ID, EBS_RULE_ID, TAG_RULE_ID,
    };
    use serde_json::Value;

    fn render(fixture: &Fixture, ctx: &RenderContext) -> Value {
        let report = fixture.report();
        let text = render_sarif(&report, ctx).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_valid_sarif(&document);
        document
    }

    fn results(document: &Value) -> &Vec<Value> {
        document["runs"][0]["results"].as_array().unwrap()
    }

    fn result_for<'d>(document: &'d Value, rule: &str, fragment: &str) -> &'d Value {
        results(document)
            .iter()
            .find(|r| {
                r["ruleId"] == rule
                    && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                        .as_str()
                        .unwrap()
                        .contains(fragment)
            })
            .unwrap_or_else(|| panic!("no result of {rule} for {fragment}"))
    }

    #[test]
    fn log_header_tool_and_rules() {
        let document = render(&Fixture::standard(), &context());
        assert_eq!(document["$schema"], SCHEMA_URI);
        assert_eq!(document["version"], "2.1.0");
        assert_eq!(document["runs"].as_array().unwrap().len(), 1);
        let driver = &document["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "soc2scan");
        assert_eq!(driver["version"], "0.1.0");
        assert_eq!(driver["semanticVersion"], "0.1.0");
        assert_eq!(driver["informationUri"], INFORMATION_URI);
        assert_eq!(driver["supportedTaxonomies"][0]["name"], TAXONOMY_NAME);

        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![EBS_RULE_ID, TAG_RULE_ID, BUCKET_RULE_ID]);
        let ebs = &rules[0];
        let meta = &soc2scan_rules::aws::ec2::EbsVolumeUnencrypted::META;
        assert_eq!(ebs["name"], "AwsEc2EbsVolumeUnencrypted");
        assert_eq!(ebs["shortDescription"]["text"], meta.title);
        assert_eq!(ebs["fullDescription"]["text"], short_description(meta));
        assert_eq!(ebs["help"]["text"], doc_markdown(meta));
        assert_eq!(ebs["help"]["markdown"], rule_page(meta, 2));
        assert_eq!(
            ebs["helpUri"],
            "https://github.com/soc2scan/soc2scan/blob/main/docs/rules.md#aws-ec2-ebs-volume-unencrypted"
        );
        assert_eq!(ebs["defaultConfiguration"]["level"], "error");
        assert_eq!(
            ebs["properties"]["tags"],
            serde_json::json!(["security", "soc2", "soc2/CC6.1", "soc2/C1.1", "aws", "ec2"])
        );
        assert_eq!(ebs["properties"]["security-severity"], "8.0");
        assert_eq!(ebs["properties"]["precision"], "very-high");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "note");
        assert_eq!(rules[2]["properties"]["security-severity"], "9.5");
    }

    #[test]
    fn soc2_taxonomy_holds_every_referenced_criterion_and_rules_link_to_it() {
        let document = render(&Fixture::standard(), &context());
        let run = &document["runs"][0];
        let taxonomy = &run["taxonomies"][0];
        assert_eq!(taxonomy["name"], TAXONOMY_NAME);
        assert_eq!(taxonomy["organization"], "AICPA");
        assert_eq!(taxonomy["version"], TAXONOMY_VERSION);
        let taxa: Vec<&str> = taxonomy["taxa"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert_eq!(taxa, vec!["CC6.1", "A1.1", "A1.2", "C1.1"]);
        assert_eq!(taxonomy["taxa"][0]["name"], "Logical access security");
        assert!(taxonomy["taxa"][0]["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("encryption at rest"));

        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            for relationship in rule["relationships"].as_array().unwrap() {
                let target = &relationship["target"];
                let index = target["index"].as_u64().unwrap() as usize;
                assert_eq!(taxa[index], target["id"]);
                assert_eq!(target["toolComponent"]["name"], TAXONOMY_NAME);
                assert_eq!(relationship["kinds"], serde_json::json!(["superset"]));
            }
        }
    }

    #[test]
    fn one_result_per_failure_with_location_fingerprint_and_properties() {
        let document = render(&Fixture::standard(), &context());
        let results = results(&document);
        assert_eq!(results.len(), 3);
        // Most severe first.
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, vec!["error", "error", "note"]);
        assert_eq!(results[0]["ruleId"], BUCKET_RULE_ID);

        let ebs = result_for(&document, EBS_RULE_ID, "vol-plain");
        assert_eq!(ebs["ruleIndex"], 0);
        assert!(ebs.get("kind").is_none());
        let text = ebs["message"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("EBS volume db data|primary (8 GiB"),
            "{text}"
        );
        assert!(text.ends_with('.'));
        let location = &ebs["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            "aws/111122223333/eu-west-1/ec2/ebs_volume/vol-plain"
        );
        assert_eq!(location["physicalLocation"]["region"]["startLine"], 1);
        let arn = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-plain";
        assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], arn);
        assert_eq!(location["logicalLocations"][0]["kind"], "resource");
        assert_eq!(
            ebs["partialFingerprints"][FINGERPRINT_KEY],
            fingerprint(EBS_RULE_ID, arn)
        );
        let properties = &ebs["properties"];
        assert_eq!(properties["provider"], "aws");
        assert_eq!(properties["account"], "111122223333");
        assert_eq!(properties["region"], "eu-west-1");
        assert_eq!(properties["resourceType"], "ebs_volume");
        assert_eq!(properties["criteria"], serde_json::json!(["CC6.1", "C1.1"]));
        assert_eq!(properties["severity"], "high");
    }

    #[test]
    fn plan_resources_point_at_their_tf_block_and_the_category_is_plan() {
        let mut fixture = Fixture::standard();
        let plain = fixture
            .snapshot
            .resources
            .iter()
            .find(|r| r.id.ends_with("vol-plain"))
            .map(|r| r.id.clone())
            .expect("vol-plain");
        let source = |file: &str, line| soc2scan_model::PlannedResource {
            address: "module.data[\"a\"].aws_ebs_volume.plain[0]".to_string(),
            source: soc2scan_model::SourceRef {
                file: file.to_string(),
                line,
            },
            unknown: vec![],
        };
        let mut plan = soc2scan_model::PlanInfo {
            plan_file: "plan.json".to_string(),
            format_version: "1.2".to_string(),
            terraform_version: None,
            is_state: false,
            resources: [(
                plain.clone(),
                source("infra/modules/data/main.tf", Some(12)),
            )]
            .into_iter()
            .collect(),
            ignored_types: Default::default(),
            deleted: 0,
            unresolved_modules: vec![],
        };
        fixture.snapshot.plan = Some(plan.clone());
        let document = render(&fixture, &context());
        let result = result_for(&document, EBS_RULE_ID, "vol-plain");
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "infra/modules/data/main.tf"
        );
        assert_eq!(physical["region"]["startLine"], 12);
        assert_eq!(
            result["properties"]["terraformAddress"],
            "module.data[\"a\"].aws_ebs_volume.plain[0]"
        );
        assert_eq!(document["runs"][0]["automationDetails"]["id"], "plan/");
        assert_valid_sarif(&document);

        // Without a block, the plan file (absolute paths as file URIs).
        plan.resources = [(plain, source("/ci/work/plan dir/plan.json", None))]
            .into_iter()
            .collect();
        fixture.snapshot.plan = Some(plan);
        let document = render(&fixture, &context());
        let physical =
            &result_for(&document, EBS_RULE_ID, "vol-plain")["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "file:///ci/work/plan%20dir/plan.json"
        );
        assert_eq!(physical["region"]["startLine"], 1);
    }

    #[test]
    fn git_file_tag_becomes_the_location() {
        let document = render(&Fixture::standard(), &context());
        let bucket = result_for(&document, BUCKET_RULE_ID, "acme-logs");
        assert_eq!(
            bucket["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "infra/gcs.tf"
        );
        assert_eq!(bucket["properties"]["gitRepo"], "acme/infra");
        assert_eq!(
            bucket["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "//storage.googleapis.com/projects/_/buckets/acme-logs"
        );
    }

    #[test]
    fn category_defaults_to_providers_and_accounts_and_can_be_overridden() {
        let fixture = Fixture::standard();
        let document = render(&fixture, &context());
        assert_eq!(
            document["runs"][0]["automationDetails"]["id"],
            "soc2scan/aws+gcp/111122223333+acme-prod/"
        );
        let mut single = Fixture::standard();
        single.snapshot.metadata.targets.truncate(1);
        let document = render(&single, &context());
        assert_eq!(
            document["runs"][0]["automationDetails"]["id"],
            "soc2scan/aws/111122223333/"
        );
        let mut ctx = context();
        ctx.sarif_category = Some("plan".to_string());
        let document = render(&fixture, &ctx);
        assert_eq!(document["runs"][0]["automationDetails"]["id"], "plan/");
    }

    #[test]
    fn organization_scans_list_their_accounts_and_keep_a_short_valid_category() {
        let fixture = Fixture::organization();
        let document = render(&fixture, &context());
        assert_valid_sarif(&document);
        let organization = &document["runs"][0]["properties"]["organization"];
        assert_eq!(organization["id"], "o-abc123def4");
        assert_eq!(organization["excluded"], 2);
        assert_eq!(
            organization["accounts"],
            serde_json::json!([
                {"account": "111122223333", "name": "acme-prod-app", "ouPath": "Root/Workloads/Prod", "status": "ACTIVE", "skipped": false},
                {"account": "444455556666", "name": "legacy", "ouPath": "Root/Legacy", "status": "SUSPENDED", "skipped": true}
            ])
        );
        // The skipped account was not scanned: it is not in the category.
        assert_eq!(
            document["runs"][0]["automationDetails"]["id"],
            "soc2scan/aws+gcp/111122223333+acme-prod/"
        );
        assert!(
            render(&Fixture::standard(), &context())["runs"][0]["properties"]
                .get("organization")
                .is_none()
        );

        // Many accounts: the organization and a digest of the exact set.
        let many = |count: u64| {
            let mut fixture = Fixture::organization();
            let template = fixture.snapshot.metadata.targets[0].clone();
            for n in 0..count {
                let mut target = template.clone();
                target.account = format!("{:012}", 100_000_000_000 + n);
                fixture.snapshot.metadata.targets.push(target);
            }
            fixture
        };
        let category = |fixture: &Fixture| {
            render(fixture, &context())["runs"][0]["automationDetails"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let first = category(&many(40));
        assert!(
            first.starts_with("soc2scan/aws+gcp/o-abc123def4-"),
            "{first}"
        );
        assert!(first.ends_with('/') && first.len() < 60, "{first}");
        assert_eq!(
            first,
            category(&many(40)),
            "the same accounts, the same category"
        );
        assert_ne!(
            first,
            category(&many(41)),
            "other accounts, another category"
        );
        assert_valid_sarif(&render(&many(40), &context()));
    }

    #[test]
    fn invocation_has_times_and_a_notification_per_gap_and_unexplained_rule() {
        let document = render(&Fixture::standard(), &context());
        let invocation = &document["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        assert_eq!(invocation["startTimeUtc"], "2026-06-01T09:05:00.000Z");
        assert_eq!(invocation["endTimeUtc"], "2026-06-01T09:06:00.000Z");
        assert_eq!(invocation["exitCode"], 1);
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 3, "{notes:#?}");

        let gap = &notes[0];
        assert_eq!(gap["level"], "error");
        let text = gap["message"]["text"].as_str().unwrap();
        assert!(
            text.contains("aws/111122223333/us-east-1 ebs_volume"),
            "{text}"
        );
        assert!(text.contains("access_denied: ec2:DescribeVolumes: UnauthorizedOperation"));
        assert!(
            text.contains(EBS_RULE_ID) && text.contains(TAG_RULE_ID),
            "{text}"
        );
        assert_eq!(gap["descriptor"]["id"], "coverage-gap");

        let irrelevant = &notes[1];
        assert_eq!(irrelevant["level"], "warning");
        assert!(irrelevant["message"]["text"]
            .as_str()
            .unwrap()
            .contains("no rule that ran needs it"));

        let unexplained = &notes[2];
        assert_eq!(unexplained["level"], "warning");
        assert_eq!(unexplained["associatedRule"]["id"], TAG_RULE_ID);
        assert_eq!(unexplained["associatedRule"]["index"], 1);
        let text = unexplained["message"]["text"].as_str().unwrap();
        assert!(text.starts_with("1 check of aws-ec2-volume-owner-tag-missing could not be decided: the owner tag of vol-plan is only known after apply"), "{text}");
    }

    #[test]
    fn pass_results_only_when_asked() {
        let fixture = Fixture::standard();
        let mut ctx = context();
        ctx.sarif_include_pass = true;
        let document = render(&fixture, &ctx);
        let results = results(&document);
        let passes: Vec<&Value> = results.iter().filter(|r| r["kind"] == "pass").collect();
        assert_eq!(passes.len(), 4);
        assert!(passes.iter().all(|r| r["level"] == "none"));
        // Failures come first.
        assert!(results[..3].iter().all(|r| r.get("kind").is_none()));
    }

    #[test]
    fn past_the_result_limit_the_most_severe_are_kept_and_the_drop_is_reported() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let limits = SarifLimits {
            max_results: 2,
            max_gzip_bytes: SarifLimits::GITHUB.max_gzip_bytes,
        };
        let text = render_sarif_with_limits(&report, &context(), &limits).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_valid_sarif(&document);
        let kept: Vec<&str> = results(&document)
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(kept, vec![BUCKET_RULE_ID, EBS_RULE_ID]);
        let notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        let truncated = notes.last().unwrap();
        assert_eq!(truncated["descriptor"]["id"], "results-truncated");
        let text = truncated["message"]["text"].as_str().unwrap();
        assert!(
            text.contains("Kept the 2 most severe of 3 results"),
            "{text}"
        );
        assert!(text.contains("dropped 1 (1 low)"), "{text}");
    }

    #[test]
    fn past_the_size_limit_results_are_dropped_until_it_fits() {
        let mut fixture = Fixture::standard();
        for i in 0..400 {
            fixture
                .snapshot
                .resources
                .push(volume(&format!("vol-{i:04}"), false));
        }
        let report = fixture.report();
        let unlimited = render_sarif(&report, &context()).unwrap();
        let limit = gzip_len(unlimited.as_bytes()) / 2;
        let limits = SarifLimits {
            max_results: 25_000,
            max_gzip_bytes: limit,
        };
        let text = render_sarif_with_limits(&report, &context(), &limits).unwrap();
        assert!(gzip_len(text.as_bytes()) <= limit);
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_valid_sarif(&document);
        let kept = results(&document).len();
        assert!(kept > 0 && kept < report.tally().failed, "{kept}");
        // The critical bucket failure survives.
        assert_eq!(results(&document)[0]["ruleId"], BUCKET_RULE_ID);
        let notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(
            notes.last().unwrap()["descriptor"]["id"],
            "results-truncated"
        );
    }

    #[test]
    fn fingerprints_are_stable_across_runs_and_tool_versions() {
        let fixture = Fixture::standard();
        let first = render(&fixture, &context());
        let mut ctx = context();
        ctx.tool_version = "9.9.9".to_string();
        let second = render(&fixture, &ctx);
        let prints = |d: &Value| -> Vec<String> {
            results(d)
                .iter()
                .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].to_string())
                .collect()
        };
        assert_eq!(prints(&first), prints(&second));
    }

    #[test]
    fn camel_case_and_semantic_versions() {
        assert_eq!(camel_case("gcp-gcs-cmek-off"), "GcpGcsCmekOff");
        assert!(is_semantic_version("0.1.0"));
        assert!(is_semantic_version("1.2.3-rc.1+g1234"));
        assert!(!is_semantic_version("1.2"));
        assert!(!is_semantic_version("dev"));
    }

    /// Writes the fixture's SARIF where the Multitool test (and a person) can find it.
    #[test]
    fn writes_a_sample_log_for_external_validators() {
        let fixture = Fixture::standard();
        let report = fixture.report();
        let mut ctx = context();
        ctx.sarif_include_pass = true;
        let text = render_sarif(&report, &ctx).unwrap();
        let path = std::env::temp_dir().join("soc2scan-output-sample.sarif");
        crate::write_atomic(&path, text.as_bytes()).unwrap();
        let again: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_valid_sarif(&again);
    }

    /// Runs Microsoft's SARIF Multitool (`validate --rule-kind "Gh;Sarif"`) on every shape
    /// of log the writer produces, when `SARIF_MULTITOOL` points at its binary.
    #[test]
    fn multitool_reports_no_errors() {
        let Some(multitool) = std::env::var_os("SARIF_MULTITOOL") else {
            eprintln!("SARIF_MULTITOOL is not set; skipping the SARIF Multitool validation");
            return;
        };
        let directory = tempfile::tempdir().unwrap();
        let fixture = Fixture::standard();
        let report = fixture.report();
        let mut clean = Fixture::standard();
        clean.snapshot.resources.retain(|r| {
            !r.id.contains("vol-plain") && !r.id.contains("vol-east") && !r.id.contains("acme-logs")
        });
        clean.snapshot.coverage.retain(|e| !e.is_gap());
        let clean_report = clean.report();
        let organization = Fixture::organization();
        let mut with_pass = context();
        with_pass.sarif_include_pass = true;
        let truncated = SarifLimits {
            max_results: 1,
            ..SarifLimits::GITHUB
        };
        let logs = [
            ("standard", render_sarif(&report, &context()).unwrap()),
            ("with-pass", render_sarif(&report, &with_pass).unwrap()),
            (
                "truncated",
                render_sarif_with_limits(&report, &context(), &truncated).unwrap(),
            ),
            ("clean", render_sarif(&clean_report, &context()).unwrap()),
            (
                "organization",
                render_sarif(&organization.report(), &context()).unwrap(),
            ),
        ];
        for (name, log) in logs {
            let input = directory.path().join(format!("{name}.sarif"));
            let output = directory.path().join(format!("{name}.validation.sarif"));
            std::fs::write(&input, log).unwrap();
            let status = std::process::Command::new(&multitool)
                .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
                .arg("validate")
                .args(["--rule-kind", "Gh;Sarif"])
                .arg(&input)
                .arg("-o")
                .arg(&output)
                .args(["--log", "ForceOverwrite"])
                .status()
                .expect("run the SARIF Multitool");
            assert!(status.success(), "{name}: the Multitool failed: {status}");
            let validation: Value =
                serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
            let findings = validation["runs"][0]["results"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let errors: Vec<String> = findings
                .iter()
                .filter(|r| r["level"] == "error")
                .map(|r| format!("{} {}", r["ruleId"], r["message"]))
                .collect();
            assert!(
                errors.is_empty(),
                "{name}: Multitool errors:\n{}",
                errors.join("\n")
            );
            // An absent level means "warning".
            for warning in findings
                .iter()
                .filter(|r| r["level"] == "warning" || r.get("level").is_none())
            {
                eprintln!(
                    "{name}: Multitool warning {} {}",
                    warning["ruleId"], warning["message"]
                );
            }
        }
    }
}
