//! `soc2scan scan gcp` / `snapshot gcp` end to end: the real google-cloud-storage client
//! talks gRPC over loopback to the stand-in server in `tests/support/gcs_standin.rs`,
//! serving `tests/fixtures/gcs/two-projects.json` with injected faults:
//!
//! - `acme-restricted`: ListBuckets is PERMISSION_DENIED (a gap for the whole project);
//! - `acme-data-denied`: GetIamPolicy is PERMISSION_DENIED (only its IAM rule is not
//!   evaluated);
//! - `acme-data-flaky`: GetIamPolicy is UNAVAILABLE once, then succeeds (retried);
//! - `acme-web`: ListBuckets is UNAVAILABLE once, then succeeds (retried).

#![cfg(feature = "gcp")]

#[path = "../support/gcs_standin.rs"]
pub(crate) mod gcs_standin;

use crate::common::*;
use gcs_standin::{start_in_background, Fixture, StandIn};
use serde_json::Value;
use soc2scan_providers::gcp::{collect, GcpError, GcpScanOptions};
use soc2scan_providers::{CoverageStatus, FailureKind, NoProgress, ResourceKind};
use soc2scan_rules::{all_rules, Engine, RuleRun};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

pub(crate) fn fixture() -> Fixture {
    Fixture::load(&root().join("tests/fixtures/gcs/two-projects.json"))
}

/// The exact verdict of every gcp-gcs-* rule on every bucket of acme-data and acme-web
/// (p = pass, f = fail, n = not evaluated, - = not applicable), in the rule order below.
const RULES: [&str; 8] = [
    "gcp-gcs-access-logging-off",
    "gcp-gcs-bucket-public",
    "gcp-gcs-cmek-off",
    "gcp-gcs-log-bucket-retention-unlocked",
    "gcp-gcs-public-access-prevention-off",
    "gcp-gcs-soft-delete-short",
    "gcp-gcs-uniform-access-off",
    "gcp-gcs-versioning-off",
];
const EXPECTED: [(&str, &str); 8] = [
    ("acme-data-lake", "ppp-pppp"),
    ("acme-data-public-site", "fff-ffff"),
    ("acme-data-partner-drop", "pfppffpp"),
    ("acme-data-denied", "pnp-pppp"),
    ("acme-data-flaky", "ppp-pppp"),
    ("acme-web-assets", "ppf-ppff"),
    ("acme-web-backups", "ppp-pppp"),
    ("acme-web-logs", "fppfpppp"),
];

pub(crate) fn expected_verdicts() -> BTreeMap<(String, String), String> {
    let mut expected = BTreeMap::new();
    for (bucket, verdicts) in EXPECTED {
        for (rule, verdict) in RULES.iter().zip(verdicts.chars()) {
            let verdict = match verdict {
                'p' => "pass",
                'f' => "fail",
                'n' => "not_evaluated",
                _ => continue,
            };
            expected.insert(
                (
                    rule.to_string(),
                    format!("//storage.googleapis.com/projects/_/buckets/{bucket}"),
                ),
                verdict.to_string(),
            );
        }
    }
    expected
}

/// The expected verdicts on one project's buckets (the fixture's bucket names start with
/// the project's).
pub(crate) fn expected_verdicts_of_project(project: &str) -> BTreeMap<(String, String), String> {
    let prefix = format!("//storage.googleapis.com/projects/_/buckets/{project}-");
    expected_verdicts()
        .into_iter()
        .filter(|((_, bucket), _)| bucket.starts_with(&prefix))
        .collect()
}

