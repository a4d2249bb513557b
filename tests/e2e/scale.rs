//! Past one machine: `soc2scan merge` on snapshot files, the `Dockerfile`'s invariants, and
//! the manifests of docs/scale.md — parsed, every soc2scan flag in them checked against the
//! binary's own `--help`, the Kubernetes objects validated against the Kubernetes schema
//! with `kubernetes-validate` (PyPI, pinned; installed by .ci/test), and the GitHub
//! workflow checked the way docs/github.md's are.

use crate::common::*;
use crate::github::{
    assert_no_interpolation_in_run, fenced_blocks, help_flags, read, soc2scan_invocations, steps_of,
};
use serde_json::Value as Json;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------
// soc2scan merge, offline

fn example_json() -> Json {
    serde_json::from_str(&read("examples/acme-snapshot.json")).expect("the example is JSON")
}

fn write_json(dir: &Path, name: &str, document: &Json) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(document).expect("JSON")).expect("write");
    path.to_str().expect("utf-8").to_string()
}

/// The example split in two parts, each a shard of 2: its first account, and the others.
fn example_halves() -> (Json, Json) {
    let example = example_json();
    let accounts: Vec<String> = example["metadata"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["account"].as_str().expect("account").to_string())
        .collect();
    assert!(accounts.len() >= 2, "the example has two accounts");
    let part = |account: &str, index: u32| {
        let mut part = example.clone();
        let keep = |value: &mut Json, field: &str| {
            value.as_array_mut().expect("array").retain(|item| {
                let mine = item[field] == account || item["unit"][field] == account;
                mine == (index == 0)
            })
        };
        keep(&mut part["metadata"]["targets"], "account");
        keep(&mut part["coverage"], "account");
        keep(&mut part["resources"], "account");
        part["metadata"]["shard"] = serde_json::json!({"index": index, "count": 2});
        part
    };
    (part(&accounts[0], 0), part(&accounts[0], 1))
}

