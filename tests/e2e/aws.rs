//! `soc2scan scan aws` and `soc2scan snapshot aws` end to end: the real binary, the real AWS
//! SDK, a real moto server over loopback, seeded by `tests/support/seed_moto.py`.
//!
//! Without moto (no `SOC2SCAN_MOTO_PYTHON`, no venv from `.ci/test`) these tests print a
//! note and pass, except under CI, where they fail.

#![cfg(feature = "aws")]

#[path = "../support/fault_proxy.rs"]
mod fault_proxy;
#[path = "../support/moto.rs"]
pub(crate) mod moto_server;

use crate::common::*;
use moto_server::{http, moto_python, start_moto, Moto};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const REGIONS: &str = "eu-west-1,us-east-1";

fn seed(python: &Path, moto: &Moto, extra: &[&str]) -> Value {
    let output = Command::new(python)
        .arg(root().join("tests/support/seed_moto.py"))
        .args(["--endpoint", &moto.endpoint(), "--regions", REGIONS])
        .args(extra)
        .output()
        .expect("the seeding script runs");
    assert!(
        output.status.success(),
        "seeding failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("the seeding script prints JSON")
}

/// A moto server of its own (IAM enforcement is server-wide), seeded, with enforcement on
/// after seeding; returns it and the keys of the restricted scanning user.
fn enforcing_moto(python: &Path, seed_args: &[&str]) -> (Moto, (String, String)) {
    let moto = start_moto(python, &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")]);
    let mut args = vec!["--restricted-user"];
    args.extend_from_slice(seed_args);
    let seeded = seed(python, &moto, &args);
    let (status, body) =
        http(moto.port, "POST", "/moto-api/reset-auth", &[], "0").expect("moto answers");
    assert_eq!(status, 200, "enabling IAM enforcement: {body}");
    let restricted = &seeded["restricted"];
    let key = |name: &str| {
        restricted[name]
            .as_str()
            .expect("restricted user keys")
            .to_string()
    };
    (moto, (key("access_key_id"), key("secret_access_key")))
}

/// Runs soc2scan against moto with the given credentials.
fn soc2scan_aws(dir: &Path, moto: &Moto, keys: (&str, &str), args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .args(["--endpoint-url", &moto.endpoint(), "--regions", REGIONS])
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", keys.0)
        .env("AWS_SECRET_ACCESS_KEY", keys.1)
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS")
        .output()
        .expect("the soc2scan binary runs")
}

/// (rule, resource or scope, verdict) of every result in a JSON report.
fn verdicts(report: &Value) -> BTreeSet<(String, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            let subject = result["resource"]["id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| result["scope"].to_string());
            (
                result["rule_id"].as_str().unwrap_or_default().to_string(),
                subject,
                result["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not a JSON report ({error}): {}", stderr(output)))
}

#[test]
fn live_scan_snapshot_and_offline_scan_agree_and_leak_no_secrets() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    let seeded = seed(&python, &moto, &["--canary"]);
    let dir = temp_dir();
    let keys = ("testing", "testing");

    let snapshot_path = dir.path().join("snap.json");
    let snapshot_run = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &[
            "snapshot",
            "aws",
            "-o",
            snapshot_path.to_str().expect("utf-8"),
            "--verbose",
        ],
    );
    assert_eq!(code(&snapshot_run), 0, "{}", stderr(&snapshot_run));
    assert!(
        stderr(&snapshot_run).contains("ec2:DescribeVolumes"),
        "--verbose lists calls"
    );

    let offline = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            snapshot_path.to_str().expect("utf-8"),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&offline), 0, "{}", stderr(&offline));
    let live = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &["scan", "aws", "--format", "json", "--fail-on", "none"],
    );
    assert_eq!(code(&live), 0, "{}", stderr(&live));
    let (offline_verdicts, live_verdicts) =
        (verdicts(&json_of(&offline)), verdicts(&json_of(&live)));
    assert!(offline_verdicts.iter().any(|(_, _, v)| v == "fail"));
    assert!(offline_verdicts.iter().any(|(_, _, v)| v == "pass"));
    assert_eq!(
        offline_verdicts, live_verdicts,
        "a snapshot scanned later gives the live scan's verdicts"
    );

    let sarif = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &["scan", "aws", "--format", "sarif", "--fail-on", "none"],
    );
    assert_eq!(code(&sarif), 0, "{}", stderr(&sarif));
    validate_sarif(&stdout(&sarif));
    let category = serde_json::from_slice::<Value>(&sarif.stdout).expect("SARIF")["runs"][0]
        ["automationDetails"]["id"]
        .clone();
    assert_eq!(category, "soc2scan/aws/123456789012/");

    let canaries = [
        seeded["canary_user_data"]
            .as_str()
            .expect("canary user data"),
        "soc2scan-canary-user-data",
        seeded["canary_object_body"]
            .as_str()
            .expect("canary object body"),
        "soc2scan-canary-object-body",
        seeded["canary_secret_access_key"]
            .as_str()
            .expect("canary secret key"),
        seeded["canary_db_password"]
            .as_str()
            .expect("canary database password"),
        "testing",
    ];
    let snapshot_text = std::fs::read_to_string(&snapshot_path).expect("snapshot");
    let outputs = [
        ("snapshot file", snapshot_text),
        ("snapshot stderr", stderr(&snapshot_run)),
        ("JSON report", stdout(&live)),
        ("live stderr", stderr(&live)),
        ("SARIF", stdout(&sarif)),
        ("offline report", stdout(&offline)),
    ];
    for (name, text) in &outputs {
        for canary in canaries {
            assert!(
                !text.contains(canary),
                "{name} contains the secret {canary:?}"
            );
        }
    }
}

