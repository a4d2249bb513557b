//! Cases declared with each rule, and the tests that run every rule's cases.
//!
//! A rule's file declares, in its `#[cfg(test)]` module, the resources the rule must pass,
//! fail, leave not evaluated and not apply to, and returns them from [`Rule::cases`]. Nothing
//! else registers them: the tests here walk [`crate::all_rules`], so a rule's `RULES` line in
//! its service module is all a new rule adds outside its own file.
//!
//! For every rule, the tests check that
//! - it has cases, with at least one pass and one fail, and a resource it does not apply to
//!   (or a stated reason why every resource of its kinds is in scope);
//! - every case gives exactly the expected verdicts through the real [`crate::Engine`],
//!   failure and not-evaluated messages containing the expected fragments;
//! - the coverage contract holds on every case: with any unit the rule needs (its targets
//!   and `also_reads`) failed or absent, every resource the rule applies to is
//!   `NotEvaluated` (never a pass or a failure) and the others yield nothing; with a kind it
//!   needs never attempted by the snapshot, the rule is skipped as not collected;
//! - its verdicts on the cases' resources depend only on the fields it declares in `reads`
//!   (the same perturbation as on the example snapshot).

use crate::rule::{ParamValue, Params, Rule, Verdict};
use crate::testing;
use soc2scan_model::{Resource, ResourceKind, Snapshot};

/// What a case expects of one resource of a kind the rule targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// `Pass`.
    Pass,
    /// `Fail`, the message containing every fragment.
    Fail(Vec<String>),
    /// `NotEvaluated` decided by the rule itself (data it needs is unknown), the reason
    /// containing every fragment.
    NotEvaluated(Vec<String>),
    /// No verdict: the rule does not apply (`applies()` is false, or the check answers
    /// `NotApplicable`).
    NotApplicable,
}

impl Expect {
    fn matches(&self, verdict: &Verdict) -> bool {
        let contains_all =
            |text: &str, fragments: &[String]| fragments.iter().all(|f| text.contains(f.as_str()));
        match (self, verdict) {
            (Expect::Pass, Verdict::Pass) => true,
            (Expect::Fail(fragments), Verdict::Fail(message))
            | (Expect::NotEvaluated(fragments), Verdict::NotEvaluated(message)) => {
                contains_all(message, fragments)
            }
            _ => false,
        }
    }
}

/// One case: a few resources evaluated together in one snapshot (every unit collected),
/// with the verdict expected for each resource of a kind the rule targets. Resources of
/// other kinds are context (a volume's snapshots, a VPC's flow logs, managed policies).
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case shows ("a deny at 50 shadows an allow at 100").
    pub name: &'static str,
    /// The resources, in snapshot order.
    pub resources: Vec<Resource>,
    /// Per resource (same order): the expected verdict, `None` for context.
    pub expect: Vec<Option<Expect>>,
    /// Parameter overrides, applied to the rule's defaults.
    pub params: Vec<(&'static str, ParamValue)>,
    /// Failed units narrowed to one resource id (of `ACCOUNT`, region `global`): a part of
    /// a resource, or a resource the check reads, that could not be read.
    pub gaps: Vec<(ResourceKind, String)>,
}

fn fragments(fragments: &[&str]) -> Vec<String> {
    fragments.iter().map(|f| f.to_string()).collect()
}

impl Case {
    /// An empty case.
    pub fn new(name: &'static str) -> Case {
        Case {
            name,
            resources: Vec::new(),
            expect: Vec::new(),
            params: Vec::new(),
            gaps: Vec::new(),
        }
    }

    fn expecting(mut self, resource: Resource, expect: Option<Expect>) -> Case {
        self.resources.push(resource);
        self.expect.push(expect);
        self
    }

    /// A resource the rule must pass.
    pub fn pass(self, resource: Resource) -> Case {
        self.expecting(resource, Some(Expect::Pass))
    }

    /// A resource the rule must fail, with these fragments in the message.
    pub fn fail(self, resource: Resource, message: &[&str]) -> Case {
        self.expecting(resource, Some(Expect::Fail(fragments(message))))
    }

    /// A resource the rule itself cannot decide, with these fragments in the reason.
    pub fn not_evaluated(self, resource: Resource, reason: &[&str]) -> Case {
        self.expecting(resource, Some(Expect::NotEvaluated(fragments(reason))))
    }

    /// A resource the rule does not apply to: no verdict.
    pub fn not_applicable(self, resource: Resource) -> Case {
        self.expecting(resource, Some(Expect::NotApplicable))
    }

    /// A context resource of a kind the rule does not target.
    pub fn with(self, resource: Resource) -> Case {
        self.expecting(resource, None)
    }