#[test]
fn merging_the_halves_of_the_example_gives_the_example_verdicts() {
    let dir = temp_dir();
    let (first, second) = example_halves();
    let a = write_json(dir.path(), "a.json", &first);
    let b = write_json(dir.path(), "b.json", &second);
    let merged = dir.path().join("merged.json");
    let output = soc2scan_in(
        dir.path(),
        &["merge", &b, &a, "-o", merged.to_str().expect("utf-8")],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("merged 2 snapshots"),
        "{}",
        stderr(&output)
    );
    let scan = |snapshot: &str| {
        let output = soc2scan_in(
            dir.path(),
            &[
                "scan",
                "--snapshot",
                snapshot,
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        assert_eq!(
            code(&output),
            3,
            "the example's one gap: {}",
            stderr(&output)
        );
        let report: Json = serde_json::from_slice(&output.stdout).expect("JSON report");
        let mut results: Vec<Json> = report["results"].as_array().expect("results").clone();
        results.sort_by_key(|r| r.to_string());
        (results, report["coverage_gaps"].clone())
    };
    assert_eq!(
        scan(merged.to_str().expect("utf-8")),
        scan(example().to_str().expect("utf-8")),
        "merged halves give exactly the verdicts and gaps of the whole"
    );
    let document: Json =
        serde_json::from_str(&std::fs::read_to_string(&merged).expect("merged")).expect("JSON");
    assert!(
        document["metadata"].get("shard").is_none(),
        "{}",
        document["metadata"]
    );
}

#[test]
fn merge_conflicts_exit_2_name_the_files_and_write_nothing() {
    let dir = temp_dir();
    let (first, second) = example_halves();
    let a = write_json(dir.path(), "a.json", &first);
    let mut other_version = second.clone();
    other_version["metadata"]["tool"]["version"] = "0.0.1".into();
    let old = write_json(dir.path(), "old.json", &other_version);
    let mut fewer_kinds = second.clone();
    fewer_kinds["metadata"]["collected_kinds"] = serde_json::json!(["iam_user"]);
    fewer_kinds["coverage"]
        .as_array_mut()
        .expect("coverage")
        .retain(|entry| entry["unit"]["kind"] == "iam_user");
    fewer_kinds["resources"]
        .as_array_mut()
        .expect("resources")
        .retain(|r| r["config"].get("iam_user").is_some());
    let iam_only = write_json(dir.path(), "iam-only.json", &fewer_kinds);
    let mut of_three = second.clone();
    of_three["metadata"]["shard"] = serde_json::json!({"index": 1, "count": 3});
    let three = write_json(dir.path(), "three.json", &of_three);
    let mut same_index = second.clone();
    same_index["metadata"]["shard"] = serde_json::json!({"index": 0, "count": 2});
    let zero = write_json(dir.path(), "zero.json", &same_index);
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"format\": \"soc2scan-snapshot\",",
    )
    .expect("write");
    let broken = dir
        .path()
        .join("broken.json")
        .to_str()
        .expect("utf-8")
        .to_string();

    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec![&a, &a], vec!["a.json and", "a.json", "is in both"]),
        (
            vec![&a, &old],
            vec![
                "a.json and",
                "old.json were collected with different rule inputs",
                "0.0.1",
            ],
        ),
        (
            vec![&a, &iam_only],
            vec!["iam-only.json", "kinds collected only by the first"],
        ),
        (
            vec![&a, &three],
            vec!["a.json is shard 0/2 but", "three.json is shard 1/3"],
        ),
        (vec![&a, &zero], vec!["are both shard 0/2"]),
        (
            vec![&a],
            vec!["shard 1/2 of 2 is missing", "--allow-missing-shards"],
        ),
        (vec![&a, &broken], vec!["broken.json", "not valid JSON"]),
        (
            vec![&a, "no-such-part.json"],
            vec!["no-such-part.json", "cannot read"],
        ),
    ];
    for (parts, fragments) in cases {
        let out = dir.path().join("out.json");
        let mut args = vec!["merge"];
        args.extend(parts.iter().copied());
        args.extend(["-o", out.to_str().expect("utf-8")]);
        let output = soc2scan_in(dir.path(), &args);
        let message = stderr(&output);
        assert_eq!(code(&output), 2, "{parts:?}: {message}");
        for fragment in fragments {
            assert!(
                message.contains(fragment),
                "{parts:?}: {message} lacks {fragment:?}"
            );
        }
        assert!(!out.exists(), "{parts:?}: nothing is written");
    }

    // A partial set is merged when allowed, and the missing shard is named.
    let out = dir.path().join("partial.json");
    let output = soc2scan_in(
        dir.path(),
        &[
            "merge",
            &a,
            "--allow-missing-shards",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("shard 1/2 is missing"),
        "{}",
        stderr(&output)
    );
    assert!(out.exists());
}

#[test]
fn one_report_per_account_with_its_own_category() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let example = example();
    let output = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example.to_str().expect("utf-8"),
            "-o",
            "sarif=out/{account}.sarif",
            "-o",
            "json=out/{provider}-{account}.json",
            "-o",
            "json=out/all.json",
        ],
    );
    assert_eq!(
        code(&output),
        3,
        "the whole scan's exit code (a gap): {}",
        stderr(&output)
    );
    let whole: Json =
        serde_json::from_str(&std::fs::read_to_string(out.join("all.json")).expect("all.json"))
            .expect("JSON");
    let targets: BTreeMap<String, String> = whole["snapshot"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            let field = |name: &str| t[name].as_str().expect("target field").to_string();
            (field("account"), field("provider"))
        })
        .collect();
    let accounts: BTreeSet<String> = targets.keys().cloned().collect();
    assert!(accounts.len() >= 2);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = accounts
        .iter()
        .flat_map(|a| [format!("{a}.sarif"), format!("{}-{a}.json", targets[a])])
        .chain(["all.json".to_string()])
        .collect();
    expected.sort();
    assert_eq!(
        names, expected,
        "one SARIF and one JSON per account, nothing else"
    );

    let mut per_account_results = 0;
    for account in &accounts {
        let text = std::fs::read_to_string(out.join(format!("{account}.sarif"))).expect("sarif");
        validate_sarif(&text);
        let sarif: Json = serde_json::from_str(&text).expect("JSON");
        let provider = &targets[account];
        assert_eq!(
            sarif["runs"][0]["automationDetails"]["id"],
            format!("soc2scan/{provider}/{account}/")
        );
        let json: Json = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{provider}-{account}.json"))).expect("json"),
        )
        .expect("JSON");
        let results = json["results"].as_array().expect("results");
        for result in results {
            let text = result.to_string();
            for other in accounts.iter().filter(|o| *o != account) {
                assert!(
                    !text.contains(other.as_str()),
                    "{account}'s report holds {other}: {text}"
                );
            }
        }
        per_account_results += results.len();
    }
    assert_eq!(
        per_account_results,
        whole["results"].as_array().expect("results").len(),
        "the accounts' reports together hold every result of the whole"
    );

    // What per-account reports cannot go with: exit 2, nothing written.
    for (extra, fragment) in [
        (vec!["--sarif-category", "org"], "put {account} in it"),
        (vec!["--baseline", "out/all.json"], "--baseline"),
    ] {
        let mut args = vec![
            "scan",
            "--snapshot",
            example.to_str().expect("utf-8"),
            "-o",
            "sarif=fresh/{account}.sarif",
        ];
        args.extend(extra);
        let output = soc2scan_in(dir.path(), &args);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(stderr(&output).contains(fragment), "{}", stderr(&output));
    }
    let collide = soc2scan_in(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example.to_str().expect("utf-8"),
            "-o",
            "sarif=out/{account}.sarif",
            "-o",
            "json=out/111122223333.sarif",
        ],
    );
    assert_eq!(code(&collide), 2, "{}", stderr(&collide));
    assert!(
        stderr(&collide).contains("would both be written to"),
        "{}",
        stderr(&collide)
    );
}

