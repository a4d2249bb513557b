//! `scan --terraform-plan`: exact verdicts on the hand-written plan and state fixtures,
//! runtime-only rules reported as skipped, unknown values as not evaluated, exit codes,
//! baselines and suppressions on plans, locations, the golden SARIF, and bad input.
//!
//! The fixtures live in tests/fixtures/terraform/<name>/ beside the .tf sources they were
//! planned from. `UPDATE_GOLDEN=1 cargo test --test e2e terraform` rewrites the golden SARIF.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/terraform").join(name)
}

/// Scans the acme plan from its own directory (relative paths, as in CI).
fn scan_plan(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "--terraform-plan", "plan.json", "--tf-root", "."];
    args.extend_from_slice(extra);
    soc2scan_in(&fixture("acme-plan"), &args)
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|error| panic!("{error}: {}", stderr(output)))
}

/// (rule, resource, verdict) of every result of a JSON report.
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap_or_default().to_string(),
                r["resource"]["id"].as_str().unwrap_or_default().to_string(),
                r["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn expected(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

const ACME_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_ebs_volume.data",
        "pass",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_ebs_volume.scratch[0]",
        "fail",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_ebs_volume.scratch[1]",
        "fail",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_ebs_volume.logs",
        "not_evaluated",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_instance.web[\"a\"].root_block_device",
        "pass",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_instance.web[\"b\"].root_block_device",
        "fail",
    ),
    (
        "aws-ec2-ebs-volume-unencrypted",
        "aws_instance.worker.root_block_device",
        "not_evaluated",
    ),
    (
        "aws-ec2-ebs-default-encryption-off",
        "aws_ebs_encryption_by_default.this",
        "pass",
    ),
    (
        "aws-ec2-ebs-snapshot-unencrypted",
        "aws_ebs_snapshot.data",
        "not_evaluated",
    ),
    ("aws-ec2-ami-public", "aws_ami.golden", "fail"),
    (
        "aws-ec2-vpc-flow-logs-off",
        "module.network[\"prod\"].aws_vpc.this",
        "pass",
    ),
    (
        "aws-ec2-vpc-flow-logs-off",
        "module.network[\"prod\"].aws_vpc.isolated",
        "fail",
    ),
    (
        "aws-ec2-sg-admin-ports-public",
        "aws_security_group.web",
        "fail",
    ),
    (
        "aws-ec2-sg-admin-ports-public",
        "aws_security_group.db",
        "pass",
    ),
    (
        "aws-ec2-sg-admin-ports-public",
        "aws_security_group.internal",
        "pass",
    ),
    (
        "aws-ec2-sg-admin-ports-public",
        "aws_default_security_group.default",
        "pass",
    ),
    (
        "aws-ec2-sg-admin-ports-public",
        "aws_security_group_rule.legacy_open",
        "fail",
    ),
    (
        "aws-ec2-sg-all-ports-public",
        "aws_security_group.web",
        "pass",
    ),
    (
        "aws-ec2-sg-all-ports-public",
        "aws_security_group.db",
        "pass",
    ),
    (
        "aws-ec2-sg-all-ports-public",
        "aws_security_group.internal",
        "pass",
    ),
    (
        "aws-ec2-sg-all-ports-public",
        "aws_default_security_group.default",
        "pass",
    ),
    (
        "aws-ec2-sg-all-ports-public",
        "aws_security_group_rule.legacy_open",
        "fail",
    ),
    (
        "aws-ec2-sg-data-ports-public",
        "aws_security_group.web",
        "pass",
    ),
    (
        "aws-ec2-sg-data-ports-public",
        "aws_security_group.db",
        "fail",
    ),
    (
        "aws-ec2-sg-data-ports-public",
        "aws_security_group.internal",
        "pass",
    ),
    (
        "aws-ec2-sg-data-ports-public",
        "aws_default_security_group.default",
        "pass",
    ),
    (
        "aws-ec2-sg-data-ports-public",
        "aws_security_group_rule.legacy_open",
        "fail",
    ),
    (
        "aws-ec2-default-sg-not-restricted",
        "aws_default_security_group.default",
        "fail",
    ),
    (
        "aws-ec2-nacl-admin-ports-public",
        "module.network[\"prod\"].aws_network_acl.public",
        "fail",
    ),
    (
        "aws-ec2-nacl-admin-ports-public",
        "module.network[\"prod\"].aws_network_acl.private",
        "pass",
    ),
    (
        "aws-ec2-instance-imdsv1-allowed",
        "aws_instance.web[\"a\"]",
        "pass",
    ),
    (
        "aws-ec2-instance-imdsv1-allowed",
        "aws_instance.web[\"b\"]",
        "fail",
    ),
    (
        "aws-ec2-instance-imdsv1-allowed",
        "aws_instance.worker",
        "not_evaluated",
    ),
    (
        "aws-ec2-instance-public-ip",
        "aws_instance.web[\"a\"]",
        "pass",
    ),
    (
        "aws-ec2-instance-public-ip",
        "aws_instance.web[\"b\"]",
        "fail",
    ),
    (
        "aws-ec2-instance-public-ip",
        "aws_instance.worker",
        "not_evaluated",
    ),
    (
        "aws-ec2-instance-detailed-monitoring-off",
        "aws_instance.web[\"a\"]",
        "pass",
    ),
    (
        "aws-ec2-instance-detailed-monitoring-off",
        "aws_instance.web[\"b\"]",
        "fail",
    ),
    (
        "aws-ec2-instance-detailed-monitoring-off",
        "aws_instance.worker",
        "pass",
    ),
    (
        "aws-iam-password-policy-weak",
        "aws_iam_account_password_policy.strict",
        "pass",
    ),
    ("aws-iam-admin-privileges", "aws_iam_user.alice", "fail"),
    ("aws-iam-admin-privileges", "aws_iam_user.bob", "pass"),
    ("aws-iam-admin-privileges", "aws_iam_group.devs", "pass"),
    ("aws-iam-admin-privileges", "aws_iam_role.ci", "fail"),
    (
        "aws-iam-admin-privileges",
        "aws_iam_role.app",
        "not_evaluated",
    ),
    ("aws-iam-user-direct-policy", "aws_iam_user.alice", "fail"),
    ("aws-iam-user-direct-policy", "aws_iam_user.bob", "pass"),
    ("aws-iam-user-two-active-keys", "aws_iam_user.alice", "pass"),
    ("aws-iam-user-two-active-keys", "aws_iam_user.bob", "fail"),
    (
        "gcp-gcs-bucket-public",
        "google_storage_bucket.public_assets",
        "fail",
    ),
    (
        "gcp-gcs-bucket-public",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-bucket-public",
        "google_storage_bucket.legacy_exports",
        "pass",
    ),
    (
        "gcp-gcs-bucket-public",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-bucket-public",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
    (
        "gcp-gcs-uniform-access-off",
        "google_storage_bucket.public_assets",
        "not_evaluated",
    ),
    (
        "gcp-gcs-uniform-access-off",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-uniform-access-off",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-uniform-access-off",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-uniform-access-off",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
    (
        "gcp-gcs-public-access-prevention-off",
        "google_storage_bucket.public_assets",
        "not_evaluated",
    ),
    (
        "gcp-gcs-public-access-prevention-off",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-public-access-prevention-off",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-public-access-prevention-off",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-public-access-prevention-off",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
    (
        "gcp-gcs-cmek-off",
        "google_storage_bucket.public_assets",
        "fail",
    ),
    ("gcp-gcs-cmek-off", "google_storage_bucket.records", "pass"),
    (
        "gcp-gcs-cmek-off",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-cmek-off",
        "google_storage_bucket.access_logs",
        "fail",
    ),
    (
        "gcp-gcs-cmek-off",
        "google_storage_bucket.audit_logs",
        "fail",
    ),
    (
        "gcp-gcs-access-logging-off",
        "google_storage_bucket.public_assets",
        "fail",
    ),
    (
        "gcp-gcs-access-logging-off",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-access-logging-off",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-access-logging-off",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-access-logging-off",
        "google_storage_bucket.audit_logs",
        "fail",
    ),
    (
        "gcp-gcs-versioning-off",
        "google_storage_bucket.public_assets",
        "not_evaluated",
    ),
    (
        "gcp-gcs-versioning-off",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-versioning-off",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-versioning-off",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-versioning-off",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
    (
        "gcp-gcs-soft-delete-short",
        "google_storage_bucket.public_assets",
        "not_evaluated",
    ),
    (
        "gcp-gcs-soft-delete-short",
        "google_storage_bucket.records",
        "pass",
    ),
    (
        "gcp-gcs-soft-delete-short",
        "google_storage_bucket.legacy_exports",
        "fail",
    ),
    (
        "gcp-gcs-soft-delete-short",
        "google_storage_bucket.access_logs",
        "pass",
    ),
    (
        "gcp-gcs-soft-delete-short",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
    (
        "gcp-gcs-log-bucket-retention-unlocked",
        "google_storage_bucket.access_logs",
        "fail",
    ),
    (
        "gcp-gcs-log-bucket-retention-unlocked",
        "google_storage_bucket.audit_logs",
        "pass",
    ),
];

const RUNTIME_ONLY_RULES: &[&str] = &[
    "aws-ec2-ebs-snapshot-public",
    "aws-ec2-ebs-volume-no-recent-backup",
    "aws-iam-root-mfa-off",
    "aws-iam-root-access-key",
    "aws-iam-user-console-no-mfa",
    "aws-iam-access-key-not-rotated",
    "aws-iam-credentials-unused",
    "aws-kms-key-pending-deletion",
    "aws-backup-no-plan",
    "aws-cloudtrail-multi-region-off",
    "aws-cloudtrail-bucket-public",
    "aws-cloudtrail-s3-data-events-off",
    "aws-cloudwatch-security-alarms-missing",
    "aws-config-recorder-off",
    "aws-guardduty-off",
    "aws-securityhub-off",
    "aws-acm-certificate-expiring",
];

#[test]
fn acme_plan_verdicts_are_exact() {
    let output = scan_plan(&["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    assert_eq!(verdicts(&report), expected(ACME_PLAN_VERDICTS));
    // The deleted volume (aws_ebs_volume.old) is not there; the unsupported SQS queue is
    // only counted.
    assert!(!stdout(&output).contains("aws_ebs_volume.old"));
    let plan = &report["snapshot"]["terraform_plan"];
    assert_eq!(plan["deleted"], 1);
    assert_eq!(plan["ignored_types"]["aws_sqs_queue"], 1);
    assert_eq!(plan["format_version"], "1.2");
}

#[test]
fn legacy_state_verdicts_are_exact() {
    let dir = fixture("legacy-state");
    let output = soc2scan_in(
        &dir,
        &[
            "scan",
            "--terraform-plan",
            "state.json",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let expected_rows: &[(&str, &str, &str)] = &[
        (
            "aws-ec2-ebs-volume-unencrypted",
            "aws_instance.bastion.root_block_device",
            "fail",
        ),
        (
            "aws-ec2-ebs-default-encryption-off",
            "aws_ebs_encryption_by_default.this",
            "fail",
        ),
        (
            "aws-ec2-ebs-snapshot-unencrypted",
            "aws_ebs_snapshot.bastion",
            "fail",
        ),
        (
            "aws-ec2-ebs-snapshot-unencrypted",
            "aws_ebs_snapshot.bastion_encrypted",
            "pass",
        ),
        ("aws-ec2-ami-public", "aws_ami.base", "pass"),
        ("aws-ec2-vpc-flow-logs-off", "aws_vpc.main", "pass"),
        (
            "aws-ec2-sg-admin-ports-public",
            "aws_default_security_group.default",
            "pass",
        ),
        (
            "aws-ec2-sg-all-ports-public",
            "aws_default_security_group.default",
            "pass",
        ),
        (
            "aws-ec2-sg-data-ports-public",
            "aws_default_security_group.default",
            "pass",
        ),
        (
            "aws-ec2-default-sg-not-restricted",
            "aws_default_security_group.default",
            "pass",
        ),
        (
            "aws-ec2-instance-imdsv1-allowed",
            "aws_instance.bastion",
            "fail",
        ),
        ("aws-ec2-instance-public-ip", "aws_instance.bastion", "fail"),
        (
            "aws-ec2-instance-detailed-monitoring-off",
            "aws_instance.bastion",
            "fail",
        ),
        (
            "aws-iam-password-policy-weak",
            "aws_iam_account_password_policy.weak",
            "fail",
        ),
        ("aws-iam-admin-privileges", "aws_iam_user.carol", "pass"),
        ("aws-iam-user-direct-policy", "aws_iam_user.carol", "fail"),
        ("aws-iam-user-two-active-keys", "aws_iam_user.carol", "pass"),
    ];
    let report = json_of(&output);
    assert_eq!(verdicts(&report), expected(expected_rows));
    assert_eq!(report["snapshot"]["terraform_plan"]["is_state"], true);
    assert_eq!(report["snapshot"]["targets"][0]["regions"][0], "us-east-1");
}

#[test]
fn every_rule_run_on_plans_passes_and_fails_somewhere_in_the_fixtures() {
    // Every fixture directory counts (its plan.json or state.json), so a new service's
    // Terraform types bring their own fixture directory instead of editing a shared plan.
    let mut seen = std::collections::BTreeSet::new();
    for (rule, _, verdict) in expected(ACME_PLAN_VERDICTS) {
        seen.insert((rule, verdict));
    }
    let fixtures = root().join("tests/fixtures/terraform");
    let mut scanned = 0;
    for entry in std::fs::read_dir(&fixtures).expect("fixture directories") {
        let dir = entry.expect("directory entry").path();
        let Some(file) = ["plan.json", "state.json"]
            .into_iter()
            .find(|name| dir.join(name).is_file())
        else {
            continue;
        };
        let report = json_of(&soc2scan_in(
            &dir,
            &[
                "scan",
                "--terraform-plan",
                file,
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        ));
        for (rule, _, verdict) in verdicts(&report) {
            seen.insert((rule, verdict));
        }
        scanned += 1;
    }
    assert!(
        scanned >= 2,
        "no fixture plans under {}",
        fixtures.display()
    );
    for rule in soc2scan::rules::all_rules() {
        let meta = rule.meta();
        if meta.runtime_only.is_some() {
            continue;
        }
        for verdict in ["pass", "fail"] {
            assert!(
                seen.contains(&(meta.id.to_string(), verdict.to_string())),
                "no {verdict} of {} in the plan fixtures",
                meta.id
            );
        }
    }
}

#[test]
fn unknown_values_name_the_attribute_and_leave_other_rules_running() {
    let report = json_of(&scan_plan(&["--format", "json", "--fail-on", "none"]));
    let results = report["results"].as_array().expect("results");
    let message = |rule: &str, resource: &str| {
        results
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["id"] == resource)
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        message("aws-ec2-ebs-volume-unencrypted", "aws_ebs_volume.logs")
            .contains("aws_ebs_volume.logs.encrypted is known only after apply")
    );
    assert!(message("aws-iam-admin-privileges", "aws_iam_role.app")
        .contains("aws_iam_policy.app.policy is known only after apply"));
    assert!(
        message("aws-ec2-instance-imdsv1-allowed", "aws_instance.worker")
            .contains("aws_instance.worker.metadata_options")
    );
    // The worker's monitoring is known: that rule still decides.
    assert!(verdicts(&report).contains(&(
        "aws-ec2-instance-detailed-monitoring-off".to_string(),
        "aws_instance.worker".to_string(),
        "pass".to_string()
    )));
}

#[test]
fn runtime_only_rules_are_skipped_and_every_output_says_so() {
    let report = json_of(&scan_plan(&["--format", "json", "--fail-on", "none"]));
    let skipped: Vec<&str> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(skipped, RUNTIME_ONLY_RULES);
    assert!(report["skipped_rules"][0]["reason"]
        .as_str()
        .is_some_and(|reason| !reason.is_empty()));
    for rule in RUNTIME_ONLY_RULES {
        assert!(
            !report["results"]
                .as_array()
                .expect("results")
                .iter()
                .any(|r| r["rule_id"] == *rule),
            "{rule} ran on a plan"
        );
    }

    let table = scan_plan(&["--fail-on", "none"]);
    assert!(stdout(&table).contains(&format!(
        "Rules not run on this Terraform plan ({})",
        RUNTIME_ONLY_RULES.len()
    )));
    assert!(stderr(&table).contains(&format!(
        "{} runtime-only rules not run on the plan",
        RUNTIME_ONLY_RULES.len()
    )));
    let markdown = stdout(&scan_plan(&["--format", "markdown", "--fail-on", "none"]));
    assert!(markdown.contains("### Rules not run on this Terraform plan"));
    assert!(markdown.contains("`aws-iam-credentials-unused`"));
    let sarif: Value = serde_json::from_str(&stdout(&scan_plan(&[
        "--format",
        "sarif",
        "--fail-on",
        "none",
    ])))
    .expect("sarif");
    let notes: Vec<&str> = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["descriptor"]["id"] == "rule-skipped")
        .filter_map(|n| n["properties"]["ruleId"].as_str())
        .collect();
    assert_eq!(notes, RUNTIME_ONLY_RULES);
}

#[test]
fn exit_codes_and_verbose_notes_on_plans() {
    // Failures at high and above; never "incomplete": a plan has no coverage gaps, and
    // values unknown until apply are reported, not a reason to exit 3.
    let output = scan_plan(&["--verbose"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("1 deleted (not evaluated)"), "{err}");
    assert!(err.contains("aws_sqs_queue (1)"), "{err}");
    assert_eq!(code(&scan_plan(&["--fail-on", "none"])), 0);
    let only_unknown = scan_plan(&["--rules", "aws-ec2-ebs-snapshot-unencrypted"]);
    assert_eq!(code(&only_unknown), 0, "{}", stderr(&only_unknown));
}

#[test]
fn baselines_and_suppressions_work_on_plans() {
    let dir = temp_dir();
    let plan = fixture("acme-plan").join("plan.json");
    let plan = plan.to_str().expect("utf-8");
    let first = soc2scan_in(
        dir.path(),
        &["scan", "--terraform-plan", plan, "-o", "sarif=base.sarif"],
    );
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    let again = soc2scan_in(
        dir.path(),
        &["scan", "--terraform-plan", plan, "--baseline", "base.sarif"],
    );
    assert_eq!(code(&again), 0, "no new failures: {}", stderr(&again));

    // Suppress every high-or-worse failure: the gate passes, the failures stay visible.
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[[suppressions]]\nrule = \"*\"\nresource = \"*\"\nreason = \"Accepted for the migration (OPS-7)\"\nexpires = \"2999-12-31\"\n",
    )
    .expect("config");
    let suppressed = soc2scan_in(
        dir.path(),
        &["scan", "--terraform-plan", plan, "--format", "json"],
    );
    assert_eq!(code(&suppressed), 0, "{}", stderr(&suppressed));
    let report = json_of(&suppressed);
    assert_eq!(report["summary"]["failed"], 0);
    assert!(report["summary"]["suppressed"].as_u64().unwrap_or(0) > 0);
}

fn sarif_results(extra: &[&str], dir: &Path, args: &[&str]) -> Value {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(extra);
    let output = soc2scan_in(dir, &all);
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("{error}: {}", stderr(&output)))
}

fn location_of(sarif: &Value, rule: &str, address: &str) -> (String, i64, String) {
    let result = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == rule && r["properties"]["terraformAddress"] == address)
        .unwrap_or_else(|| panic!("no {rule} result for {address}"));
    let physical = &result["locations"][0]["physicalLocation"];
    (
        physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        physical["region"]["startLine"].as_i64().unwrap_or_default(),
        result["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[test]
fn without_tf_root_results_point_at_the_plan_file() {
    let dir = fixture("acme-plan");
    let sarif = sarif_results(
        &[],
        &dir,
        &["scan", "--terraform-plan", "plan.json", "--format", "sarif"],
    );
    let (uri, line, message) = location_of(
        &sarif,
        "aws-ec2-ebs-volume-unencrypted",
        "aws_ebs_volume.scratch[1]",
    );
    assert_eq!((uri.as_str(), line), ("plan.json", 1));
    assert!(message.contains("aws_ebs_volume.scratch[1]"), "{message}");
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "plan/");
}

/// Exact `.tf` file:line locations of the fixture's blocks, modules included, with the
/// `count` / `for_each` key in the message.
#[test]
fn results_point_at_the_tf_file_and_line_of_their_block() {
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &fixture("acme-plan"),
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (rule, address, uri, line, in_message) in [
        (
            "aws-ec2-ebs-volume-unencrypted",
            "aws_ebs_volume.scratch[1]",
            "main.tf",
            36,
            "aws_ebs_volume.scratch[1]",
        ),
        (
            "aws-ec2-ebs-volume-unencrypted",
            "aws_instance.web[\"b\"]",
            "main.tf",
            71,
            "aws_instance.web[\"b\"].root_block_device",
        ),
        (
            "aws-ec2-instance-imdsv1-allowed",
            "aws_instance.web[\"b\"]",
            "main.tf",
            71,
            "aws_instance.web[\"b\"]",
        ),
        (
            "aws-ec2-sg-admin-ports-public",
            "aws_security_group.web",
            "main.tf",
            97,
            "aws_security_group.web",
        ),
        (
            "aws-ec2-sg-all-ports-public",
            "aws_security_group_rule.legacy_open",
            "main.tf",
            155,
            "sg-0legacy0000000001",
        ),
        (
            "aws-iam-user-two-active-keys",
            "aws_iam_user.bob",
            "main.tf",
            249,
            "aws_iam_user.bob",
        ),
        (
            "gcp-gcs-bucket-public",
            "google_storage_bucket.public_assets",
            "main.tf",
            264,
            "google_storage_bucket.public_assets",
        ),
        (
            "aws-ec2-vpc-flow-logs-off",
            "module.network[\"prod\"].aws_vpc.isolated",
            "modules/network/main.tf",
            22,
            "module.network[\"prod\"].aws_vpc.isolated",
        ),
        (
            "aws-ec2-nacl-admin-ports-public",
            "module.network[\"prod\"].aws_network_acl.public",
            "modules/network/main.tf",
            26,
            "module.network[\"prod\"]",
        ),
    ] {
        let (actual_uri, actual_line, message) = location_of(&sarif, rule, address);
        assert_eq!(
            (actual_uri.as_str(), actual_line),
            (uri, line),
            "{rule} {address}"
        );
        assert!(message.contains(in_message), "{message}");
    }
    // A --tf-root given relative to the repository root prefixes the paths.
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &root(),
        &[
            "scan",
            "--terraform-plan",
            "tests/fixtures/terraform/acme-plan/plan.json",
            "--tf-root",
            "tests/fixtures/terraform/acme-plan",
        ],
    );
    let (uri, line, _) = location_of(
        &sarif,
        "aws-ec2-nacl-admin-ports-public",
        "module.network[\"prod\"].aws_network_acl.public",
    );
    assert_eq!(
        (uri.as_str(), line),
        (
            "tests/fixtures/terraform/acme-plan/modules/network/main.tf",
            26
        )
    );
}

#[test]
fn plan_sarif_matches_golden_and_validates() {
    let output = scan_plan(&["--format", "sarif", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let sarif = stdout(&output);
    validate_sarif(&sarif);
    crate::golden::json_golden("acme-plan.sarif", &sarif);
}

/// Runs a scan of `plan` that would write a JSON report, and checks it fails with exit 2,
/// a message naming the file and `fragment`, and no report written.
#[track_caller]
fn assert_input_error(dir: &Path, plan: &str, extra: &[&str], fragment: &str) {
    let mut args = vec!["scan", "--terraform-plan", plan, "-o", "json=out.json"];
    args.extend_from_slice(extra);
    let output = soc2scan_in(dir, &args);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains(fragment), "{err}");
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(!dir.join("out.json").exists(), "a report was written");
}

#[test]
fn bad_plans_are_input_errors_naming_the_file() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    let plan = std::fs::read_to_string(fixture("acme-plan").join("plan.json")).expect("fixture");
    write(
        "v2.json",
        &plan.replacen(
            "\"format_version\": \"1.2\"",
            "\"format_version\": \"2.0\"",
            1,
        ),
    );
    assert_input_error(
        dir.path(),
        "v2.json",
        &[],
        "v2.json: Terraform plan format_version \"2.0\" is not supported",
    );
    write(
        "noversion.json",
        &plan.replacen("\"format_version\": \"1.2\",", "", 1),
    );
    assert_input_error(
        dir.path(),
        "noversion.json",
        &[],
        "noversion.json: not a Terraform plan",
    );
    write("truncated.json", &plan[..plan.len() / 3]);
    assert_input_error(dir.path(), "truncated.json", &[], "truncated.json:");
    write("sarif.json", r#"{"version": "2.1.0", "runs": []}"#);
    assert_input_error(dir.path(), "sarif.json", &[], "not a Terraform plan");
    assert_input_error(
        dir.path(),
        "missing.json",
        &[],
        "missing.json: cannot read Terraform plan",
    );
    let plan_path = fixture("acme-plan").join("plan.json");
    let plan_path = plan_path.to_str().expect("utf-8");
    std::fs::create_dir_all(dir.path().join("empty")).expect("dir");
    assert_input_error(
        dir.path(),
        plan_path,
        &["--tf-root", "empty"],
        "--tf-root empty: contains no .tf files",
    );
    assert_input_error(
        dir.path(),
        plan_path,
        &["--tf-root", "nowhere"],
        "--tf-root nowhere: no such directory",
    );
}

#[test]
fn a_module_without_its_sources_is_a_warning_and_points_at_the_plan() {
    let dir = temp_dir();
    std::fs::copy(
        fixture("acme-plan").join("main.tf"),
        dir.path().join("main.tf"),
    )
    .expect("copy main.tf");
    let plan = fixture("acme-plan").join("plan.json");
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--terraform-plan",
            plan.to_str().expect("utf-8"),
            "--tf-root",
            ".",
            "--format",
            "sarif",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: module module.network"),
        "{}",
        stderr(&output)
    );
    let sarif: Value = serde_json::from_str(&stdout(&output)).expect("sarif");
    let (uri, line, _) = location_of(
        &sarif,
        "aws-ec2-nacl-admin-ports-public",
        "module.network[\"prod\"].aws_network_acl.public",
    );
    assert!(uri.ends_with("plan.json"), "{uri}");
    assert_eq!(line, 1);
    let (uri, line, _) = location_of(&sarif, "aws-ec2-ami-public", "aws_ami.golden");
    assert_eq!((uri.as_str(), line), ("main.tf", 53));
}

#[test]
fn plan_flags_conflict_with_other_inputs() {
    let dir = temp_dir();
    let example = example();
    let example = example.to_str().expect("utf-8");
    for args in [
        vec![
            "scan",
            "--terraform-plan",
            "plan.json",
            "--snapshot",
            example,
        ],
        vec!["scan", "aws", "--terraform-plan", "plan.json"],
        vec!["scan", "--snapshot", example, "--tf-root", "."],
    ] {
        let output = soc2scan_in(dir.path(), &args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
    }
}

/// The RDS plan: DB instances (a read replica among them), Aurora clusters with their
/// instances (`count`), and DB and cluster snapshots, some existing (`no-op`).
const RDS_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    ("aws-rds-instance-public", "aws_db_instance.orders", "pass"),
    ("aws-rds-instance-public", "aws_db_instance.reports", "fail"),
    (
        "aws-rds-instance-public",
        "aws_db_instance.analytics",
        "pass",
    ),
    (
        "aws-rds-instance-public",
        "aws_db_instance.orders_replica",
        "pass",
    ),
    (
        "aws-rds-instance-public",
        "aws_rds_cluster_instance.orders[0]",
        "pass",
    ),
    (
        "aws-rds-instance-public",
        "aws_rds_cluster_instance.orders[1]",
        "pass",
    ),
    (
        "aws-rds-instance-public",
        "aws_rds_cluster_instance.legacy",
        "fail",
    ),
    (
        "aws-rds-instance-unencrypted",
        "aws_db_instance.orders",
        "pass",
    ),
    (
        "aws-rds-instance-unencrypted",
        "aws_db_instance.reports",
        "fail",
    ),
    (
        "aws-rds-instance-unencrypted",
        "aws_db_instance.analytics",
        "pass",
    ),
    (
        "aws-rds-instance-unencrypted",
        "aws_db_instance.orders_replica",
        "not_evaluated",
    ),
    (
        "aws-rds-instance-backup-retention-short",
        "aws_db_instance.orders",
        "pass",
    ),
    (
        "aws-rds-instance-backup-retention-short",
        "aws_db_instance.reports",
        "fail",
    ),
    (
        "aws-rds-instance-backup-retention-short",
        "aws_db_instance.analytics",
        "not_evaluated",
    ),
    (
        "aws-rds-instance-deletion-protection-off",
        "aws_db_instance.orders",
        "pass",
    ),
    (
        "aws-rds-instance-deletion-protection-off",
        "aws_db_instance.reports",
        "fail",
    ),
    (
        "aws-rds-instance-deletion-protection-off",
        "aws_db_instance.analytics",
        "pass",
    ),
    (
        "aws-rds-instance-deletion-protection-off",
        "aws_db_instance.orders_replica",
        "pass",
    ),
    (
        "aws-rds-instance-single-az",
        "aws_db_instance.orders",
        "pass",
    ),
    (
        "aws-rds-instance-single-az",
        "aws_db_instance.reports",
        "fail",
    ),
    (
        "aws-rds-instance-single-az",
        "aws_db_instance.analytics",
        "not_evaluated",
    ),
    (
        "aws-rds-instance-single-az",
        "aws_db_instance.orders_replica",
        "fail",
    ),
    (
        "aws-rds-instance-log-exports-off",
        "aws_db_instance.orders",
        "pass",
    ),
    (
        "aws-rds-instance-log-exports-off",
        "aws_db_instance.reports",
        "fail",
    ),
    (
        "aws-rds-instance-log-exports-off",
        "aws_db_instance.analytics",
        "pass",
    ),
    (
        "aws-rds-instance-log-exports-off",
        "aws_db_instance.orders_replica",
        "not_evaluated",
    ),
    (
        "aws-rds-cluster-unencrypted",
        "aws_rds_cluster.orders",
        "pass",
    ),
    (
        "aws-rds-cluster-unencrypted",
        "aws_rds_cluster.legacy",
        "fail",
    ),
    (
        "aws-rds-cluster-unencrypted",
        "aws_rds_cluster.events",
        "not_evaluated",
    ),
    (
        "aws-rds-snapshot-public",
        "aws_db_snapshot.orders_before_upgrade",
        "pass",
    ),
    (
        "aws-rds-snapshot-public",
        "aws_db_snapshot.reports_export",
        "fail",
    ),
    ("aws-rds-snapshot-public", "aws_db_snapshot.replica", "pass"),
    (
        "aws-rds-snapshot-public",
        "aws_db_cluster_snapshot.legacy_final",
        "pass",
    ),
    (
        "aws-rds-snapshot-public",
        "aws_db_cluster_snapshot.orders_monthly",
        "pass",
    ),
    (
        "aws-rds-snapshot-unencrypted",
        "aws_db_snapshot.orders_before_upgrade",
        "pass",
    ),
    (
        "aws-rds-snapshot-unencrypted",
        "aws_db_snapshot.reports_export",
        "fail",
    ),
    (
        "aws-rds-snapshot-unencrypted",
        "aws_db_snapshot.replica",
        "not_evaluated",
    ),
    (
        "aws-rds-snapshot-unencrypted",
        "aws_db_cluster_snapshot.legacy_final",
        "fail",
    ),
    (
        "aws-rds-snapshot-unencrypted",
        "aws_db_cluster_snapshot.orders_monthly",
        "pass",
    ),
];

#[test]
fn rds_plan_verdicts_unknowns_and_locations_are_exact() {
    let dir = fixture("rds-plan");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--terraform-plan", "plan.json", "--tf-root", "."];
        args.extend_from_slice(extra);
        soc2scan_in(&dir, &args)
    };
    let output = scan(&["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    assert_eq!(verdicts(&report), expected(RDS_PLAN_VERDICTS));
    let plan = &report["snapshot"]["terraform_plan"];
    assert_eq!(
        plan["ignored_types"],
        serde_json::json!({}),
        "every type is mapped"
    );
    assert_eq!(
        report["snapshot"]["targets"][0]["regions"][0],
        "eu-central-1"
    );

    // Unknown values name the attribute, and say when the configuration leaves it to AWS.
    let results = report["results"].as_array().expect("results");
    let message = |rule: &str, resource: &str| {
        results
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["id"] == resource)
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    for (rule, resource, fragment) in [
        (
            "aws-rds-instance-backup-retention-short",
            "aws_db_instance.analytics",
            "aws_db_instance.analytics.backup_retention_period (not set: AWS or the source \
             decides it at apply) is known only after apply",
        ),
        (
            "aws-rds-instance-unencrypted",
            "aws_db_instance.orders_replica",
            "aws_db_instance.orders_replica.storage_encrypted (not set",
        ),
        (
            "aws-rds-instance-log-exports-off",
            "aws_db_instance.orders_replica",
            "aws_db_instance.orders_replica.engine (not set",
        ),
        (
            "aws-rds-cluster-unencrypted",
            "aws_rds_cluster.events",
            "aws_rds_cluster.events.storage_encrypted (not set",
        ),
        (
            "aws-rds-snapshot-unencrypted",
            "aws_db_snapshot.replica",
            "aws_db_snapshot.replica.encrypted is known only after apply",
        ),
        (
            "aws-rds-snapshot-public",
            "aws_db_snapshot.reports_export",
            "(reports-export, of reports-db) is public",
        ),
        (
            "aws-rds-snapshot-unencrypted",
            "aws_db_cluster_snapshot.legacy_final",
            "(legacy-aurora-final) is not encrypted",
        ),
    ] {
        let text = message(rule, resource);
        assert!(text.contains(fragment), "{rule} {resource}: {text}");
    }

    // Exact file:line of each failing resource's block.
    let sarif: Value =
        serde_json::from_str(&stdout(&scan(&["--format", "sarif", "--fail-on", "none"])))
            .expect("sarif");
    validate_sarif(&serde_json::to_string(&sarif).expect("serialises"));
    for (rule, address, line) in [
        ("aws-rds-instance-public", "aws_db_instance.reports", 29),
        (
            "aws-rds-instance-public",
            "aws_rds_cluster_instance.legacy",
            83,
        ),
        (
            "aws-rds-instance-single-az",
            "aws_db_instance.orders_replica",
            51,
        ),
        ("aws-rds-cluster-unencrypted", "aws_rds_cluster.legacy", 76),
        (
            "aws-rds-snapshot-public",
            "aws_db_snapshot.reports_export",
            106,
        ),
        (
            "aws-rds-snapshot-unencrypted",
            "aws_db_cluster_snapshot.legacy_final",
            117,
        ),
    ] {
        let (uri, actual, _) = location_of(&sarif, rule, address);
        assert_eq!(
            (uri.as_str(), actual),
            ("main.tf", line),
            "{rule} {address}"
        );
    }

    // Critical and high failures gate a merge.
    assert_eq!(code(&scan(&[])), 1);
}

// --- S3 (tests/fixtures/terraform/s3-plan, s3-provider3-plan) ----------------

/// Scans a fixture plan from its own directory, with its `.tf` sources.
fn scan_fixture(name: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "--terraform-plan", "plan.json", "--tf-root", "."];
    args.extend_from_slice(extra);
    soc2scan_in(&fixture(name), &args)
}

const S3_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    (
        "aws-s3-account-public-access-block-off",
        "aws_s3_account_public_access_block.this",
        "fail",
    ),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.data", "pass"),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.website", "fail"),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.dropbox", "fail"),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket.reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket.tenant[0]",
        "pass",
    ),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket.tenant[1]",
        "pass",
    ),
    (
        "aws-s3-bucket-public-read",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-public-read",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket.legacy_reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
    ("aws-s3-bucket-public-write", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-public-write", "aws_s3_bucket.data", "pass"),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.website",
        "pass",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.tenant[0]",
        "pass",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.tenant[1]",
        "pass",
    ),
    (
        "aws-s3-bucket-public-write",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-public-write",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.legacy_reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.logs",
        "pass",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.data",
        "pass",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.website",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.tenant[0]",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.tenant[1]",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.legacy_reports",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket_policy.uploads",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.logs",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.data",
        "pass",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.website",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.reports",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.tenant[0]",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.tenant[1]",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.legacy_reports",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
    ("aws-s3-bucket-versioning-off", "aws_s3_bucket.logs", "fail"),
    ("aws-s3-bucket-versioning-off", "aws_s3_bucket.data", "pass"),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.website",
        "fail",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.reports",
        "fail",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.tenant[0]",
        "pass",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.tenant[1]",
        "fail",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "pass",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.legacy_reports",
        "pass",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.logs",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.data",
        "pass",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.website",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.reports",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.tenant[0]",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.tenant[1]",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.legacy_reports",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
    ("aws-s3-bucket-acls-enabled", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-acls-enabled", "aws_s3_bucket.data", "pass"),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.website",
        "pass",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.dropbox",
        "fail",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.reports",
        "pass",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.tenant[0]",
        "pass",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.tenant[1]",
        "pass",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "module.archive[\"exports\"].aws_s3_bucket.this",
        "fail",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket.legacy_reports",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-acls-enabled",
        "aws_s3_bucket_policy.uploads",
        "not_evaluated",
    ),
];

const S3_PROVIDER3_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    (
        "aws-s3-account-public-access-block-off",
        "aws_s3_account_public_access_block.this",
        "pass",
    ),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-public-read", "aws_s3_bucket.assets", "pass"),
    (
        "aws-s3-bucket-public-read",
        "aws_s3_bucket.shared",
        "not_evaluated",
    ),
    ("aws-s3-bucket-public-write", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-public-write", "aws_s3_bucket.assets", "pass"),
    (
        "aws-s3-bucket-public-write",
        "aws_s3_bucket.shared",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.logs",
        "fail",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.assets",
        "pass",
    ),
    (
        "aws-s3-bucket-tls-not-enforced",
        "aws_s3_bucket.shared",
        "not_evaluated",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.logs",
        "fail",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.assets",
        "pass",
    ),
    (
        "aws-s3-bucket-access-logging-off",
        "aws_s3_bucket.shared",
        "fail",
    ),
    ("aws-s3-bucket-versioning-off", "aws_s3_bucket.logs", "fail"),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.assets",
        "pass",
    ),
    (
        "aws-s3-bucket-versioning-off",
        "aws_s3_bucket.shared",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.logs",
        "fail",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.assets",
        "pass",
    ),
    (
        "aws-s3-bucket-kms-encryption-off",
        "aws_s3_bucket.shared",
        "fail",
    ),
    ("aws-s3-bucket-acls-enabled", "aws_s3_bucket.logs", "pass"),
    ("aws-s3-bucket-acls-enabled", "aws_s3_bucket.assets", "pass"),
    ("aws-s3-bucket-acls-enabled", "aws_s3_bucket.shared", "pass"),
];

#[test]
fn s3_plan_verdicts_are_exact() {
    // Every S3 rule passes and fails on these buckets: split resources joined by name and
    // by reference, count and a module's for_each, the defaults of new buckets, policies
    // rebuilt from a policy document read during apply; and unknowns — a policy document
    // waiting for an ARN, a log bucket named after a random suffix, an existing bucket's
    // Block Public Access, a bucket outside the plan — not evaluated, naming the attribute.
    for (name, rows) in [
        ("s3-plan", S3_PLAN_VERDICTS),
        ("s3-provider3-plan", S3_PROVIDER3_PLAN_VERDICTS),
    ] {
        let output = scan_fixture(name, &["--format", "json", "--fail-on", "none"]);
        assert_eq!(code(&output), 0, "{name}: {}", stderr(&output));
        // The fixtures' KMS key is judged by the KMS rules (data-stores fixture); here
        // only the S3 verdicts.
        let s3: Vec<_> = verdicts(&json_of(&output))
            .into_iter()
            .filter(|(rule, _, _)| rule.starts_with("aws-s3-"))
            .collect();
        assert_eq!(s3, expected(rows), "{name}");
    }
    // Failing critical findings make the exit 1; unknowns never make it 3.
    assert_eq!(code(&scan_fixture("s3-plan", &[])), 1);
}

#[test]
fn s3_unknowns_name_the_attribute_and_leave_other_rules_running() {
    let report = json_of(&scan_fixture(
        "s3-plan",
        &["--format", "json", "--fail-on", "none"],
    ));
    let results = report["results"].as_array().expect("results");
    let message = |rule: &str, resource: &str| {
        results
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["id"] == resource)
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        message("aws-s3-bucket-tls-not-enforced", "aws_s3_bucket.reports"),
        "data.aws_iam_policy_document.reports.statement[0].resources (the policy of \
         aws_s3_bucket_policy.reports) is known only after apply, so whether \
         aws_s3_bucket.reports passes cannot be decided from the plan"
    );
    assert!(message(
        "aws-s3-bucket-access-logging-off",
        "module.archive[\"exports\"].aws_s3_bucket.this"
    )
    .starts_with(
        "module.archive[\"exports\"].aws_s3_bucket_logging.this.target_bucket is known only \
         after apply"
    ));
    assert!(
        message("aws-s3-bucket-acls-enabled", "aws_s3_bucket.legacy_reports").starts_with(
            "aws_s3_bucket.legacy_reports (an existing bucket: its Object Ownership is not in \
             the plan without an aws_s3_bucket_ownership_controls)"
        )
    );
    // The account's Block Public Access (all off) is part of the verdict on the website.
    assert!(
        message("aws-s3-bucket-public-read", "aws_s3_bucket.website")
            .contains("policy statement \"PublicRead\" allows s3:GetObject to everyone")
    );
}

/// Exact `.tf` file:line locations of S3 results, the module's included.
#[test]
fn s3_results_point_at_the_tf_file_and_line_of_their_block() {
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &fixture("s3-plan"),
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (rule, address, uri, line) in [
        (
            "aws-s3-account-public-access-block-off",
            "aws_s3_account_public_access_block.this",
            "main.tf",
            14,
        ),
        (
            "aws-s3-bucket-public-read",
            "aws_s3_bucket.website",
            "main.tf",
            141,
        ),
        (
            "aws-s3-bucket-public-write",
            "aws_s3_bucket.dropbox",
            "main.tf",
            169,
        ),
        (
            "aws-s3-bucket-versioning-off",
            "aws_s3_bucket.tenant[1]",
            "main.tf",
            221,
        ),
        (
            "aws-s3-bucket-access-logging-off",
            "aws_s3_bucket.legacy_reports",
            "main.tf",
            246,
        ),
        // A bucket outside the plan is where the resource that names it is.
        (
            "aws-s3-bucket-tls-not-enforced",
            "aws_s3_bucket_policy.uploads",
            "main.tf",
            252,
        ),
        (
            "aws-s3-bucket-acls-enabled",
            "module.archive[\"audit\"].aws_s3_bucket.this",
            "modules/archive/main.tf",
            9,
        ),
    ] {
        let (actual_uri, actual_line, message) = location_of(&sarif, rule, address);
        assert_eq!(
            (actual_uri.as_str(), actual_line),
            (uri, line),
            "{rule} {address}"
        );
        // The account's setting is named by its account; buckets by their address.
        let named = if rule == "aws-s3-account-public-access-block-off" {
            "account plan"
        } else {
            address
        };
        assert!(message.contains(named), "{message}");
    }
    let report = json_of(&scan_fixture(
        "s3-provider3-plan",
        &["--format", "json", "--fail-on", "none"],
    ));
    let shared = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["rule_id"] == "aws-s3-bucket-versioning-off"
                && r["resource"]["id"] == "aws_s3_bucket.shared"
        })
        .expect("a versioning result for the shared bucket");
    assert_eq!(
        shared["resource"]["terraform"]["source"],
        serde_json::json!({"file": "main.tf", "line": 62})
    );
    assert_eq!(shared["resource"]["region"], "us-east-1");
}

/// The data-store fixture: KMS keys (one policy rendered from an `aws_iam_policy_document`,
/// one waiting for a role's ARN), DynamoDB tables by `for_each`, EFS file systems with and
/// without backup policies, and AWS Backup plans and vaults from a module called twice.
const DATA_STORES_VERDICTS: &[(&str, &str, &str)] = &[
    ("aws-iam-admin-privileges", "aws_iam_role.app", "pass"),
    ("aws-kms-key-rotation-off", "aws_kms_key.orders", "pass"),
    ("aws-kms-key-rotation-off", "aws_kms_key.legacy", "fail"),
    ("aws-kms-key-rotation-off", "aws_kms_key.shared", "pass"),
    ("aws-kms-key-policy-public", "aws_kms_key.orders", "pass"),
    ("aws-kms-key-policy-public", "aws_kms_key.legacy", "fail"),
    (
        "aws-kms-key-policy-public",
        "aws_kms_key.shared",
        "not_evaluated",
    ),
    (
        "aws-dynamodb-table-pitr-off",
        "aws_dynamodb_table.app[\"orders\"]",
        "pass",
    ),
    (
        "aws-dynamodb-table-pitr-off",
        "aws_dynamodb_table.app[\"sessions\"]",
        "fail",
    ),
    (
        "aws-dynamodb-table-deletion-protection-off",
        "aws_dynamodb_table.app[\"orders\"]",
        "pass",
    ),
    (
        "aws-dynamodb-table-deletion-protection-off",
        "aws_dynamodb_table.app[\"sessions\"]",
        "fail",
    ),
    (
        "aws-efs-filesystem-unencrypted",
        "aws_efs_file_system.shared",
        "pass",
    ),
    (
        "aws-efs-filesystem-unencrypted",
        "aws_efs_file_system.scratch",
        "fail",
    ),
    (
        "aws-efs-filesystem-unencrypted",
        "aws_efs_file_system.cache",
        "pass",
    ),
    (
        "aws-efs-filesystem-backup-off",
        "aws_efs_file_system.shared",
        "pass",
    ),
    (
        "aws-efs-filesystem-backup-off",
        "aws_efs_file_system.scratch",
        "fail",
    ),
    // One Zone: EFS turns automatic backups on at creation.
    (
        "aws-efs-filesystem-backup-off",
        "aws_efs_file_system.cache",
        "pass",
    ),
    (
        "aws-backup-plan-retention-short",
        "module.backup.aws_backup_plan.this",
        "pass",
    ),
    (
        "aws-backup-plan-retention-short",
        "module.backup_short.aws_backup_plan.this",
        "fail",
    ),
    (
        "aws-backup-vault-lock-off",
        "module.backup.aws_backup_vault.this",
        "pass",
    ),
    (
        "aws-backup-vault-lock-off",
        "module.backup_short.aws_backup_vault.this",
        "fail",
    ),
    // Locked by a configuration that names it by its id, known only after apply.
    (
        "aws-backup-vault-lock-off",
        "aws_backup_vault.reports",
        "pass",
    ),
];

/// `soc2scan scan --terraform-plan plan.json --tf-root . EXTRA…` in a plan fixture's folder.
pub(crate) fn scan_fixture_plan(name: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "--terraform-plan", "plan.json", "--tf-root", "."];
    args.extend_from_slice(extra);
    soc2scan_in(&fixture(name), &args)
}

#[test]
fn data_stores_plan_verdicts_are_exact_and_unknown_policies_name_the_attribute() {
    let output = scan_fixture_plan("data-stores", &["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    assert_eq!(verdicts(&report), expected(DATA_STORES_VERDICTS));
    let shared = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["rule_id"] == "aws-kms-key-policy-public"
                && r["resource"]["id"] == "aws_kms_key.shared"
        })
        .expect("a verdict for the shared key");
    assert!(
        shared["message"]
            .as_str()
            .unwrap_or_default()
            .contains("aws_kms_key.shared.policy is known only after apply"),
        "{shared}"
    );
    let skipped: Vec<&str> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter(|s| s["cause"] == "runtime_only")
        .filter_map(|s| s["id"].as_str())
        .collect();
    for rule in ["aws-kms-key-pending-deletion", "aws-backup-no-plan"] {
        assert!(
            skipped.contains(&rule),
            "{rule} is runtime-only: {skipped:?}"
        );
    }
    assert_eq!(
        report["snapshot"]["terraform_plan"]["ignored_types"],
        serde_json::json!({}),
        "every type of the fixture is mapped"
    );
    // The failures are high and above (an unencrypted file system, a public key policy).
    assert_eq!(code(&scan_fixture_plan("data-stores", &[])), 1);
}

#[test]
fn data_store_results_point_at_the_tf_file_and_line_of_their_block() {
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &fixture("data-stores"),
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (rule, address, uri, line) in [
        (
            "aws-kms-key-policy-public",
            "aws_kms_key.legacy",
            "main.tf",
            34,
        ),
        (
            "aws-dynamodb-table-pitr-off",
            "aws_dynamodb_table.app[\"sessions\"]",
            "main.tf",
            80,
        ),
        (
            "aws-efs-filesystem-backup-off",
            "aws_efs_file_system.scratch",
            "main.tf",
            115,
        ),
        (
            "aws-backup-plan-retention-short",
            "module.backup_short.aws_backup_plan.this",
            "modules/backup/main.tf",
            25,
        ),
        (
            "aws-backup-vault-lock-off",
            "module.backup_short.aws_backup_vault.this",
            "modules/backup/main.tf",
            13,
        ),
    ] {
        let (actual_uri, actual_line, message) = location_of(&sarif, rule, address);
        assert_eq!(
            (actual_uri.as_str(), actual_line),
            (uri, line),
            "{rule} {address}"
        );
        assert!(message.contains(address), "{message}");
    }
    validate_sarif(&serde_json::to_string(&sarif).expect("SARIF"));
}

// ---------------------------------------------------------------------------------------
// Secrets Manager: rotation on plans (tests/fixtures/terraform/secrets-plan)
// ---------------------------------------------------------------------------------------

const SECRETS_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    // Every 30 days.
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.orders_db",
        "pass",
    ),
    // No rotation resource.
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.legacy",
        "fail",
    ),
    // rate(365 days).
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.yearly",
        "fail",
    ),
    // Each joined by the rotation of the same index, weekly.
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.tenant[0]",
        "pass",
    ),
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.tenant[1]",
        "pass",
    ),
    // Its interval is known only after apply.
    (
        "aws-secretsmanager-rotation-off",
        "aws_secretsmanager_secret.reporting",
        "not_evaluated",
    ),
];

