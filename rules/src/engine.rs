//! The rule engine: runs selected rules over a snapshot in parallel (rayon).
//!
//! For each rule and each resource of a kind the rule targets, the engine first checks the
//! coverage table: if a unit the rule needs (its target kind or a kind it also reads, in the
//! resource's account and region, or narrowed to the resource itself) failed or is absent,
//! the verdict is `NotEvaluated` and the check does not run — missing data is never a pass.
//! A failed unit of a target kind also yields one `NotEvaluated` for the whole scope, since
//! resources that were never listed cannot be checked one by one.

use crate::inventory::{Inventory, UnitState};
use crate::rule::{CheckContext, Params, Rule, RuleMeta, Verdict};
use rayon::prelude::*;
use soc2scan_model::{
    fields_overlap, CollectionScope, CoverageEntry, CoverageStatus, Resource, ResourceKind,
    Snapshot, UnknownValue, GLOBAL_REGION,
};

/// A rule with its resolved parameters, ready to run.
#[derive(Clone)]
pub struct RuleRun {
    /// The rule.
    pub rule: &'static dyn Rule,
    /// Its parameters.
    pub params: Params,
}

impl RuleRun {
    /// A rule with default parameters.
    pub fn with_defaults(rule: &'static dyn Rule) -> RuleRun {
        RuleRun {
            rule,
            params: Params::defaults(rule.meta()),
        }
    }
}

/// What a verdict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A resource: index into `snapshot.resources`.
    Resource(u32),
    /// A whole collection unit that failed: index into `snapshot.coverage`.
    Unit(u32),
}

/// One verdict of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Index into [`Report::rules`].
    pub rule: u32,
    /// What was checked.
    pub subject: Subject,
    /// The outcome.
    pub verdict: Verdict,
    /// For a `NotEvaluated` caused by a failed collection unit: that unit's index in
    /// `snapshot.coverage`. `None` when the rule itself could not decide (an unknown value)
    /// or a needed unit is absent from the coverage table.
    pub gap: Option<u32>,
}

/// A selected rule that did not run, and why.
#[derive(Clone)]
pub struct SkippedRule {
    /// The rule.
    pub run: RuleRun,
    /// Why it did not run.
    pub reason: SkipReason,
}

/// Why a selected rule did not run. Neither is a pass, and neither is a coverage gap: the
/// outputs list skipped rules with their reason, and the exit code ignores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// On a Terraform plan: the rule needs facts only a running account has (its
    /// [`crate::RuleMeta::runtime_only`] reason).
    RuntimeOnly(&'static str),
    /// The snapshot never attempted to collect these kinds the rule needs: it predates
    /// them, or the scan left their service out (`--services`). A kind that was attempted
    /// and failed is a coverage gap instead.
    NotCollected(Vec<ResourceKind>),
}

impl SkipReason {
    /// `runtime_only` or `not_collected`, for machine-readable outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::RuntimeOnly(_) => "runtime_only",
            SkipReason::NotCollected(_) => "not_collected",
        }
    }

    /// The reason in words: the rule's runtime-only reason, or which kinds this snapshot
    /// did not collect.
    pub fn describe(&self) -> String {
        match self {
            SkipReason::RuntimeOnly(reason) => reason.to_string(),
            SkipReason::NotCollected(kinds) => {
                let names: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
                format!(
                    "not collected in this snapshot: it has no coverage entry for {} (the \
                     snapshot predates {}, or the scan left {} service out)",
                    names.join(", "),
                    if kinds.len() == 1 {
                        "that kind"
                    } else {
                        "those kinds"
                    },
                    if kinds.len() == 1 { "its" } else { "their" },
                )
            }
        }
    }
}

/// The evaluated report: the snapshot, the rules that ran, and every verdict.
pub struct Report<'s> {
    /// The snapshot evaluated.
    pub snapshot: &'s Snapshot,
    /// The rules that ran, in order.
    pub rules: Vec<RuleRun>,
    /// Selected rules that did not run: rules needing a kind the snapshot did not collect,
    /// and on a Terraform plan the rules that need facts only a running account has.
    pub skipped: Vec<SkippedRule>,
    /// Every verdict, ordered by rule, then scope-level verdicts, then resource order.
    pub evaluations: Vec<Evaluation>,
}