#[test]
fn a_denied_call_is_a_coverage_gap_that_the_exit_code_and_sarif_show() {
    let Some(python) = moto_python() else { return };
    let (moto, keys) = enforcing_moto(&python, &[]);
    let keys = (keys.0.as_str(), keys.1.as_str());
    let dir = temp_dir();
    let sarif_path = dir.path().join("results.sarif");
    let output = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &[
            "scan",
            "aws",
            "--output",
            &format!("sarif={}", sarif_path.display()),
            "--output",
            "json",
        ],
    );
    assert_eq!(
        code(&output),
        3,
        "a coverage gap makes the scan incomplete: {}",
        stderr(&output)
    );
    let report = json_of(&output);
    // The restricted user may not list volumes or DB instances.
    let volume_rules = [
        "aws-ec2-ebs-volume-unencrypted",
        "aws-ec2-ebs-volume-no-recent-backup",
        "aws-rds-instance-public",
        "aws-rds-instance-unencrypted",
        "aws-rds-instance-backup-retention-short",
        "aws-rds-instance-deletion-protection-off",
        "aws-rds-instance-single-az",
        "aws-rds-instance-log-exports-off",
    ];
    let volume_verdicts: Vec<&Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| volume_rules.contains(&r["rule_id"].as_str().unwrap_or_default()))
        .collect();
    for rule in volume_rules {
        assert!(
            volume_verdicts.iter().any(|v| v["rule_id"] == rule),
            "{rule} reports the gap"
        );
    }
    for verdict in &volume_verdicts {
        assert_eq!(
            verdict["verdict"], "not_evaluated",
            "never a pass without data: {verdict}"
        );
    }
    // The restricted user may not list KMS keys: every KMS rule reports the gap, and none
    // passes.
    let kms_verdicts: Vec<&Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| {
            r["rule_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("aws-kms-"))
        })
        .collect();
    assert_eq!(
        kms_verdicts.len(),
        3 * 2,
        "three rules, two regions: {kms_verdicts:#?}"
    );
    for verdict in &kms_verdicts {
        assert_eq!(verdict["verdict"], "not_evaluated", "{verdict}");
    }
    assert!(
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|r| r["verdict"] == "pass"),
        "the rest of the scan went on"
    );
    let sarif_text = std::fs::read_to_string(&sarif_path).expect("SARIF written");
    validate_sarif(&sarif_text);
    let sarif: Value = serde_json::from_str(&sarif_text).expect("SARIF");
    let notifications =
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notifications.contains("ebs_volume"), "{notifications}");
    assert!(notifications.contains("rds_db_instance"), "{notifications}");
    // The RDS kinds the user may list were collected and judged.
    assert!(
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|r| r["rule_id"] == "aws-rds-cluster-unencrypted" && r["verdict"] == "fail"),
        "the unencrypted seeded cluster fails"
    );
    assert!(notifications.contains("access_denied"), "{notifications}");
    assert!(!sarif_text.contains(keys.1), "no secret in the SARIF");
}

