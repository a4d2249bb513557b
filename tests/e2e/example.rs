//! The bundled example snapshot: every rule has passing and failing resources, and the one
//! coverage gap makes exactly the rule that needs it not evaluated in that scope.

use crate::common::example;
use soc2scan::providers::Snapshot;
use soc2scan::rules::{all_rules, Engine, RuleRun, Verdict};
use std::collections::BTreeMap;

#[test]
fn every_rule_has_passing_and_failing_resources_in_the_example() {
    let snapshot = Snapshot::load(&example()).expect("the example loads");
    assert_eq!(snapshot.gaps().count(), 1, "the example has exactly one coverage gap");
    let engine = Engine::new(all_rules().iter().map(|r| RuleRun::with_defaults(*r)).collect());
    let report = engine.evaluate(&snapshot);
    let mut outcomes: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for evaluation in &report.evaluations {
        let id = report.rule_of(evaluation).rule.meta().id;
        let entry = outcomes.entry(id).or_default();
        match evaluation.verdict {
            Verdict::Pass => entry.0 += 1,
            Verdict::Fail(_) => entry.1 += 1,
            Verdict::NotEvaluated(_) => entry.2 += 1,
            Verdict::NotApplicable => unreachable!("the engine drops NotApplicable"),
        }
    }
    let lacking: Vec<String> = all_rules()
        .iter()
        .map(|r| r.meta().id)
        .filter(|id| {
            let (pass, fail, _) = outcomes.get(id).copied().unwrap_or_default();
            pass == 0 || fail == 0
        })
        .map(|id| format!("{id}: {:?}", outcomes.get(id)))
        .collect();
    assert!(lacking.is_empty(), "rules without both a pass and a fail: {lacking:#?}");

    let gap = snapshot.gaps().next().expect("one gap");
    let affected = report.rules_affected_by(gap);
    assert_eq!(affected, vec!["aws-ec2-vpc-flow-logs-off"]);
    let not_evaluated: Vec<_> = report
        .evaluations
        .iter()
        .filter(|e| matches!(e.verdict, Verdict::NotEvaluated(_)))
        .collect();
    assert!(!not_evaluated.is_empty());
    for evaluation in not_evaluated {
        assert_eq!(report.rule_of(evaluation).rule.meta().id, "aws-ec2-vpc-flow-logs-off");
    }
}