/// Runs rules over snapshots.
pub struct Engine {
    runs: Vec<RuleRun>,
}

impl Engine {
    /// An engine for these rules.
    pub fn new(runs: Vec<RuleRun>) -> Engine {
        Engine { runs }
    }

    /// The rules this engine runs.
    pub fn rules(&self) -> &[RuleRun] {
        &self.runs
    }

    /// Evaluates every rule on the snapshot. Rules that need a kind the snapshot never
    /// attempted to collect are skipped as not collected, and on a snapshot built from a
    /// Terraform plan so are rules marked `runtime_only` (both listed in
    /// [`Report::skipped`]); a check whose `reads` meet a field the plan knows only after
    /// apply is `NotEvaluated`.
    pub fn evaluate<'s>(&self, snapshot: &'s Snapshot) -> Report<'s> {
        let inventory = Inventory::new(snapshot);
        let now = snapshot.metadata.finished_at;
        let attempted = snapshot.attempted_kinds();
        let is_plan = snapshot.plan.is_some();
        let mut runs = Vec::with_capacity(self.runs.len());
        let mut skipped = Vec::new();
        for run in &self.runs {
            let meta = run.rule.meta();
            let mut missing = meta.distinct_needed_kinds();
            missing.retain(|kind| !attempted.contains(kind));
            let reason = match meta.runtime_only {
                Some(reason) if is_plan => Some(SkipReason::RuntimeOnly(reason)),
                _ if !missing.is_empty() => Some(SkipReason::NotCollected(missing)),
                _ => None,
            };
            match reason {
                Some(reason) => skipped.push(SkippedRule {
                    run: run.clone(),
                    reason,
                }),
                None => runs.push(run.clone()),
            }
        }
        // One allocation for every verdict: growing a vector of millions of verdicts by
        // doubling costs copies and fresh page faults that show in profiles.
        let capacity: usize = runs
            .iter()
            .flat_map(|run| run.rule.meta().targets)
            .map(|&kind| inventory.indices_of(kind).len())
            .sum();
        let mut evaluations = Vec::with_capacity(capacity + snapshot.coverage.len());
        for (rule_index, run) in runs.iter().enumerate() {
            let meta = run.rule.meta();
            let rule_index = rule_index as u32;
            for (unit_index, entry) in snapshot.coverage.iter().enumerate() {
                if entry.unit.resource.is_none()
                    && entry.is_gap()
                    && meta.targets.contains(&entry.unit.kind)
                {
                    evaluations.push(Evaluation {
                        rule: rule_index,
                        subject: Subject::Unit(unit_index as u32),
                        verdict: Verdict::NotEvaluated(unit_gap_reason(entry)),
                        gap: Some(unit_index as u32),
                    });
                }
            }
            let context = CheckContext {
                inventory: &inventory,
                params: &run.params,
                now,
            };
            for &kind in meta.targets {
                let indices = inventory.indices_of(kind);
                evaluations.par_extend(indices.par_iter().with_min_len(256).filter_map(|&index| {
                    let resource = &snapshot.resources[index as usize];
                    if !run.rule.applies(resource) {
                        return None;
                    }
                    let (verdict, gap) = if let Some(reason) =
                        unknown_reads(meta, inventory.unknown_of(index), resource)
                    {
                        (Verdict::NotEvaluated(reason), None)
                    } else {
                        match missing_coverage(&inventory, meta.needed_kinds(), index, resource) {
                            Some((reason, gap)) => (Verdict::NotEvaluated(reason), gap),
                            None => {
                                let (verdict, gap) = run.rule.check_explained(resource, &context);
                                let gap =
                                    gap.filter(|_| matches!(verdict, Verdict::NotEvaluated(_)));
                                (verdict, gap)
                            }
                        }
                    };
                    (verdict != Verdict::NotApplicable).then_some(Evaluation {
                        rule: rule_index,
                        subject: Subject::Resource(index),
                        verdict,
                        gap,
                    })
                }));
            }
        }
        Report {
            snapshot,
            rules: runs,
            skipped,
            evaluations,
        }
    }
}