    /// Runs the case with a parameter overridden.
    pub fn param(mut self, name: &'static str, value: ParamValue) -> Case {
        self.params.push((name, value));
        self
    }

    /// Runs the case with the unit of `kind` narrowed to `resource_id` failed (access
    /// denied): a gap of that one resource, which need not be among the case's resources.
    pub fn gap(mut self, kind: ResourceKind, resource_id: &str) -> Case {
        self.gaps.push((kind, resource_id.to_string()));
        self
    }

    /// The case's snapshot: its resources, every unit collected, and its narrowed gaps.
    fn snapshot(&self) -> Snapshot {
        let mut snapshot = testing::snapshot(self.resources.clone());
        for (kind, resource_id) in &self.gaps {
            testing::fail_narrowed(&mut snapshot, *kind, resource_id);
        }
        snapshot
    }

    fn has(&self, wanted: fn(&Expect) -> bool) -> bool {
        self.expect.iter().flatten().any(wanted)
    }
}

/// Every case of one rule.
#[derive(Debug, Clone, Default)]
pub struct Cases {
    /// The cases.
    pub cases: Vec<Case>,
    /// For a rule that judges every resource of the kinds it targets, so no case can show
    /// one it does not apply to: why.
    pub applies_to_every_resource: Option<&'static str>,
}

impl Cases {
    /// No cases yet.
    pub fn new() -> Cases {
        Cases::default()
    }

    /// Adds a case.
    pub fn case(mut self, case: Case) -> Cases {
        self.cases.push(case);
        self
    }

    /// Declares that the rule applies to every resource of its target kinds, and why.
    pub fn applies_to_every_resource(mut self, why: &'static str) -> Cases {
        self.applies_to_every_resource = Some(why);
        self
    }
}

/// A case's parameters: the rule's defaults with the case's overrides.
fn params_of(rule: &'static dyn Rule, case: &Case) -> Result<Params, String> {
    let mut params = Params::defaults(rule.meta());
    for (name, value) in &case.params {
        params
            .set(name, value.clone())
            .map_err(|error| error.to_string())?;
    }
    Ok(params)
}

/// `rule id / case name`: how problems name a case.
fn label(rule: &'static dyn Rule, case: &Case) -> String {
    format!("{} / {:?}", rule.meta().id, case.name)
}

fn targets(rule: &'static dyn Rule, resource: &Resource) -> bool {
    rule.meta().targets.contains(&resource.kind())
}

/// Problems with how a rule's cases are declared.
fn declaration_problems(rule: &'static dyn Rule) -> Vec<String> {
    let id = rule.meta().id;
    let cases = rule.cases();
    let mut problems = Vec::new();
    if cases.cases.is_empty() {
        problems.push(format!(
            "{id}: no cases (declare them in the rule's file and return them from Rule::cases)"
        ));
        return problems;
    }
    let any = |wanted: fn(&Expect) -> bool| cases.cases.iter().any(|case| case.has(wanted));
    if !any(|e| *e == Expect::Pass) {
        problems.push(format!("{id}: no case with a resource that passes"));
    }
    if !any(|e| matches!(e, Expect::Fail(_))) {
        problems.push(format!("{id}: no case with a resource that fails"));
    }
    let not_applicable = any(|e| *e == Expect::NotApplicable);
    match (not_applicable, cases.applies_to_every_resource) {
        (false, None) => problems.push(format!(
            "{id}: no case with a resource the rule does not apply to; add one, or say why \
             there is none with Cases::applies_to_every_resource"
        )),
        (true, Some(_)) => problems.push(format!(
            "{id}: declares that it applies to every resource but has a not-applicable case"
        )),
        _ => {}
    }
    for case in &cases.cases {
        let label = label(rule, case);
        if let Err(error) = params_of(rule, case) {
            problems.push(format!("{label}: {error}"));
        }
        if case.expect.iter().all(Option::is_none) {
            problems.push(format!("{label}: expects no verdict of any resource"));
        }
        for (index, (resource, expect)) in case.resources.iter().zip(&case.expect).enumerate() {
            match (targets(rule, resource), expect) {
                (true, None) => problems.push(format!(
                    "{label}: {} is of a kind the rule targets; say what it expects of it",
                    resource.id
                )),
                (false, Some(_)) => problems.push(format!(
                    "{label}: {} is of kind {}, which the rule does not target; add it with `with`",
                    resource.id,
                    resource.kind()
                )),
                // Context the check looks up must be a kind it declares, or a failed
                // listing of that kind would go unnoticed and read as "there are none".
                (false, None) if !rule.meta().also_reads.contains(&resource.kind()) => {
                    problems.push(format!(
                        "{label}: context {} is of kind {}, which the rule does not declare in also_reads",
                        resource.id,
                        resource.kind()
                    ))
                }
                _ => {}
            }
            if case.resources[..index].iter().any(|r| r.id == resource.id) {
                problems.push(format!("{label}: {} appears twice", resource.id));
            }
            if cases.applies_to_every_resource.is_some()
                && targets(rule, resource)
                && !rule.applies(resource)
            {
                problems.push(format!(
                    "{label}: declares that it applies to every resource, but not to {}",
                    resource.id
                ));
            }
        }
    }
    problems
}

