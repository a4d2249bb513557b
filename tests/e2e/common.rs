//! Shared helpers: run the binary, locate fixtures, validate SARIF.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled example snapshot.
pub fn example() -> PathBuf {
    root().join("examples/acme-snapshot.json")
}

/// Runs soc2scan in `dir` (so no stray soc2scan.toml is picked up) with `args`.
pub fn soc2scan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the soc2scan binary runs")
}

/// A fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The exit code (panics if killed by a signal, which is itself a failure).
pub fn code(output: &Output) -> i32 {
    output
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {output:?}"))
}

/// Validates SARIF text against the SARIF 2.1.0 JSON schema and, when the Multitool is
/// available, against Microsoft's SARIF Multitool with GitHub's rules (`Gh;Sarif`).
/// Under CI the Multitool is required.
pub fn validate_sarif(text: &str) {
    let schema_text =
        std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json"))
            .expect("schema fixture");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let instance: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    multitool_validate(text);
}

fn multitool_validate(text: &str) {
    let Some(multitool) = std::env::var_os("SARIF_MULTITOOL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must validate SARIF with the Multitool: set SARIF_MULTITOOL (.ci/test does)"
        );
        eprintln!("note: SARIF_MULTITOOL not set; skipped the Multitool GitHub-rules validation (.ci/test sets it)");
        return;
    };
    let dir = temp_dir();
    let input = dir.path().join("input.sarif");
    let log = dir.path().join("validation.sarif");
    std::fs::write(&input, text).expect("write SARIF");
    let output = Command::new(&multitool)
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&log)
        .arg(&input)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the SARIF Multitool runs");
    let log_text = std::fs::read_to_string(&log).unwrap_or_else(|error| {
        panic!(
            "Multitool wrote no log ({error}): {}\n{}",
            stdout(&output),
            stderr(&output)
        )
    });
    let log: serde_json::Value = serde_json::from_str(&log_text).expect("Multitool log is JSON");
    let errors: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|result| result["level"] == "error")
        .map(|result| format!("{}: {}", result["ruleId"], result["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF Multitool (Gh;Sarif) errors:\n{}",
        errors.join("\n")
    );
}