fn options(standin: &StandIn, projects: &[&str]) -> GcpScanOptions {
    GcpScanOptions {
        projects: projects.iter().map(|p| p.to_string()).collect(),
        endpoint: Some(standin.endpoint.clone()),
        anonymous: true,
        // Two buckets a page, so every project's listing spans pages.
        page_size: 2,
        ..GcpScanOptions::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn the_real_client_collects_every_page_every_policy_and_exactly_the_gaps() {
    let standin = start_in_background(fixture());
    let collection = runtime()
        .block_on(collect(
            &options(&standin, &["acme-data", "acme-web", "acme-restricted"]),
            Arc::new(NoProgress),
        ))
        .expect("collection starts");

    // Coverage: acme-data and acme-web collected (one bucket's policy denied, narrowed to
    // it); acme-restricted denied as a whole.
    let coverage: Vec<(String, &str, Option<String>, String)> = collection
        .coverage
        .iter()
        .map(|entry| {
            let status = match &entry.status {
                CoverageStatus::Ok => "ok".to_string(),
                CoverageStatus::Failed { kind, .. } => kind.as_str().to_string(),
            };
            (
                entry.unit.account.clone(),
                entry.unit.kind.as_str(),
                entry.unit.resource.clone(),
                status,
            )
        })
        .collect();
    let denied_bucket = "//storage.googleapis.com/projects/_/buckets/acme-data-denied".to_string();
    assert_eq!(
        coverage,
        vec![
            ("acme-data".into(), "gcs_bucket", None, "ok".into()),
            (
                "acme-data".into(),
                "gcs_bucket_iam_policy",
                None,
                "ok".into()
            ),
            (
                "acme-data".into(),
                "gcs_bucket_iam_policy",
                Some(denied_bucket),
                "access_denied".into()
            ),
            (
                "acme-restricted".into(),
                "gcs_bucket",
                None,
                "access_denied".into()
            ),
            (
                "acme-restricted".into(),
                "gcs_bucket_iam_policy",
                None,
                "access_denied".into()
            ),
            ("acme-web".into(), "gcs_bucket", None, "ok".into()),
            (
                "acme-web".into(),
                "gcs_bucket_iam_policy",
                None,
                "ok".into()
            ),
        ]
    );
    let messages: Vec<&str> = collection
        .coverage
        .iter()
        .filter_map(|entry| match &entry.status {
            CoverageStatus::Failed { message, .. } => Some(message.as_str()),
            CoverageStatus::Ok => None,
        })
        .collect();
    assert!(
        messages[0].starts_with(
            "storage.buckets.getIamPolicy on projects/_/buckets/acme-data-denied: PERMISSION_DENIED"
        ),
        "{messages:?}"
    );
    assert!(
        messages[1]
            .starts_with("storage.buckets.list on projects/acme-restricted: PERMISSION_DENIED"),
        "{messages:?}"
    );

    // Every page was read: 5 + 3 buckets, two a page; the failed first ListBuckets of
    // acme-web and the failed first GetIamPolicy of acme-data-flaky were retried.
    assert_eq!(collection.resources.len(), 8);
    let calls = standin.calls();
    let list_calls: Vec<&String> = calls
        .iter()
        .filter(|c| c.starts_with("ListBuckets"))
        .collect();
    assert_eq!(list_calls.len(), 3 + 1 + 2 + 1, "{list_calls:?}");
    for token in ["offset-2", "offset-4"] {
        assert!(
            calls.contains(&format!("ListBuckets projects/acme-data {token}")),
            "{calls:?}"
        );
    }
    assert!(calls.contains(&"ListBuckets projects/acme-web offset-2".to_string()));
    let policy_calls = calls
        .iter()
        .filter(|c| c.starts_with("GetIamPolicy"))
        .count();
    assert_eq!(policy_calls, 8 + 1, "{calls:?}");
    assert_eq!(
        collection.api_calls,
        BTreeMap::from([
            ("storage:GetIamPolicy".to_string(), 9),
            ("storage:ListBuckets".to_string(), 7),
        ]),
        "attempts, retries included"
    );
    // The retried policy arrived whole, conditions included.
    let snapshot = collection.into_snapshot("test");
    snapshot
        .validate(Path::new("collected"))
        .expect("a valid snapshot");
    let drop = snapshot
        .resources
        .iter()
        .find(|r| r.name.as_deref() == Some("acme-data-partner-drop"))
        .expect("bucket");
    let soc2scan_providers::ResourceConfig::GcsBucket(config) = &drop.config else {
        panic!("a bucket");
    };
    let binding = &config.iam_policy.as_ref().expect("policy read").bindings[0];
    assert_eq!(binding.members, vec!["allAuthenticatedUsers".to_string()]);
    assert_eq!(
        binding.condition.as_ref().and_then(|c| c.title.as_deref()),
        Some("partner upload window")
    );

    // The same rules as for snapshots: the exact verdict per (rule, bucket).
    let engine = Engine::new(
        all_rules()
            .iter()
            .filter(|rule| rule.meta().id.starts_with("gcp-gcs-"))
            .map(|rule| RuleRun::with_defaults(*rule))
            .collect(),
    );
    let report = engine.evaluate(&snapshot);
    let mut verdicts = BTreeMap::new();
    let mut project_gaps = 0;
    for evaluation in &report.evaluations {
        let rule = report.rule_of(evaluation).rule.meta().id.to_string();
        match report.resource_of(evaluation) {
            Some(resource) => {
                verdicts.insert(
                    (rule, resource.id.clone()),
                    evaluation.verdict.as_str().to_string(),
                );
            }
            None => {
                let unit = report.unit_of(evaluation).expect("a unit");
                assert_eq!(unit.unit.account, "acme-restricted");
                assert_eq!(evaluation.verdict.as_str(), "not_evaluated");
                project_gaps += 1;
            }
        }
    }
    assert_eq!(verdicts, expected_verdicts());
    assert_eq!(
        project_gaps,
        RULES.len(),
        "every rule is not evaluated on acme-restricted"
    );
}

#[test]
fn a_project_whose_every_policy_read_fails_is_one_gap_not_one_per_bucket() {
    let mut fixture = fixture();
    fixture.faults.deny_iam_policy = fixture.projects["acme-web"]
        .iter()
        .map(|b| b.name.clone())
        .collect();
    let standin = start_in_background(fixture);
    let collection = runtime()
        .block_on(collect(
            &options(&standin, &["acme-web"]),
            Arc::new(NoProgress),
        ))
        .expect("collection starts");
    let gaps: Vec<_> = collection.coverage.iter().filter(|e| e.is_gap()).collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].unit.kind, ResourceKind::GcsBucketIamPolicy);
    assert_eq!(gaps[0].unit.resource, None);
    let CoverageStatus::Failed { kind, message } = &gaps[0].status else {
        panic!("a gap");
    };
    assert_eq!(*kind, FailureKind::AccessDenied);
    assert!(message.contains("every bucket (3)"), "{message}");
}

