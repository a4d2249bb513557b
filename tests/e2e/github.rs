//! GitHub integration: the job summary appended to `$GITHUB_STEP_SUMMARY`, the composite
//! `action.yml` and the workflows in docs/github.md (parsed, and every soc2scan flag they
//! use checked against the binary's own `--help`, so the documentation cannot drift).

use crate::common::*;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;
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
    let without = soc2scan_in(dir.path(), &["scan", "--snapshot", path_text(&example())]);
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
    assert!(
        twice.starts_with(&once),
        "the first summary is kept as it was"
    );
}

#[test]
fn step_summary_that_cannot_be_written_is_a_warning_not_a_failed_scan() {
    let dir = temp_dir();
    let sarif = dir.path().join("results.sarif");
    let sarif_output = format!("sarif={}", sarif.display());
    // A directory that does not exist, and a directory where a file is expected: neither
    // can be appended to (permission bits would not stop root, which CI runs as).
    for summary in [
        dir.path().join("missing/summary.md"),
        dir.path().to_path_buf(),
    ] {
        for quiet in [false, true] {
            let mut extra = vec!["-o", sarif_output.as_str(), "-o", "table"];
            if quiet {
                extra.push("--quiet");
            }
            let output = scan_with_summary(dir.path(), path_text(&summary), &extra);
            assert_eq!(
                code(&output),
                3,
                "the scan's own exit code: {}",
                stderr(&output)
            );
            let err = stderr(&output);
            assert!(
                err.contains("soc2scan: warning:") && err.contains("$GITHUB_STEP_SUMMARY"),
                "a warning even with --quiet={quiet}: {err}"
            );
            assert!(err.contains(path_text(&summary)), "names the file: {err}");
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
    assert!(
        !summary.exists(),
        "exit 2 writes nothing, the summary included"
    );
}

#[test]
fn an_empty_sarif_is_a_baseline_where_every_failure_is_new() {
    // docs/github.md's pull-request gate writes this file when the base branch has no
    // baseline yet: the gate must then fail closed, as without a baseline.
    let dir = temp_dir();
    let baseline = dir.path().join("empty.sarif");
    std::fs::write(&baseline, "{\"version\": \"2.1.0\", \"runs\": []}\n").expect("write");
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            path_text(&example()),
            "--baseline",
            path_text(&baseline),
            "--allow-incomplete",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("0 existing, 0 fixed"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------------------------------
// action.yml and docs/github.md

pub(crate) fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

pub(crate) fn yaml(text: &str, what: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|error| panic!("{what} is not YAML: {error}"))
}

fn action() -> Value {
    yaml(&read("action.yml"), "action.yml")
}

pub(crate) fn keys(mapping: &Value) -> Vec<String> {
    mapping
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn action_inputs() -> Vec<String> {
    keys(&action()["inputs"])
}

/// Every step of every job of a workflow, or the steps of a composite action.
pub(crate) fn steps_of(document: &Value) -> Vec<Value> {
    if let Some(steps) = document["runs"]["steps"].as_sequence() {
        return steps.clone();
    }
    if let Some(steps) = document.as_sequence() {
        return steps.clone();
    }
    document["jobs"]
        .as_mapping()
        .into_iter()
        .flat_map(|jobs| jobs.values())
        .flat_map(|job| job["steps"].as_sequence().cloned().unwrap_or_default())
        .collect()
}

/// The `${{ inputs.NAME }}` references in a text.
fn input_references(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (start, _) in text.match_indices("inputs.") {
        let name: String = text[start + "inputs.".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        names.insert(name);
    }
    names
}

/// A `run:` script must not interpolate `${{ }}`: the expression is pasted into the script
/// before the shell sees it, so a value with quotes or `$(…)` would run as code. Values go
/// through `env:` instead.
pub(crate) fn assert_no_interpolation_in_run(steps: &[Value], what: &str) {
    for step in steps {
        if let Some(script) = step["run"].as_str() {
            assert!(
                !script.contains("${{"),
                "{what}: step {:?} interpolates an expression into its script; pass it through env:\n{script}",
                step["name"]
            );
        }
    }
}

#[test]
fn action_inputs_are_documented_and_reach_scripts_only_through_env() {
    let action = action();
    let text = read("action.yml");
    let docs = read("docs/github.md");
    assert_eq!(action["runs"]["using"], "composite");

    let inputs = action_inputs();
    assert!(inputs.len() >= 5, "{inputs:?}");
    for input in &inputs {
        let description = action["inputs"][input.as_str()]["description"].as_str();
        assert!(
            description.is_some_and(|d| d.len() > 20),
            "input {input} needs a description in action.yml"
        );
        assert!(
            docs.contains(&format!("| `{input}` |")),
            "input {input} is not in docs/github.md's inputs table"
        );
    }
    for output in keys(&action["outputs"]) {
        assert!(
            action["outputs"][output.as_str()]["description"].is_string(),
            "output {output} needs a description"
        );
        assert!(
            docs.contains(&format!("| `{output}` |")),
            "output {output} is not in docs/github.md's outputs table"
        );
    }

    let referenced = input_references(&text);
    let declared: BTreeSet<String> = inputs.iter().cloned().collect();
    assert_eq!(
        referenced, declared,
        "every input is used, and only declared inputs are referenced"
    );

    let steps = steps_of(&action);
    assert_no_interpolation_in_run(&steps, "action.yml");
    for step in &steps {
        if let Some(script) = step["run"].as_str() {
            assert_eq!(step["shell"], "bash", "{:?}", step["name"]);
            assert!(
                script.starts_with("set -euo pipefail\n"),
                "{:?} starts with set -euo pipefail",
                step["name"]
            );
        }
    }
}

/// The `run:` script of the action step that runs soc2scan.
fn action_run_script() -> String {
    steps_of(&action())
        .iter()
        .find(|step| step["id"] == "run")
        .and_then(|step| step["run"].as_str().map(str::to_string))
        .expect("action.yml has a step with id: run")
}

/// Runs the action's run step with bash, as the runner would, returning its exit code and
/// the `key=value` lines it wrote to `$GITHUB_OUTPUT`.
fn run_action_step(dir: &Path, args: &str, sarif_file: &str) -> (i32, Vec<String>, Output) {
    let outputs = dir.join("github_output");
    let _ = std::fs::remove_file(&outputs);
    let output = Command::new("bash")
        .arg("-c")
        .arg(action_run_script())
        .current_dir(dir)
        .env("SOC2SCAN_ARGS", args)
        .env("SOC2SCAN_SARIF_FILE", sarif_file)
        .env("SOC2SCAN_INSTALL_ONLY", "false")
        .env("SOC2SCAN", env!("CARGO_BIN_EXE_soc2scan"))
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COLUMNS")
        .output()
        .expect("bash runs");
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    (
        code(&output),
        written.lines().map(str::to_string).collect(),
        output,
    )
}

#[test]
fn action_run_step_splits_args_without_a_shell_and_reports_its_outputs() {
    let dir = temp_dir();
    let evidence = dir.path().join("my evidence");
    std::fs::create_dir(&evidence).expect("mkdir");
    std::fs::copy(example(), evidence.join("snap.json")).expect("copy");

    // Quotes group words; the SARIF option is added; the exit code passes through.
    let (exit, outputs, output) = run_action_step(
        dir.path(),
        "scan --snapshot \"my evidence/snap.json\" --fail-on 'critical' -o table",
        "out/results.sarif",
    );
    assert_eq!(exit, 3, "{}", stderr(&output));
    let sarif = dir.path().join("out/results.sarif");
    assert!(sarif.exists(), "{}", stderr(&output));
    assert!(stdout(&output).contains("aws-ec2-ebs-volume-unencrypted"));
    let sarif_path = std::fs::canonicalize(&sarif).expect("canonical");
    assert_eq!(
        outputs,
        vec![
            "exit-code=3".to_string(),
            format!("sarif-file={}", sarif_path.display())
        ]
    );

    // Nothing is expanded: `$(…)` and `$HOME` reach soc2scan as text, which rejects them.
    let marker = dir.path().join("injected");
    let (exit, outputs, output) = run_action_step(
        dir.path(),
        &format!("scan --snapshot $(touch {}) $HOME", marker.display()),
        "x.sarif",
    );
    assert_eq!(exit, 2, "{}", stderr(&output));
    assert!(!marker.exists(), "a command substitution in args ran");
    assert_eq!(outputs, vec!["exit-code=2", "sarif-file="]);

    // Another command gets no --output.
    let (exit, outputs, output) = run_action_step(dir.path(), "criteria --format json", "x.sarif");
    assert_eq!(exit, 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("CC6.1"));
    assert_eq!(outputs, vec!["exit-code=0", "sarif-file="]);
}

// The YAML and shell blocks of docs/github.md.

/// Fenced code blocks of a Markdown text with the given info string.
pub(crate) fn fenced_blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{language}") => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_start() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The long and short flags that `soc2scan COMMAND --help` lists.
pub(crate) fn help_flags(command: &str) -> BTreeSet<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args([command, "--help"])
        .output()
        .expect("soc2scan runs");
    assert_eq!(code(&output), 0, "soc2scan {command} --help");
    stdout(&output)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == '<' || c == '=')
        .filter(|word| word.starts_with('-') && word.len() > 1 && word != &"--")
        .map(|word| {
            word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        })
        .collect()
}

/// The soc2scan invocations in a shell script: (command, flags), continuation lines joined
/// and the elements of a bash array spliced where `"${name[@]}"` expands it.
pub(crate) fn soc2scan_invocations(script: &str) -> Vec<(String, Vec<String>)> {
    let joined = script.replace("\\\n", " ");
    let mut invocations = Vec::new();
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (at, word) in words.iter().enumerate() {
            // In command position only: a message that mentions soc2scan is not a call.
            let command_position = at == 0
                || matches!(words[at - 1], "||" | "&&" | ";" | "|" | "then" | "do" | "!")
                || words[at - 1].ends_with("$(");
            if *word != "soc2scan" || !command_position {
                continue;
            }
            let Some(command) = words.get(at + 1) else {
                continue;
            };
            let flags = words[at + 2..]
                .iter()
                .take_while(|w| !matches!(**w, "||" | "&&" | "|" | ";" | ">" | ">>"))
                .filter(|w| w.starts_with('-'))
                .map(|w| w.split('=').next().unwrap_or(w).to_string())
                .collect();
            invocations.push((command.to_string(), flags));
        }
    }
    invocations
}

/// Every soc2scan invocation in the documentation's workflows and steps: `run:` scripts,
/// and `args` of the soc2scan action.
fn documented_invocations(docs: &str) -> Vec<(String, Vec<String>)> {
    let mut invocations = Vec::new();
    for block in fenced_blocks(docs, "yaml") {
        let document = yaml(&block, "a ```yaml block of docs/github.md");
        for step in steps_of(&document) {
            if let Some(script) = step["run"].as_str() {
                invocations.extend(soc2scan_invocations(script));
            }
            let uses = step["uses"].as_str().unwrap_or_default();
            if uses.starts_with("soc2scan/soc2scan@") || uses == "./" {
                if let Some(args) = step["with"]["args"].as_str() {
                    invocations.extend(soc2scan_invocations(&format!("soc2scan {args}")));
                }
            }
        }
    }
    for block in fenced_blocks(docs, "sh") {
        invocations.extend(soc2scan_invocations(&block));
    }
    invocations
}

#[test]
fn documented_workflows_parse_and_use_the_action_safely() {
    let docs = read("docs/github.md");
    let blocks = fenced_blocks(&docs, "yaml");
    let workflows: Vec<Value> = blocks
        .iter()
        .map(|block| yaml(block, "a ```yaml block of docs/github.md"))
        .filter(|document| document.get("jobs").is_some())
        .collect();
    assert_eq!(
        workflows.len(),
        2,
        "the scheduled scan and the pull-request gate"
    );
    let inputs: BTreeSet<String> = action_inputs().into_iter().collect();
    for workflow in &workflows {
        let name = workflow["name"].as_str().expect("a workflow has a name");
        assert!(workflow.get("on").is_some(), "{name}: no `on:`");
        assert_eq!(
            workflow["permissions"]["security-events"],
            Value::from("write"),
            "{name}: upload-sarif needs security-events: write"
        );
        let steps = steps_of(workflow);
        assert_no_interpolation_in_run(&steps, name);
        let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
        assert!(
            uses.contains(&"github/codeql-action/upload-sarif@v3"),
            "{name}: {uses:?}"
        );
        assert!(
            uses.iter().any(|u| u.starts_with("soc2scan/soc2scan@")),
            "{name} installs soc2scan with the action"
        );
    }
    // Every `with:` given to the soc2scan action is one of its inputs.
    for block in &blocks {
        for step in steps_of(&yaml(block, "a ```yaml block")) {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("soc2scan/soc2scan@"))
            {
                for key in keys(&step["with"]) {
                    assert!(inputs.contains(&key), "the action has no input {key}");
                }
            }
        }
    }
    let scheduled = &workflows[0];
    assert!(scheduled["on"].get("schedule").is_some());
    assert!(scheduled["on"].get("workflow_dispatch").is_some());
    assert_eq!(
        scheduled["permissions"]["id-token"],
        Value::from("write"),
        "OIDC"
    );
    assert!(workflows[1]["on"].get("pull_request").is_some());
}

#[test]
fn documented_soc2scan_commands_use_only_flags_the_binary_has() {
    let docs = read("docs/github.md");
    let invocations = documented_invocations(&docs);
    let commands: BTreeSet<&str> = invocations.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        commands.contains("scan") && commands.contains("snapshot"),
        "{invocations:?}"
    );
    let mut known = std::collections::BTreeMap::new();
    for (command, flags) in &invocations {
        let listed = known
            .entry(command.clone())
            .or_insert_with(|| help_flags(command));
        for flag in flags {
            assert!(
                listed.contains(flag),
                "docs/github.md: `soc2scan {command} {flag}` is not in `soc2scan {command} --help`"
            );
        }
    }
}
