//! Helpers for rule unit tests: build small snapshots and run one rule through the engine,
//! so every test also exercises the coverage logic.

use crate::engine::{Engine, RuleRun, Subject};
use crate::rule::{Params, Rule, Verdict};
use chrono::{DateTime, TimeZone, Utc};
use soc2scan_model::{
    CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, Provider, Resource, ResourceConfig,
    ResourceKind, Snapshot, GLOBAL_REGION,
};
use std::collections::BTreeMap;

/// The AWS account used in tests.
pub const ACCOUNT: &str = "111122223333";
/// The default region used in tests.
pub const REGION: &str = "eu-west-1";
/// The GCP project used in tests.
pub const PROJECT: &str = "acme-prod";
/// An AWS account and a GCP project with no resources whose units are always collected, so
/// every kind counts as attempted by the snapshot even when a test drops or fails the units
/// of the resources' own scope: an absent unit is then "not evaluated", not "not collected".
pub const WITNESS_ACCOUNT: &str = "999999999999";
/// See [`WITNESS_ACCOUNT`].
pub const WITNESS_PROJECT: &str = "witness-project";

/// The reference time of test snapshots: 2026-06-01T00:00:00Z.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// `now()` minus a number of days.
pub fn days_ago(days: i64) -> DateTime<Utc> {
    now() - chrono::Duration::days(days)
}

/// A resource in `ACCOUNT`/`REGION` (AWS regional), `ACCOUNT`/global (IAM) or
/// `PROJECT`/`EU` (GCS), with the given canonical id.
pub fn resource(id: &str, config: ResourceConfig) -> Resource {
    let kind = config.kind();
    let (account, region) = match (kind.provider(), kind.service()) {
        (Provider::Aws, "iam") => (ACCOUNT, GLOBAL_REGION),
        (Provider::Aws, _) => (ACCOUNT, REGION),
        (Provider::Gcp, _) => (PROJECT, "EU"),
    };
    Resource {
        id: id.to_string(),
        provider: kind.provider(),
        account: account.to_string(),
        region: region.to_string(),
        name: None,
        tags: BTreeMap::new(),
        config,
    }
}

/// A snapshot holding `resources`, with an `ok` coverage entry for every kind in every
/// (account, region) the resources live in.
pub fn snapshot(resources: Vec<Resource>) -> Snapshot {
    let mut snapshot = Snapshot::new("test", now(), now());
    let mut units = std::collections::BTreeSet::new();
    let scopes: Vec<(Provider, String, String)> = resources
        .iter()
        .map(|r| {
            (
                r.provider,
                r.account.clone(),
                Snapshot::coverage_region(r).to_string(),
            )
        })
        .chain([
            (Provider::Aws, ACCOUNT.to_string(), REGION.to_string()),
            (
                Provider::Aws,
                ACCOUNT.to_string(),
                GLOBAL_REGION.to_string(),
            ),
            (
                Provider::Gcp,
                PROJECT.to_string(),
                GLOBAL_REGION.to_string(),
            ),
            (
                Provider::Aws,
                WITNESS_ACCOUNT.to_string(),
                REGION.to_string(),
            ),
            (
                Provider::Aws,
                WITNESS_ACCOUNT.to_string(),
                GLOBAL_REGION.to_string(),
            ),
            (
                Provider::Gcp,
                WITNESS_PROJECT.to_string(),
                GLOBAL_REGION.to_string(),
            ),
        ])
        .collect();
    for (provider, account, region) in scopes {
        for kind in ResourceKind::ALL
            .iter()
            .filter(|k| k.provider() == provider)
        {
            let global = region == GLOBAL_REGION;
            let kind_is_global = kind.collection_scope() == soc2scan_model::CollectionScope::Global;
            if global == kind_is_global {
                units.insert(CollectionUnit {
                    provider,
                    account: account.clone(),
                    region: region.clone(),
                    kind: *kind,
                    resource: None,
                });
            }
        }
    }
    snapshot.coverage = units
        .into_iter()
        .map(|unit| CoverageEntry {
            unit,
            status: CoverageStatus::Ok,
        })
        .collect();
    snapshot.resources = resources;
    snapshot
}