/// Problems with the verdicts one case gives.
fn verdict_problems(rule: &'static dyn Rule, case: &Case) -> Vec<String> {
    let label = label(rule, case);
    let Ok(params) = params_of(rule, case) else {
        return Vec::new(); // reported with the declarations
    };
    let results = testing::run_with(rule, params, &case.snapshot());
    let mut problems = Vec::new();
    for (resource, expect) in case.resources.iter().zip(&case.expect) {
        let Some(expect) = expect else { continue };
        let found: Vec<&Verdict> = results
            .iter()
            .filter(|(subject, _)| *subject == resource.id)
            .map(|(_, verdict)| verdict)
            .collect();
        let ok = match (expect, found.as_slice()) {
            (Expect::NotApplicable, []) => true,
            (expect, [verdict]) => expect.matches(verdict),
            _ => false,
        };
        if !ok {
            problems.push(format!(
                "{label}: {} expected {expect:?}, got {found:?}",
                resource.id
            ));
        }
    }
    for (subject, verdict) in &results {
        let expected = case
            .resources
            .iter()
            .zip(&case.expect)
            .any(|(resource, expect)| resource.id == *subject && expect.is_some());
        if !expected {
            problems.push(format!(
                "{label}: unexpected verdict for {subject}: {verdict:?}"
            ));
        }
    }
    problems
}

/// How a needed unit is missing.
#[derive(Debug, Clone, Copy)]
enum Missing {
    Failed,
    Absent,
}

/// Problems with the coverage contract on one case: with each unit the rule needs failed
/// or absent, every resource it applies to is `NotEvaluated` for that reason, and nothing
/// passes or fails.
fn coverage_problems(rule: &'static dyn Rule, case: &Case) -> Vec<String> {
    let meta = rule.meta();
    let Ok(params) = params_of(rule, case) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for kind in meta.distinct_needed_kinds() {
        for missing in [Missing::Failed, Missing::Absent] {
            let label = format!("{} with {kind} {missing:?}", label(rule, case));
            let mut snapshot = case.snapshot();
            match missing {
                Missing::Failed => testing::fail_unit(&mut snapshot, kind),
                Missing::Absent => testing::drop_unit(&mut snapshot, kind),
            }
            let results = testing::run_with(rule, params.clone(), &snapshot);
            for resource in case.resources.iter().filter(|r| targets(rule, r)) {
                let found: Vec<&Verdict> = results
                    .iter()
                    .filter(|(subject, _)| *subject == resource.id)
                    .map(|(_, verdict)| verdict)
                    .collect();
                // The reason names the unit, how it is missing, and the resource.
                let why = match missing {
                    Missing::Failed => "access_denied",
                    Missing::Absent => "no coverage entry",
                };
                let ok = if rule.applies(resource) {
                    matches!(found.as_slice(), [Verdict::NotEvaluated(reason)]
                        if reason.contains(kind.as_str())
                            && reason.contains(why)
                            && reason.contains(resource.display_name()))
                } else {
                    found.is_empty()
                };
                if !ok {
                    let wanted = if rule.applies(resource) {
                        format!(
                            "one NotEvaluated naming {kind}, {why:?} and {}",
                            resource.display_name()
                        )
                    } else {
                        "no verdict (the rule does not apply)".to_string()
                    };
                    problems.push(format!(
                        "{label}: {} expected {wanted}, got {found:?}",
                        resource.id
                    ));
                }
            }
            let units: Vec<&Verdict> = results
                .iter()
                .filter(|(subject, _)| subject.starts_with("unit:"))
                .map(|(_, verdict)| verdict)
                .collect();
            // A failed unit of a targeted kind is also one scope-level verdict per unit.
            let expected_units = match missing {
                Missing::Failed if meta.targets.contains(&kind) => failed_units(&snapshot, kind),
                _ => 0,
            };
            if units.len() != expected_units
                || !units.iter().all(|v| matches!(v, Verdict::NotEvaluated(_)))
            {
                problems.push(format!(
                    "{label}: expected {expected_units} scope-level NotEvaluated verdicts, got {units:?}"
                ));
            }
        }
    }
    problems
}