// ---------------------------------------------------------------------------------------
// The Dockerfile

/// The Dockerfile's instructions, continuation lines joined, comments dropped.
fn dockerfile_instructions() -> Vec<(String, String)> {
    let text = read("Dockerfile").replace("\\\n", " ");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (instruction, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            (instruction.to_ascii_uppercase(), rest.trim().to_string())
        })
        .collect()
}

#[test]
fn the_dockerfile_builds_locked_and_runs_the_binary_as_a_numeric_non_root_user() {
    let instructions = dockerfile_instructions();
    let stages: Vec<&String> = instructions
        .iter()
        .filter(|(i, _)| i == "FROM")
        .map(|(_, rest)| rest)
        .collect();
    assert_eq!(stages.len(), 2, "a builder and a runtime stage: {stages:?}");
    assert!(
        stages[0].starts_with("rust:1") && stages[0].ends_with("AS builder"),
        "{stages:?}"
    );
    let runtime_at = instructions
        .iter()
        .rposition(|(i, _)| i == "FROM")
        .expect("runtime stage");
    let (build, runtime) = instructions.split_at(runtime_at);

    let build_runs: Vec<&String> = build
        .iter()
        .filter(|(i, _)| i == "RUN")
        .map(|(_, r)| r)
        .collect();
    let cargo = build_runs
        .iter()
        .find(|run| run.contains("cargo build"))
        .expect("the builder runs cargo build");
    for flag in ["--release", "--locked", "--bin soc2scan"] {
        assert!(cargo.contains(flag), "cargo build lacks {flag}: {cargo}");
    }
    // The binary the builder puts in /out is the one the runtime copies.
    assert!(cargo.contains("/out/soc2scan"), "{cargo}");

    // Runtime: nothing runs in it; only the binary and the CA bundle are copied in.
    assert!(
        !runtime.iter().any(|(i, _)| i == "RUN"),
        "the runtime image runs no commands"
    );
    let copies: Vec<&String> = runtime
        .iter()
        .filter(|(i, _)| i == "COPY")
        .map(|(_, r)| r)
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(
        copies
            .iter()
            .any(|c| c.starts_with("--from=builder /etc/ssl/certs/ca-certificates.crt ")),
        "CA certificates: {copies:?}"
    );
    let binary = copies
        .iter()
        .find(|c| c.starts_with("--from=builder /out/soc2scan "))
        .and_then(|c| c.split_whitespace().last())
        .expect("the binary is copied from the builder");
    let user = runtime
        .iter()
        .rev()
        .find(|(i, _)| i == "USER")
        .map(|(_, r)| r.as_str())
        .expect("a USER");
    let (uid, gid) = user.split_once(':').unwrap_or((user, "0"));
    let uid: u32 = uid
        .parse()
        .unwrap_or_else(|_| panic!("USER {user} is not numeric"));
    let _: u32 = gid
        .parse()
        .unwrap_or_else(|_| panic!("USER {user} is not numeric"));
    assert_ne!(uid, 0, "the image does not run as root");
    let entrypoint = runtime
        .iter()
        .rev()
        .find(|(i, _)| i == "ENTRYPOINT")
        .map(|(_, r)| r.as_str())
        .expect("an ENTRYPOINT");
    let entrypoint: Vec<String> =
        serde_json::from_str(entrypoint).expect("ENTRYPOINT in exec (JSON) form");
    assert_eq!(
        entrypoint,
        vec![binary.to_string()],
        "the ENTRYPOINT is the copied binary"
    );

    // The build context leaves out build output and history, but keeps what the build reads.
    let ignored = read(".dockerignore");
    let ignored: Vec<&str> = ignored
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for needed in ["target/", ".git/"] {
        assert!(ignored.contains(&needed), ".dockerignore lacks {needed}");
    }
    for kept in [
        "Cargo.lock",
        "Cargo.toml",
        "scanner",
        "providers",
        "rules",
        "output",
        "docs",
        "examples",
        "benches",
        "tests",
    ] {
        assert!(
            !ignored
                .iter()
                .any(|pattern| pattern.trim_end_matches('/') == kept),
            ".dockerignore leaves out {kept}, which the build reads"
        );
    }
}