fn is_witness(unit: &CollectionUnit) -> bool {
    unit.account == WITNESS_ACCOUNT || unit.account == WITNESS_PROJECT
}

/// Marks the unit of `kind` (in `ACCOUNT`/`PROJECT` and the kind's default region) failed.
pub fn fail_unit(snapshot: &mut Snapshot, kind: ResourceKind) {
    for entry in &mut snapshot.coverage {
        if entry.unit.kind == kind && entry.unit.resource.is_none() && !is_witness(&entry.unit) {
            entry.status = CoverageStatus::Failed {
                kind: FailureKind::AccessDenied,
                message: format!("not authorized to list {kind}"),
            };
        }
    }
}

/// Adds a failed unit of `kind` narrowed to `resource_id` (in `ACCOUNT` or `PROJECT`;
/// region `global` for account-wide kinds, else the default region).
pub fn fail_narrowed(snapshot: &mut Snapshot, kind: ResourceKind, resource_id: &str) {
    let region = match kind.collection_scope() {
        soc2scan_model::CollectionScope::Global => GLOBAL_REGION,
        soc2scan_model::CollectionScope::Regional => REGION,
    };
    let account = match kind.provider() {
        Provider::Aws => ACCOUNT,
        Provider::Gcp => PROJECT,
    };
    snapshot.coverage.push(CoverageEntry {
        unit: CollectionUnit {
            provider: kind.provider(),
            account: account.to_string(),
            region: region.to_string(),
            kind,
            resource: Some(resource_id.to_string()),
        },
        status: CoverageStatus::Failed {
            kind: FailureKind::Throttled,
            message: format!("{resource_id}: rate exceeded"),
        },
    });
}

/// Removes every coverage entry of `kind` but the witness scopes' (see
/// [`WITNESS_ACCOUNT`]): the kind stays attempted, its units in the tested scopes absent.
pub fn drop_unit(snapshot: &mut Snapshot, kind: ResourceKind) {
    snapshot
        .coverage
        .retain(|entry| entry.unit.kind != kind || is_witness(&entry.unit));
}

/// Removes every coverage entry of `kind`, witnesses included: the snapshot never
/// attempted the kind, as one written before the kind existed.
pub fn never_attempt(snapshot: &mut Snapshot, kind: ResourceKind) {
    snapshot.coverage.retain(|entry| entry.unit.kind != kind);
}

/// Runs one rule with default parameters; returns (resource id or unit, verdict) pairs.
pub fn run(rule: &'static dyn Rule, snapshot: &Snapshot) -> Vec<(String, Verdict)> {
    run_with(rule, Params::defaults(rule.meta()), snapshot)
}

/// Runs one rule with the given parameters.
pub fn run_with(
    rule: &'static dyn Rule,
    params: Params,
    snapshot: &Snapshot,
) -> Vec<(String, Verdict)> {
    let engine = Engine::new(vec![RuleRun { rule, params }]);
    let report = engine.evaluate(snapshot);
    report
        .evaluations
        .iter()
        .map(|e| {
            let subject = match e.subject {
                Subject::Resource(i) => snapshot.resources[i as usize].id.clone(),
                Subject::Unit(i) => format!("unit:{}", snapshot.coverage[i as usize].unit),
            };
            (subject, e.verdict.clone())
        })
        .collect()
}

/// The verdict for one resource id (panics if the rule gave none or several).
pub fn verdict_of(results: &[(String, Verdict)], id: &str) -> Verdict {
    let found: Vec<&Verdict> = results
        .iter()
        .filter(|(s, _)| s == id)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one verdict for {id}, got {results:?}"
    );
    found[0].clone()
}

/// Asserts a verdict is Pass.
#[track_caller]
pub fn assert_pass(verdict: &Verdict) {
    assert_eq!(verdict, &Verdict::Pass);
}

/// Asserts a verdict is Fail and its message contains every fragment.
#[track_caller]
pub fn assert_fail(verdict: &Verdict, fragments: &[&str]) {
    match verdict {
        Verdict::Fail(message) => {
            for fragment in fragments {
                assert!(
                    message.contains(fragment),
                    "failure message {message:?} lacks {fragment:?}"
                );
            }
        }
        other => panic!("expected Fail, got {other:?}"),
    }
}