/// The reason a check cannot run because a field it reads is known only after apply.
fn unknown_reads(meta: &RuleMeta, unknown: &[UnknownValue], resource: &Resource) -> Option<String> {
    if unknown.is_empty() {
        return None;
    }
    let mut attributes: Vec<&str> = unknown
        .iter()
        .filter(|value| {
            meta.reads
                .iter()
                .any(|read| fields_overlap(read, &value.field))
        })
        .map(|value| value.attribute.as_str())
        .collect();
    if attributes.is_empty() {
        return None;
    }
    attributes.dedup();
    Some(format!(
        "{} is known only after apply, so whether {} passes cannot be decided from the plan",
        attributes.join(", "),
        resource.display_name()
    ))
}

fn unit_gap_reason(entry: &CoverageEntry) -> String {
    match &entry.status {
        CoverageStatus::Failed { kind, message } => format!(
            "{} could not be collected ({}: {}); resources in this scope were not checked",
            entry.unit,
            kind.as_str(),
            message
        ),
        CoverageStatus::Ok => String::new(),
    }
}

/// The reason a resource cannot be checked, if any unit the rule needs is not collected,
/// with the index of the failed coverage entry (none when the unit is absent).
fn missing_coverage(
    inventory: &Inventory<'_>,
    needed: impl Iterator<Item = ResourceKind>,
    index: u32,
    resource: &Resource,
) -> Option<(String, Option<u32>)> {
    for kind in needed {
        match inventory.unit_state(index, kind) {
            UnitState::Collected => {}
            UnitState::Failed(index, entry) => {
                let CoverageStatus::Failed {
                    kind: failure,
                    message,
                } = &entry.status
                else {
                    continue;
                };
                let reason = format!(
                    "{} could not be collected ({}: {}), so {} cannot be checked",
                    entry.unit,
                    failure.as_str(),
                    message,
                    resource.display_name()
                );
                return Some((reason, Some(index)));
            }
            UnitState::Absent => {
                let region = match kind.collection_scope() {
                    CollectionScope::Regional if resource.region == GLOBAL_REGION => "any region",
                    CollectionScope::Regional => resource.region.as_str(),
                    CollectionScope::Global => GLOBAL_REGION,
                };
                let reason = format!(
                    "the snapshot has no coverage entry for {} in {}/{}, so {} cannot be checked",
                    kind,
                    resource.account,
                    region,
                    resource.display_name()
                );
                return Some((reason, None));
            }
        }
    }
    None
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Passing checks.
    pub passed: usize,
    /// Failing checks.
    pub failed: usize,
    /// Checks not evaluated.
    pub not_evaluated: usize,
}

impl Tally {
    /// Adds one verdict.
    pub fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Pass => self.passed += 1,
            Verdict::Fail(_) => self.failed += 1,
            Verdict::NotEvaluated(_) => self.not_evaluated += 1,
            Verdict::NotApplicable => {}
        }
    }
}

impl<'s> Report<'s> {
    /// The rule run an evaluation belongs to.
    pub fn rule_of(&self, evaluation: &Evaluation) -> &RuleRun {
        &self.rules[evaluation.rule as usize]
    }

