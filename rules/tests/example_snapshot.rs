//! The bundled example snapshot (`examples/acme-snapshot.json`) shows every rule both ways:
//! each rule has at least one passing and one failing resource. Account-wide settings (root
//! user, password policy) get both outcomes from the example's two AWS accounts.

use soc2scan_model::Snapshot;
use soc2scan_rules::{all_rules, Engine, RuleRun, Verdict};
use std::collections::BTreeMap;
use std::path::Path;

/// The one rule the example's coverage gap (us-east-1 flow logs) keeps from evaluating.
const GAP_RULE: &str = "aws-ec2-vpc-flow-logs-off";

fn example() -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme-snapshot.json");
    Snapshot::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_rule_passes_and_fails_somewhere_in_the_example() {
    let snapshot = example();
    let engine = Engine::new(
        all_rules()
            .iter()
            .map(|rule| RuleRun::with_defaults(*rule))
            .collect(),
    );
    let report = engine.evaluate(&snapshot);
    let mut outcomes: BTreeMap<&str, BTreeMap<&str, usize>> = all_rules()
        .iter()
        .map(|rule| (rule.meta().id, BTreeMap::new()))
        .collect();
    for evaluation in &report.evaluations {
        let id = report.rule_of(evaluation).rule.meta().id;
        *outcomes
            .get_mut(id)
            .expect("rule ran")
            .entry(evaluation.verdict.as_str())
            .or_default() += 1;
        if let Verdict::NotEvaluated(reason) = &evaluation.verdict {
            assert_eq!(id, GAP_RULE, "unexpected not-evaluated verdict: {reason}");
            assert!(reason.contains("us-east-1"), "{reason}");
        }
    }
    let mut problems = Vec::new();
    for (id, counts) in &outcomes {
        let passed = counts.get("pass").copied().unwrap_or(0);
        let failed = counts.get("fail").copied().unwrap_or(0);
        if passed == 0 || failed == 0 {
            problems.push(format!(
                "{id}: expected passes and failures, got {counts:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
