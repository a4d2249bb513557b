use super::{account_trails, describe, logging, management_events, selectors};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Once per account: passes when the account has a multi-region trail that is logging
    /// (`GetTrailStatus` says `IsLogging`) and whose event selectors record management
    /// events, both read and write — basic selectors with `IncludeManagementEvents` (one
    /// `All`, or a `ReadOnly` and a `WriteOnly`; excluded KMS or RDS Data API events do not
    /// disqualify it), or advanced selectors whose `eventCategory` is `Management`. An
    /// organization trail of the management account, seen from a member account, counts
    /// for the member. Fails when there is none, naming each multi-region trail and what
    /// it lacks.
    ///
    /// A multi-region trail appears in every region's trail listing, so one region's
    /// listing is enough to know them all: a listing that failed in another region changes
    /// nothing. A trail whose status or selectors could not be read cannot prove the
    /// control: without another trail that does, the account is not evaluated — so is an
    /// organization trail whose selectors its management account does not let the member
    /// read (scan the management account to judge it). Selectors are judged as AWS
    /// answered them: real AWS answers the default selector (all management events) for a
    /// trail that never set any, and an answer with no selectors at all records nothing.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects the organization to monitor its systems for anomalies, and CC7.3 to
    /// evaluate security events. CloudTrail's management events are the record of who did
    /// what in the account — every console sign-in, every IAM change, every security group
    /// opened. An auditor asks for this trail first: without it in every region, activity in
    /// a region nobody watches leaves no trace, and no incident can be reconstructed.
    ///
    /// ## How to fix
    ///
    /// Create one multi-region trail (or an organization trail in the management account)
    /// that logs all management events, read and write, to a dedicated S3 bucket, and make
    /// sure it is logging.
    ///
    /// ### Console
    ///
    /// CloudTrail → Trails → Create trail → name it, choose or create the log bucket, enable
    /// "Log file SSE-KMS encryption" and "Log file validation" → Next → Event type:
    /// "Management events", API activity "Read" and "Write" → Create trail. For an existing
    /// trail: Trails → the trail → "Start logging".
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws cloudtrail create-trail --name main --s3-bucket-name acme-cloudtrail \
    ///   --is-multi-region-trail --enable-log-file-validation --kms-key-id alias/cloudtrail
    /// aws cloudtrail put-event-selectors --trail-name main \
    ///   --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'
    /// aws cloudtrail start-logging --name main
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name                       = "main"
    ///   s3_bucket_name             = aws_s3_bucket.cloudtrail.id
    ///   is_multi_region_trail      = true
    ///   enable_log_file_validation = true
    ///   kms_key_id                 = aws_kms_key.cloudtrail.arn
    ///   event_selector {
    ///     read_write_type           = "All"
    ///     include_management_events = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitoring of system components for anomalies), CC7.3 (evaluation of security
    /// events).
    pub struct MultiRegionOff {
        id: "aws-cloudtrail-multi-region-off",
        title: "Account has no multi-region trail that is logging read and write management events",
        severity: Critical,
        criteria: ["CC7.2", "CC7.3"],
        targets: [CloudtrailAccount],
        also_reads: [CloudtrailTrail, CloudtrailTrailStatus, CloudtrailEventSelectors],
        params: [],
        reads: ["regions"],
        runtime_only: "whether a trail is logging and what it records are known only in a running account, and the rule judges the whole account",
    }
}