#[test]
fn a_service_that_stays_unavailable_is_retried_then_a_gap() {
    let mut fixture = fixture();
    fixture.faults.unavailable_iam_policy = vec!["acme-web-logs".to_string()];
    let standin = start_in_background(fixture);
    let mut options = options(&standin, &["acme-web"]);
    options.max_attempts = 2;
    let collection = runtime()
        .block_on(collect(&options, Arc::new(NoProgress)))
        .expect("collection starts");
    let gap = collection
        .coverage
        .iter()
        .find(|e| e.is_gap())
        .expect("a gap");
    assert_eq!(
        gap.unit.resource.as_deref(),
        Some("//storage.googleapis.com/projects/_/buckets/acme-web-logs")
    );
    let CoverageStatus::Failed { kind, message } = &gap.status else {
        panic!("a gap");
    };
    assert_eq!(*kind, FailureKind::Error);
    assert!(message.contains("UNAVAILABLE (after retries)"), "{message}");
    let attempts = standin
        .calls()
        .iter()
        .filter(|c| c.as_str() == "GetIamPolicy projects/_/buckets/acme-web-logs")
        .count();
    assert_eq!(attempts, 2);
}

#[test]
fn bad_options_and_unreachable_endpoints_are_clear() {
    let error = runtime()
        .block_on(collect(
            &GcpScanOptions {
                projects: vec!["projects/acme".to_string()],
                anonymous: true,
                ..GcpScanOptions::default()
            },
            Arc::new(NoProgress),
        ))
        .unwrap_err();
    assert!(matches!(error, GcpError::InvalidOptions(_)), "{error}");
    assert!(error.to_string().contains("\"projects/acme\""), "{error}");

    // Nothing listens: every unit is a gap, and the message says why.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let collection = runtime()
        .block_on(collect(
            &GcpScanOptions {
                projects: vec!["acme".to_string()],
                endpoint: Some(format!("http://127.0.0.1:{port}")),
                anonymous: true,
                max_attempts: 1,
                ..GcpScanOptions::default()
            },
            Arc::new(NoProgress),
        ))
        .expect("collection starts");
    assert_eq!(collection.coverage.len(), 2);
    assert!(collection.coverage.iter().all(|e| e.is_gap()));
}

