//! `[[suppressions]]`: active ones mark failures suppressed (SARIF `suppressions`, JSON
//! `suppression`, summaries) and keep them out of `--fail-on`; expired ones stop applying and
//! are reported; invalid entries are errors naming the file.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const RULE: &str = "aws-ec2-ebs-volume-unencrypted";

/// Scans the example with only the EBS encryption rule (three failures, all high, no
/// coverage gap) under `config`, writing JSON and SARIF beside it, table on stdout.
fn scan_with(dir: &Path, config: &str) -> (std::process::Output, Value, String) {
    std::fs::write(dir.join("soc2scan.toml"), config).expect("write config");
    let example = example();
    let output = soc2scan_in(
        dir,
        &[
            "scan",
            "--snapshot",
            example.to_str().expect("utf-8"),
            "--rules",
            RULE,
            "-o",
            "json=out.json",
            "-o",
            "sarif=out.sarif",
            "-o",
            "table",
        ],
    );
    let json = std::fs::read_to_string(dir.join("out.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let sarif = std::fs::read_to_string(dir.join("out.sarif")).unwrap_or_default();
    (output, json, sarif)
}

fn suppression(rule: &str, resource: &str, expires: &str) -> String {
    format!(
        "[[suppressions]]\nrule = \"{rule}\"\nresource = \"{resource}\"\nreason = \"Scratch volumes, no customer data (TICKET-42)\"\nexpires = \"{expires}\"\n"
    )
}

#[test]
fn active_suppressions_mark_failures_suppressed_and_keep_them_out_of_fail_on() {
    let dir = temp_dir();
    let (output, _, _) = scan_with(dir.path(), "");
    assert_eq!(code(&output), 1, "unsuppressed: {}", stderr(&output));

    // One volume by exact id pattern is not enough to pass…
    let config = suppression(
        "aws-ec2-ebs-*",
        "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0f6b*",
        "2999-12-31",
    );
    let (output, json, _) = scan_with(dir.path(), &config);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(json["summary"]["suppressed"], 1);
    assert_eq!(json["summary"]["failed"], 2);

    // …every eu-west-1 volume is.
    let config = suppression(
        RULE,
        "arn:aws:ec2:eu-west-1:111122223333:volume/*",
        "2999-12-31",
    );
    let (output, json, sarif) = scan_with(dir.path(), &config);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("0 failed, 0 not evaluated, 3 suppressed"),
        "{}",
        stderr(&output)
    );
    let table = stdout(&output);
    assert!(table.contains("3 suppressed"), "{table}");
    assert!(table.contains("Suppressed (3)"), "{table}");
    assert!(table.contains("TICKET-42"), "{table}");

    assert_eq!(json["summary"]["suppressed"], 3);
    assert_eq!(json["summary"]["failed"], 0);
    assert_eq!(json["summary"]["by_severity"]["high"], 0);
    let failures: Vec<&Value> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["verdict"] == "fail")
        .collect();
    assert_eq!(failures.len(), 3, "the original verdict stays visible");
    for failure in failures {
        assert_eq!(
            failure["suppression"]["reason"],
            "Scratch volumes, no customer data (TICKET-42)"
        );
        assert_eq!(failure["suppression"]["expires"], "2999-12-31");
    }

    validate_sarif(&sarif);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    for result in results {
        assert_eq!(result["level"], "error");
        assert_eq!(
            result["suppressions"],
            serde_json::json!([{
                "kind": "external",
                "justification": "Scratch volumes, no customer data (TICKET-42)"
            }])
        );
    }
}

#[test]
fn expired_suppressions_stop_applying_and_are_reported() {
    let dir = temp_dir();
    let config = suppression(RULE, "*", "2020-01-31");
    let (output, json, sarif) = scan_with(dir.path(), &config);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "warning: suppression {RULE} on * (expires 2020-01-31) has expired"
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(json["summary"]["suppressed"], 0);
    assert_eq!(json["summary"]["failed"], 3);
    assert!(json["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|r| r.get("suppression").is_none()));

    validate_sarif(&sarif);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF JSON");
    let run = &sarif["runs"][0];
    assert!(run["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|r| r.get("suppressions").is_none()));
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let expired: Vec<&Value> = notifications
        .iter()
        .filter(|n| n["descriptor"]["id"] == "suppression-expired")
        .collect();
    assert_eq!(expired.len(), 1, "{notifications:?}");
    assert_eq!(expired[0]["level"], "warning");
    let text = expired[0]["message"]["text"].as_str().unwrap_or_default();
    assert!(text.contains(RULE) && text.contains("2020-01-31"), "{text}");
}

#[test]
fn invalid_suppressions_are_errors_naming_the_file() {
    let dir = temp_dir();
    let cases = [
        (
            "[[suppressions]]\nrule = \"aws-ec2-*\"\nresource = \"*\"\nexpires = \"2999-01-01\"\n",
            "reason",
        ),
        (
            "[[suppressions]]\nrule = \"aws-ec2-*\"\nresource = \"*\"\nreason = \"x\"\n",
            "expires",
        ),
        (
            &suppression("aws-ec2-*", "*", "2999-01-01")
                .replace("Scratch volumes, no customer data (TICKET-42)", " "),
            "reason must not be empty",
        ),
        (
            &suppression("aws-ec2-*", "*", "31/12/2999"),
            "expected a date YYYY-MM-DD",
        ),
        (
            &suppression("aws-ec2-no-such-rule", "*", "2999-01-01"),
            "aws-ec2-no-such-rule",
        ),
    ];
    for (config, fragment) in cases {
        let (output, _, _) = scan_with(dir.path(), config);
        assert_eq!(code(&output), 2, "{config}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains("soc2scan.toml") && err.contains(fragment),
            "{config}: {err}"
        );
        assert!(stdout(&output).is_empty());
        assert!(!dir.path().join("out.json").exists());
    }
}
