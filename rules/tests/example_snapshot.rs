//! The bundled example snapshot (`examples/acme-snapshot.json`) shows every rule both ways:
//! each rule has at least one passing and one failing resource, except the few rules about
//! account-wide settings that one account can hold only once.

use soc2scan_providers::Snapshot;
use soc2scan_rules::{all_rules, Engine, RuleRun, Verdict};
use std::collections::BTreeMap;
use std::path::Path;

/// Rules that read a setting the example's one AWS account holds once, so they can show
/// only one outcome, and that outcome.
const SINGLE_OUTCOME: &[(&str, &str)] = &[
    ("aws-iam-root-mfa-off", "pass"),
    ("aws-iam-root-access-key", "fail"),
    ("aws-iam-password-policy-weak", "fail"),
];

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
        match SINGLE_OUTCOME.iter().find(|(rule, _)| rule == id) {
            Some((_, "pass")) if passed > 0 && failed == 0 => {}
            Some((_, "fail")) if failed > 0 && passed == 0 => {}
            Some((_, expected)) => {
                problems.push(format!("{id}: expected only {expected}, got {counts:?}"))
            }
            None if passed > 0 && failed > 0 => {}
            None => problems.push(format!(
                "{id}: expected passes and failures, got {counts:?}"
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
