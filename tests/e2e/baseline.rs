//! Baselines (`scan --baseline`) and `soc2scan diff`: new / existing / fixed findings by
//! fingerprint, the exit codes that follow, and unreadable reports.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scan(dir: &Path, extra: &[&str]) -> std::process::Output {
    let example = example();
    let mut args = vec!["scan", "--snapshot", example.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    soc2scan_in(dir, &args)
}

/// The example's own reports, as SARIF and JSON, in `dir`.
fn own_reports(dir: &Path) -> (PathBuf, PathBuf) {
    let sarif = dir.join("base.sarif");
    let json = dir.join("base.json");
    let output = scan(
        dir,
        &[
            "-o",
            &format!("sarif={}", sarif.display()),
            "-o",
            &format!("json={}", json.display()),
            "--quiet",
        ],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    (sarif, json)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read report")).expect("JSON")
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(
        path,
        serde_json::to_string_pretty(value).expect("serialise"),
    )
    .expect("write");
}

fn failures(report: &Value) -> Vec<&Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["verdict"] == "fail")
        .collect()
}

#[test]
fn a_baseline_of_the_same_scan_has_no_new_failures() {
    let dir = temp_dir();
    let (sarif, json) = own_reports(dir.path());
    for baseline in [&sarif, &json] {
        let baseline = baseline.to_str().expect("utf-8");
        let output = scan(dir.path(), &["--baseline", baseline, "--allow-incomplete"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert!(
            stderr(&output).contains("0 new at or above high; exit 0"),
            "{}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("Baseline:  0 new,"),
            "{}",
            stdout(&output)
        );
        // The coverage gap still makes the scan incomplete.
        assert_eq!(code(&scan(dir.path(), &["--baseline", baseline])), 3);
    }

    // Matching is by fingerprint: reversed results and runs match the same.
    let mut reversed = read_json(&json);
    let results = reversed["results"].as_array_mut().expect("results");
    results.reverse();
    let reversed_path = dir.path().join("reversed.json");
    write_json(&reversed_path, &reversed);
    let mut reversed_sarif = read_json(&sarif);
    let results = reversed_sarif["runs"][0]["results"]
        .as_array_mut()
        .expect("results");
    results.reverse();
    let reversed_sarif_path = dir.path().join("reversed.sarif");
    write_json(&reversed_sarif_path, &reversed_sarif);
    for path in [&reversed_path, &reversed_sarif_path] {
        let output = scan(
            dir.path(),
            &[
                "--baseline",
                path.to_str().expect("utf-8"),
                "--allow-incomplete",
            ],
        );
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
}

#[test]
fn new_existing_and_fixed_findings_and_the_exit_code() {
    let dir = temp_dir();
    let (_, json) = own_reports(dir.path());
    let mut baseline = read_json(&json);
    let report_failures: Vec<Value> = failures(&baseline).into_iter().cloned().collect();
    let high = report_failures
        .iter()
        .find(|r| r["severity"] == "high" || r["severity"] == "critical")
        .expect("the example has a high failure")
        .clone();
    let new_print = high["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    // The baseline lacks one current failure (new) and has one that no longer fails (fixed).
    let results = baseline["results"].as_array_mut().expect("results");
    results.retain(|r| r["fingerprint"] != high["fingerprint"]);
    let mut gone = high.clone();
    gone["resource"]["id"] = Value::from("arn:aws:ec2:eu-west-1:111122223333:volume/vol-gone");
    gone["fingerprint"] = Value::from("f".repeat(64));
    results.push(gone);
    let baseline_path = dir.path().join("baseline.json");
    write_json(&baseline_path, &baseline);
    let baseline_arg = baseline_path.to_str().expect("utf-8");

    let out_json = dir.path().join("out.json");
    let out_sarif = dir.path().join("out.sarif");
    let output = scan(
        dir.path(),
        &[
            "--baseline",
            baseline_arg,
            "--allow-incomplete",
            "-o",
            &format!("json={}", out_json.display()),
            "-o",
            &format!("sarif={}", out_sarif.display()),
            "-o",
            "table",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let existing = report_failures.len() - 1;
    let counts = format!("1 new, {existing} existing, 1 fixed");
    assert!(stderr(&output).contains(&counts), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains(&format!("Baseline:  {counts}")), "{table}");
    assert!(table.contains("Fixed since the baseline (1)"), "{table}");
    assert!(table.contains("vol-gone"), "{table}");

    let report = read_json(&out_json);
    assert_eq!(report["baseline"]["new"], 1);
    assert_eq!(report["baseline"]["existing"], existing);
    let fixed = report["baseline"]["fixed"].as_array().expect("fixed");
    assert_eq!(fixed.len(), 1);
    assert!(fixed[0]["subject"]
        .as_str()
        .unwrap_or_default()
        .ends_with("vol-gone"));
    for failure in failures(&report) {
        let expected = if failure["fingerprint"] == new_print.as_str() {
            "new"
        } else {
            "existing"
        };
        assert_eq!(failure["baseline_state"], expected, "{failure}");
    }
    assert!(report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["verdict"] != "fail")
        .all(|r| r.get("baseline_state").is_none()));

    let sarif_text = std::fs::read_to_string(&out_sarif).expect("SARIF");
    validate_sarif(&sarif_text);
    let sarif: Value = serde_json::from_str(&sarif_text).expect("SARIF JSON");
    let states: Vec<(&str, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["soc2scan/v1"]
                    .as_str()
                    .unwrap_or_default(),
                r["baselineState"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(states.len(), report_failures.len());
    for (print, state) in states {
        let expected = if print == new_print {
            "new"
        } else {
            "unchanged"
        };
        assert_eq!(state, expected);
    }

    // --fail-on counts new failures only: the new one is high, so "critical" passes.
    let output = scan(
        dir.path(),
        &[
            "--baseline",
            baseline_arg,
            "--allow-incomplete",
            "--fail-on",
            high["severity"].as_str().expect("severity"),
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    if high["severity"] == "high" {
        let output = scan(
            dir.path(),
            &[
                "--baseline",
                baseline_arg,
                "--allow-incomplete",
                "--fail-on",
                "critical",
            ],
        );
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
}

#[test]
fn diff_lists_new_fixed_and_unchanged_findings() {
    let dir = temp_dir();
    let (sarif, json) = own_reports(dir.path());
    let mut older = read_json(&json);
    let results = older["results"].as_array_mut().expect("results");
    let first_fail = results
        .iter()
        .position(|r| r["verdict"] == "fail")
        .expect("a failure");
    let removed = results.remove(first_fail);
    let older_path = dir.path().join("older.json");
    write_json(&older_path, &older);
    let total = failures(&read_json(&json)).len();

    let diff = |format: &str| {
        soc2scan_in(
            dir.path(),
            &[
                "diff",
                older_path.to_str().expect("utf-8"),
                sarif.to_str().expect("utf-8"),
                "--format",
                format,
            ],
        )
    };
    let output = diff("json");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("diff JSON");
    assert_eq!(document["format"], "soc2scan-diff");
    assert_eq!(document["counts"]["new"], 1);
    assert_eq!(document["counts"]["fixed"], 0);
    assert_eq!(document["counts"]["unchanged"], total - 1);
    assert_eq!(document["new"][0]["fingerprint"], removed["fingerprint"]);

    let output = diff("table");
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).starts_with(&format!("1 new, 0 fixed, {} unchanged", total - 1)),
        "{}",
        stdout(&output)
    );
    let output = diff("markdown");
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).contains("### New (1)"),
        "{}",
        stdout(&output)
    );

    // Swapped, the same finding is fixed; the default format is the table.
    let output = soc2scan_in(
        dir.path(),
        &[
            "diff",
            sarif.to_str().expect("utf-8"),
            older_path.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).starts_with(&format!("0 new, 1 fixed, {} unchanged", total - 1)),
        "{}",
        stdout(&output)
    );
}

#[test]
fn unreadable_reports_are_input_errors_naming_the_file() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write fixture");
        path.display().to_string()
    };
    let garbage = write("garbage.sarif", "{ not json");
    let other = write("other.json", "{\"format\": \"something-else\"}");
    let unfingerprinted = write(
        "foreign.sarif",
        r#"{"version": "2.1.0", "runs": [{"results": [{"ruleId": "x", "message": {"text": "m"}}]}]}"#,
    );
    let missing = dir.path().join("missing.json").display().to_string();
    for (path, fragment) in [
        (&garbage, "not valid JSON"),
        (&other, "not a soc2scan report"),
        (&unfingerprinted, "partialFingerprints"),
        (&missing, "cannot read the report"),
    ] {
        let output = scan(dir.path(), &["--baseline", path]);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains(path.as_str()) && err.contains(fragment),
            "{err}"
        );
        assert!(stdout(&output).is_empty());
        let output = soc2scan_in(dir.path(), &["diff", path, path]);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(
            stderr(&output).contains(path.as_str()),
            "{}",
            stderr(&output)
        );
    }
}