/// Asserts a verdict is NotEvaluated and its reason contains every fragment.
#[track_caller]
pub fn assert_not_evaluated(verdict: &Verdict, fragments: &[&str]) {
    match verdict {
        Verdict::NotEvaluated(reason) => {
            for fragment in fragments {
                assert!(
                    reason.contains(fragment),
                    "reason {reason:?} lacks {fragment:?}"
                );
            }
        }
        other => panic!("expected NotEvaluated, got {other:?}"),
    }
}

/// Every leaf path of a configuration object (`metadata_options.http_tokens`); lists and
/// nulls are leaves.
fn leaves(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(inner, &path, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

/// Other values for a leaf, as far as they stay valid for the model.
fn alternatives(value: &serde_json::Value) -> Vec<serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(_) => vec![Value::from(0), Value::from(1_000_000_000u64)],
        Value::String(s) => vec![Value::from(format!("{s}-perturbed")), Value::from("")],
        Value::Array(items) if !items.is_empty() => vec![Value::Array(Vec::new())],
        _ => Vec::new(),
    }
}

/// The kind of verdict (`pass`, `fail`, `not_evaluated`) a run gives the resource at
/// `index`, `None` when it gives none.
fn verdict_kind_of(run: &RuleRun, snapshot: &Snapshot, index: usize) -> Option<&'static str> {
    Engine::new(vec![run.clone()])
        .evaluate(snapshot)
        .evaluations
        .iter()
        .find(|e| e.subject == Subject::Resource(index as u32))
        .map(|e| e.verdict.as_str())
}

/// Checks that a rule's `reads` name every field its verdicts depend on.
///
/// On a Terraform plan a check becomes `NotEvaluated` when a field it `reads` is known only
/// after apply; a field missing from `reads` would let an unknown value pass for a known
/// one. On every resource of `snapshot` the rule targets, this perturbs each configuration
/// field the rule does *not* declare — a boolean flipped, a number zeroed or made large, a
/// string replaced, a list emptied — and reports every perturbation that changes the kind
/// of the rule's verdict on that resource (pass, fail, not evaluated, none). `perturbations`
/// counts the perturbations tried.
pub fn undeclared_field_problems(
    run: &RuleRun,
    snapshot: &Snapshot,
    perturbations: &mut usize,
) -> Vec<String> {
    use serde_json::Value;
    let meta = run.rule.meta();
    let mut problems = Vec::new();
    for (index, resource) in snapshot.resources.iter().enumerate() {
        if !meta.targets.contains(&resource.kind()) {
            continue;
        }
        let baseline = verdict_kind_of(run, snapshot, index);
        let config = serde_json::to_value(&resource.config).expect("serialisable");
        let (tag, inner) = match &config {
            Value::Object(map) if map.len() == 1 => map.iter().next().expect("one key"),
            _ => panic!("configs are externally tagged"),
        };
        let mut paths = Vec::new();
        leaves(inner, "", &mut paths);
        for path in paths {
            if meta
                .reads
                .iter()
                .any(|read| soc2scan_model::fields_overlap(read, &path))
            {
                continue;
            }
            let current = inner
                .pointer(&pointer(&path))
                .cloned()
                .unwrap_or(Value::Null);
            for alternative in alternatives(&current) {
                let mut changed = inner.clone();
                *changed
                    .pointer_mut(&pointer(&path))
                    .expect("the leaf exists") = alternative.clone();
                let tagged = serde_json::json!({ tag: changed });
                let Ok(config) = serde_json::from_value::<ResourceConfig>(tagged) else {
                    continue; // not a valid model value; nothing to learn
                };
                let mut perturbed = snapshot.clone();
                perturbed.resources[index].config = config;
                *perturbations += 1;
                let verdict = verdict_kind_of(run, &perturbed, index);
                if verdict != baseline {
                    problems.push(format!(
                        "{}: on {} the verdict went from {baseline:?} to {verdict:?} when `{path}` became {alternative}, but `{path}` is not in its reads {:?}",
                        meta.id, resource.id, meta.reads
                    ));
                }
            }
        }
    }
    problems
}
