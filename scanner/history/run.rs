//! One recorded run: what it is made of, how it is built from an evaluated report, and how
//! its content is hashed into the chain.
//!
//! A run's hash is `sha256("soc2scan-run-v1\n" + previous run's hash + "\n" + content
//! hash)`, the first run's previous hash being 64 zeros. The content hash is the SHA-256 of
//! the canonical JSON of [`RunContent`]: the run's sequence number, times, source, tool
//! versions, targets, whether it was complete, the hashes of its rule set, suppressions in
//! force and snapshot, its per-rule counters and resource counts by kind, and digests of
//! its coverage table and of its verdict changes (the spans it opened and closed). Editing,
//! deleting or reordering anything a run consists of changes a hash `verify` recomputes.

use super::sha256_hex;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soc2scan_output::identity::subject_id;
use soc2scan_output::suppress::Suppressions;
use soc2scan_providers::{CoverageStatus, ScanTarget};
use soc2scan_rules::{Report, RuleMeta, RuleRun, Subject, Verdict};
use std::collections::BTreeMap;
use std::io::Write as _;

/// The previous hash of the first run.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How a run came to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunSource {
    /// `soc2scan scan … --record`.
    Scan,
    /// `soc2scan snapshot … --record`.
    Snapshot,
    /// `soc2scan history import`.
    Import,
}

impl RunSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunSource::Scan => "scan",
            RunSource::Snapshot => "snapshot",
            RunSource::Import => "import",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<RunSource> {
        [RunSource::Scan, RunSource::Snapshot, RunSource::Import]
            .into_iter()
            .find(|source| source.as_str() == text)
    }
}

/// The outcome of one (rule, subject) in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
    /// Could not be evaluated (a coverage gap, an unknown value).
    NotEvaluated,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotEvaluated => "not_evaluated",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Outcome> {
        [Outcome::Pass, Outcome::Fail, Outcome::NotEvaluated]
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }
}

/// A snapshot kept as evidence: its SHA-256 (of the exact bytes, so `sha256sum` of the
/// artifact file matches), its size and its gzip-compressed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotEvidence {
    /// Hex SHA-256 of the uncompressed bytes.
    pub sha256: String,
    /// Uncompressed size in bytes.
    pub size: u64,
    /// The bytes, gzip-compressed.
    pub gzip: Vec<u8>,
}

impl SnapshotEvidence {
    /// Hashes and compresses snapshot bytes.
    pub fn of(bytes: &[u8]) -> SnapshotEvidence {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(bytes.len() / 8),
            flate2::Compression::default(),
        );
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(bytes);
        let gzip = encoder.finish().unwrap_or_default();
        SnapshotEvidence {
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            gzip,
        }
    }
}

/// Decompresses stored snapshot bytes.
pub fn gunzip(gzip: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gzip), &mut bytes)?;
    Ok(bytes)
}

/// One rule of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEntry {
    /// Rule id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity (`high`).
    pub severity: String,
    /// SOC 2 criteria it maps to.
    pub criteria: Vec<String>,
    /// Resolved parameters.
    pub params: BTreeMap<String, serde_json::Value>,
    /// SHA-256 of the rule's definition: its metadata and documentation (see
    /// [`definition_hash`]). A new soc2scan version that changes what a rule checks
    /// changes it.
    pub definition_sha256: String,
}

/// The rules a run evaluated, with the tool version that evaluated them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// soc2scan version.
    pub tool_version: String,
    /// The rules, by id.
    pub rules: Vec<RuleEntry>,
}

impl RuleSet {
    /// The rule set of these rule runs.
    pub fn of(tool_version: &str, runs: &[RuleRun]) -> RuleSet {
        let mut rules: Vec<RuleEntry> = runs
            .iter()
            .map(|run| {
                let meta = run.rule.meta();
                RuleEntry {
                    id: meta.id.to_string(),
                    title: meta.title.to_string(),
                    severity: meta.severity.as_str().to_string(),
                    criteria: meta.criteria.iter().map(|c| c.to_string()).collect(),
                    params: run
                        .params
                        .iter()
                        .map(|(name, value)| {
                            (
                                name.to_string(),
                                serde_json::to_value(value).unwrap_or_default(),
                            )
                        })
                        .collect(),
                    definition_sha256: definition_hash(meta),
                }
            })
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules.dedup_by(|a, b| a.id == b.id);
        RuleSet {
            tool_version: tool_version.to_string(),
            rules,
        }
    }

