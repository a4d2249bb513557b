use super::{own_trail, trail_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::Resource;

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every trail of the account without log file validation
    /// (`LogFileValidationEnabled` false), and passes the others. An organization trail
    /// seen from a member account is judged in its management account, not here.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects monitoring records the organization can rely on. With validation on,
    /// CloudTrail writes a signed digest file every hour; `aws cloudtrail validate-logs`
    /// then proves that no log file was changed or deleted after delivery. Without it, an
    /// attacker with write access to the bucket can edit the record of what they did, and
    /// an auditor cannot tell.
    ///
    /// ## How to fix
    ///
    /// Turn on log file validation for the trail; it applies to log files delivered from
    /// then on.
    ///
    /// ### Console
    ///
    /// CloudTrail → Trails → the trail → General details → Edit → Additional settings →
    /// "Log file validation: Enabled" → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudtrail update-trail --name main --enable-log-file-validation
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   # ...
    ///   enable_log_file_validation = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components, with records that can be relied on).
    pub struct LogValidationOff {
        id: "aws-cloudtrail-log-validation-off",
        title: "CloudTrail trail does not validate its log files",
        severity: Medium,
        criteria: ["CC7.2"],
        targets: [CloudtrailTrail],
        also_reads: [],
        params: [],
        reads: ["log_file_validation_enabled", "owner_account"],
    }
}

impl Rule for LogValidationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn applies(&self, resource: &Resource) -> bool {
        own_trail(resource)
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let trail = match trail_of(resource) {
            Ok(trail) => trail,
            Err(verdict) => return verdict,
        };
        if trail.log_file_validation_enabled {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "CloudTrail trail {} does not validate its log files; expected log file validation on, so tampering with delivered logs can be detected",
                crate::aws::named(resource)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(Case::new("validation on passes").pass(trail("main", |_| {})))
            .case(Case::new("validation off fails").fail(
                trail("main", |t| t.log_file_validation_enabled = false),
                &["trail main does not validate its log files"],
            ))
            .case(
                Case::new("another account's organization trail is judged there").not_applicable(
                    organization_trail(|t| t.log_file_validation_enabled = false),
                ),
            )
    }

    /// A trail whose home region's listing failed, read in full from another region's,
    /// carries a unit narrowed to it and ok: it is judged, while the region's other trails
    /// are not.
    #[test]
    fn a_unit_narrowed_to_the_trail_and_ok_outweighs_its_regions_failed_listing() {
        use crate::testing::*;
        use soc2scan_model::{
            CollectionUnit, CoverageEntry, CoverageStatus, Provider, ResourceKind,
        };
        let seen = trail("main", |t| t.log_file_validation_enabled = false);
        let mut snap = snapshot(vec![seen.clone()]);
        fail_unit(&mut snap, ResourceKind::CloudtrailTrail);
        let results = run(&super::LogValidationOff, &snap);
        assert_not_evaluated(&verdict_of(&results, &seen.id), &["access_denied"]);
        snap.coverage.push(CoverageEntry {
            unit: CollectionUnit {
                provider: Provider::Aws,
                account: ACCOUNT.to_string(),
                region: REGION.to_string(),
                kind: ResourceKind::CloudtrailTrail,
                resource: Some(seen.id.clone()),
            },
            status: CoverageStatus::Ok,
        });
        let results = run(&super::LogValidationOff, &snap);
        assert_fail(&verdict_of(&results, &seen.id), &["does not validate"]);
        // The region's scope-level verdict stays: its other trails were not listed.
        assert!(results
            .iter()
            .any(|(subject, verdict)| subject.starts_with("unit:")
                && matches!(verdict, crate::rule::Verdict::NotEvaluated(_))));
    }
}