// ---------------------------------------------------------------------------------------
// docs/scale.md

/// Every YAML document of every ```yaml block of docs/scale.md.
fn scale_documents() -> Vec<Value> {
    let docs = read("docs/scale.md");
    let mut documents = Vec::new();
    for block in fenced_blocks(&docs, "yaml") {
        for document in serde_yaml_ng::Deserializer::from_str(&block) {
            let value = Value::deserialize(document).unwrap_or_else(|error| {
                panic!("a ```yaml block of docs/scale.md: {error}\n{block}")
            });
            documents.push(value);
        }
    }
    documents
}

use serde::Deserialize as _;

fn kubernetes_objects() -> Vec<Value> {
    scale_documents()
        .into_iter()
        .filter(|d| d.get("apiVersion").is_some())
        .collect()
}

/// The containers (init containers too) of a Job's pod template.
fn containers(job: &Value) -> Vec<Value> {
    let spec = &job["spec"]["template"]["spec"];
    ["initContainers", "containers"]
        .iter()
        .flat_map(|key| spec[key].as_sequence().cloned().unwrap_or_default())
        .collect()
}

/// (command, flags) of a container that runs the soc2scan image (its ENTRYPOINT).
fn container_invocation(container: &Value) -> (String, Vec<String>) {
    let args: Vec<String> = container["args"]
        .as_sequence()
        .expect("soc2scan containers pass args to the ENTRYPOINT")
        .iter()
        .map(|a| a.as_str().expect("args are strings").to_string())
        .collect();
    assert!(
        container.get("command").is_none(),
        "the ENTRYPOINT is soc2scan; no command:"
    );
    let flags = args[1..]
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.split('=').next().unwrap_or(a).to_string())
        .collect();
    (args[0].clone(), flags)
}