#[test]
fn a_denied_s3_listing_leaves_exactly_the_s3_bucket_rules_not_evaluated_and_exits_3() {
    let Some(python) = moto_python() else { return };
    let (moto, keys) = enforcing_moto(
        &python,
        &["--restricted-deny-action", "s3:ListAllMyBuckets"],
    );
    let keys = (keys.0.as_str(), keys.1.as_str());
    let dir = temp_dir();
    let output = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &[
            "scan",
            "aws",
            "--services",
            "s3",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let report = json_of(&output);
    let s3_bucket_rules: BTreeSet<&str> = soc2scan_rules::all_rules()
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| {
            meta.service() == "s3"
                && meta
                    .targets
                    .contains(&soc2scan_providers::model::ResourceKind::S3Bucket)
        })
        .map(|meta| meta.id)
        .collect();
    assert_eq!(s3_bucket_rules.len(), 7);
    // Each bucket rule once, not evaluated, for the account's buckets as a whole; the
    // account's Block Public Access (readable) fails; nothing else ran.
    let scope = serde_json::json!({
        "account": "123456789012", "kind": "s3_bucket", "provider": "aws", "region": "global",
    })
    .to_string();
    let mut expected: BTreeSet<(String, String, String)> = s3_bucket_rules
        .iter()
        .map(|rule| (rule.to_string(), scope.clone(), "not_evaluated".to_string()))
        .collect();
    expected.insert((
        "aws-s3-account-public-access-block-off".to_string(),
        "arn:aws:s3::123456789012:account-public-access-block".to_string(),
        "fail".to_string(),
    ));
    assert_eq!(verdicts(&report), expected);
    let gaps = report["coverage_gaps"].as_array().expect("coverage gaps");
    assert_eq!(
        gaps.len(),
        8,
        "the bucket kind and its seven parts: {gaps:#?}"
    );
    for gap in gaps {
        assert_eq!(gap["failure"], "access_denied", "{gap}");
        assert!(
            gap["message"]
                .as_str()
                .unwrap_or_default()
                .contains("s3:ListAllMyBuckets"),
            "{gap}"
        );
    }
}

/// What the fault proxy does with one AWS operation.
#[derive(Clone, Copy)]
enum Fault {
    /// Answer every attempt with EC2's `RequestLimitExceeded` (throttling that outlasts the
    /// SDK's retries).
    Throttle,
    /// Never answer (a call that outlasts `--timeout`).
    Stall,
}