    /// The resource an evaluation is about, if it is about one.
    pub fn resource_of(&self, evaluation: &Evaluation) -> Option<&'s Resource> {
        match evaluation.subject {
            Subject::Resource(index) => Some(&self.snapshot.resources[index as usize]),
            Subject::Unit(_) => None,
        }
    }

    /// The coverage entry a scope-level evaluation is about.
    pub fn unit_of(&self, evaluation: &Evaluation) -> Option<&'s CoverageEntry> {
        match evaluation.subject {
            Subject::Unit(index) => Some(&self.snapshot.coverage[index as usize]),
            Subject::Resource(_) => None,
        }
    }

    /// Coverage gaps that affect at least one rule that ran (their kind is a target or
    /// something a rule also reads). These make a scan incomplete.
    pub fn relevant_gaps(&self) -> Vec<&'s CoverageEntry> {
        self.snapshot
            .gaps()
            .filter(|gap| {
                self.rules
                    .iter()
                    .any(|run| run.rule.meta().needed_kinds().any(|k| k == gap.unit.kind))
            })
            .collect()
    }

    /// Ids of the rules a coverage gap keeps from being evaluated.
    pub fn rules_affected_by(&self, gap: &CoverageEntry) -> Vec<&'static str> {
        self.rules
            .iter()
            .map(|run| run.rule.meta())
            .filter(|meta| meta.needed_kinds().any(|k| k == gap.unit.kind))
            .map(|meta| meta.id)
            .collect()
    }

    /// Totals over every evaluation.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for evaluation in &self.evaluations {
            tally.add(&evaluation.verdict);
        }
        tally
    }

    /// The failures, most severe first, then in report order.
    pub fn failures_by_severity(&self) -> Vec<&Evaluation> {
        let mut failures: Vec<&Evaluation> = self
            .evaluations
            .iter()
            .filter(|e| e.verdict.is_fail())
            .collect();
        failures.sort_by_key(|e| std::cmp::Reverse(self.rule_of(e).rule.meta().severity));
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::EbsVolumeUnencrypted;
    use crate::testing::{drop_unit, fail_unit, resource, snapshot, ACCOUNT, REGION};
    use soc2scan_model::{EbsVolume, ResourceConfig, UnknownValue};

    fn volume() -> Resource {
        resource(
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-1"),
            ResourceConfig::EbsVolume(EbsVolume {
                volume_id: "vol-1".to_string(),
                encrypted: true,
                kms_key_id: None,
                state: "in-use".to_string(),
                attachments: vec![],
                availability_zone: "eu-west-1a".to_string(),
                size_gib: 8,
                create_time: None,
            }),
        )
    }

    fn evaluate(snapshot: &Snapshot) -> Vec<Evaluation> {
        Engine::new(vec![RuleRun::with_defaults(&EbsVolumeUnencrypted)])
            .evaluate(snapshot)
            .evaluations
    }

    #[test]
    fn not_evaluated_verdicts_point_at_the_failed_unit() {
        let mut snap = snapshot(vec![volume()]);
        fail_unit(&mut snap, ResourceKind::EbsVolume);
        let gap_index = snap
            .coverage
            .iter()
            .position(|entry| entry.is_gap())
            .map(|index| index as u32);
        let evaluations = evaluate(&snap);
        assert_eq!(
            evaluations.len(),
            2,
            "one scope-level and one resource verdict"
        );
        for evaluation in &evaluations {
            assert!(matches!(evaluation.verdict, Verdict::NotEvaluated(_)));
            assert_eq!(evaluation.gap, gap_index);
        }
    }

    fn plan_of(snap: &mut Snapshot, unknown: Vec<UnknownValue>) {
        let id = snap.resources[0].id.clone();
        snap.plan = Some(soc2scan_model::PlanInfo {
            plan_file: "plan.json".to_string(),
            format_version: "1.2".to_string(),
            terraform_version: None,
            is_state: false,
            resources: [(
                id,
                soc2scan_model::PlannedResource {
                    address: "aws_ebs_volume.v".to_string(),
                    source: soc2scan_model::SourceRef {
                        file: "main.tf".to_string(),
                        line: Some(3),
                    },
                    unknown,
                },
            )]
            .into_iter()
            .collect(),
            ignored_types: Default::default(),
            deleted: 0,
            unresolved_modules: vec![],
        });
    }

    #[test]
    fn a_field_known_only_after_apply_makes_exactly_the_rules_reading_it_not_evaluated() {
        use crate::aws::ec2::EbsVolumeNoRecentBackup;
        let mut snap = snapshot(vec![volume()]);
        plan_of(
            &mut snap,
            vec![UnknownValue {
                field: "size_gib".to_string(),
                attribute: "aws_ebs_volume.v.size".to_string(),
            }],
        );
        // The rule reads `encrypted`, not the size: it runs.
        assert_eq!(evaluate(&snap)[0].verdict, Verdict::Pass);
        plan_of(
            &mut snap,
            vec![UnknownValue {
                field: "encrypted".to_string(),
                attribute: "aws_ebs_volume.v.encrypted".to_string(),
            }],
        );
        let evaluations = evaluate(&snap);
        let Verdict::NotEvaluated(reason) = &evaluations[0].verdict else {
            panic!("{:?}", evaluations[0].verdict)
        };
        assert!(reason.contains("aws_ebs_volume.v.encrypted is known only after apply"));
        assert_eq!(evaluations[0].gap, None);

        // Runtime-only rules are skipped on plans, and run on everything else.
        let engine = Engine::new(vec![
            RuleRun::with_defaults(&EbsVolumeUnencrypted),
            RuleRun::with_defaults(&EbsVolumeNoRecentBackup),
        ]);
        let report = engine.evaluate(&snap);
        assert_eq!(report.rules.len(), 1);
        assert_eq!(report.skipped.len(), 1);
        assert_eq!(
            report.skipped[0].run.rule.meta().id,
            "aws-ec2-ebs-volume-no-recent-backup"
        );
        assert!(matches!(
            report.skipped[0].reason,
            SkipReason::RuntimeOnly(_)
        ));
        snap.plan = None;
        let report = engine.evaluate(&snap);
        assert_eq!(report.rules.len(), 2);
        assert!(report.skipped.is_empty());
    }

    #[test]
    fn a_rule_needing_a_kind_the_snapshot_never_attempted_is_skipped_not_evaluated_nor_passed() {
        use crate::aws::ec2::EbsVolumeNoRecentBackup;
        use crate::testing::never_attempt;
        let engine = Engine::new(vec![
            RuleRun::with_defaults(&EbsVolumeUnencrypted),
            RuleRun::with_defaults(&EbsVolumeNoRecentBackup),
        ]);
        // The backup rule also reads snapshots: without them it is skipped, naming the kind,
        // while the encryption rule still runs on the volume.
        let mut snap = snapshot(vec![volume()]);
        never_attempt(&mut snap, ResourceKind::EbsSnapshot);
        let report = engine.evaluate(&snap);
        assert_eq!(report.rules.len(), 1);
        assert_eq!(report.evaluations.len(), 1);
        assert_eq!(report.evaluations[0].verdict, Verdict::Pass);
        assert_eq!(report.skipped.len(), 1);
        let skipped = &report.skipped[0];
        assert_eq!(
            skipped.run.rule.meta().id,
            "aws-ec2-ebs-volume-no-recent-backup"
        );
        assert_eq!(
            skipped.reason,
            SkipReason::NotCollected(vec![ResourceKind::EbsSnapshot])
        );
        assert_eq!(skipped.reason.as_str(), "not_collected");
        assert!(skipped
            .reason
            .describe()
            .contains("no coverage entry for ebs_snapshot"));
        assert!(report.relevant_gaps().is_empty());

        // Attempted and failed is a gap, exactly as before: the rule runs and is not evaluated.
        let mut snap = snapshot(vec![volume()]);
        fail_unit(&mut snap, ResourceKind::EbsSnapshot);
        let report = engine.evaluate(&snap);
        assert!(report.skipped.is_empty());
        assert_eq!(report.relevant_gaps().len(), 1);
        assert!(report
            .evaluations
            .iter()
            .filter(|e| report.rule_of(e).rule.meta().id == "aws-ec2-ebs-volume-no-recent-backup")
            .all(|e| matches!(e.verdict, Verdict::NotEvaluated(_))));
    }

    #[test]
    fn every_rule_that_runs_on_plans_names_the_fields_it_reads() {
        for rule in crate::all_rules() {
            let meta = rule.meta();
            assert!(
                meta.runtime_only.is_some() || meta.reads != ["*"],
                "{} runs on plans: declare `reads`",
                meta.id
            );
        }
    }

    #[test]
    fn an_absent_unit_is_not_evaluated_without_a_gap_and_a_pass_has_none() {
        let mut snap = snapshot(vec![volume()]);
        assert_eq!(evaluate(&snap)[0].verdict, Verdict::Pass);
        assert_eq!(evaluate(&snap)[0].gap, None);
        drop_unit(&mut snap, ResourceKind::EbsVolume);
        let evaluations = evaluate(&snap);
        assert!(matches!(evaluations[0].verdict, Verdict::NotEvaluated(_)));
        assert_eq!(evaluations[0].gap, None);
    }
}