#[test]
fn the_kubernetes_manifests_shard_an_indexed_job_and_merge_every_part() {
    let objects = kubernetes_objects();
    let jobs: BTreeMap<String, &Value> = objects
        .iter()
        .filter(|o| o["kind"] == "Job")
        .map(|o| (o["metadata"]["name"].as_str().expect("name").to_string(), o))
        .collect();
    let shards = jobs["soc2scan-shards"];
    let merge = jobs["soc2scan-merge"];
    assert_eq!(shards["spec"]["completionMode"], "Indexed");
    let count = shards["spec"]["completions"].as_u64().expect("completions");
    assert_eq!(shards["spec"]["parallelism"].as_u64(), Some(count));

    let shard_container = &containers(shards)[0];
    let args: Vec<&str> = shard_container["args"]
        .as_sequence()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let at = args.iter().position(|a| *a == "--shard").expect("--shard");
    assert_eq!(args[at + 1], format!("$(JOB_COMPLETION_INDEX)/{count}"));
    let env = shard_container["env"].as_sequence().expect("env");
    assert!(
        env.iter().any(|e| e["name"] == "JOB_COMPLETION_INDEX"
            && e["valueFrom"]["fieldRef"]["fieldPath"]
                == "metadata.annotations['batch.kubernetes.io/job-completion-index']"),
        "the index comes from the Job's annotation"
    );
    let output = args[args
        .iter()
        .position(|a| *a == "--output")
        .expect("--output")
        + 1];

    // IRSA: the service account the shards run as names the scanning role.
    let account_name = shards["spec"]["template"]["spec"]["serviceAccountName"]
        .as_str()
        .expect("serviceAccountName");
    let service_account = objects
        .iter()
        .find(|o| o["kind"] == "ServiceAccount" && o["metadata"]["name"] == account_name)
        .expect("the service account is defined");
    assert!(
        service_account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            .as_str()
            .is_some_and(|arn| arn.starts_with("arn:aws:iam::"))
    );
    let claim = objects
        .iter()
        .find(|o| o["kind"] == "PersistentVolumeClaim")
        .expect("a shared volume");
    assert_eq!(claim["spec"]["accessModes"][0], "ReadWriteMany");

    // The merge Job merges exactly the parts the shards write, then scans the result with
    // one SARIF per account.
    let merge_containers = containers(merge);
    let merge_args: Vec<&str> = merge_containers[0]["args"]
        .as_sequence()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(merge_args[0], "merge");
    let parts: Vec<String> = (0..count)
        .map(|index| output.replace("$(JOB_COMPLETION_INDEX)", &index.to_string()))
        .collect();
    let given: Vec<String> = merge_args[1..]
        .iter()
        .take_while(|a| !a.starts_with('-'))
        .map(|a| a.to_string())
        .collect();
    assert_eq!(given, parts, "the merge names every shard's part");
    let merged = merge_args[merge_args
        .iter()
        .position(|a| *a == "--output")
        .expect("-o")
        + 1];
    let scan_args: Vec<&str> = merge_containers[1]["args"]
        .as_sequence()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(&scan_args[..3], &["scan", "--snapshot", merged]);
    assert!(scan_args
        .iter()
        .any(|a| a.starts_with("sarif=") && a.contains("{account}")));

    for job in [shards, merge] {
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], Value::from(true));
        assert_eq!(pod["securityContext"]["runAsUser"], Value::from(65532));
        for container in containers(job) {
            assert_eq!(
                container["securityContext"]["allowPrivilegeEscalation"],
                Value::from(false)
            );
        }
    }
}

#[test]
fn documented_soc2scan_commands_in_scale_md_use_only_flags_the_binary_has() {
    // NOTE: the manifests use `--org` and `--org-role` (issue #13's organization scan), so
    // this test passes only once those flags exist in `soc2scan snapshot --help`.
    let mut invocations: Vec<(String, Vec<String>)> = Vec::new();
    for object in kubernetes_objects().iter().filter(|o| o["kind"] == "Job") {
        invocations.extend(containers(object).iter().map(container_invocation));
    }
    for workflow in scale_documents().iter().filter(|d| d.get("jobs").is_some()) {
        for step in steps_of(workflow) {
            if let Some(script) = step["run"].as_str() {
                invocations.extend(soc2scan_invocations(script));
            }
        }
    }
    for block in fenced_blocks(&read("docs/scale.md"), "sh") {
        invocations.extend(soc2scan_invocations(&block));
    }
    let commands: BTreeSet<&str> = invocations.iter().map(|(c, _)| c.as_str()).collect();
    for expected in ["snapshot", "merge", "scan"] {
        assert!(commands.contains(expected), "{invocations:?}");
    }
    let mut known = BTreeMap::new();
    for (command, flags) in &invocations {
        let listed = known
            .entry(command.clone())
            .or_insert_with(|| help_flags(command));
        for flag in flags {
            assert!(
                listed.contains(flag),
                "docs/scale.md: `soc2scan {command} {flag}` is not in `soc2scan {command} --help`"
            );
        }
    }
}

