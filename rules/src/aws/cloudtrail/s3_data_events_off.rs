use super::{
    account_trails, describe, logging, records_s3_data_events, selectors, unlisted_regions,
};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig, ResourceKind};

declare_rule! {
    /// ## What it checks
    ///
    /// Once per account: passes when a trail of the account (any trail, in any region, an
    /// organization trail of the management account included) is logging and records S3
    /// object-level data events — a basic event selector with a data resource of type
    /// `AWS::S3::Object`, or an advanced event selector whose `eventCategory` is `Data` and
    /// whose `resources.type` is `AWS::S3::Object`. Whether it records every bucket or some
    /// is not judged. Fails when no trail does.
    ///
    /// A trail that is not multi-region appears only in its home region's listing, so a
    /// failure needs every scanned region's trail listing: with one that failed (or a
    /// trail whose status or selectors could not be read) and no trail that records the
    /// events, the account is not evaluated. Selectors are judged as AWS answered them.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects monitoring of the components that hold the organization's data.
    /// Management events show who changed a bucket; only data events show who read,
    /// wrote or deleted its objects. When customer data in S3 leaks, data events are the
    /// only record of which objects were taken and by whom — the question an incident
    /// review and an auditor will ask.
    ///
    /// ## How to fix
    ///
    /// Add S3 data events to a trail, for every bucket or for the buckets that hold
    /// confidential data (data events are billed per event).
    ///
    /// ### Console
    ///
    /// CloudTrail → Trails → the trail → Data events → Edit → "Add data event type" →
    /// S3 → choose all buckets or a selector template → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudtrail put-event-selectors --trail-name main --event-selectors \
    ///   '[{"ReadWriteType":"All","IncludeManagementEvents":true,
    ///      "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   # ...
    ///   event_selector {
    ///     read_write_type           = "All"
    ///     include_management_events = true
    ///     data_resource {
    ///       type   = "AWS::S3::Object"
    ///       values = ["arn:aws:s3"]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies).
    pub struct S3DataEventsOff {
        id: "aws-cloudtrail-s3-data-events-off",
        title: "No trail records S3 object-level data events",
        severity: Low,
        criteria: ["CC7.2"],
        targets: [CloudtrailAccount],
        also_reads: [CloudtrailTrail, CloudtrailTrailStatus, CloudtrailEventSelectors],
        params: [],
        reads: ["regions"],
        runtime_only: "what a trail records and whether it is logging are known only in a running account, and the rule judges the whole account",
    }
}

impl Rule for S3DataEventsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::CloudtrailAccount(account) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudTrail account");
        };
        let trails = account_trails(ctx.inventory, &resource.account);
        let mut unknown = Vec::new();
        let mut stopped = Vec::new();
        for (trail_resource, trail) in &trails {
            let name = describe(trail_resource, trail);
            let records = match selectors(trail) {
                Ok(selectors) => records_s3_data_events(selectors),
                Err(why) => {
                    unknown.push(format!("{name}: {why}"));
                    continue;
                }
            };
            if !records {
                continue;
            }
            match logging(trail) {
                Ok(true) => return Verdict::Pass,
                Ok(false) => stopped.push(format!("{name} records them but is not logging")),
                Err(why) => unknown.push(format!("{name}: {why}")),
            }
        }
        let subject = format!("account {}", resource.account);
        let unlisted = unlisted_regions(
            ctx.inventory,
            &resource.account,
            &account.regions,
            ResourceKind::CloudtrailTrail,
        );
        if !unlisted.is_empty() {
            unknown.push(format!(
                "the trails of {} could not be listed",
                unlisted.join(", ")
            ));
        }
        if !unknown.is_empty() {
            return Verdict::NotEvaluated(format!(
                "{subject}: whether a trail records S3 data events could not be decided ({})",
                unknown.join("; ")
            ));
        }
        let seen = if trails.is_empty() {
            "it has no trail".to_string()
        } else {
            let names: Vec<String> = trails.iter().map(|(r, t)| describe(r, t)).collect();
            format!("trails: {}", names.join(", "))
        };
        let stopped = if stopped.is_empty() {
            String::new()
        } else {
            format!("; {}", stopped.join("; "))
        };
        Verdict::Fail(format!(
            "no trail of {subject} records S3 object-level data events ({seen}){stopped}; \
             expected a logging trail with S3 data events for the buckets that hold data"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a logging trail with S3 data events passes")
                    .pass(cloudtrail_account())
                    .with(trail("main", |_| {}))
                    .with(trail("data", |t| {
                        t.is_multi_region_trail = false;
                        t.event_selectors = Some(with_s3_data_events());
                    })),
            )
            .case(
                Case::new("management events only fail")
                    .fail(
                        cloudtrail_account(),
                        &["no trail of account 111122223333 records S3 object-level data events (trails: trail main (home eu-west-1))"],
                    )
                    .with(trail("main", |_| {})),
            )
            .case(
                Case::new("a stopped trail does not count")
                    .fail(cloudtrail_account(), &["trail data (home eu-west-1) records them but is not logging"])
                    .with(trail("data", |t| {
                        t.is_logging = Some(false);
                        t.event_selectors = Some(with_s3_data_events());
                    })),
            )
            .case(
                Case::new("no trail at all fails")
                    .fail(cloudtrail_account(), &["(it has no trail)"]),
            )
            .case(
                Case::new("a trail whose selectors could not be read leaves it open")
                    .not_evaluated(cloudtrail_account(), &["trail unread (home eu-west-1): its event selectors could not be read"])
                    .with(trail("main", |_| {}))
                    .with(trail("unread", |t| t.event_selectors = None)),
            )
            .applies_to_every_resource("every scanned account is judged")
    }

    #[test]
    fn a_failed_listing_in_another_region_leaves_a_failure_open_but_not_a_pass() {
        use crate::testing::*;
        use soc2scan_model::{CoverageStatus, FailureKind, ResourceKind};
        let mut account = cloudtrail_account();
        if let soc2scan_model::ResourceConfig::CloudtrailAccount(a) = &mut account.config {
            a.regions.push("us-east-1".to_string());
        }
        let id = account.id.clone();
        let us = trail("us-local", |t| {
            t.home_region = "us-east-1".to_string();
            t.is_multi_region_trail = false;
        });
        let fail_us = |snap: &mut soc2scan_model::Snapshot| {
            for entry in &mut snap.coverage {
                if entry.unit.kind == ResourceKind::CloudtrailTrail
                    && entry.unit.region == "us-east-1"
                {
                    entry.status = CoverageStatus::Failed {
                        kind: FailureKind::AccessDenied,
                        message: "not authorized".to_string(),
                    };
                }
            }
        };
        let mut snap = snapshot(vec![account.clone(), us.clone(), trail("main", |_| {})]);
        assert_fail(
            &verdict_of(&run(&super::S3DataEventsOff, &snap), &id),
            &["no trail"],
        );
        fail_us(&mut snap);
        assert_not_evaluated(
            &verdict_of(&run(&super::S3DataEventsOff, &snap), &id),
            &["the trails of us-east-1 (access_denied: not authorized) could not be listed"],
        );
        let data = trail("data", |t| t.event_selectors = Some(with_s3_data_events()));
        let mut snap = snapshot(vec![account, us, data]);
        fail_us(&mut snap);
        assert_pass(&verdict_of(&run(&super::S3DataEventsOff, &snap), &id));
    }
}