    /// The canonical JSON stored and hashed.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// SHA-256 of a rule's definition: id, title, severity, criteria, the kinds it targets and
/// reads, the fields it reads, its parameters (names, defaults, ranges), whether it runs on
/// plans, and its documentation.
pub fn definition_hash(meta: &RuleMeta) -> String {
    let params: Vec<serde_json::Value> = meta
        .params
        .iter()
        .map(|spec| {
            serde_json::json!([
                spec.name,
                spec.description,
                format!("{:?}", spec.default),
                spec.min,
                spec.max
            ])
        })
        .collect();
    let definition = serde_json::json!([
        meta.id,
        meta.title,
        meta.severity.as_str(),
        meta.criteria,
        meta.targets.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        meta.also_reads
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        meta.reads,
        params,
        meta.runtime_only,
        meta.doc,
    ]);
    sha256_hex(definition.to_string().as_bytes())
}

/// A suppression in force during a run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SuppressionRecord {
    /// Rule id or glob.
    pub rule: String,
    /// Resource glob.
    pub resource: String,
    /// Why the failure is accepted.
    pub reason: String,
    /// Last day it applies, `YYYY-MM-DD`.
    pub expires: String,
}

/// The canonical JSON of a list of suppressions.
pub fn suppressions_body(suppressions: &[SuppressionRecord]) -> String {
    serde_json::to_string(suppressions).unwrap_or_default()
}

/// One coverage row of a run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CoverageRow {
    /// Provider.
    pub provider: String,
    /// Account or project.
    pub account: String,
    /// Region or `global`.
    pub region: String,
    /// Resource kind.
    pub kind: String,
    /// The kind's service (`ec2`), for the report's gaps by service.
    pub service: String,
    /// The one resource the unit covers, or empty.
    pub resource: String,
    /// For a failed unit: its failure kind and message.
    pub failure: Option<(String, String)>,
}

/// One verdict of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictRow {
    /// Rule id.
    pub rule: String,
    /// Canonical id of the subject (a resource, or a collection unit for scope-level
    /// verdicts).
    pub subject: String,
    /// The subject's kind.
    pub kind: String,
    /// Provider.
    pub provider: String,
    /// Account or project.
    pub account: String,
    /// Region.
    pub region: String,
    /// Human name, if any.
    pub name: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// For a failure covered by a suppression: its index in [`NewRun::suppressions`].
    pub suppression: Option<usize>,
    /// The failure or not-evaluated message (empty for a pass).
    pub message: String,
}

/// Counts of one rule in one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    /// Passing pairs.
    pub passed: u64,
    /// Failing pairs no suppression covers.
    pub failed: u64,
    /// Failing pairs a suppression covers.
    pub suppressed: u64,
    /// Pairs not evaluated.
    pub not_evaluated: u64,
}

impl Counter {
    /// Adds one outcome.
    pub fn add(&mut self, outcome: Outcome, suppressed: bool) {
        match (outcome, suppressed) {
            (Outcome::Pass, _) => self.passed += 1,
            (Outcome::Fail, false) => self.failed += 1,
            (Outcome::Fail, true) => self.suppressed += 1,
            (Outcome::NotEvaluated, _) => self.not_evaluated += 1,
        }
    }

    /// Adds another counter.
    pub fn merge(&mut self, other: &Counter) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.suppressed += other.suppressed;
        self.not_evaluated += other.not_evaluated;
    }
}

/// A run to append.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// How it came.
    pub source: RunSource,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The soc2scan version that evaluated it.
    pub tool_version: String,
    /// When collection started.
    pub started_at: DateTime<Utc>,
    /// When collection finished: the run's time in reports.
    pub collected_at: DateTime<Utc>,
    /// The soc2scan version that collected the snapshot.
    pub snapshot_tool_version: String,
    /// What was scanned.
    pub targets: Vec<ScanTarget>,
    /// No coverage gap kept a rule that ran from being evaluated.
    pub complete: bool,
    /// The rules.
    pub ruleset: RuleSet,
    /// Suppressions in force (sorted, distinct).
    pub suppressions: Vec<SuppressionRecord>,
    /// The snapshot.
    pub snapshot: SnapshotEvidence,
    /// The coverage table.
    pub coverage: Vec<CoverageRow>,
    /// Resources by kind.
    pub kinds: BTreeMap<String, u64>,
    /// Every verdict, one per (rule, subject).
    pub verdicts: Vec<VerdictRow>,
}

