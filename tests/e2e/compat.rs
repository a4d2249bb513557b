//! Kept evidence stays readable: a snapshot written by soc2scan 0.1 loads in every later
//! version with the verdicts it had, and a kind a snapshot never attempted to collect makes
//! exactly the rules that need it "not collected" — listed in every output, neither a pass,
//! nor a coverage gap (exit 3), nor an input error (exit 2).

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/snapshots/acme-0.1.json")
}

/// (rule id, "account resource-id" or "unit:provider/account/region/kind", verdict, message)
/// of every result in a JSON report, sorted.
fn verdicts(report: &Value) -> Vec<Value> {
    let mut rows: Vec<Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            let subject = match result.get("resource") {
                Some(resource) => format!(
                    "{} {}",
                    resource["account"].as_str().expect("account"),
                    resource["id"].as_str().expect("id")
                ),
                None => {
                    let scope = &result["scope"];
                    format!(
                        "unit:{}/{}/{}/{}",
                        scope["provider"].as_str().expect("provider"),
                        scope["account"].as_str().expect("account"),
                        scope["region"].as_str().expect("region"),
                        scope["kind"].as_str().expect("kind")
                    )
                }
            };
            serde_json::json!([
                result["rule_id"],
                subject,
                result["verdict"],
                result["message"]
            ])
        })
        .collect();
    rows.sort_by_key(|row| (row[0].to_string(), row[1].to_string()));
    rows
}

fn scan_json(snapshot: &Path) -> (i32, Value, String) {
    let dir = temp_dir();
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
    );
    let report = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("JSON report: {error}\n{}", stderr(&output)));
    (code(&output), report, stderr(&output))
}

#[test]
fn a_snapshot_written_by_0_1_loads_with_the_verdicts_it_had() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/snapshots/acme-0.1.verdicts.json"))
            .expect("the 0.1 verdicts"),
    )
    .expect("JSON");
    let rules: BTreeSet<&str> = expected["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|id| id.as_str().expect("id"))
        .collect();
    assert_eq!(rules.len(), 31);

    let (exit, report, stderr) = scan_json(&fixture());
    // Its one gap (us-east-1 flow logs) keeps the scan incomplete, as it did in 0.1.
    assert_eq!(exit, 3, "{stderr}");
    let actual: Vec<Value> = verdicts(&report)
        .into_iter()
        .filter(|row| rules.contains(row[0].as_str().expect("rule id")))
        .collect();
    let expected_rows = expected["verdicts"].as_array().expect("verdicts");
    for (index, (got, want)) in actual.iter().zip(expected_rows).enumerate() {
        assert_eq!(got, want, "verdict {index} differs from 0.1's");
    }
    assert_eq!(actual.len(), expected_rows.len());
    // None of the 0.1 rules is skipped; rules added later may be, as not collected.
    let skipped = report.get("skipped_rules").and_then(Value::as_array);
    for skipped in skipped.into_iter().flatten() {
        let id = skipped["id"].as_str().expect("id");
        assert!(!rules.contains(id), "{id} was a 0.1 rule: {skipped}");
        assert_eq!(skipped["cause"], "not_collected", "{skipped}");
    }
}

/// The bundled example (which covers every kind) without any coverage entry or resource of
/// `kind`: as a snapshot of a version that did not collect it yet.
fn without_kind(kind: &str, dir: &Path) -> PathBuf {
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(example()).expect("example")).expect("JSON");
    snapshot["coverage"]
        .as_array_mut()
        .expect("coverage")
        .retain(|entry| entry["unit"]["kind"] != kind);
    snapshot["resources"]
        .as_array_mut()
        .expect("resources")
        .retain(|resource| resource["config"].get(kind).is_none());
    let path = dir.join(format!("without-{kind}.json"));
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&snapshot).expect("JSON"),
    )
    .expect("write");
    path
}

