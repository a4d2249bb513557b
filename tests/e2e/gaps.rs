//! Fresher facts and safer writes, end to end: every output says when each account's IAM
//! credential report was generated, and several `--output` files are written all or
//! nothing.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The example snapshot with a credential report for account 111122223333 generated 3 h 10
/// min before the scan started (2026-11-20T05:59:00Z), written into `dir`.
fn snapshot_with_report(dir: &Path) -> std::path::PathBuf {
    let mut snapshot: Value =
        serde_json::from_slice(&std::fs::read(example()).expect("example snapshot"))
            .expect("example snapshot is JSON");
    snapshot["resources"]
        .as_array_mut()
        .expect("resources")
        .push(serde_json::json!({
            "id": "arn:aws:iam::111122223333:credential-report",
            "provider": "aws",
            "account": "111122223333",
            "region": "global",
            "config": {"iam_credential_report": {"generated_at": "2026-11-20T02:49:00Z"}}
        }));
    let path = dir.join("with-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&snapshot).unwrap()).unwrap();
    path
}

const SAID: &str = "aws 111122223333: IAM credential report generated 2026-11-20T02:49:00Z (3 h 10 min before the scan)";

/// (rule, subject, verdict) of every result of a JSON report.
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["rule_id"].to_string(),
                r["resource"].to_string() + &r["scope"].to_string(),
                r["verdict"].to_string(),
            )
        })
        .collect()
}

#[test]
fn every_output_says_when_the_credential_report_was_generated() {
    let dir = temp_dir();
    let snapshot = snapshot_with_report(dir.path());
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--output",
            "json=report.json",
            "--output",
            "sarif=report.sarif",
            "--output",
            "markdown=report.md",
            "--output",
            "table=report.txt",
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();

    let table = read("report.txt");
    assert!(table.contains(&format!("Data:      {SAID}\n")), "{table}");
    let markdown = read("report.md");
    assert!(
        markdown.contains(&format!("Data as of: {SAID}")),
        "{markdown}"
    );

    let json: Value = serde_json::from_str(&read("report.json")).unwrap();
    assert_eq!(
        json["snapshot"]["data_as_of"],
        serde_json::json!([{
            "provider": "aws",
            "account": "111122223333",
            "kind": "iam_credential_report",
            "generated_at": "2026-11-20T02:49:00Z",
            "seconds_before_scan": 11400,
            "text": SAID,
        }])
    );

    let sarif_text = read("report.sarif");
    validate_sarif(&sarif_text);
    let sarif: Value = serde_json::from_str(&sarif_text).unwrap();
    let said = &sarif["runs"][0]["invocations"][0]["properties"]["dataAsOf"];
    assert_eq!(said[0]["generatedAt"], "2026-11-20T02:49:00.000Z", "{said}");
    assert_eq!(said[0]["text"], SAID);

    // The verdicts are those of the snapshot without the report time; the days a credential
    // went unused are counted up to the report's generation (03:10 earlier), not the scan.
    let plain = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example().to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(verdicts(&json), verdicts(&plain));
    let message_of = |report: &Value| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["rule_id"] == "aws-iam-credentials-unused"
                    && r["resource"]["name"] == "carol.diaz"
            })
            .map(|r| r["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(
        message_of(&plain).contains("last used 63 days ago"),
        "{}",
        message_of(&plain)
    );
    assert!(
        message_of(&json).contains("last used 62 days ago"),
        "{}",
        message_of(&json)
    );
    // Without a recorded report time, no output mentions one.
    assert!(plain["snapshot"].get("data_as_of").is_none());
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".soc2scan-"))
        .collect()
}

/// Scans the example into `out/report.json` and `out/results.sarif` (and `out/summary.md`)
/// where `out/results.sarif` is a directory, so its rename fails after the JSON report's.
fn scan_with_second_target_blocked(dir: &Path) -> std::process::Output {
    let blocked = dir.join("out/results.sarif");
    std::fs::create_dir_all(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), b"x").unwrap();
    soc2scan_in(
        dir,
        &[
            "scan",
            "--snapshot",
            example().to_str().unwrap(),
            "--output",
            "json=out/report.json",
            "--output",
            "sarif=out/results.sarif",
            "--output",
            "markdown=out/summary.md",
        ],
    )
}

#[test]
fn a_report_file_that_cannot_be_put_in_place_leaves_every_other_as_it_was() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.json"), b"the previous report\n").unwrap();
    let output = scan_with_second_target_blocked(dir.path());
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("out/results.sarif"), "{message}");
    assert!(message.contains("renaming into place"), "{message}");
    assert!(
        message.contains("none of the 3 output files was written or changed"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(out.join("report.json")).unwrap(),
        b"the previous report\n",
        "the first report keeps its bytes"
    );
    assert!(!out.join("summary.md").exists());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_report_file_that_cannot_be_put_in_place_leaves_new_files_absent() {
    let dir = temp_dir();
    let output = scan_with_second_target_blocked(dir.path());
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let out = dir.path().join("out");
    assert!(!out.join("report.json").exists());
    assert!(!out.join("summary.md").exists());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));

    // With the way clear, all three are written.
    std::fs::remove_dir_all(out.join("results.sarif")).unwrap();
    let output = scan_with_second_target_blocked(dir.path());
    assert_eq!(
        code(&output),
        2,
        "the directory is back: {}",
        stderr(&output)
    );
    std::fs::remove_dir_all(out.join("results.sarif")).unwrap();
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example().to_str().unwrap(),
            "--output",
            "json=out/report.json",
            "--output",
            "sarif=out/results.sarif",
        ],
    );
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    assert!(out.join("report.json").is_file());
    assert!(out.join("results.sarif").is_file());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

/// A live scan through moto records moto's credential report time and every output says it.
#[cfg(feature = "aws")]
#[test]
fn a_live_scan_says_when_moto_generated_the_credential_report() {
    use crate::aws::moto_server::{moto_python, start_moto};
    let Some(python) = moto_python() else { return };
    let moto = start_moto(&python, &[]);
    let dir = temp_dir();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["scan", "aws", "--services", "iam", "--regions", "eu-west-1"])
        .args(["--endpoint-url", &moto.endpoint()])
        .args(["--output", "json=r.json", "--output", "table=r.txt"])
        .current_dir(dir.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS")
        .output()
        .expect("the soc2scan binary runs");
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let said = &json["snapshot"]["data_as_of"][0];
    // moto answers GetCredentialReport with a fixed GeneratedTime.
    assert_eq!(said["generated_at"], "2015-02-02T20:02:02Z", "{json}");
    assert_eq!(said["account"], "123456789012");
    let table = std::fs::read_to_string(dir.path().join("r.txt")).unwrap();
    assert!(
        table.contains(
            "Data:      aws 123456789012: IAM credential report generated 2015-02-02T20:02:02Z ("
        ),
        "{table}"
    );
}
