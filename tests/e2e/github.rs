//! GitHub integration: the job summary appended to `$GITHUB_STEP_SUMMARY`, the composite
//! `action.yml` and the workflows in docs/github.md (parsed, and every soc2scan flag they
//! use checked against the binary's own `--help`, so the documentation cannot drift).

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

// ---------------------------------------------------------------------------------------
// $GITHUB_STEP_SUMMARY

const HEADING: &str = "## soc2scan: SOC 2 configuration scan";

/// Scans the example in `dir` with `GITHUB_STEP_SUMMARY` set to `summary`.
fn scan_with_summary(dir: &Path, summary: &str, extra: &[&str]) -> Output {
    let example = example();
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["scan", "--snapshot", example.to_str().expect("utf-8 path")])
        .args(extra)
        .current_dir(dir)
        .env("GITHUB_STEP_SUMMARY", summary)
        .env_remove("COLUMNS")
        .output()
        .expect("the soc2scan binary runs")
}

/// The example's Markdown report, as `--format markdown` prints it.
fn markdown_report(dir: &Path, extra: &[&str]) -> String {
    let example = example();
    let mut args = vec![
        "scan",
        "--snapshot",
        example.to_str().expect("utf-8 path"),
        "--format",
        "markdown",
    ];
    args.extend_from_slice(extra);
    stdout(&soc2scan_in(dir, &args))
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn step_summary_appends_the_markdown_report_and_leaves_stdout_alone() {
    let dir = temp_dir();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "Written by an earlier step.\n").expect("write");

    let with = scan_with_summary(dir.path(), path_text(&summary), &[]);
    assert_eq!(code(&with), 3, "{}", stderr(&with));
    let without = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            path_text(&example()),
        ],
    );
    assert_eq!(stdout(&with), stdout(&without), "stdout does not change");
    assert!(!stderr(&with).contains("warning"), "{}", stderr(&with));

    let text = std::fs::read_to_string(&summary).expect("summary file");
    let markdown = markdown_report(dir.path(), &[]);
    assert!(markdown.starts_with(HEADING), "{markdown}");
    assert_eq!(
        text,
        format!("Written by an earlier step.\n\n{markdown}"),
        "the earlier content stays, a blank line, then the same Markdown as --format markdown"
    );
}

#[test]
fn step_summary_is_created_when_missing_and_keeps_both_scans_when_appended_twice() {
    let dir = temp_dir();
    let summary = dir.path().join("step_summary_abc");
    let first = scan_with_summary(dir.path(), path_text(&summary), &["--allow-incomplete"]);
    assert_eq!(code(&first), 1, "findings: {}", stderr(&first));
    let once = std::fs::read_to_string(&summary).expect("created");
    assert!(once.starts_with(HEADING), "no leading blank line: {once}");

    let second = scan_with_summary(dir.path(), path_text(&summary), &[]);
    assert_eq!(code(&second), 3, "coverage gap: {}", stderr(&second));
    let twice = std::fs::read_to_string(&summary).expect("summary file");
    assert_eq!(twice.matches(HEADING).count(), 2, "{twice}");
    assert!(twice.starts_with(&once), "the first summary is kept as it was");
}

#[test]
fn step_summary_that_cannot_be_written_is_a_warning_not_a_failed_scan() {
    let dir = temp_dir();
    let sarif = dir.path().join("results.sarif");
    let sarif_output = format!("sarif={}", sarif.display());
    // A directory that does not exist, and a directory where a file is expected: neither
    // can be appended to (permission bits would not stop root, which CI runs as).
    for summary in [dir.path().join("missing/summary.md"), dir.path().to_path_buf()] {
        for quiet in [false, true] {
            let mut extra = vec!["-o", sarif_output.as_str(), "-o", "table"];
            if quiet {
                extra.push("--quiet");
            }
            let output = scan_with_summary(dir.path(), path_text(&summary), &extra);
            assert_eq!(code(&output), 3, "the scan's own exit code: {}", stderr(&output));
            let err = stderr(&output);
            assert!(
                err.contains("soc2scan: warning:") && err.contains("$GITHUB_STEP_SUMMARY"),
                "a warning even with --quiet={quiet}: {err}"
            );
            assert!(
                err.contains(path_text(&summary)),
                "names the file: {err}"
            );
            assert!(stdout(&output).contains("aws-ec2-ebs-volume-unencrypted"));
            assert!(sarif.exists(), "the reports are written");
            std::fs::remove_file(&sarif).expect("remove");
        }
    }
}

#[test]
fn no_step_summary_flag_and_an_empty_variable_write_nothing() {
    let dir = temp_dir();
    let summary = dir.path().join("summary.md");
    let output = scan_with_summary(dir.path(), path_text(&summary), &["--no-step-summary"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(!summary.exists(), "--no-step-summary writes no summary");

    let output = scan_with_summary(dir.path(), "", &[]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "an empty GITHUB_STEP_SUMMARY writes nothing anywhere"
    );
}

#[test]
fn step_summary_is_not_written_on_a_usage_error() {
    let dir = temp_dir();
    let summary = dir.path().join("summary.md");
    let output = scan_with_summary(dir.path(), path_text(&summary), &["--fail-on", "severe"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(!summary.exists(), "exit 2 writes nothing, the summary included");
}