#[test]
fn the_scale_md_workflow_shards_with_a_matrix_and_uploads_one_sarif_per_account() {
    let workflows: Vec<Value> = scale_documents()
        .into_iter()
        .filter(|d| d.get("jobs").is_some())
        .collect();
    assert_eq!(workflows.len(), 1);
    let workflow = &workflows[0];
    assert_eq!(
        workflow["permissions"]["security-events"],
        Value::from("write")
    );
    assert_eq!(
        workflow["permissions"]["id-token"],
        Value::from("write"),
        "OIDC"
    );
    assert_no_interpolation_in_run(&steps_of(workflow), "docs/scale.md");

    let shard = &workflow["jobs"]["shard"];
    let matrix: Vec<u64> = shard["strategy"]["matrix"]["shard"]
        .as_sequence()
        .expect("a shard matrix")
        .iter()
        .map(|v| v.as_u64().expect("shard indices"))
        .collect();
    let count = matrix.len() as u64;
    assert_eq!(matrix, (0..count).collect::<Vec<_>>());
    assert_eq!(
        shard["env"]["SOC2SCAN_SHARD"],
        Value::from(format!("${{{{ matrix.shard }}}}/{count}"))
    );
    let uses = |job: &Value| -> Vec<String> {
        job["steps"]
            .as_sequence()
            .expect("steps")
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_string))
            .collect()
    };
    let shard_uses = uses(shard);
    assert!(shard_uses
        .iter()
        .any(|u| u.starts_with("aws-actions/configure-aws-credentials@")));
    assert!(shard_uses
        .iter()
        .any(|u| u.starts_with("actions/upload-artifact@")));

    let merge = &workflow["jobs"]["merge"];
    assert_eq!(merge["needs"], Value::from("shard"));
    let merge_uses = uses(merge);
    assert!(merge_uses
        .iter()
        .any(|u| u.starts_with("actions/download-artifact@")));
    let upload = merge["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s["uses"] == "github/codeql-action/upload-sarif@v3")
        .expect("upload-sarif");
    let directory = upload["with"]["sarif_file"].as_str().expect("sarif_file");
    assert!(
        upload["with"].get("category").is_none(),
        "a category: input would give every account's SARIF the same category"
    );
    let script: String = merge["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        script.contains(&format!("sarif={directory}{{account}}.sarif")),
        "the scan writes one SARIF per account into {directory}: {script}"
    );
}

/// `kubernetes-validate` from PyPI: `$SOC2SCAN_KUBERNETES_VALIDATE`, else the venv .ci/test
/// creates. Under CI it must be there.
fn kubernetes_validate() -> Option<PathBuf> {
    let path = match std::env::var_os("SOC2SCAN_KUBERNETES_VALIDATE") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/soc2scan/tools/venv-kubernetes-validate/bin/kubernetes-validate"),
    };
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must validate docs/scale.md's manifests: {} does not exist (.ci/test installs it)",
        path.display()
    );
    eprintln!(
        "note: {} not found; skipped the Kubernetes schema validation",
        path.display()
    );
    None
}

/// The Kubernetes version the manifests are validated against (an EKS-supported release).
const KUBERNETES_VERSION: &str = "1.33.0";

#[test]
fn the_kubernetes_manifests_are_valid_kubernetes_objects() {
    let objects = kubernetes_objects();
    assert!(
        objects.len() >= 4,
        "service account, volume claim, two Jobs"
    );
    let Some(validator) = kubernetes_validate() else {
        return;
    };
    let dir = temp_dir();
    let mut files = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        let path = dir.path().join(format!("object-{index}.yaml"));
        std::fs::write(&path, serde_yaml_ng::to_string(object).expect("YAML")).expect("write");
        files.push(path);
    }
    let output = Command::new(&validator)
        .args(["--strict", "-k", KUBERNETES_VERSION])
        .args(&files)
        .output()
        .expect("kubernetes-validate runs");
    assert!(
        output.status.success(),
        "kubernetes-validate --strict -k {KUBERNETES_VERSION}:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    // It says one line per object; a broken object must fail it (the check can fail).
    let mut broken = objects
        .iter()
        .find(|o| o["kind"] == "Job")
        .expect("a Job")
        .clone();
    broken["spec"]["completionMode"] = Value::from("Sometimes");
    broken["spec"]["template"]["spec"]["restartPolicy"] = Value::from(42);
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, serde_yaml_ng::to_string(&broken).expect("YAML")).expect("write");
    let output = Command::new(&validator)
        .args(["--strict", "-k", KUBERNETES_VERSION])
        .arg(&path)
        .output()
        .expect("kubernetes-validate runs");
    assert!(
        !output.status.success(),
        "a broken Job must not validate: {}",
        stdout(&output)
    );
}