impl NewRun {
    /// The run of an evaluated report. `suppressions` are those the run judged failures
    /// by; `snapshot_bytes` are the exact bytes of the snapshot evaluated.
    pub fn from_report(
        report: &Report<'_>,
        suppressions: &Suppressions,
        source: RunSource,
        snapshot_bytes: &[u8],
        recorded_at: DateTime<Utc>,
    ) -> NewRun {
        let snapshot = report.snapshot;
        let mut in_force: Vec<SuppressionRecord> = suppressions
            .active
            .iter()
            .map(|s| SuppressionRecord {
                rule: s.rule.clone(),
                resource: s.resource.clone(),
                reason: s.reason.clone(),
                expires: s.expires.format("%Y-%m-%d").to_string(),
            })
            .collect();
        in_force.sort();
        in_force.dedup();
        let mut verdicts = Vec::with_capacity(report.evaluations.len());
        let mut seen = std::collections::HashSet::with_capacity(report.evaluations.len());
        for evaluation in &report.evaluations {
            let rule = report.rule_of(evaluation).rule.meta().id;
            let subject = subject_id(report, evaluation);
            if !seen.insert((rule, subject.clone())) {
                continue;
            }
            let outcome = match &evaluation.verdict {
                Verdict::Pass => Outcome::Pass,
                Verdict::Fail(_) => Outcome::Fail,
                Verdict::NotEvaluated(_) => Outcome::NotEvaluated,
                Verdict::NotApplicable => continue,
            };
            let suppression = if outcome == Outcome::Fail {
                suppressions.find(rule, &subject).and_then(|found| {
                    let key = SuppressionRecord {
                        rule: found.rule.clone(),
                        resource: found.resource.clone(),
                        reason: found.reason.clone(),
                        expires: found.expires.format("%Y-%m-%d").to_string(),
                    };
                    in_force.binary_search(&key).ok()
                })
            } else {
                None
            };
            let (kind, provider, account, region, name) = match evaluation.subject {
                Subject::Resource(index) => {
                    let resource = &snapshot.resources[index as usize];
                    (
                        resource.kind().as_str().to_string(),
                        resource.provider.as_str().to_string(),
                        resource.account.clone(),
                        resource.region.clone(),
                        resource.name.clone(),
                    )
                }
                Subject::Unit(index) => {
                    let unit = &snapshot.coverage[index as usize].unit;
                    (
                        unit.kind.as_str().to_string(),
                        unit.provider.as_str().to_string(),
                        unit.account.clone(),
                        unit.region.clone(),
                        None,
                    )
                }
            };
            verdicts.push(VerdictRow {
                rule: rule.to_string(),
                subject: subject.into_owned(),
                kind,
                provider,
                account,
                region,
                name,
                outcome,
                suppression,
                message: evaluation.verdict.message().unwrap_or_default().to_string(),
            });
        }
        let coverage = snapshot
            .coverage
            .iter()
            .map(|entry| CoverageRow {
                provider: entry.unit.provider.as_str().to_string(),
                account: entry.unit.account.clone(),
                region: entry.unit.region.clone(),
                kind: entry.unit.kind.as_str().to_string(),
                service: entry.unit.kind.service().to_string(),
                resource: entry.unit.resource.clone().unwrap_or_default(),
                failure: match &entry.status {
                    CoverageStatus::Ok => None,
                    CoverageStatus::Failed { kind, message } => {
                        Some((kind.as_str().to_string(), message.clone()))
                    }
                },
            })
            .collect();
        let mut kinds = BTreeMap::new();
        for resource in &snapshot.resources {
            *kinds
                .entry(resource.kind().as_str().to_string())
                .or_insert(0u64) += 1;
        }
        let mut all_runs: Vec<RuleRun> = report.rules.clone();
        all_runs.extend(report.skipped.iter().map(|skipped| skipped.run.clone()));
        NewRun {
            source,
            recorded_at,
            tool_version: crate::VERSION.to_string(),
            started_at: snapshot.metadata.started_at,
            collected_at: snapshot.metadata.finished_at,
            snapshot_tool_version: snapshot.metadata.tool.version.clone(),
            targets: snapshot.metadata.targets.clone(),
            complete: report.relevant_gaps().is_empty(),
            ruleset: RuleSet::of(crate::VERSION, &all_runs),
            suppressions: in_force,
            snapshot: SnapshotEvidence::of(snapshot_bytes),
            coverage,
            kinds,
            verdicts,
        }
    }

