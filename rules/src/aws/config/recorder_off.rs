use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{ConfigRegion, Resource, ResourceConfig, ResourceKind};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every scanned region of every account where no configuration recorder is
    /// recording: the region has none, or its recorder is stopped. A region whose recorder
    /// is recording passes. Service-linked recorders (which record only for the service that
    /// made them) do not count.
    ///
    /// AWS Config records the global IAM resource types (users, groups, roles and
    /// customer-managed policies) in one region only, where the recorder is told to. That
    /// is judged once per account, on the account's first scanned region in alphabetical
    /// order: it also fails when no scanned region of the account has a recording recorder
    /// that takes in the global types (all supported types with
    /// `includeGlobalResourceTypes`, an inclusion list naming all four, or an exclusion
    /// list naming none of them). When no region is known to record them and a region's
    /// Config read failed (a coverage gap), or a recorder's status is not known, that
    /// first region is not evaluated rather than passed: the region that could not be read
    /// may be the one that records them. Only scanned regions count, so scan the region
    /// that records the global types (often the home region) too.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.1 expects the organization to detect changes to its configuration that could
    /// introduce vulnerabilities, and CC8.1 expects changes to be tracked and authorized.
    /// AWS Config is the record of what each resource looked like and when it changed; a
    /// region without a recording recorder has no such history, and an account that never
    /// records IAM changes cannot show who was given access when. Auditors ask for this
    /// history when they sample changes.
    ///
    /// ## How to fix
    ///
    /// Create a configuration recorder and a delivery channel in every region you use and
    /// start it; in one region (usually the home region), include the global resource types.
    ///
    /// ### Console
    ///
    /// AWS Config → (choose the region) → Get started (or Settings → Edit) → Recording
    /// strategy: All resource types with customizable overrides → tick "Include globally
    /// recorded IAM resource types" in one region → choose the S3 bucket for delivery →
    /// Confirm. Check that the recorder shows "Recording is on".
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws configservice put-configuration-recorder --region eu-west-1 \
    ///   --configuration-recorder name=default,roleARN=arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig \
    ///   --recording-group allSupported=true,includeGlobalResourceTypes=true
    /// aws configservice put-delivery-channel --region eu-west-1 \
    ///   --delivery-channel name=default,s3BucketName=acme-config-history
    /// aws configservice start-configuration-recorder --region eu-west-1 \
    ///   --configuration-recorder-name default
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_config_configuration_recorder" "default" {
    ///   name     = "default"
    ///   role_arn = aws_iam_service_linked_role.config.arn
    ///   recording_group {
    ///     all_supported                 = true
    ///     include_global_resource_types = true # in one region only
    ///   }
    /// }
    ///
    /// resource "aws_config_delivery_channel" "default" {
    ///   name           = "default"
    ///   s3_bucket_name = aws_s3_bucket.config.bucket
    ///   depends_on     = [aws_config_configuration_recorder.default]
    /// }
    ///
    /// resource "aws_config_configuration_recorder_status" "default" {
    ///   name       = aws_config_configuration_recorder.default.name
    ///   is_enabled = true
    ///   depends_on = [aws_config_delivery_channel.default]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.1 (detecting configuration changes that introduce vulnerabilities), CC8.1
    /// (tracking changes to infrastructure).
    pub struct RecorderOff {
        id: "aws-config-recorder-off",
        title: "Region has no AWS Config recorder recording",
        severity: High,
        criteria: ["CC7.1", "CC8.1"],
        targets: [ConfigRegion],
        also_reads: [],
        params: [],
        reads: ["recorders"],
        runtime_only: "needs whether a recorder is recording in each region of a running account, and which region records the global resource types",
    }
}

impl Rule for RecorderOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::ConfigRegion(region) = &resource.config else {
            return crate::aws::wrong_kind(resource, "an AWS Config region");
        };
        let subject = format!("region {} of account {}", resource.region, resource.account);
        let mut failures = Vec::new();
        let mut unknown = Vec::new();
        match region.recording() {
            Some(true) => {}
            Some(false) => failures.push(format!("{subject} {}", not_recording(region))),
            None => unknown.push(format!(
                "the status of the configuration recorder of {subject} is not known"
            )),
        }
        if let Some(global) = global_types(resource, ctx) {
            match global {
                Global::Recorded => {}
                Global::NotRecorded(regions) => failures.push(format!(
                    "no scanned region of account {} ({}) records the global IAM resource \
                     types (users, groups, roles, customer-managed policies)",
                    resource.account,
                    regions.join(", ")
                )),
                Global::Unknown(why) => unknown.push(format!(
                    "whether any region of account {} records the global IAM resource types \
                     is not known: {why}",
                    resource.account
                )),
            }
        }
        if !failures.is_empty() {
            Verdict::Fail(format!(
                "{}; expected a configuration recorder recording in every region, and one \
                 region of the account recording the global resource types",
                failures.join("; and ")
            ))
        } else if !unknown.is_empty() {
            Verdict::NotEvaluated(unknown.join("; "))
        } else {
            Verdict::Pass
        }
    }
}