#[test]
fn a_kind_the_snapshot_never_attempted_skips_exactly_its_rules_in_every_output() {
    let dir = temp_dir();
    let kind = "iam_password_policy";
    let path = without_kind(kind, dir.path());
    let needing: BTreeSet<&str> = soc2scan_rules::all_rules()
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.needed_kinds().any(|k| k.as_str() == kind))
        .map(|meta| meta.id)
        .collect();
    assert_eq!(needing, BTreeSet::from(["aws-iam-password-policy-weak"]));

    // JSON: the rule is listed as skipped with the kind, and has no verdict; every other
    // verdict is what the full snapshot gives; the exit code is the full snapshot's.
    // Rules the full example skips already (none while it covers every kind) stay skipped;
    // dropping the kind skips its rule on top of those.
    let (full_exit, full, _) = scan_json(&example());
    let full_skipped: BTreeSet<String> = full
        .get("skipped_rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    let not_run = full_skipped.len() + 1;
    let (exit, report, stderr) = scan_json(&path);
    assert_eq!(exit, full_exit, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{not_run} rule{} not run (not collected in this snapshot)",
            if not_run == 1 { "" } else { "s" }
        )),
        "{stderr}"
    );
    let skipped: Vec<&Value> = report["skipped_rules"]
        .as_array()
        .expect("skipped_rules")
        .iter()
        .filter(|s| !full_skipped.contains(s["id"].as_str().expect("id")))
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["cause"], "not_collected");
    assert_eq!(skipped[0]["kinds"], serde_json::json!([kind]));
    let others = |rows: Vec<Value>| -> Vec<Value> {
        rows.into_iter()
            .filter(|row| !needing.contains(row[0].as_str().expect("rule id")))
            .collect()
    };
    let (with_kind, without) = (verdicts(&full), verdicts(&report));
    assert!(without
        .iter()
        .all(|row| !needing.contains(row[0].as_str().expect("rule id"))));
    assert_eq!(others(with_kind), without);
    assert!(report["coverage_gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .all(|gap| gap["unit"]["kind"] != kind));

    // SARIF: a note with its own descriptor, the rule not among those that ran.
    let render = |format: &str| {
        let output = soc2scan_in(
            dir.path(),
            &[
                "scan",
                "--snapshot",
                path.to_str().expect("utf-8"),
                "--format",
                format,
            ],
        );
        assert_eq!(
            code(&output),
            full_exit,
            "{}",
            crate::common::stderr(&output)
        );
        stdout(&output)
    };
    let sarif_text = render("sarif");
    validate_sarif(&sarif_text);
    let sarif: Value = serde_json::from_str(&sarif_text).expect("SARIF JSON");
    let run = &sarif["runs"][0];
    let descriptors = run["tool"]["driver"]["notifications"]
        .as_array()
        .expect("descriptors");
    let index = descriptors
        .iter()
        .position(|d| d["id"] == "rule-not-collected")
        .expect("a rule-not-collected descriptor");
    let notes: Vec<&Value> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["descriptor"]["id"] == "rule-not-collected")
        .collect();
    assert_eq!(notes.len(), not_run);
    let notes: Vec<&Value> = notes
        .into_iter()
        .filter(|n| n["properties"]["ruleId"] == "aws-iam-password-policy-weak")
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["descriptor"]["index"], index);
    assert_eq!(notes[0]["level"], "note");
    assert_eq!(
        notes[0]["properties"]["ruleId"],
        "aws-iam-password-policy-weak"
    );
    let text = notes[0]["message"]["text"].as_str().expect("text");
    assert!(
        text.contains("no coverage entry for iam_password_policy"),
        "{text}"
    );
    assert!(run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .all(|rule| rule["id"] != "aws-iam-password-policy-weak"));

    // Table and Markdown: one line for the missing kind, naming its rules.
    let table = render("table");
    assert!(
        table.contains(&format!(
            "Rules not run: not collected in this snapshot ({not_run})"
        )),
        "{table}"
    );
    assert!(table.contains("aws-iam-password-policy-weak"), "{table}");
    let markdown = render("markdown");
    assert!(
        markdown.contains("### Rules not run: not collected in this snapshot"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `iam_password_policy`: `aws-iam-password-policy-weak`"),
        "{markdown}"
    );
}

#[test]
fn a_kind_attempted_in_one_region_but_missing_in_another_is_an_input_error() {
    let dir = temp_dir();
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).expect("fixture")).expect("JSON");
    let coverage = snapshot["coverage"].as_array_mut().expect("coverage");
    let before = coverage.len();
    coverage.retain(|entry| {
        !(entry["unit"]["kind"] == "ebs_volume" && entry["unit"]["region"] == "eu-west-1")
    });
    assert!(coverage.len() < before);
    let path = dir.path().join("partial.json");
    std::fs::write(&path, serde_json::to_string(&snapshot).expect("JSON")).expect("write");
    let output = soc2scan_in(
        dir.path(),
        &["scan", "--snapshot", path.to_str().expect("utf-8")],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.contains("partial.json"), "{message}");
    assert!(message.contains("eu-west-1 ebs_volume"), "{message}");
}