fn failed_units(snapshot: &Snapshot, kind: ResourceKind) -> usize {
    snapshot
        .coverage
        .iter()
        .filter(|entry| entry.unit.kind == kind && entry.unit.resource.is_none() && entry.is_gap())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleRun;
    use crate::registry::all_rules;
    use std::path::Path;

    /// Collects every rule's problems, so one run lists them all.
    fn assert_no_problems(problems: Vec<String>) {
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    #[test]
    fn every_rule_declares_cases_that_pass_fail_and_do_not_apply() {
        assert_no_problems(
            all_rules()
                .iter()
                .flat_map(|rule| declaration_problems(*rule))
                .collect(),
        );
    }

    #[test]
    fn every_case_gives_its_expected_verdicts() {
        let mut problems = Vec::new();
        for rule in all_rules() {
            for case in rule.cases().cases {
                problems.extend(verdict_problems(*rule, &case));
            }
        }
        assert_no_problems(problems);
    }

    /// The third way data can be missing: the snapshot never attempted a kind the rule
    /// needs (it predates the kind, or the scan left its service out). The rule is skipped
    /// as not collected, naming the kind, with no verdict at all — never a pass.
    #[test]
    fn a_kind_never_attempted_skips_the_rule_on_every_case() {
        let mut problems = Vec::new();
        for rule in all_rules() {
            let needed = rule.meta().distinct_needed_kinds();
            for case in rule.cases().cases {
                let Ok(params) = params_of(*rule, &case) else {
                    continue;
                };
                for &kind in &needed {
                    let mut snapshot = case.snapshot();
                    testing::never_attempt(&mut snapshot, kind);
                    let engine = crate::Engine::new(vec![RuleRun {
                        rule: *rule,
                        params: params.clone(),
                    }]);
                    let report = engine.evaluate(&snapshot);
                    let skipped_for_kind = matches!(
                        report.skipped.as_slice(),
                        [skipped] if matches!(&skipped.reason,
                            crate::SkipReason::NotCollected(kinds) if kinds.contains(&kind))
                    );
                    if !skipped_for_kind || !report.evaluations.is_empty() {
                        problems.push(format!(
                            "{} without any {kind} unit: expected the rule skipped as not \
                             collected and no verdict, got {} verdicts and {} skipped",
                            label(*rule, &case),
                            report.evaluations.len(),
                            report.skipped.len()
                        ));
                    }
                }
            }
        }
        assert_no_problems(problems);
    }

    #[test]
    fn a_failed_or_absent_unit_makes_every_case_not_evaluated() {
        let mut problems = Vec::new();
        for rule in all_rules() {
            for case in rule.cases().cases {
                problems.extend(coverage_problems(*rule, &case));
            }
        }
        assert_no_problems(problems);
    }

    /// Whether the perturbation test runs a rule: rules that read everything, or never
    /// run on plans, have nothing to keep honest.
    fn reads_are_checked(rule: &'static dyn Rule) -> bool {
        let meta = rule.meta();
        meta.runtime_only.is_none() && !meta.reads.contains(&"*")
    }

    #[test]
    fn verdicts_on_every_case_depend_only_on_declared_fields() {
        let mut problems = Vec::new();
        let mut perturbations = 0;
        for rule in all_rules().iter().filter(|rule| reads_are_checked(**rule)) {
            for case in rule.cases().cases {
                let Ok(params) = params_of(*rule, &case) else {
                    continue;
                };
                let run = RuleRun {
                    rule: *rule,
                    params,
                };
                let snapshot = case.snapshot();
                problems.extend(testing::undeclared_field_problems(
                    &run,
                    &snapshot,
                    &mut perturbations,
                ));
            }
        }
        assert!(
            perturbations > 100,
            "only {perturbations} perturbations ran"
        );
        assert_no_problems(problems);
    }

    #[test]
    fn verdicts_on_the_example_snapshot_depend_only_on_declared_fields() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme-snapshot.json");
        let snapshot = Snapshot::load(&path).unwrap_or_else(|error| panic!("{error}"));
        let mut problems = Vec::new();
        let mut perturbations = 0;
        for rule in all_rules().iter().filter(|rule| reads_are_checked(**rule)) {
            problems.extend(testing::undeclared_field_problems(
                &RuleRun::with_defaults(*rule),
                &snapshot,
                &mut perturbations,
            ));
        }
        assert!(
            perturbations > 100,
            "only {perturbations} perturbations ran"
        );
        assert_no_problems(problems);
    }
}