/// Why a region that records nothing fails: no recorder, or a stopped one.
fn not_recording(region: &ConfigRegion) -> String {
    let names: Vec<&str> = region
        .customer_recorders()
        .map(|r| r.name.as_str())
        .collect();
    match names.as_slice() {
        [] => "has no configuration recorder".to_string(),
        [name] => format!("has a configuration recorder ({name}) that is not recording"),
        _ => format!(
            "has configuration recorders ({}), none recording",
            names.join(", ")
        ),
    }
}

/// The account-wide part of the verdict.
enum Global {
    /// A scanned region records the global IAM resource types.
    Recorded,
    /// None of the scanned regions (named) does.
    NotRecorded(Vec<String>),
    /// Not known, and why.
    Unknown(String),
}

/// Whether the account records the global resource types somewhere, judged on the
/// account's first scanned region only (`None` for every other region), so the finding is
/// reported once per account.
fn global_types(resource: &Resource, ctx: &CheckContext<'_>) -> Option<Global> {
    let mut regions: Vec<(&str, &ConfigRegion)> = ctx
        .inventory
        .resources_of(ResourceKind::ConfigRegion)
        .filter(|r| r.account == resource.account)
        .filter_map(|r| match &r.config {
            ResourceConfig::ConfigRegion(region) => Some((r.region.as_str(), region)),
            _ => None,
        })
        .collect();
    regions.sort_by(|a, b| a.0.cmp(b.0));
    if regions.first().map(|(name, _)| *name) != Some(resource.region.as_str()) {
        return None;
    }
    let mut unknown: Vec<String> = Vec::new();
    for (name, region) in &regions {
        match region.records_global_resource_types() {
            Some(true) => return Some(Global::Recorded),
            Some(false) => {}
            None => unknown.push(format!("the recorder status of {name} is not known")),
        }
    }
    let mut failed: Vec<&str> = ctx
        .inventory
        .snapshot()
        .coverage
        .iter()
        .filter(|entry| {
            entry.unit.kind == ResourceKind::ConfigRegion
                && entry.unit.account == resource.account
                && entry.unit.resource.is_none()
                && entry.is_gap()
        })
        .map(|entry| entry.unit.region.as_str())
        .collect();
    failed.sort_unstable();
    failed.dedup();
    if !failed.is_empty() {
        unknown.push(format!(
            "AWS Config could not be read in {}",
            failed.join(", ")
        ));
    }
    Some(if unknown.is_empty() {
        Global::NotRecorded(regions.iter().map(|(name, _)| name.to_string()).collect())
    } else {
        Global::Unknown(unknown.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::ConfigRecorder;

    /// A recorder; `global`: it takes in the global IAM resource types.
    pub(crate) fn recorder(recording: Option<bool>, global: bool) -> ConfigRecorder {
        ConfigRecorder {
            name: "default".to_string(),
            recording,
            last_status: recording.map(|_| "SUCCESS".to_string()),
            recording_strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".to_string()),
            records_global_resource_types: global,
            service_principal: None,
        }
    }

    /// The Config region resource of `region` in the test account.
    pub(crate) fn config_region(region: &str, recorders: Vec<ConfigRecorder>) -> Resource {
        let mut resource = resource(
            &format!("arn:aws:config:{region}:{ACCOUNT}:config-region"),
            ResourceConfig::ConfigRegion(ConfigRegion { recorders }),
        );
        resource.region = region.to_string();
        resource
    }

    pub(super) fn cases() -> Cases {
        let mut linked = recorder(Some(true), true);
        linked.name = "AWSConfigurationRecorderForCloudWatch".to_string();
        linked.service_principal = Some("telemetry.amazonaws.com".to_string());
        Cases::new()
            .case(
                Case::new("a recording recorder that takes in the global types passes")
                    .pass(config_region(REGION, vec![recorder(Some(true), true)])),
            )
            .case(
                Case::new("a region without a recorder fails, naming region and account")
                    .pass(config_region("ap-south-1", vec![recorder(Some(true), true)]))
                    .fail(
                        config_region(REGION, vec![]),
                        &[REGION, ACCOUNT, "has no configuration recorder", "expected"],
                    ),
            )
            .case(
                Case::new("a stopped recorder fails; a service-linked one does not count")
                    .pass(config_region("ap-south-1", vec![recorder(Some(true), true)]))
                    .fail(
                        config_region(REGION, vec![recorder(Some(false), true)]),
                        &["(default) that is not recording"],
                    )
                    .fail(
                        config_region("us-east-1", vec![linked]),
                        &["region us-east-1", "has no configuration recorder"],
                    ),
            )
            .case(
                Case::new(
                    "no region recording the global types fails once, on the first region",
                )
                .fail(
                    config_region("ap-south-1", vec![recorder(Some(true), false)]),
                    &[
                        "no scanned region of account 111122223333 (ap-south-1, eu-west-1)",
                        "global IAM resource types",
                    ],
                )
                .pass(config_region(REGION, vec![recorder(Some(true), false)])),
            )
            .case(
                Case::new("the global types recorded by a stopped recorder do not count")
                    .fail(
                        config_region("ap-south-1", vec![recorder(Some(true), false)]),
                        &["records the global IAM resource types"],
                    )
                    .fail(
                        config_region(REGION, vec![recorder(Some(false), true)]),
                        &["not recording"],
                    ),
            )
            .case(
                Case::new("a recorder whose status is not known is not evaluated")
                    .not_evaluated(
                        config_region(REGION, vec![recorder(None, true)]),
                        &["status of the configuration recorder of region eu-west-1", "not known"],
                    ),
            )
            .applies_to_every_resource(
                "each region of each account has exactly one AWS Config region resource, and every one is judged",
            )
    }

    #[test]
    fn a_region_that_could_not_be_read_never_lets_the_global_types_pass() {
        let snap = |recorders| {
            let mut snap = snapshot(vec![
                config_region("ap-south-1", vec![recorder(Some(true), false)]),
                config_region(REGION, recorders),
            ]);
            let mut failed = snap.coverage[0].clone();
            failed.unit.region = "us-east-1".to_string();
            failed.unit.kind = ResourceKind::ConfigRegion;
            failed.unit.account = ACCOUNT.to_string();
            failed.unit.resource = None;
            failed.status = soc2scan_model::CoverageStatus::Failed {
                kind: soc2scan_model::FailureKind::AccessDenied,
                message: "us-east-1 config:DescribeConfigurationRecorders: AccessDenied"
                    .to_string(),
            };
            snap.coverage.push(failed);
            snap
        };
        let first = format!("arn:aws:config:ap-south-1:{ACCOUNT}:config-region");
        let results = run(&RecorderOff, &snap(vec![recorder(Some(true), false)]));
        assert_not_evaluated(
            &verdict_of(&results, &first),
            &[
                "whether any region of account 111122223333 records the global IAM resource types is not known",
                "AWS Config could not be read in us-east-1",
            ],
        );
        assert_pass(&verdict_of(
            &results,
            &format!("arn:aws:config:{REGION}:{ACCOUNT}:config-region"),
        ));
        // A region read that records them settles it.
        let results = run(&RecorderOff, &snap(vec![recorder(Some(true), true)]));
        assert_pass(&verdict_of(&results, &first));
        // The unread region itself is not evaluated, once, as a unit.
        assert!(results
            .iter()
            .any(|(id, verdict)| id.contains("us-east-1")
                && matches!(verdict, Verdict::NotEvaluated(_))));
    }

    #[test]
    fn the_global_types_are_judged_per_account() {
        let mut other = config_region(REGION, vec![recorder(Some(true), true)]);
        other.account = "444455556666".to_string();
        other.id = format!("arn:aws:config:{REGION}:444455556666:config-region");
        let snap = snapshot(vec![
            config_region(REGION, vec![recorder(Some(true), false)]),
            other,
        ]);
        let results = run(&RecorderOff, &snap);
        assert_fail(
            &verdict_of(
                &results,
                &format!("arn:aws:config:{REGION}:{ACCOUNT}:config-region"),
            ),
            &["no scanned region of account 111122223333 (eu-west-1)"],
        );
        assert_pass(&verdict_of(
            &results,
            &format!("arn:aws:config:{REGION}:444455556666:config-region"),
        ));
    }
}
