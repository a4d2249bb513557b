//! A small snapshot and rule set for the writers' tests: passing, failing and unexplained
//! `NotEvaluated` verdicts, one coverage gap that affects the rules and one that does not,
//! two providers, and a resource with a `git_file` tag.

use crate::RenderContext;
use chrono::{DateTime, TimeZone, Utc};
use soc2scan_model::{
    CollectionUnit, CoverageEntry, CoverageStatus, EbsVolume, FailureKind, GcsBucket, OrgAccount,
    OrganizationScan, Provider, Resource, ResourceConfig, ResourceKind, ScanTarget, Snapshot,
};
use soc2scan_rules::aws::ec2::EbsVolumeUnencrypted;
use soc2scan_rules::rule::CheckContext;
use soc2scan_rules::{Engine, Report, Rule, RuleMeta, RuleRun, Severity, Verdict};
use std::collections::BTreeMap;

pub const ACCOUNT: &str = "111122223333";
pub const PROJECT: &str = "acme-prod";
pub const EBS_RULE_ID: &str = "aws-ec2-ebs-volume-unencrypted";
pub const TAG_RULE_ID: &str = "aws-ec2-volume-owner-tag-missing";
pub const BUCKET_RULE_ID: &str = "gcp-gcs-bucket-versioning-off";

/// A low-severity test rule: a volume needs an `owner` tag. A tag whose value is only known
/// after apply is `NotEvaluated` without any coverage gap.
pub struct OwnerTagRule;

const TAG_DOC: &str = "## What it checks\n\nFails for every EBS volume without an `owner` tag.\n\n## Why it matters for SOC 2\n\nOwnership.\n";

pub static TAG_META: RuleMeta = RuleMeta {
    id: TAG_RULE_ID,
    title: "EBS volume has no owner tag",
    severity: Severity::Low,
    criteria: &["CC6.1", "A1.1"],
    targets: &[ResourceKind::EbsVolume],
    also_reads: &[],
    params: &[],
    reads: &["*"],
    runtime_only: None,
    doc: TAG_DOC,
};

impl Rule for OwnerTagRule {
    fn meta(&self) -> &'static RuleMeta {
        &TAG_META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        match resource.tags.get("owner").map(String::as_str) {
            Some("(known after apply)") => Verdict::NotEvaluated(format!(
                "the owner tag of {} is only known after apply",
                resource.display_name()
            )),
            Some(_) => Verdict::Pass,
            None => Verdict::Fail(format!(
                "EBS volume {} has no owner tag; expected tags | owner = <team>",
                resource.display_name()
            )),
        }
    }
}

/// A critical test rule on GCS buckets: versioning must be on.
pub struct BucketVersioningRule;

const BUCKET_DOC: &str = "## What it checks\n\nFails for every bucket with versioning off.\nSecond line of the paragraph.\n\n## Why it matters for SOC 2\n\nBackups.\n";

pub static BUCKET_META: RuleMeta = RuleMeta {
    id: BUCKET_RULE_ID,
    title: "Bucket versioning is off",
    severity: Severity::Critical,
    criteria: &["A1.2", "C1.1"],
    targets: &[ResourceKind::GcsBucket],
    also_reads: &[ResourceKind::GcsBucketIamPolicy],
    params: &[],
    reads: &["*"],
    runtime_only: None,
    doc: BUCKET_DOC,
};

impl Rule for BucketVersioningRule {
    fn meta(&self) -> &'static RuleMeta {
        &BUCKET_META
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        match &resource.config {
            ResourceConfig::GcsBucket(bucket) if bucket.versioning_enabled => Verdict::Pass,
            ResourceConfig::GcsBucket(bucket) => Verdict::Fail(format!(
                "bucket {} has object versioning off; expected versioning on.",
                bucket.name
            )),
            _ => Verdict::NotEvaluated("not a bucket".to_string()),
        }
    }
}

pub fn time(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, hour, minute, 0).unwrap()
}

pub fn volume(id: &str, encrypted: bool) -> Resource {
    volume_in("eu-west-1", id, encrypted)
}

pub fn volume_in(region: &str, id: &str, encrypted: bool) -> Resource {
    Resource {
        id: format!("arn:aws:ec2:{region}:{ACCOUNT}:volume/{id}"),
        provider: Provider::Aws,
        account: ACCOUNT.to_string(),
        region: region.to_string(),
        name: None,
        tags: BTreeMap::new(),
        config: ResourceConfig::EbsVolume(EbsVolume {
            volume_id: id.to_string(),
            encrypted,
            kms_key_id: None,
            state: "in-use".to_string(),
            attachments: vec![],
            availability_zone: format!("{region}a"),
            size_gib: 8,
            create_time: None,
        }),
    }
}

pub fn bucket(name: &str, versioning_enabled: bool) -> Resource {
    Resource {
        id: format!("//storage.googleapis.com/projects/_/buckets/{name}"),
        provider: Provider::Gcp,
        account: PROJECT.to_string(),
        region: "EU".to_string(),
        name: None,
        tags: BTreeMap::new(),
        config: ResourceConfig::GcsBucket(GcsBucket {
            name: name.to_string(),
            location: "EU".to_string(),
            location_type: None,
            uniform_bucket_level_access: true,
            public_access_prevention: "enforced".to_string(),
            versioning_enabled,
            default_kms_key: None,
            logging: None,
            soft_delete_retention_seconds: None,
            retention_policy: None,
            create_time: None,
            update_time: None,
            iam_policy: None,
        }),
    }
}

fn tagged(mut resource: Resource, key: &str, value: &str) -> Resource {
    resource.tags.insert(key.to_string(), value.to_string());
    resource
}

