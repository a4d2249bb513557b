//! `soc2scan scan aws` and `soc2scan snapshot aws` end to end: the real binary, the real AWS
//! SDK, a real moto server over loopback, seeded by `tests/support/seed_moto.py`.
//!
//! Without moto (no `SOC2SCAN_MOTO_PYTHON`, no venv from `.ci/test`) these tests print a
//! note and pass, except under CI, where they fail.

#![cfg(feature = "aws")]

#[path = "../support/moto.rs"]
mod moto_server;

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
        seeded["canary_secret_access_key"]
            .as_str()
            .expect("canary secret key"),
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
    // Enforcement is server-wide: this test gets its own server and turns it on after seeding.
    let moto = start_moto(&python, &[("INITIAL_NO_AUTH_ACTION_COUNT", "1000000")]);
    let seeded = seed(&python, &moto, &["--restricted-user"]);
    let (status, body) =
        http(moto.port, "POST", "/moto-api/reset-auth", &[], "0").expect("moto answers");
    assert_eq!(status, 200, "enabling IAM enforcement: {body}");
    let restricted = &seeded["restricted"];
    let keys = (
        restricted["access_key_id"].as_str().expect("key id"),
        restricted["secret_access_key"].as_str().expect("secret"),
    );
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
    let volume_rules = [
        "aws-ec2-ebs-volume-unencrypted",
        "aws-ec2-ebs-volume-no-recent-backup",
    ];
    let volume_verdicts: Vec<&Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| volume_rules.contains(&r["rule_id"].as_str().unwrap_or_default()))
        .collect();
    assert!(
        !volume_verdicts.is_empty(),
        "the volume rules report the gap"
    );
    for verdict in &volume_verdicts {
        assert_eq!(
            verdict["verdict"], "not_evaluated",
            "never a pass without data: {verdict}"
        );
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
    assert!(notifications.contains("access_denied"), "{notifications}");
    assert!(!sarif_text.contains(keys.1), "no secret in the SARIF");
}
