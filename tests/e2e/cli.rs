//! Exit codes, selection flags, listing commands and every class of bad input.

use crate::common::*;
use std::path::Path;

fn scan(dir: &Path, extra: &[&str]) -> std::process::Output {
    let example = example();
    let mut args = vec!["scan", "--snapshot", example.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    soc2scan_in(dir, &args)
}

#[test]
fn example_scan_is_incomplete_because_of_its_coverage_gap() {
    let dir = temp_dir();
    let output = scan(dir.path(), &[]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(stdout(&output).contains("aws-ec2-ebs-volume-unencrypted"));
    assert!(
        stderr(&output).contains("exit 3 (incomplete scan)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn exit_codes_follow_fail_on_and_allow_incomplete() {
    let dir = temp_dir();
    assert_eq!(code(&scan(dir.path(), &["--allow-incomplete"])), 1);
    assert_eq!(
        code(&scan(
            dir.path(),
            &["--allow-incomplete", "--fail-on", "none"]
        )),
        0
    );
    // Without the one rule that needs the missing flow-log listing, the scan is complete.
    let output = scan(
        dir.path(),
        &[
            "--skip-rules",
            "aws-ec2-vpc-flow-logs-off",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = scan(
        dir.path(),
        &[
            "--skip-rules",
            "aws-ec2-vpc-flow-logs-off",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
}

#[test]
fn selection_flags_limit_the_rules_that_run() {
    let dir = temp_dir();
    let output = scan(
        dir.path(),
        &[
            "--criteria",
            "A1.2",
            "--format",
            "json",
            "--allow-incomplete",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON report");
    let rules: Vec<&str> = report["rules"]
        .as_array()
        .expect("rules array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(!rules.is_empty());
    for rule in &rules {
        let criteria = report["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["id"] == *rule)
            .map(|r| r["criteria"].to_string())
            .unwrap_or_default();
        assert!(
            criteria.contains("A1.2"),
            "{rule} runs for --criteria A1.2 but maps to {criteria}"
        );
    }
    let output = scan(
        dir.path(),
        &[
            "--categories",
            "confidentiality",
            "--min-severity",
            "critical",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON report");
    for rule in report["rules"].as_array().expect("rules") {
        assert_eq!(rule["severity"], "critical");
    }
}

#[test]
fn reports_are_written_atomically_and_only_when_everything_succeeds() {
    let dir = temp_dir();
    let sarif = dir.path().join("results.sarif");
    let output = scan(
        dir.path(),
        &[
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!(
                "json={}",
                dir.path().join("missing-dir/report.json").display()
            ),
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("missing-dir"),
        "{}",
        stderr(&output)
    );
    assert!(
        !sarif.exists(),
        "no partial output when another report cannot be written"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );

    let output = scan(
        dir.path(),
        &[
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            "table",
        ],
    );
    assert_eq!(code(&output), 3);
    assert!(sarif.exists());
    assert!(stdout(&output).contains("aws-ec2"), "table on stdout");
}

#[track_caller]
fn assert_input_error(output: &std::process::Output, fragments: &[&str]) {
    assert_eq!(code(output), 2, "stderr: {}", stderr(output));
    let err = stderr(output);
    for fragment in fragments {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        stdout(output).is_empty(),
        "no partial output on stdout: {}",
        stdout(output)
    );
}

#[test]
fn bad_snapshots_are_clear_input_errors() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write fixture");
        path.display().to_string()
    };
    let run = |path: &str| soc2scan_in(dir.path(), &["scan", "--snapshot", path]);

    let missing = dir.path().join("nope.json").display().to_string();
    assert_input_error(&run(&missing), &["nope.json", "cannot read snapshot"]);

    let not_json = write(
        "garbage.json",
        "{\n  \"format\": \"soc2scan-snapshot\",\n  oops\n}",
    );
    assert_input_error(&run(&not_json), &["garbage.json:3:", "not valid JSON"]);

    let truncated = std::fs::read_to_string(example()).expect("example");
    let truncated = write("truncated.json", &truncated[..truncated.len() / 2]);
    assert_input_error(&run(&truncated), &["truncated.json:", "not valid JSON"]);

    let other = write("other.json", r#"{"version": "2.1.0", "runs": []}"#);
    assert_input_error(&run(&other), &["other.json", "not a soc2scan snapshot"]);

    let version = write(
        "v9.json",
        r#"{"format": "soc2scan-snapshot", "format_version": 9}"#,
    );
    assert_input_error(
        &run(&version),
        &["v9.json", "format_version 9 is not supported"],
    );

    let example_text = std::fs::read_to_string(example()).expect("example");
    let mut value: serde_json::Value = serde_json::from_str(&example_text).expect("example JSON");
    let first_volume = value["resources"]
        .as_array_mut()
        .expect("resources")
        .iter_mut()
        .position(|r| r["config"].get("ebs_volume").is_some())
        .expect("the example has a volume");
    value["resources"][first_volume]["config"]["ebs_volume"]["encrypted"] =
        serde_json::json!("yes");
    let mistyped = write(
        "mistyped.json",
        &serde_json::to_string_pretty(&value).expect("json"),
    );
    assert_input_error(
        &run(&mistyped),
        &[
            "mistyped.json:",
            &format!("resources[{first_volume}].config.ebs_volume.encrypted"),
            "expected a boolean",
        ],
    );

    let mut value: serde_json::Value = serde_json::from_str(&example_text).expect("example JSON");
    value["metadata"]
        .as_object_mut()
        .expect("metadata")
        .remove("finished_at");
    let missing_field = write(
        "missing.json",
        &serde_json::to_string(&value).expect("json"),
    );
    assert_input_error(&run(&missing_field), &["missing.json:", "finished_at"]);

    let unreadable_dir = dir.path().display().to_string();
    assert_input_error(&run(&unreadable_dir), &["cannot read snapshot"]);
}

#[test]
fn bad_flags_and_config_are_clear_usage_errors() {
    let dir = temp_dir();
    assert_input_error(
        &scan(dir.path(), &["--rules", "aws-ec2-ebs-volume-unencryptd"]),
        &[
            "unknown rule id",
            "did you mean \"aws-ec2-ebs-volume-unencrypted\"",
        ],
    );
    assert_input_error(
        &scan(dir.path(), &["--skip-rules", "nope"]),
        &["unknown rule id \"nope\""],
    );
    assert_input_error(
        &scan(dir.path(), &["--criteria", "CC42.1"]),
        &["unknown SOC 2 criterion"],
    );
    assert_input_error(
        &scan(dir.path(), &["--fail-on", "severe"]),
        &["--fail-on", "expected one of"],
    );
    assert_input_error(
        &scan(dir.path(), &["--categories", "privacy"]),
        &["--categories"],
    );
    assert_input_error(&scan(dir.path(), &["--format", "xml"]), &["xml"]);
    assert_input_error(
        &scan(dir.path(), &["--format", "json", "--output", "table"]),
        &["standard output"],
    );

    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[scan]\nfail_onn = \"high\"\n",
    )
    .expect("write");
    assert_input_error(
        &scan(dir.path(), &[]),
        &["soc2scan.toml: line 2, column 1", "fail_onn"],
    );
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[rules.aws-ec2-ebs-volume-no-recent-backup]\nmax_backup_age_days = -3\n",
    )
    .expect("write");
    assert_input_error(
        &scan(dir.path(), &[]),
        &["soc2scan.toml", "max_backup_age_days", "out of range"],
    );
    std::fs::write(dir.path().join("soc2scan.toml"), "[rules.no-such-rule]\n").expect("write");
    assert_input_error(
        &scan(dir.path(), &[]),
        &["soc2scan.toml", "unknown rule id \"no-such-rule\""],
    );
    let missing_config = dir.path().join("absent.toml").display().to_string();
    assert_input_error(
        &scan(dir.path(), &["--config", &missing_config]),
        &["absent.toml", "cannot read configuration"],
    );
}

#[test]
fn config_file_sets_parameters_and_defaults() {
    let dir = temp_dir();
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[scan]\nfail_on = \"none\"\nallow_incomplete = true\n\n[rules.aws-ec2-ebs-volume-no-recent-backup]\nmax_backup_age_days = 3650\n",
    )
    .expect("write");
    let output = scan(
        dir.path(),
        &[
            "--rules",
            "aws-ec2-ebs-volume-no-recent-backup",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(report["rules"][0]["params"]["max_backup_age_days"], 3650);

    // The file allows incomplete scans; --no-allow-incomplete takes that back for one run
    // (the example's flow-log gap makes it incomplete).
    let output = scan(dir.path(), &["--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = scan(dir.path(), &["--format", "json", "--no-allow-incomplete"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let output = scan(dir.path(), &["--allow-incomplete", "--no-allow-incomplete"]);
    assert_eq!(code(&output), 2, "the two flags conflict");
}

#[test]
fn listing_commands_work() {
    let dir = temp_dir();
    let output = soc2scan_in(dir.path(), &["rules"]);
    assert_eq!(code(&output), 0);
    let count = format!("{} rules", soc2scan_rules::all_rules().len());
    assert!(stdout(&output).contains(&count), "{}", stdout(&output));
    let output = soc2scan_in(dir.path(), &["criteria"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(text.contains("CC6.1") && text.contains("A1.3") && text.contains("C1.2"));
    assert!(text.contains("no automated rule can cover it"));
    let output = soc2scan_in(dir.path(), &["explain", "aws-ec2-sg-admin-ports-public"]);
    assert_eq!(code(&output), 0);
    for section in [
        "What it checks",
        "Why it matters for SOC 2",
        "How to fix",
        "Terraform",
        "Criteria",
        "CC6.6",
    ] {
        assert!(stdout(&output).contains(section), "explain lacks {section}");
    }
    assert_input_error(
        &soc2scan_in(dir.path(), &["explain", "aws-ec2-nope"]),
        &["unknown rule id"],
    );
    let output = soc2scan_in(dir.path(), &["--version"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        code(&soc2scan_in(dir.path(), &["scan"])),
        2,
        "missing --snapshot is a usage error"
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_docs() {
    let dir = temp_dir();
    let output = soc2scan_in(dir.path(), &["rules", "--format", "markdown"]);
    assert_eq!(code(&output), 0);
    let generated = stdout(&output);
    let path = root().join("docs/rules.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is out of date: run `UPDATE_DOCS=1 cargo test --test e2e docs_rules_md` and commit it"
    );
}

#[cfg(feature = "aws")]
#[test]
fn scan_aws_help_names_every_registered_service() {
    let dir = temp_dir();
    let output = soc2scan_in(dir.path(), &["scan", "aws", "--help"]);
    assert_eq!(code(&output), 0);
    let help = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let listed = format!(
        "comma-separated ({})",
        soc2scan_providers::aws::service_names().join(", ")
    );
    assert!(help.contains(&listed), "expected {listed:?} in {help}");
}