/// A loopback HTTP proxy in front of moto: requests whose `Action=` is listed get the fault,
/// the rest are forwarded.
fn start_fault_proxy(upstream: u16, faults: &'static [(&'static str, Fault)]) -> u16 {
    fault_proxy::start_proxy(upstream, move |request| {
        let text = String::from_utf8_lossy(request);
        match faults
            .iter()
            .find(|(action, _)| text.contains(&format!("Action={action}&")))
            .map(|(_, fault)| *fault)
        {
            None => fault_proxy::Answer::Forward,
            Some(Fault::Stall) => fault_proxy::Answer::Stall,
            Some(Fault::Throttle) => {
                let body = "<Response><Errors><Error><Code>RequestLimitExceeded</Code>\
                    <Message>Request limit exceeded.</Message></Error></Errors>\
                    <RequestID>soc2scan-fault-proxy</RequestID></Response>";
                fault_proxy::Answer::Respond(
                    format!(
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/xml\r\n\
                         Content-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes(),
                )
            }
        }
    })
}

#[test]
fn throttling_and_timeouts_become_gaps_for_exactly_the_units_affected() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    seed(&python, &moto, &[]);
    let proxy = start_fault_proxy(
        moto.port,
        &[
            ("DescribeVolumes", Fault::Stall),
            ("DescribeSnapshots", Fault::Throttle),
        ],
    );
    let proxied = Moto::external(proxy);
    let dir = temp_dir();
    let started = std::time::Instant::now();
    let output = soc2scan_aws(
        dir.path(),
        &proxied,
        ("testing", "testing"),
        &[
            "scan",
            "aws",
            "--timeout",
            "8",
            // A call throttled through its whole attempt budget is a `throttled` gap; the
            // default budget (12 attempts, about 30 s of backoff) would outlast --timeout 8
            // and make it a timeout.
            "--max-attempts",
            "3",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        started.elapsed().as_secs() < 60,
        "--timeout bounds the scan"
    );
    let report = json_of(&output);
    let gaps = report["coverage_gaps"].as_array().expect("coverage gaps");
    let failure_of = |kind: &str| -> BTreeSet<String> {
        gaps.iter()
            .filter(|gap| gap["unit"]["kind"] == kind)
            .map(|gap| gap["failure"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        failure_of("ebs_volume"),
        BTreeSet::from(["timeout".to_string()]),
        "{gaps:#?}"
    );
    assert_eq!(
        failure_of("ebs_snapshot"),
        BTreeSet::from(["throttled".to_string()]),
        "{gaps:#?}"
    );
    assert_eq!(
        gaps.len(),
        4,
        "two regions × two units, nothing else: {gaps:#?}"
    );
    let results = report["results"].as_array().expect("results");
    for result in results {
        let rule = result["rule_id"].as_str().unwrap_or_default();
        if rule.starts_with("aws-ec2-ebs-volume") || rule.starts_with("aws-ec2-ebs-snapshot") {
            assert_eq!(result["verdict"], "not_evaluated", "{result}");
        }
    }
    assert!(
        results
            .iter()
            .any(|r| r["rule_id"] == "aws-ec2-sg-admin-ports-public"
                && r["verdict"] != "not_evaluated"),
        "the other units were collected"
    );
}

#[test]
fn an_account_that_cannot_be_opened_is_a_gap_while_the_others_are_scanned() {
    let Some(python) = moto_python() else { return };
    let blocked = "arn:aws:iam::222222222222:role/soc2scan-audit";
    let (moto, keys) = enforcing_moto(&python, &["--restricted-deny-role", blocked]);
    let keys = (keys.0.as_str(), keys.1.as_str());
    let dir = temp_dir();
    let output = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &[
            "scan",
            "aws",
            "--role-arn",
            "arn:aws:iam::111111111111:role/soc2scan-audit",
            "--role-arn",
            blocked,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(
        code(&output),
        3,
        "the run goes on and is incomplete: {}",
        stderr(&output)
    );
    let report = json_of(&output);
    let accounts: BTreeSet<&str> = report["snapshot"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(|t| t["account"].as_str())
        .collect();
    assert_eq!(accounts, BTreeSet::from(["111111111111", "222222222222"]));
    let blocked_gaps: Vec<&Value> = report["coverage_gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter(|gap| gap["unit"]["account"] == "222222222222")
        .collect();
    // Every account-wide AWS unit once, and every regional one in each of the two regions.
    let (regional, account_wide): (Vec<&soc2scan_providers::model::ResourceKind>, Vec<_>) =
        soc2scan_providers::model::ResourceKind::ALL
            .iter()
            .filter(|kind| kind.provider() == soc2scan_providers::model::Provider::Aws)
            .partition(|kind| {
                kind.collection_scope() == soc2scan_providers::model::CollectionScope::Regional
            });
    assert_eq!(
        blocked_gaps.len(),
        account_wide.len() + 2 * regional.len(),
        "{blocked_gaps:#?}"
    );
    for gap in blocked_gaps {
        let message = gap["message"].as_str().unwrap_or_default();
        assert!(message.contains("could not be opened"), "{message}");
    }
}

/// `soc2scan scan aws gcp`: moto and the Cloud Storage stand-in at the same time, one
/// collection, one report and one SARIF run naming every account and project.
#[cfg(feature = "gcp")]
#[test]
fn aws_and_gcp_scanned_together_make_one_report() {
    use crate::gcs::gcs_standin::start_in_background;
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    seed(&python, &moto, &[]);
    let standin = start_in_background(crate::gcs::fixture());
    let dir = temp_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args([
            "scan",
            "aws",
            "gcp",
            "-o",
            "json",
            "-o",
            "sarif=both.sarif",
            "--verbose",
        ])
        .args(["--endpoint-url", &moto.endpoint(), "--regions", REGIONS])
        .args([
            "--project",
            "acme-web",
            "--gcp-endpoint",
            &standin.endpoint,
            "--gcp-anonymous",
        ])
        .current_dir(dir.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the soc2scan binary runs");
    // The seeded AWS account has high-severity failures; nothing is missing.
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let log = stderr(&output);
    assert!(
        log.contains("(aws 123456789012 (eu-west-1, us-east-1), gcp acme-web)")
            || log.contains("aws 123456789012, gcp acme-web"),
        "{log}"
    );
    assert!(
        log.contains("ec2:DescribeVolumes") && log.contains("storage:GetIamPolicy"),
        "{log}"
    );
    let report = json_of(&output);
    let results = verdicts(&report);
    let failing = |prefix: &str| {
        results
            .iter()
            .filter(|(rule, _, verdict)| rule.starts_with(prefix) && verdict == "fail")
            .count()
    };
    assert!(failing("aws-") > 0, "AWS findings in the report");
    let gcs_failures = crate::gcs::expected_verdicts_of_project("acme-web")
        .values()
        .filter(|verdict| *verdict == "fail")
        .count();
    assert_eq!(failing("gcp-gcs-"), gcs_failures, "acme-web's GCS failures");
    let sarif = std::fs::read_to_string(dir.path().join("both.sarif")).expect("SARIF written");
    validate_sarif(&sarif);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF");
    assert_eq!(sarif["runs"].as_array().map(Vec::len), Some(1));
    let category = sarif["runs"][0]["automationDetails"]["id"]
        .as_str()
        .unwrap_or_default();
    for part in ["aws", "gcp", "123456789012", "acme-web"] {
        assert!(category.contains(part), "category {category} names {part}");
    }
}

#[test]
fn services_selection_collects_only_those_services_and_skips_the_others_rules() {
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    seed(&python, &moto, &[]);
    let dir = temp_dir();
    let keys = ("testing", "testing");
    // Every AWS rule of a service other than EC2: skipped when only EC2 is collected.
    let non_ec2_rules: BTreeSet<&str> = soc2scan_rules::all_rules()
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.id.starts_with("aws-") && meta.service() != "ec2")
        .map(|meta| meta.id)
        .collect();
    assert!(non_ec2_rules.len() >= 5);

    // --services ec2: not one IAM or RDS call, no IAM or RDS unit, and every IAM and RDS
    // rule skipped as not collected — in the snapshot, and in a live scan.
    let snapshot_path = dir.path().join("ec2-only.json");
    let run = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &[
            "snapshot",
            "aws",
            "--services",
            "ec2",
            "-o",
            snapshot_path.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot_path).expect("snapshot"))
            .expect("JSON");
    let calls = snapshot["metadata"]["api_calls"]
        .as_object()
        .expect("api_calls");
    assert!(calls.keys().any(|op| op.starts_with("ec2:")), "{calls:?}");
    assert!(
        !calls
            .keys()
            .any(|op| op.starts_with("iam:") || op.starts_with("rds:")),
        "{calls:?}"
    );
    assert!(snapshot["coverage"]
        .as_array()
        .expect("coverage")
        .iter()
        .all(|entry| {
            let kind = entry["unit"]["kind"].as_str().unwrap_or_default();
            !kind.starts_with("iam_") && !kind.starts_with("rds_")
        }));
    for args in [
        vec![
            "scan",
            "--snapshot",
            snapshot_path.to_str().expect("utf-8"),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        vec![
            "scan",
            "aws",
            "--services",
            "ec2",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    ] {
        let output = if args[1] == "aws" {
            soc2scan_aws(dir.path(), &moto, keys, &args)
        } else {
            soc2scan_in(dir.path(), &args)
        };
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        let report = json_of(&output);
        let skipped: BTreeSet<&str> = report["skipped_rules"]
            .as_array()
            .expect("skipped_rules")
            .iter()
            .filter(|s| s["cause"] == "not_collected")
            .filter(|s| s["id"].as_str().is_some_and(|id| id.starts_with("aws-")))
            .map(|s| s["id"].as_str().expect("id"))
            .collect();
        assert_eq!(skipped, non_ec2_rules, "{args:?}");
        assert!(verdicts(&report)
            .iter()
            .all(|(rule, _, _)| !non_ec2_rules.contains(rule.as_str())));
        assert!(verdicts(&report)
            .iter()
            .any(|(rule, _, _)| rule.starts_with("aws-ec2-")));
    }

    // [aws] services in soc2scan.toml: IAM only — no EC2 or RDS call at all, not even for regions.
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[aws]\nservices = [\"iam\"]\n",
    )
    .expect("config");
    let iam_only = dir.path().join("iam-only.json");
    let run = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &["snapshot", "aws", "-o", iam_only.to_str().expect("utf-8")],
    );
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&iam_only).expect("snapshot")).expect("JSON");
    let calls = snapshot["metadata"]["api_calls"]
        .as_object()
        .expect("api_calls");
    assert!(calls.keys().any(|op| op.starts_with("iam:")), "{calls:?}");
    assert!(
        !calls
            .keys()
            .any(|op| op.starts_with("ec2:") || op.starts_with("rds:")),
        "{calls:?}"
    );

    // Unknown names are usage errors that list the valid ones, from the flag or the file.
    let bogus = soc2scan_aws(
        dir.path(),
        &moto,
        keys,
        &["scan", "aws", "--services", "ec2,bogus"],
    );
    assert_eq!(code(&bogus), 2, "{}", stderr(&bogus));
    assert!(stdout(&bogus).is_empty());
    assert!(
        stderr(&bogus).contains(&format!(
            "--services: \"bogus\" is not an AWS service soc2scan collects; choose from {}",
            soc2scan_providers::aws::service_names().join(", ")
        )),
        "{}",
        stderr(&bogus)
    );
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[aws]\nservices = [\"s4\"]\n",
    )
    .expect("config");
    let bogus = soc2scan_aws(dir.path(), &moto, keys, &["scan", "aws"]);
    assert_eq!(code(&bogus), 2, "{}", stderr(&bogus));
    assert!(
        stderr(&bogus).contains("[aws] services in soc2scan.toml: \"s4\""),
        "{}",
        stderr(&bogus)
    );
}