#[test]
fn secrets_plan_verdicts_are_exact_and_an_unknown_interval_names_the_attribute() {
    let dir = fixture("secrets-plan");
    let output = scan_fixture_plan("secrets-plan", &["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    let mut actual: Vec<(String, String, String)> = verdicts(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("aws-secretsmanager-"))
        .collect();
    actual.sort();
    let mut wanted = expected(SECRETS_PLAN_VERDICTS);
    wanted.sort();
    assert_eq!(actual, wanted);
    let reporting = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["resource"]["id"] == "aws_secretsmanager_secret.reporting")
        .expect("a verdict for the reporting secret");
    assert!(
        reporting["message"].as_str().unwrap_or_default().contains(
            "aws_secretsmanager_secret_rotation.reporting.rotation_rules.automatically_after_days is known only after apply"
        ),
        "{reporting}"
    );
    let skipped: Vec<&str> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter(|s| s["cause"] == "runtime_only")
        .filter_map(|s| s["id"].as_str())
        .collect();
    for rule in [
        "aws-config-recorder-off",
        "aws-guardduty-off",
        "aws-securityhub-off",
        "aws-acm-certificate-expiring",
    ] {
        assert!(
            skipped.contains(&rule),
            "{rule} is runtime-only: {skipped:?}"
        );
    }
    assert!(!skipped.contains(&"aws-secretsmanager-rotation-off"));
    assert_eq!(
        report["snapshot"]["terraform_plan"]["ignored_types"],
        serde_json::json!({}),
        "every type of the fixture is mapped"
    );

    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &dir,
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (address, line) in [
        ("aws_secretsmanager_secret.legacy", 26),
        ("aws_secretsmanager_secret.yearly", 31),
    ] {
        let (uri, actual_line, message) =
            location_of(&sarif, "aws-secretsmanager-rotation-off", address);
        assert_eq!((uri.as_str(), actual_line), ("main.tf", line), "{address}");
        assert!(message.contains(address), "{message}");
    }
    validate_sarif(&serde_json::to_string(&sarif).expect("SARIF"));
}

// ---------------------------------------------------------------------------------------
// CloudTrail, CloudWatch Logs and CloudWatch: tests/fixtures/terraform/trail-plan
// ---------------------------------------------------------------------------------------

/// Every verdict of the CloudTrail, CloudWatch Logs and CloudWatch rules on the trail plan.
const TRAIL_PLAN_VERDICTS: &[(&str, &str, &str)] = &[
    (
        "aws-cloudtrail-log-validation-off",
        "aws_cloudtrail.main",
        "pass",
    ),
    (
        "aws-cloudtrail-log-validation-off",
        "aws_cloudtrail.legacy",
        "fail",
    ),
    (
        "aws-cloudtrail-log-validation-off",
        "aws_cloudtrail.pending",
        "pass",
    ),
    ("aws-cloudtrail-kms-off", "aws_cloudtrail.main", "pass"),
    ("aws-cloudtrail-kms-off", "aws_cloudtrail.legacy", "fail"),
    // `kms_key_id = aws_kms_key.logs.arn`: known only after apply.
    (
        "aws-cloudtrail-kms-off",
        "aws_cloudtrail.pending",
        "not_evaluated",
    ),
    (
        "aws-cloudtrail-cloudwatch-off",
        "aws_cloudtrail.main",
        "pass",
    ),
    (
        "aws-cloudtrail-cloudwatch-off",
        "aws_cloudtrail.legacy",
        "fail",
    ),
    (
        "aws-cloudtrail-cloudwatch-off",
        "aws_cloudtrail.pending",
        "not_evaluated",
    ),
    (
        "aws-logs-group-retention-short",
        "aws_cloudwatch_log_group.trail",
        "pass",
    ),
    (
        "aws-logs-group-retention-short",
        "aws_cloudwatch_log_group.app",
        "fail",
    ),
    // `retention_in_days` 0: never expire.
    (
        "aws-logs-group-retention-short",
        "aws_cloudwatch_log_group.forever",
        "pass",
    ),
    (
        "aws-logs-group-kms-off",
        "aws_cloudwatch_log_group.trail",
        "not_evaluated",
    ),
    (
        "aws-logs-group-kms-off",
        "aws_cloudwatch_log_group.app",
        "fail",
    ),
    (
        "aws-logs-group-kms-off",
        "aws_cloudwatch_log_group.forever",
        "pass",
    ),
    (
        "aws-cloudwatch-alarm-no-action",
        "aws_cloudwatch_metric_alarm.root_use",
        "pass",
    ),
    (
        "aws-cloudwatch-alarm-no-action",
        "aws_cloudwatch_metric_alarm.quiet",
        "fail",
    ),
    (
        "aws-cloudwatch-alarm-no-action",
        "aws_cloudwatch_metric_alarm.paging",
        "not_evaluated",
    ),
];

#[test]
fn trail_plan_verdicts_are_exact_and_unknowns_name_the_attribute() {
    let output = scan_fixture_plan("trail-plan", &["--format", "json", "--fail-on", "none"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    let ours: Vec<(String, String, String)> = verdicts(&report)
        .into_iter()
        .filter(|(rule, _, _)| {
            ["aws-cloudtrail-", "aws-logs-", "aws-cloudwatch-"]
                .iter()
                .any(|prefix| rule.starts_with(prefix))
        })
        .collect();
    assert_eq!(ours, expected(TRAIL_PLAN_VERDICTS));
    let message = |rule: &str, id: &str| {
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["rule_id"] == rule && r["resource"]["id"] == id)
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    for (rule, id, attribute) in [
        (
            "aws-cloudtrail-kms-off",
            "aws_cloudtrail.pending",
            "aws_cloudtrail.pending.kms_key_id",
        ),
        (
            "aws-cloudtrail-cloudwatch-off",
            "aws_cloudtrail.pending",
            "aws_cloudtrail.pending.cloud_watch_logs_group_arn",
        ),
        (
            "aws-logs-group-kms-off",
            "aws_cloudwatch_log_group.trail",
            "aws_cloudwatch_log_group.trail.kms_key_id",
        ),
        (
            "aws-cloudwatch-alarm-no-action",
            "aws_cloudwatch_metric_alarm.paging",
            "aws_cloudwatch_metric_alarm.paging.alarm_actions",
        ),
    ] {
        let text = message(rule, id);
        assert!(
            text.contains(&format!("{attribute} is known only after apply")),
            "{rule} {id}: {text}"
        );
    }
    let skipped: Vec<&str> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter(|s| s["cause"] == "runtime_only")
        .filter_map(|s| s["id"].as_str())
        .collect();
    for rule in [
        "aws-cloudtrail-multi-region-off",
        "aws-cloudtrail-s3-data-events-off",
        "aws-cloudtrail-bucket-public",
        "aws-cloudwatch-security-alarms-missing",
    ] {
        assert!(
            skipped.contains(&rule),
            "{rule} is runtime-only: {skipped:?}"
        );
    }
    assert_eq!(
        report["snapshot"]["terraform_plan"]["ignored_types"],
        serde_json::json!({"aws_sns_topic": 1}),
        "only the SNS topic is not mapped"
    );
}

#[test]
fn trail_plan_results_point_at_the_tf_file_and_line_of_their_block() {
    let sarif = sarif_results(
        &["--format", "sarif", "--fail-on", "none"],
        &fixture("trail-plan"),
        &["scan", "--terraform-plan", "plan.json", "--tf-root", "."],
    );
    for (rule, address, line) in [
        (
            "aws-cloudtrail-log-validation-off",
            "aws_cloudtrail.legacy",
            35,
        ),
        ("aws-cloudtrail-kms-off", "aws_cloudtrail.legacy", 35),
        (
            "aws-logs-group-retention-short",
            "aws_cloudwatch_log_group.app",
            57,
        ),
        (
            "aws-cloudwatch-alarm-no-action",
            "aws_cloudwatch_metric_alarm.quiet",
            81,
        ),
    ] {
        let (uri, actual_line, message) = location_of(&sarif, rule, address);
        assert_eq!(
            (uri.as_str(), actual_line),
            ("main.tf", line),
            "{rule} {address}"
        );
        assert!(message.contains(address), "{message}");
    }
    validate_sarif(&serde_json::to_string(&sarif).expect("SARIF"));
}

#[path = "terraform_edge.rs"]
mod edge;