    /// Per-rule counters. Every rule that ran has one, even with no verdicts; rules that
    /// did not run (not collected) have none.
    pub fn counters(&self, rules_run: &[String]) -> BTreeMap<String, Counter> {
        let mut counters: BTreeMap<String, Counter> = rules_run
            .iter()
            .map(|id| (id.clone(), Counter::default()))
            .collect();
        for verdict in &self.verdicts {
            counters
                .entry(verdict.rule.clone())
                .or_default()
                .add(verdict.outcome, verdict.suppression.is_some());
        }
        counters
    }
}

/// The ids of the rules that ran in a report (skipped ones excluded).
pub fn rules_run(report: &Report<'_>) -> Vec<String> {
    report
        .rules
        .iter()
        .map(|run| run.rule.meta().id.to_string())
        .collect()
}

/// A span opened by a run, as it enters the changes digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Subject id.
    pub subject: &'a str,
    /// Outcome.
    pub outcome: Outcome,
    /// The suppression covering it, if any.
    pub suppression: Option<&'a SuppressionRecord>,
    /// Its message.
    pub message: &'a str,
}

/// Digest of a run's verdict changes: the spans it opened and the (rule, subject) pairs
/// whose span it closed, as sorted canonical lines.
pub fn changes_digest<'a>(
    opened: impl Iterator<Item = Opened<'a>>,
    closed: impl Iterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut lines: Vec<String> = opened
        .map(|o| {
            serde_json::json!([
                "open",
                o.rule,
                o.subject,
                o.outcome.as_str(),
                o.suppression,
                o.message
            ])
            .to_string()
        })
        .chain(
            closed.map(|(rule, subject)| serde_json::json!(["close", rule, subject]).to_string()),
        )
        .collect();
    lines.sort_unstable();
    sha256_hex(lines.join("\n").as_bytes())
}

/// Digest of a coverage table, as sorted canonical lines.
pub fn coverage_digest<'a>(rows: impl Iterator<Item = &'a CoverageRow>) -> String {
    let mut lines: Vec<String> = rows
        .map(|row| serde_json::to_string(row).unwrap_or_default())
        .collect();
    lines.sort_unstable();
    sha256_hex(lines.join("\n").as_bytes())
}

/// What a run's content hash covers (serialised as canonical JSON in this field order).
#[derive(Debug, Serialize)]
pub struct RunContent<'a> {
    /// Always `soc2scan-run`.
    pub format: &'static str,
    /// Version of this definition.
    pub format_version: u32,
    /// Sequence number.
    pub seq: i64,
    /// When recorded.
    pub recorded_at: &'a str,
    /// How it came.
    pub source: &'a str,
    /// Evaluating version.
    pub tool_version: &'a str,
    /// Collection start.
    pub started_at: &'a str,
    /// Collection end.
    pub collected_at: &'a str,
    /// Collecting version.
    pub snapshot_tool_version: &'a str,
    /// The targets, as the stored JSON text.
    pub targets: &'a str,
    /// Complete or not.
    pub complete: bool,
    /// SHA-256 of the rule set's canonical JSON.
    pub ruleset_sha256: &'a str,
    /// SHA-256 of the suppressions' canonical JSON.
    pub suppressions_sha256: &'a str,
    /// The snapshot's SHA-256.
    pub snapshot_sha256: &'a str,
    /// Its size.
    pub snapshot_size: u64,
    /// Per-rule counters.
    pub counters: &'a BTreeMap<String, Counter>,
    /// Resources by kind.
    pub kinds: &'a BTreeMap<String, u64>,
    /// Digest of the coverage table.
    pub coverage_sha256: &'a str,
    /// Digest of the verdict changes.
    pub changes_sha256: &'a str,
}

impl RunContent<'_> {
    /// The content hash.
    pub fn hash(&self) -> String {
        sha256_hex(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }
}

/// A run's hash from the previous run's hash and its content hash.
pub fn run_hash(previous: &str, content: &str) -> String {
    sha256_hex(format!("soc2scan-run-v1\n{previous}\n{content}").as_bytes())
}
