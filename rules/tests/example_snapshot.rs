//! The bundled example snapshot (`examples/acme-snapshot.json`) shows a realistic company:
//! every service that has rules has at least one failing and one passing resource, and the
//! only checks it cannot evaluate are the ones its one coverage gap (us-east-1 flow logs)
//! affects. Each rule's own pass and fail cases live with the rule (`rules/src/cases.rs`),
//! so a new rule does not have to edit the example.

use soc2scan_model::{Provider, Snapshot};
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
fn every_service_passes_and_fails_somewhere_in_the_example() {
    let snapshot = example();
    let engine = Engine::new(
        all_rules()
            .iter()
            .map(|rule| RuleRun::with_defaults(*rule))
            .collect(),
    );
    let report = engine.evaluate(&snapshot);
    // Every (provider, service) pair that has rules the example collected, with its
    // passes and failures. A service newer than the example is not collected in it: its
    // rules are skipped as not collected (checked below), as on any older snapshot.
    let mut outcomes: BTreeMap<(Provider, &str), (usize, usize)> = report
        .rules
        .iter()
        .map(|run| {
            (
                (run.rule.meta().provider(), run.rule.meta().service()),
                (0, 0),
            )
        })
        .collect();
    for skipped in &report.skipped {
        let meta = skipped.run.rule.meta();
        assert!(
            matches!(skipped.reason, soc2scan_rules::SkipReason::NotCollected(_)),
            "{} skipped on the example: {}",
            meta.id,
            skipped.reason.describe()
        );
        assert!(
            !outcomes.contains_key(&(meta.provider(), meta.service())),
            "{} is skipped though the example collected its service",
            meta.id
        );
    }
    for evaluation in &report.evaluations {
        let meta = report.rule_of(evaluation).rule.meta();
        let counts = outcomes
            .get_mut(&(meta.provider(), meta.service()))
            .expect("the service has rules");
        match &evaluation.verdict {
            Verdict::Pass => counts.0 += 1,
            Verdict::Fail(_) => counts.1 += 1,
            Verdict::NotEvaluated(reason) => {
                assert_eq!(
                    meta.id, GAP_RULE,
                    "unexpected not-evaluated verdict: {reason}"
                );
                assert!(reason.contains("us-east-1"), "{reason}");
            }
            Verdict::NotApplicable => {}
        }
    }
    let problems: Vec<String> = outcomes
        .iter()
        .filter(|(_, (passed, failed))| *passed == 0 || *failed == 0)
        .map(|((provider, service), (passed, failed))| {
            format!("{provider}/{service}: {passed} passes and {failed} failures; expected both")
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        outcomes.len() >= 3,
        "expected the example to cover aws/ec2, aws/iam and gcp/gcs: {outcomes:?}"
    );
}