/// Runs soc2scan with an environment that has no Google credentials or default project.
pub(crate) fn soc2scan_gcp(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("CLOUDSDK_CONFIG", dir.join("gcloud"))
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("GOOGLE_CLOUD_PROJECT")
        .env_remove("GCLOUD_PROJECT")
        .env_remove("CLOUDSDK_CORE_PROJECT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS")
        .output()
        .expect("the soc2scan binary runs")
}

fn json_report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not a JSON report ({error}): {}", stderr(output)))
}

/// (rule, resource) → verdict of the bucket results of a JSON report.
fn report_verdicts(report: &Value) -> BTreeMap<(String, String), String> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|result| {
            let id = result["resource"]["id"].as_str()?;
            Some((
                (result["rule_id"].as_str()?.to_string(), id.to_string()),
                result["verdict"].as_str()?.to_string(),
            ))
        })
        .filter(|((rule, _), _)| rule.starts_with("gcp-gcs-"))
        .collect()
}

#[test]
fn scan_gcp_reports_findings_gaps_and_sarif_and_snapshot_scans_the_same() {
    let standin = start_in_background(fixture());
    let dir = temp_dir();
    let endpoint = standin.endpoint.as_str();
    let live = [
        "--project",
        "acme-data,acme-web",
        "--gcp-endpoint",
        endpoint,
        "--gcp-anonymous",
    ];
    let mut args = vec!["scan", "gcp", "-o", "sarif=gcs.sarif", "-o", "json"];
    args.extend(live);
    let output = soc2scan_gcp(dir.path(), &args);
    // Failures at high and a coverage gap: the gap (3) outranks the findings (1).
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let report = json_report(&output);
    assert_eq!(report_verdicts(&report), expected_verdicts());
    let log = stderr(&output);
    assert!(log.contains("gcp acme-data, gcp acme-web"), "{log}");
    assert!(
        log.contains("not collected: gcp/acme-data/global gcs_bucket_iam_policy of //storage.googleapis.com/projects/_/buckets/acme-data-denied (access_denied)"),
        "{log}"
    );
    let sarif = std::fs::read_to_string(dir.path().join("gcs.sarif")).expect("SARIF written");
    validate_sarif(&sarif);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let run = &sarif["runs"][0];
    let category = run["automationDetails"]["id"].as_str().unwrap();
    assert!(
        category.contains("gcp") && category.contains("acme-data") && category.contains("acme-web"),
        "{category}"
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(
        notifications.contains("acme-data-denied"),
        "{notifications}"
    );

    // The same through a snapshot file.
    let mut args = vec!["snapshot", "gcp", "-o", "snap.json"];
    args.extend(live);
    let output = soc2scan_gcp(dir.path(), &args);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let offline = soc2scan_gcp(
        dir.path(),
        &["scan", "--snapshot", "snap.json", "--format", "json"],
    );
    assert_eq!(code(&offline), 3, "{}", stderr(&offline));
    assert_eq!(report_verdicts(&json_report(&offline)), expected_verdicts());
}

#[test]
fn projects_come_from_the_configuration_and_a_missing_project_is_a_clear_error() {
    let standin = start_in_background(fixture());
    let dir = temp_dir();
    // No project anywhere: exit 2, naming the ways to give one, nothing written.
    let output = soc2scan_gcp(
        dir.path(),
        &["scan", "gcp", "--gcp-anonymous", "-o", "sarif=out.sarif"],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("--project"), "{}", stderr(&output));
    assert!(!dir.path().join("out.sarif").exists());

    // Real credentials required but absent: exit 2 with the ways to provide them.
    let output = soc2scan_gcp(
        dir.path(),
        &[
            "scan",
            "gcp",
            "--project",
            "acme-web",
            "--gcp-endpoint",
            &standin.endpoint,
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("GOOGLE_APPLICATION_CREDENTIALS"),
        "{}",
        stderr(&output)
    );

    // Providers and projects from soc2scan.toml.
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        format!(
            "[scan]\nproviders = [\"gcp\"]\n\n[gcp]\nprojects = [\"acme-web\"]\nendpoint = \"{}\"\nanonymous = true\n",
            standin.endpoint
        ),
    )
    .unwrap();
    let output = soc2scan_gcp(dir.path(), &["scan", "--format", "json"]);
    // acme-web: no gaps, and its failures are all below high (the default --fail-on).
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let verdicts = report_verdicts(&json_report(&output));
    assert_eq!(verdicts, expected_verdicts_of_project("acme-web"));

    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[scan]\nproviders = [\"azure\"]\n",
    )
    .unwrap();
    let output = soc2scan_gcp(dir.path(), &["scan"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("soc2scan.toml"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("\"azure\""), "{}", stderr(&output));
}

#[test]
fn credential_files_never_reach_outputs_or_logs() {
    let standin = start_in_background(fixture());
    let dir = temp_dir();
    let canary = "soc2scan-canary-private-key-material";
    let key = dir.path().join("key.json");
    std::fs::write(
        &key,
        format!(
            r#"{{"type": "service_account", "project_id": "acme-web", "private_key_id": "canary-key-id-0123",
                "private_key": "-----BEGIN PRIVATE KEY-----\n{canary}\n-----END PRIVATE KEY-----\n",
                "client_email": "soc2scan@acme-web.iam.gserviceaccount.com", "client_id": "1234567890",
                "token_uri": "http://127.0.0.1:9/token"}}"#
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["snapshot", "gcp", "-o", "snap.json", "--verbose"])
        .args(["--gcp-endpoint", &standin.endpoint])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("CLOUDSDK_CONFIG", dir.path().join("gcloud"))
        .env("GOOGLE_APPLICATION_CREDENTIALS", &key)
        .env_remove("GOOGLE_CLOUD_PROJECT")
        .env_remove("GCLOUD_PROJECT")
        .env_remove("CLOUDSDK_CORE_PROJECT")
        .output()
        .expect("the soc2scan binary runs");
    // The project comes from the key file; the key cannot sign, so nothing is collected:
    // a gap (exit 3) or a start-up error (exit 2), never a clean scan.
    let code = code(&output);
    assert!(code == 3 || code == 2, "exit {code}: {}", stderr(&output));
    let log = format!("{}{}", stdout(&output), stderr(&output));
    let snapshot = std::fs::read_to_string(dir.path().join("snap.json")).unwrap_or_default();
    if code == 3 {
        assert!(
            snapshot.contains("\"acme-web\""),
            "project from the key file"
        );
        assert!(
            snapshot.contains("soc2scan@acme-web.iam.gserviceaccount.com"),
            "identity"
        );
    }
    for secret in [canary, "canary-key-id-0123", "BEGIN PRIVATE KEY"] {
        assert!(!log.contains(secret), "the log contains {secret:?}: {log}");
        assert!(
            !snapshot.contains(secret),
            "the snapshot contains {secret:?}"
        );
    }
}
