//! Golden tests of every output format on the example snapshot, and SARIF validation
//! (SARIF 2.1.0 schema + Microsoft's SARIF Multitool with GitHub's rules).
//!
//! `UPDATE_GOLDEN=1 cargo test --test e2e golden` rewrites the golden files; review the diff.

use crate::common::*;
use serde_json::Value;

/// Replaces values that change from run to run (wall-clock times, command line, version).
fn normalize_json(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    match key.as_str() {
                        "startTimeUtc"
                        | "endTimeUtc"
                        | "generated_at"
                        | "invocation_started"
                        | "invocation_finished"
                        | "commandLine"
                        | "command_line" => *child = Value::String("<volatile>".into()),
                        _ => walk(child),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

fn render(format: &str, extra: &[&str]) -> String {
    let dir = temp_dir();
    let example = example();
    let mut args = vec![
        "scan",
        "--snapshot",
        example.to_str().expect("utf-8"),
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let output = soc2scan_in(dir.path(), &args);
    assert_eq!(
        code(&output),
        3,
        "example scan exits 3 (coverage gap): {}",
        stderr(&output)
    );
    stdout(&output)
}

fn check_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} missing: run UPDATE_GOLDEN=1 cargo test --test e2e golden",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}:\n expected: {:?}\n actual:   {:?}\n(UPDATE_GOLDEN=1 rewrites it; review the diff)",
            first_difference + 1,
            expected.lines().nth(first_difference),
            actual.lines().nth(first_difference)
        );
    }
}

pub(crate) fn json_golden(name: &str, text: &str) {
    let value: Value = serde_json::from_str(text).expect("output is JSON");
    let normalized = serde_json::to_string_pretty(&normalize_json(value)).expect("json") + "\n";
    check_golden(name, &normalized);
}

#[test]
fn sarif_matches_golden_and_validates() {
    let sarif = render("sarif", &[]);
    validate_sarif(&sarif);
    json_golden("acme.sarif", &sarif);
}

#[test]
fn sarif_with_passing_checks_validates() {
    let sarif = render("sarif", &["--sarif-include-pass"]);
    validate_sarif(&sarif);
    let value: Value = serde_json::from_str(&sarif).expect("json");
    let results = value["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["kind"] == "pass"));
    assert!(results
        .iter()
        .any(|r| r["kind"] == "fail" || r.get("kind").is_none()));
}

#[test]
fn json_matches_golden() {
    json_golden("acme.json", &render("json", &[]));
}

#[test]
fn table_matches_golden() {
    check_golden("acme.table.txt", &render("table", &[]));
}

#[test]
fn markdown_matches_golden() {
    check_golden("acme.md", &render("markdown", &[]));
}