impl Rule for MultiRegionOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::CloudtrailAccount(_) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a CloudTrail account");
        };
        let trails = account_trails(ctx.inventory, &resource.account);
        let mut lacking = Vec::new();
        let mut unknown = Vec::new();
        for (trail_resource, trail) in trails.iter().filter(|(_, t)| t.is_multi_region_trail) {
            let name = describe(trail_resource, trail);
            match logging(trail) {
                Err(why) => {
                    unknown.push(format!("{name}: {why}"));
                    continue;
                }
                Ok(false) => {
                    lacking.push(format!("{name} is not logging"));
                    continue;
                }
                Ok(true) => {}
            }
            match selectors(trail).map(management_events) {
                Err(why) => unknown.push(format!("{name}: {why}")),
                Ok((true, true)) => return Verdict::Pass,
                Ok((true, false)) => {
                    lacking.push(format!("{name} records only read management events"))
                }
                Ok((false, true)) => {
                    lacking.push(format!("{name} records only write management events"))
                }
                Ok((false, false)) => lacking.push(format!("{name} records no management events")),
            }
        }
        let subject = format!("account {}", resource.account);
        if !unknown.is_empty() {
            return Verdict::NotEvaluated(format!(
                "{subject}: whether a multi-region trail records its management events could not be decided ({})",
                unknown.join("; ")
            ));
        }
        let found = if lacking.is_empty() {
            let single: Vec<String> = trails.iter().map(|(r, t)| describe(r, t)).collect();
            if single.is_empty() {
                "it has no trail at all".to_string()
            } else {
                format!("it has only single-region trails: {}", single.join(", "))
            }
        } else {
            lacking.join("; ")
        };
        Verdict::Fail(format!(
            "{subject} has no multi-region trail that is logging read and write management events: {found}; \
             expected one multi-region trail (or an organization trail) logging all management events"
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
                Case::new("a logging multi-region trail of all management events passes")
                    .pass(cloudtrail_account())
                    .with(trail("main", |_| {}))
                    .with(trail("local", |t| t.is_multi_region_trail = false)),
            )
            .case(Case::new("an account without trails fails").fail(
                cloudtrail_account(),
                &[
                    "account 111122223333 has no multi-region trail",
                    "no trail at all",
                ],
            ))
            .case(
                Case::new("single-region trails do not count")
                    .fail(
                        cloudtrail_account(),
                        &["only single-region trails: trail local (home eu-west-1)"],
                    )
                    .with(trail("local", |t| t.is_multi_region_trail = false)),
            )
            .case(
                Case::new("a stopped trail, or one recording only write events, fails")
                    .fail(
                        cloudtrail_account(),
                        &[
                            "trail stopped (home eu-west-1) is not logging",
                            "trail writes (home eu-west-1) records only write management events",
                        ],
                    )
                    .with(trail("stopped", |t| t.is_logging = Some(false)))
                    .with(trail("writes", |t| {
                        t.event_selectors = Some(soc2scan_model::TrailEventSelectors {
                            basic: vec![basic_selector("WriteOnly", true)],
                            advanced: vec![],
                        })
                    })),
            )
            .case(
                Case::new("an empty selectors answer records nothing")
                    .fail(
                        cloudtrail_account(),
                        &["trail empty (home eu-west-1) records no management events"],
                    )
                    .with(trail("empty", |t| {
                        t.event_selectors = Some(Default::default())
                    })),
            )
            .case(
                Case::new("the management account's organization trail counts for a member")
                    .pass(cloudtrail_account())
                    .with(organization_trail(|_| {})),
            )
            .case(
                Case::new(
                    "an organization trail whose selectors the member cannot read is not evaluated",
                )
                .not_evaluated(
                    cloudtrail_account(),
                    &[
                        "organization trail org-trail (account 999988887777",
                        "cannot be read from this member account (TrailNotFoundException",
                    ],
                )
                .with(organization_trail(|t| {
                    t.event_selectors = None;
                    t.unreadable_from_member =
                        Some("TrailNotFoundException: Unknown trail".to_string());
                })),
            )
            .case(
                Case::new("a trail whose status could not be read does not hide a good one")
                    .pass(cloudtrail_account())
                    .with(trail("unread", |t| t.is_logging = None))
                    .with(trail("main", |_| {})),
            )
            .case(
                Case::new("alone, it leaves the account not evaluated")
                    .not_evaluated(
                        cloudtrail_account(),
                        &["trail unread (home eu-west-1): its status could not be read"],
                    )
                    .with(trail("unread", |t| t.is_logging = None)),
            )
            .applies_to_every_resource("every scanned account is judged")
    }

    /// Every multi-region trail is in every region's listing: one region's failed listing
    /// neither hides a trail that proves the control nor one that would.
    #[test]
    fn a_failed_listing_in_another_region_changes_nothing() {
        use crate::testing::*;
        use soc2scan_model::{CoverageStatus, FailureKind, ResourceKind};
        let fail_in = |snapshot: &mut soc2scan_model::Snapshot, region: &str| {
            for entry in &mut snapshot.coverage {
                if entry.unit.kind == ResourceKind::CloudtrailTrail
                    && entry.unit.region == region
                    && entry.unit.account == ACCOUNT
                {
                    entry.status = CoverageStatus::Failed {
                        kind: FailureKind::Throttled,
                        message: "Rate exceeded".to_string(),
                    };
                }
            }
        };
        let mut account = cloudtrail_account();
        if let soc2scan_model::ResourceConfig::CloudtrailAccount(a) = &mut account.config {
            a.regions.push("us-east-1".to_string());
        }
        // A multi-region trail homed in us-east-1, whose own region's listing failed, seen
        // from eu-west-1.
        let home_elsewhere = trail("main", |t| t.home_region = "us-east-1".to_string());
        let witness = trail("us-local", |t| {
            t.home_region = "us-east-1".to_string();
            t.is_multi_region_trail = false;
        });
        let mut snap = snapshot(vec![account.clone(), home_elsewhere, witness.clone()]);
        fail_in(&mut snap, "us-east-1");
        let id = account.id.clone();
        assert_pass(&verdict_of(&run(&super::MultiRegionOff, &snap), &id));
        // Without it, the failed region could only hide single-region trails.
        let mut snap = snapshot(vec![account, witness]);
        fail_in(&mut snap, "us-east-1");
        assert_fail(
            &verdict_of(&run(&super::MultiRegionOff, &snap), &id),
            &["has no multi-region trail"],
        );
        // With every region's listing failed, the engine says not evaluated.
        fail_in(&mut snap, REGION);
        assert_not_evaluated(
            &verdict_of(&run(&super::MultiRegionOff, &snap), &id),
            &["cloudtrail_trail", "throttled"],
        );
    }
}
