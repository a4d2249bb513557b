//! Every rule's `reads` metadata names every model field its verdict depends on.
//!
//! On a Terraform plan a check becomes `NotEvaluated` when a field it `reads` is known only
//! after apply; a field missing from `reads` would let an unknown value pass for a known
//! one. This test perturbs, on every resource of the example snapshot and the rules that
//! run on plans, each configuration field the rule does *not* declare — a boolean flipped,
//! a number zeroed or made large, a string replaced, a list emptied — and checks that the
//! rule's verdict on that resource keeps its kind (pass, fail, not evaluated).

use serde_json::Value;
use soc2scan_model::{fields_overlap, ResourceConfig, Snapshot};
use soc2scan_rules::{all_rules, Engine, RuleRun, Subject};
use std::path::Path;

fn example() -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme-snapshot.json");
    Snapshot::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

/// Every leaf path of a configuration object (`metadata_options.http_tokens`); lists and
/// nulls are leaves.
fn leaves(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
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
fn alternatives(value: &Value) -> Vec<Value> {
    match value {
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(_) => vec![Value::from(0), Value::from(1_000_000_000u64)],
        Value::String(s) => vec![Value::from(format!("{s}-perturbed")), Value::from("")],
        Value::Array(items) if !items.is_empty() => vec![Value::Array(Vec::new())],
        _ => Vec::new(),
    }
}

fn verdict_of(run: &RuleRun, snapshot: &Snapshot, index: usize) -> Option<&'static str> {
    let engine = Engine::new(vec![run.clone()]);
    let report = engine.evaluate(snapshot);
    report
        .evaluations
        .iter()
        .find(|e| e.subject == Subject::Resource(index as u32))
        .map(|e| e.verdict.as_str())
}

#[test]
fn verdicts_depend_only_on_declared_fields() {
    let snapshot = example();
    let mut problems = Vec::new();
    let mut perturbations = 0;
    for rule in all_rules() {
        let meta = rule.meta();
        if meta.runtime_only.is_some() || meta.reads.contains(&"*") {
            continue;
        }
        let run = RuleRun::with_defaults(*rule);
        for (index, resource) in snapshot.resources.iter().enumerate() {
            if !meta.targets.contains(&resource.kind()) {
                continue;
            }
            let Some(baseline) = verdict_of(&run, &snapshot, index) else {
                continue;
            };
            let config = serde_json::to_value(&resource.config).expect("serialisable");
            let (tag, inner) = match &config {
                Value::Object(map) if map.len() == 1 => map.iter().next().expect("one key"),
                _ => panic!("configs are externally tagged"),
            };
            let mut paths = Vec::new();
            leaves(inner, "", &mut paths);
            for path in paths {
                if meta.reads.iter().any(|read| fields_overlap(read, &path)) {
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
                    perturbations += 1;
                    let verdict = verdict_of(&run, &perturbed, index);
                    if verdict != Some(baseline) {
                        problems.push(format!(
                            "{}: on {} the verdict went from {baseline} to {verdict:?} when `{path}` became {alternative}, but `{path}` is not in its reads {:?}",
                            meta.id, resource.id, meta.reads
                        ));
                    }
                }
            }
        }
    }
    assert!(
        perturbations > 100,
        "only {perturbations} perturbations ran"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