fn unit(provider: Provider, account: &str, region: &str, kind: ResourceKind) -> CollectionUnit {
    CollectionUnit {
        provider,
        account: account.to_string(),
        region: region.to_string(),
        kind,
        resource: None,
    }
}

fn ok(unit: CollectionUnit) -> CoverageEntry {
    CoverageEntry {
        unit,
        status: CoverageStatus::Ok,
    }
}

fn failed(unit: CollectionUnit, kind: FailureKind, message: &str) -> CoverageEntry {
    CoverageEntry {
        unit,
        status: CoverageStatus::Failed {
            kind,
            message: message.to_string(),
        },
    }
}

/// A snapshot and the rules to run on it.
pub struct Fixture {
    pub snapshot: Snapshot,
    pub rules: Vec<&'static dyn Rule>,
}

impl Fixture {
    /// The standard fixture (see the module docs).
    pub fn standard() -> Fixture {
        let mut snapshot = Snapshot::new("0.1.0", time(9, 0), time(9, 2));
        snapshot.metadata.targets = vec![
            ScanTarget {
                provider: Provider::Aws,
                account: ACCOUNT.to_string(),
                alias: Some("acme".to_string()),
                regions: vec!["eu-west-1".to_string(), "us-east-1".to_string()],
                identity: None,
                organization: None,
            },
            ScanTarget {
                provider: Provider::Gcp,
                account: PROJECT.to_string(),
                alias: None,
                regions: vec![],
                identity: None,
                organization: None,
            },
        ];
        snapshot.coverage = vec![
            ok(unit(
                Provider::Aws,
                ACCOUNT,
                "eu-west-1",
                ResourceKind::EbsVolume,
            )),
            failed(
                unit(Provider::Aws, ACCOUNT, "us-east-1", ResourceKind::EbsVolume),
                FailureKind::AccessDenied,
                "ec2:DescribeVolumes: UnauthorizedOperation",
            ),
            failed(
                unit(Provider::Aws, ACCOUNT, "global", ResourceKind::IamUser),
                FailureKind::Throttled,
                "iam:ListUsers: Throttling",
            ),
            ok(unit(
                Provider::Gcp,
                PROJECT,
                "global",
                ResourceKind::GcsBucket,
            )),
            ok(unit(
                Provider::Gcp,
                PROJECT,
                "global",
                ResourceKind::GcsBucketIamPolicy,
            )),
        ];
        let mut plain = volume("vol-plain", false);
        plain.name = Some("db data|primary".to_string());
        snapshot.resources = vec![
            tagged(volume("vol-enc", true), "owner", "platform"),
            plain,
            tagged(volume("vol-plan", true), "owner", "(known after apply)"),
            volume_in("us-east-1", "vol-east", false),
            tagged(
                tagged(bucket("acme-logs", false), "git_file", "infra/gcs.tf"),
                "git_repo",
                "acme/infra",
            ),
            bucket("acme-data", true),
        ];
        Fixture {
            snapshot,
            rules: vec![&EbsVolumeUnencrypted, &OwnerTagRule, &BucketVersioningRule],
        }
    }

    /// The standard fixture as a scan of an AWS Organization: its AWS account named and
    /// placed in `Root/Workloads/Prod`, a suspended account `444455556666` listed as
    /// skipped, and two accounts excluded.
    pub fn organization() -> Fixture {
        let mut fixture = Fixture::standard();
        let metadata = &mut fixture.snapshot.metadata;
        metadata.targets[0].organization = Some(OrgAccount {
            name: Some("acme-prod-app".to_string()),
            ou_path: "Root/Workloads/Prod".to_string(),
            status: "ACTIVE".to_string(),
            skipped: false,
        });
        metadata.targets.push(ScanTarget {
            provider: Provider::Aws,
            account: SUSPENDED_ACCOUNT.to_string(),
            alias: None,
            regions: vec![],
            identity: None,
            organization: Some(OrgAccount {
                name: Some("legacy".to_string()),
                ou_path: "Root/Legacy".to_string(),
                status: "SUSPENDED".to_string(),
                skipped: true,
            }),
        });
        metadata.organization = Some(OrganizationScan {
            id: "o-abc123def4".to_string(),
            management_account: "999988887777".to_string(),
            member_role: "OrganizationAccountAccessRole".to_string(),
            units: vec![],
            excluded: vec!["555566667777".to_string(), "666677778888".to_string()],
        });
        fixture
    }

    /// Runs the fixture's rules.
    pub fn report(&self) -> Report<'_> {
        Engine::new(
            self.rules
                .iter()
                .map(|r| RuleRun::with_defaults(*r))
                .collect(),
        )
        .evaluate(&self.snapshot)
    }
}

/// The skipped account of [`Fixture::organization`].
pub const SUSPENDED_ACCOUNT: &str = "444455556666";

pub fn context() -> RenderContext {
    let mut ctx = RenderContext::new("0.1.0", time(9, 5), time(9, 6));
    ctx.exit_code = Some(1);
    ctx.command_line = Some("soc2scan scan --snapshot acme.json --format sarif".to_string());
    ctx
}

/// The SARIF 2.1.0 JSON schema: serde-sarif's bundled copy, with one erratum fixed — its
/// `language` patterns have a stray `]` (`…[a-zA-Z]{2}]?$`) that ECMAScript reads as a
/// literal and Rust's regex engines reject; the copy uses the intended
/// `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`. No soc2scan log sets `language`. The end-to-end tests
/// validate with the same file.
pub const SARIF_SCHEMA: &str = include_str!("../tests/sarif-schema-2.1.0.json");

/// Validates a SARIF document against the 2.1.0 schema, with formats (`uri`,
/// `date-time`, …) checked.
#[track_caller]
pub fn assert_valid_sarif(document: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(SARIF_SCHEMA).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}
