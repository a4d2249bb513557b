//! The evidence history end to end: recording, importing, verifying (and detecting
//! tampering), and the period report on a synthetic 180-day history whose figures are
//! computed by hand below.

use crate::common::{code, example, soc2scan_in, stderr, stdout, temp_dir};
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const ACCOUNT: &str = "111122223333";
const RULE: &str = "aws-ec2-ebs-volume-unencrypted";

fn arn(volume: &str) -> String {
    format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/{volume}")
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A snapshot of one account and region, collected at 06:00 UTC on `date`, holding these
/// volumes (id, encrypted, name); `gap` makes the EBS listing fail (access denied), so the
/// run is incomplete and no volume is listed.
fn snapshot(date: NaiveDate, volumes: &[(&str, bool, &str)], gap: bool) -> String {
    let at = |h: u32, m: u32| format!("{}T{h:02}:{m:02}:00Z", date.format("%Y-%m-%d"));
    let status = if gap {
        json!({"failed": {"kind": "access_denied", "message": "ec2:DescribeVolumes: UnauthorizedOperation (add ec2:DescribeVolumes to the scanning role)"}})
    } else {
        json!("ok")
    };
    let resources: Vec<Value> = if gap {
        Vec::new()
    } else {
        volumes
            .iter()
            .map(|(id, encrypted, name)| {
                json!({
                    "id": arn(id),
                    "provider": "aws",
                    "account": ACCOUNT,
                    "region": "eu-west-1",
                    "name": name,
                    "config": {"ebs_volume": {
                        "volume_id": id,
                        "encrypted": encrypted,
                        "state": "in-use",
                        "attachments": [],
                        "availability_zone": "eu-west-1a",
                        "size_gib": 20,
                        "create_time": "2025-12-01T00:00:00Z"
                    }}
                })
            })
            .collect()
    };
    let document = json!({
        "format": "soc2scan-snapshot",
        "format_version": 1,
        "metadata": {
            "tool": {"name": "soc2scan", "version": "0.1.0"},
            "started_at": at(5, 59),
            "finished_at": at(6, 0),
            "targets": [{"provider": "aws", "account": ACCOUNT, "alias": "acme-prod", "regions": ["eu-west-1"]}]
        },
        "coverage": [{"unit": {"provider": "aws", "account": ACCOUNT, "region": "eu-west-1", "kind": "ebs_volume"}, "status": status}],
        "resources": resources
    });
    serde_json::to_string_pretty(&document).expect("JSON")
}

const CONFIG: &str = r#"[scan]
rules = ["aws-ec2-ebs-volume-unencrypted"]

[[suppressions]]
rule = "aws-ec2-ebs-volume-unencrypted"
resource = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-c*"
reason = "Migration volume; encrypted copy in progress (SEC-7)"
expires = "2026-02-28"
"#;

/// The synthetic history, 2026-01-01 to 2026-06-29 (180 days), one run a day at 06:00 UTC:
///
/// - vol-a: always encrypted.
/// - vol-b: unencrypted 01-10 to 01-19 (fixed 01-20), again 04-01 to 04-04 (fixed 04-05).
/// - vol-c: appears 02-01 unencrypted, suppressed through 02-28, fixed 06-01.
/// - vol-d: appears 06-20 unencrypted, still failing at the end; its name starts with `=`.
/// - no run on 02-10; on 03-15 the EBS listing failed (an incomplete run).
fn synthetic_day(date: NaiveDate) -> Option<String> {
    if date == day("2026-02-10") {
        return None;
    }
    let between = |a: &str, b: &str| date >= day(a) && date <= day(b);
    let mut volumes = vec![("vol-a", true, "acme-app-root")];
    let b_failing = between("2026-01-10", "2026-01-19") || between("2026-04-01", "2026-04-04");
    volumes.push(("vol-b", !b_failing, "acme-db-data"));
    if date >= day("2026-02-01") {
        volumes.push(("vol-c", date >= day("2026-06-01"), "acme-migration"));
    }
    if date >= day("2026-06-20") {
        volumes.push(("vol-d", false, "=HYPERLINK(\"http://x\")"));
    }
    Some(snapshot(date, &volumes, date == day("2026-03-15")))
}

/// Writes the snapshots of `days` days from 2026-01-01 into `dir/snapshots`.
fn write_history(dir: &Path, days: i64) -> Vec<PathBuf> {
    let folder = dir.join("snapshots");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let mut files = Vec::new();
    for offset in 0..days {
        let date = day("2026-01-01") + Duration::days(offset);
        if let Some(text) = synthetic_day(date) {
            let path = folder.join(format!("{date}.json"));
            std::fs::write(&path, text).expect("write snapshot");
            files.push(path);
        }
    }
    files
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    soc2scan_in(dir, args)
}

fn import(dir: &Path, files: &[PathBuf]) {
    std::fs::write(dir.join("soc2scan.toml"), CONFIG).expect("config");
    let mut args = vec!["history", "import", "--history", "h.db"];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    // Reverse order on the command line: import sorts by collection time.
    args.extend(paths.iter().rev().map(String::as_str));
    let output = run(dir, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

/// The JSON report of the period from `from` to 2026-06-29.
fn report_json(dir: &Path, from: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--history",
        "h.db",
        "--from",
        from,
        "--to",
        "2026-06-29",
        "--format",
        "json",
        "-o",
        "r.json",
    ];
    args.extend(extra);
    let output = run(dir, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).expect("report"))
        .expect("JSON")
}

#[test]
fn history_synthetic_180_days_figures_by_hand() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 180);
    assert_eq!(files.len(), 179);
    import(dir.path(), &files);
    let report = report_json(dir.path(), "2026-01-01", &[]);
    assert_eq!(report["format"], "soc2scan-period-report");
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["period"]["days"], 180);

    // Method: 179 runs, 178 complete; 02-10 had none, 03-15 none complete.
    let method = &report["method"];
    assert_eq!(method["runs"], 179);
    assert_eq!(method["complete_runs"], 178);
    assert_eq!(method["days_with_runs"], 179);
    assert_eq!(method["days_without_complete_run"], 2);
    assert_eq!(method["runs_per_day_min"], 0);
    assert_eq!(method["runs_per_day_max"], 1);

    // One rule, mapped to CC6.1 and C1.1: both rows carry the same figures.
    let criteria = report["criteria"].as_array().expect("criteria");
    let ids: Vec<&str> = criteria.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["CC6.1", "C1.1"]);
    for c in criteria {
        assert_eq!(c["rules"], 1);
        assert_eq!(c["days"], 180);
        // Tested: 180 - 02-10 (not tested) - 03-15 (partial).
        assert_eq!(c["days_tested"], 178);
        assert_eq!(c["days_not_tested"], 1);
        assert_eq!(c["days_partial"], 1);
        assert_eq!(c["days_not_tested_or_partial"], 2);
        // Failing days: vol-b 01-10..01-19 (10); vol-c unsuppressed 03-01..05-31 less 03-15
        // (91, covering vol-b's 04-01..04-04); vol-d 06-20..06-29 (10): 111. 178 - 111 = 67.
        assert_eq!(c["days_without_unsuppressed_failure"], 67);
        // Daily rates: Jan 21×1 + 10×1/2; Feb 27×2/3 (vol-c's suppressed failure is
        // evaluated); Mar 30×2/3; Apr 4×1/3 + 26×2/3; May 31×2/3; Jun 19×1 + 10×3/4.
        let sum = 21.0
            + 5.0
            + 27.0 * 2.0 / 3.0
            + 30.0 * 2.0 / 3.0
            + 4.0 / 3.0
            + 26.0 * 2.0 / 3.0
            + 31.0 * 2.0 / 3.0
            + 19.0
            + 7.5;
        let mean = c["pass_rate_mean"].as_f64().expect("mean");
        assert!(
            (mean - sum / 178.0).abs() < 1e-6,
            "mean {mean}, expected {}",
            sum / 178.0
        );
        assert_eq!(c["pass_rate_min"], 0.333333);
        assert_eq!(c["not_evaluated_pairs"], 0);
        assert_eq!(c["exceptions_opened"], 4);
        assert_eq!(c["exceptions_open_at_end"], 1);
        assert_eq!(c["exceptions_fixed"], 3);
        // Fixed after 4 days, 10 days and 120 days (02-01 to 06-01).
        assert_eq!(c["remediation_median_seconds"], 10 * 86_400);
        assert_eq!(c["remediation_p90_seconds"], 120 * 86_400);
        assert_eq!(
            c["summary"],
            "exceptions observed (4); not tested on 1 day; partially tested on 1 day"
        );
    }

    // The strip: a few days by hand.
    let daily = report["daily"].as_array().expect("daily");
    assert_eq!(daily.len(), 180);
    let status = |date: &str| {
        daily
            .iter()
            .find(|d| d["date"] == date)
            .map(|d| {
                d["criteria"]["CC6.1"]["status"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .unwrap()
    };
    assert_eq!(status("2026-01-09"), "pass");
    assert_eq!(status("2026-01-10"), "fail");
    assert_eq!(status("2026-02-10"), "not_tested");
    assert_eq!(status("2026-02-15"), "pass");
    assert_eq!(status("2026-03-01"), "fail");
    assert_eq!(status("2026-03-15"), "partial");
    assert_eq!(status("2026-06-01"), "pass");
    assert_eq!(status("2026-06-29"), "fail");
    let feb = daily.iter().find(|d| d["date"] == "2026-02-15").unwrap();
    assert_eq!(feb["criteria"]["CC6.1"]["passed"], 2);
    assert_eq!(feb["criteria"]["CC6.1"]["suppressed"], 1);
    assert_eq!(feb["criteria"]["CC6.1"]["failed"], 0);
    assert_eq!(feb["criteria"]["CC6.1"]["pass_rate"], 0.666667);

    // The register, in order of first failure.
    let exceptions = report["exceptions"].as_array().expect("exceptions");
    let summary: Vec<(String, String, String, Option<String>, i64)> = exceptions
        .iter()
        .map(|e| {
            (
                e["resource"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                e["first_seen_failing"]["date"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                e["status"].as_str().unwrap().to_string(),
                e["fixed_at"]["date"].as_str().map(String::from),
                e["duration_seconds"].as_i64().unwrap(),
            )
        })
        .collect();
    let d = |s: &str| Some(s.to_string());
    assert_eq!(
        summary,
        vec![
            (
                "vol-b".into(),
                "2026-01-10".into(),
                "fixed".into(),
                d("2026-01-20"),
                10 * 86_400
            ),
            (
                "vol-c".into(),
                "2026-02-01".into(),
                "fixed".into(),
                d("2026-06-01"),
                120 * 86_400
            ),
            (
                "vol-b".into(),
                "2026-04-01".into(),
                "fixed".into(),
                d("2026-04-05"),
                4 * 86_400
            ),
            (
                "vol-d".into(),
                "2026-06-20".into(),
                "open".into(),
                None,
                9 * 86_400
            ),
        ]
    );
    assert_eq!(
        exceptions[0]["last_seen_passing_before"]["date"],
        "2026-01-09"
    );
    assert_eq!(exceptions[1]["last_seen_passing_before"], Value::Null);
    assert_eq!(
        exceptions[2]["last_seen_passing_before"]["date"],
        "2026-03-31"
    );
    assert_eq!(exceptions[1]["suppressions"][0]["expires"], "2026-02-28");
    assert_eq!(exceptions[0]["suppressions"], json!([]));
    assert_eq!(exceptions[1]["severity"], "high");
    // vol-c was not listed on 03-15 (the listing failed): that does not end its exception.
    assert_eq!(exceptions[1]["last_seen_failing"]["date"], "2026-05-31");

    // Coverage: the day without a run, the incomplete day, the gap.
    assert_eq!(report["coverage"]["days_not_tested"], json!(["2026-02-10"]));
    assert_eq!(report["coverage"]["days_partial"], json!(["2026-03-15"]));
    let gaps = report["coverage"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["service"], "ec2");
    assert_eq!(gaps[0]["region"], "eu-west-1");
    assert_eq!(gaps[0]["kinds"], json!(["ebs_volume"]));
    assert_eq!(gaps[0]["failure_kinds"], json!(["access_denied"]));
    assert_eq!(gaps[0]["first_date"], "2026-03-15");
    assert_eq!(gaps[0]["runs"], 1);

    // The suppression: in force from the start through its expiry, covering vol-c on the
    // 27 February runs (02-10 had none).
    let suppressions = report["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0]["first_date"], "2026-01-01");
    assert_eq!(suppressions[0]["last_date"], "2026-02-28");
    assert_eq!(suppressions[0]["expired_in_period"], true);
    assert_eq!(
        suppressions[0]["covered"],
        json!([{"rule": RULE, "resource": arn("vol-c"), "runs": 27}])
    );

    // Scope and manifest.
    assert_eq!(
        report["scope"]["resources_by_kind"],
        json!([{"kind": "ebs_volume", "first": 2, "last": 4}])
    );
    assert_eq!(report["scope"]["targets"][0]["runs"], 179);
    assert_eq!(
        report["scope"]["rule_set_changes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(report["manifest"]["chain_status"], "intact");
    assert_eq!(report["manifest"]["runs"].as_array().unwrap().len(), 179);
    assert_eq!(report["manifest"]["head_seq"], 179);

    // --criteria keeps only the criteria asked for.
    let only = report_json(dir.path(), "2026-01-01", &["--criteria", "C1.1"]);
    let ids: Vec<&str> = only["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C1.1"]);
    assert_eq!(only["period"]["criteria_filter"], json!(["C1.1"]));
    assert_eq!(only["daily"][0]["criteria"].as_object().unwrap().len(), 1);
    assert_eq!(only["exceptions"].as_array().unwrap().len(), 4);

    // A later start: vol-b's first exception is carried in, fixed in the period.
    let later = report_json(dir.path(), "2026-01-15", &[]);
    let first = &later["exceptions"][0];
    assert_eq!(first["first_seen_failing"]["date"], "2026-01-10");
    assert_eq!(first["opened_in_period"], false);
    assert_eq!(later["criteria"][0]["exceptions_opened"], 3);
    assert_eq!(later["criteria"][0]["exceptions_fixed"], 3);

    // Days in Los Angeles: 06:00 UTC is the evening before, so the missing run leaves
    // 02-09 untested and the period's last day has no run.
    let la = report_json(dir.path(), "2026-01-01", &["--tz", "America/Los_Angeles"]);
    assert_eq!(
        la["coverage"]["days_not_tested"],
        json!(["2026-02-09", "2026-06-29"])
    );
    assert_eq!(la["coverage"]["days_partial"], json!(["2026-03-14"]));
}

#[test]
fn history_report_is_byte_identical_but_for_generation_time() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 70);
    import(dir.path(), &files);
    let render = |format: &str, out: &str| -> String {
        let output = run(
            dir.path(),
            &[
                "report",
                "--history",
                "h.db",
                "--from",
                "2026-01-01",
                "--to",
                "2026-03-10",
                "--tz",
                "Europe/Berlin",
                "--format",
                format,
                "-o",
                out,
            ],
        );
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        if format == "csv" {
            [
                "summary.csv",
                "daily.csv",
                "exceptions.csv",
                "gaps.csv",
                "manifest.csv",
            ]
            .iter()
            .map(|name| std::fs::read_to_string(dir.path().join(out).join(name)).unwrap())
            .collect::<Vec<_>>()
            .join("\n--\n")
        } else {
            let text = std::fs::read_to_string(dir.path().join(out)).unwrap();
            text.lines()
                .filter(|line| !line.contains("generated_at") && !line.starts_with("Generated "))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    for format in ["json", "markdown", "html", "csv"] {
        let first = render(format, &format!("a.{format}"));
        let second = render(format, &format!("b.{format}"));
        assert_eq!(first, second, "{format} differs between two runs");
        assert!(!first.is_empty());
    }
    // Every section is in the Markdown.
    let markdown = render("markdown", "c.md");
    for heading in [
        "## 1. Period and scope",
        "## 2. Method",
        "## 3. Criteria summary",
        "## 4. Exceptions register",
        "## 5. Coverage",
        "## 6. Suppressions",
        "## 7. Evidence manifest",
    ] {
        assert!(markdown.contains(heading), "missing {heading}");
    }
    assert!(markdown.contains("exceptions observed (2)"), "{markdown}");
}

#[test]
fn history_csv_neutralises_formulas_from_resource_names() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 180);
    // Only the last days, where vol-d (named "=HYPERLINK(…)") fails.
    import(dir.path(), &files[170..]);
    let output = run(
        dir.path(),
        &[
            "report",
            "--history",
            "h.db",
            "--from",
            "2026-06-20",
            "--to",
            "2026-06-29",
            "--format",
            "csv",
            "-o",
            "bundle",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let exceptions = std::fs::read_to_string(dir.path().join("bundle/exceptions.csv")).unwrap();
    assert!(
        exceptions.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{exceptions}"
    );
    assert!(!exceptions.contains(",=HYPERLINK"), "{exceptions}");
    for name in ["summary.csv", "daily.csv", "gaps.csv", "manifest.csv"] {
        assert!(dir.path().join("bundle").join(name).is_file(), "{name}");
    }
}

#[test]
fn history_scan_record_lists_and_verifies() {
    let dir = temp_dir();
    let example = example();
    let example = example.to_str().unwrap();
    let output = run(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example,
            "--record",
            "--history",
            "sqlite:e.db",
            "-o",
            "json=r.json",
        ],
    );
    // The example has a coverage gap: exit 3, the run recorded as incomplete all the same.
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("recorded run #1 in sqlite:e.db"),
        "{}",
        stderr(&output)
    );
    assert!(dir.path().join("r.json").is_file());
    let listing = run(
        dir.path(),
        &["history", "--history", "e.db", "--format", "json"],
    );
    assert_eq!(code(&listing), 0, "{}", stderr(&listing));
    let listing: Value = serde_json::from_str(&stdout(&listing)).unwrap();
    let first = &listing["runs"][0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["complete"], false);
    assert_eq!(first["source"], "scan");
    let bytes = std::fs::read(common_example_path()).unwrap();
    assert_eq!(first["snapshot_sha256"], sha256(&bytes));
    // SOC2SCAN_HISTORY names the store too.
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .arg("verify")
        .current_dir(dir.path())
        .env("SOC2SCAN_HISTORY", "sqlite:e.db")
        .output()
        .unwrap();
    assert_eq!(code(&verify), 0, "{}{}", stdout(&verify), stderr(&verify));
    assert!(
        stdout(&verify).contains("intact: 1 run checked, 1 snapshot re-hashed"),
        "{}",
        stdout(&verify)
    );
    // A second record of the same snapshot is a second run, chained to the first.
    let again = run(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            example,
            "--record",
            "--history",
            "e.db",
            "-q",
        ],
    );
    assert_eq!(code(&again), 3);
    let listing = run(dir.path(), &["history", "--history", "e.db"]);
    assert!(
        stdout(&listing).contains("2 runs in sqlite:e.db"),
        "{}",
        stdout(&listing)
    );
}

fn common_example_path() -> PathBuf {
    example()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A store of five daily runs, copied fresh for each tampering.
fn five_runs() -> (tempfile::TempDir, PathBuf) {
    let dir = temp_dir();
    let files = write_history(dir.path(), 14);
    import(dir.path(), &files[5..10]);
    let store = dir.path().join("h.db");
    let verify = run(dir.path(), &["verify", "--history", "h.db"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    (dir, store)
}

fn tamper_and_verify(sql: &str) -> String {
    let (dir, store) = five_runs();
    let connection = rusqlite::Connection::open(&store).unwrap();
    connection.execute_batch(sql).unwrap();
    drop(connection);
    let verify = run(dir.path(), &["verify", "--history", "h.db"]);
    assert_eq!(
        code(&verify),
        1,
        "tampering not detected: {sql}\n{}",
        stdout(&verify)
    );
    assert!(stdout(&verify).contains("BROKEN"), "{}", stdout(&verify));
    stdout(&verify)
}

#[test]
fn history_verify_detects_a_deleted_run() {
    let out = tamper_and_verify("DELETE FROM runs WHERE seq = 3");
    assert!(out.contains("run #3 is missing"), "{out}");
}

#[test]
fn history_verify_detects_deleted_newest_runs() {
    let out = tamper_and_verify("DELETE FROM runs WHERE seq >= 4");
    assert!(
        out.contains("the chain head recorded in the store is run #5"),
        "{out}"
    );
}

#[test]
fn history_verify_detects_an_edited_run() {
    let out = tamper_and_verify("UPDATE runs SET complete = 1 - complete WHERE seq = 2");
    assert!(
        out.contains("run #2: its content no longer matches its content hash"),
        "{out}"
    );
    // Rewriting its counters is detected too (they disagree with the spans).
    let out = tamper_and_verify(
        "UPDATE runs SET counters = replace(counters, '\"passed\":2', '\"passed\":3') WHERE seq = 4",
    );
    assert!(out.contains("run #4"), "{out}");
}

#[test]
fn history_verify_detects_an_edited_verdict() {
    let out = tamper_and_verify("UPDATE spans SET outcome = 'pass' WHERE outcome = 'fail'");
    assert!(
        out.contains("its content no longer matches its content hash"),
        "{out}"
    );
}

#[test]
fn history_verify_detects_reordered_runs() {
    let out = tamper_and_verify(
        "UPDATE runs SET seq = 100 WHERE seq = 2; UPDATE runs SET seq = 2 WHERE seq = 3; \
         UPDATE runs SET seq = 3 WHERE seq = 100;",
    );
    assert!(out.contains("run #2"), "{out}");
    assert!(
        out.contains("removed, inserted or reordered") || out.contains("content hash"),
        "{out}"
    );
}

#[test]
fn history_verify_detects_an_altered_snapshot() {
    let (dir, store) = five_runs();
    let connection = rusqlite::Connection::open(&store).unwrap();
    let (sha, body): (String, Vec<u8>) = connection
        .query_row(
            "SELECT sha256, body FROM snapshots ORDER BY sha256 LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    // A different, valid gzip of edited bytes under the same name.
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut text).unwrap();
    let edited = text.replace("acme-prod", "acme-prud");
    assert_ne!(edited, text);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, edited.as_bytes()).unwrap();
    connection
        .execute(
            "UPDATE snapshots SET body = ?1 WHERE sha256 = ?2",
            rusqlite::params![encoder.finish().unwrap(), sha],
        )
        .unwrap();
    drop(connection);
    let verify = run(dir.path(), &["verify", "--history", "h.db"]);
    assert_eq!(code(&verify), 1, "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains(&format!("snapshot {}", &sha[..12])),
        "{}",
        stdout(&verify)
    );
    assert!(
        stdout(&verify).contains("was altered"),
        "{}",
        stdout(&verify)
    );
    // Only the run range asked for is re-hashed.
    let range = run(
        dir.path(),
        &[
            "verify",
            "--history",
            "h.db",
            "--from",
            "2026-01-06",
            "--to",
            "2026-01-07",
        ],
    );
    assert!(
        stdout(&range).contains("2 runs collected 2026-01-06 to 2026-01-07"),
        "{}",
        stdout(&range)
    );
}

#[test]
fn history_bad_input_exits_2_and_writes_nothing() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 3);
    import(dir.path(), &files);
    let before = std::fs::read(dir.path().join("h.db")).unwrap();
    let expect_2 = |args: &[&str], fragment: &str| {
        let output = run(dir.path(), args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(fragment),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    };
    let report = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--history",
            "h.db",
            "--format",
            "json",
            "-o",
            "out.json",
        ];
        args.extend(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    fn as_refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    expect_2(
        &as_refs(&report(&["--from", "2026-02-01", "--to", "2026-01-01"])),
        "--from 2026-02-01 is after --to 2026-01-01",
    );
    expect_2(
        &as_refs(&report(&[
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--criteria",
            "CC9.9",
        ])),
        "unknown SOC 2 criterion \"CC9.9\"",
    );
    expect_2(
        &as_refs(&report(&[
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--criteria",
            "CC7.2",
        ])),
        "CC7.2: no rule",
    );
    expect_2(
        &as_refs(&report(&[
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--tz",
            "Mars/Olympus",
        ])),
        "--tz \"Mars/Olympus\"",
    );
    expect_2(
        &as_refs(&report(&["--from", "2026-1-1x", "--to", "2026-01-31"])),
        "expected a date YYYY-MM-DD",
    );
    assert!(!dir.path().join("out.json").exists());

    // An unreachable store: nothing scanned, nothing written.
    expect_2(
        &[
            "scan",
            "--snapshot",
            files[0].to_str().unwrap(),
            "--record",
            "--history",
            "sqlite:no/such/dir/h.db",
            "-o",
            "json=r.json",
        ],
        "sqlite:no/such/dir/h.db: cannot create the store: directory no/such/dir does not exist",
    );
    assert!(!dir.path().join("r.json").exists());
    expect_2(
        &["history", "--history", "missing.db"],
        "sqlite:missing.db: no history store here",
    );
    assert!(!dir.path().join("missing.db").exists());
    // Not a database at all.
    std::fs::write(dir.path().join("text.db"), "hello, not SQLite").unwrap();
    expect_2(
        &["verify", "--history", "text.db"],
        "not a soc2scan history store",
    );
    // A PostgreSQL URL's password never shows.
    let output = run(
        dir.path(),
        &[
            "history",
            "--history",
            "postgres://scanner:hunter2@127.0.0.1:1/evidence",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));

    // A store of a newer schema is refused and left unchanged.
    let newer = dir.path().join("newer.db");
    std::fs::copy(dir.path().join("h.db"), &newer).unwrap();
    let connection = rusqlite::Connection::open(&newer).unwrap();
    connection
        .execute(
            "UPDATE soc2scan_meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    drop(connection);
    let newer_bytes = std::fs::read(&newer).unwrap();
    expect_2(
        &[
            "scan",
            "--snapshot",
            files[2].to_str().unwrap(),
            "--record",
            "--history",
            "newer.db",
            "-o",
            "json=r.json",
        ],
        "schema version 99, newer than this soc2scan",
    );
    expect_2(
        &[
            "report",
            "--history",
            "newer.db",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--format",
            "json",
            "-o",
            "out.json",
        ],
        "schema version 99",
    );
    assert_eq!(
        std::fs::read(&newer).unwrap(),
        newer_bytes,
        "the newer store was altered"
    );
    assert!(!dir.path().join("r.json").exists());

    // A corrupt snapshot among good ones: the import records nothing.
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(
        &corrupt,
        "{\"format\": \"soc2scan-snapshot\", \"format_version\": 1, \"metadata\": ",
    )
    .unwrap();
    let later = dir.path().join("later.json");
    std::fs::write(
        &later,
        snapshot(day("2026-01-20"), &[("vol-a", true, "a")], false),
    )
    .unwrap();
    expect_2(
        &[
            "history",
            "import",
            "--history",
            "h.db",
            later.to_str().unwrap(),
            corrupt.to_str().unwrap(),
        ],
        "corrupt.json",
    );
    // An older snapshot than the newest run: refused, naming it.
    let older = dir.path().join("older.json");
    std::fs::write(
        &older,
        snapshot(day("2025-12-01"), &[("vol-a", true, "a")], false),
    )
    .unwrap();
    expect_2(
        &[
            "history",
            "import",
            "--history",
            "h.db",
            older.to_str().unwrap(),
        ],
        "older.json: collected at 2025-12-01T06:00:00Z, before the newest recorded run #3",
    );
    assert_eq!(
        std::fs::read(dir.path().join("h.db")).unwrap(),
        before,
        "a refused command changed the store"
    );
    // Importing what is already there records nothing new.
    let again = run(
        dir.path(),
        &[
            "history",
            "import",
            "--history",
            "h.db",
            files[1].to_str().unwrap(),
        ],
    );
    assert_eq!(code(&again), 0);
    assert!(
        stderr(&again).contains("already recorded as run #2"),
        "{}",
        stderr(&again)
    );
    // --record on a plan is refused.
    let plan = crate::common::root().join("tests/fixtures/terraform/acme-plan/plan.json");
    expect_2(
        &[
            "scan",
            "--terraform-plan",
            plan.to_str().unwrap(),
            "--record",
            "--history",
            "h.db",
        ],
        "--record keeps evidence of running systems",
    );
}

/// Chromium, if installed (`SOC2SCAN_CHROMIUM` or `chromium` on the PATH); under CI it must
/// be (.ci/test installs Debian's package).
fn chromium() -> Option<String> {
    let program = std::env::var("SOC2SCAN_CHROMIUM").unwrap_or_else(|_| "chromium".to_string());
    let found = std::process::Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(program);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must open the HTML report in Chromium: install Debian's chromium (.ci/test does)"
    );
    eprintln!("note: chromium not found; skipped the headless-browser check of the HTML report");
    None
}

/// A loopback proxy that records the request line of every connection Chromium makes.
struct RecordingProxy {
    port: u16,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (seen, stopping) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
            while !stopping.load(std::sync::atomic::Ordering::SeqCst)
                && std::time::Instant::now() < deadline
            {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                        let mut buffer = [0u8; 512];
                        let n = stream.read(&mut buffer).unwrap_or(0);
                        let text = String::from_utf8_lossy(&buffer[..n]);
                        let line = text.lines().next().unwrap_or("").to_string();
                        seen.lock().unwrap().push(line);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        RecordingProxy {
            port,
            requests,
            stop,
        }
    }

    /// Requests other than Chromium's own background calls to Google's services (which
    /// the flags cannot all switch off, and which the report cannot cause: it names no URL).
    fn page_requests(&self) -> Vec<String> {
        let google = [
            ".google.com",
            ".googleapis.com",
            ".gstatic.com",
            ".gvt1.com",
        ];
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|line| {
                let target = line.split_whitespace().nth(1).unwrap_or("");
                let host = target
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                !google.iter().any(|suffix| host.ends_with(suffix))
            })
            .cloned()
            .collect()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn headless(
    chromium: &str,
    proxy: &RecordingProxy,
    profile: &Path,
    extra: &[&str],
    page: &Path,
) -> std::process::Output {
    std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn history_html_renders_in_chromium_without_requests() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 180);
    import(dir.path(), &files);
    let json = report_json(dir.path(), "2026-01-01", &[]);
    let output = run(
        dir.path(),
        &[
            "report",
            "--history",
            "h.db",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-29",
            "--format",
            "html",
            "-o",
            "r.html",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let page = dir.path().join("r.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: a CSP forbidding everything but the inline style, no script, no
    // external reference of any kind.
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"));
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "href=",
    ] {
        assert!(
            !html.contains(forbidden),
            "the HTML report contains {forbidden:?}"
        );
    }
    assert!(html.contains("@media print"));
    let Some(chromium) = chromium() else { return };

    // The harness sees a page's request: a control page that loads an image is caught.
    let proxy = RecordingProxy::start();
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><p>x</p><img src=\"http://soc2scan-leak.test/x.png\">",
    )
    .unwrap();
    let profile = temp_dir();
    headless(&chromium, &proxy, profile.path(), &["--dump-dom"], &control);
    assert!(
        proxy
            .page_requests()
            .iter()
            .any(|r| r.contains("soc2scan-leak.test")),
        "the recording proxy missed the control page's request: {:?}",
        proxy.requests.lock().unwrap()
    );
    drop(proxy);

    // The report: rendered, no request, the JSON's figures on the page.
    let proxy = RecordingProxy::start();
    let profile = temp_dir();
    let dom = headless(&chromium, &proxy, profile.path(), &["--dump-dom"], &page);
    let dom = stdout(&dom);
    let artifact = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("history-report.png");
    let profile = temp_dir();
    let shot = headless(
        &chromium,
        &proxy,
        profile.path(),
        &[
            "--window-size=1280,3000",
            &format!("--screenshot={}", artifact.display()),
        ],
        &page,
    );
    assert!(shot.status.success(), "{}", stderr(&shot));
    let png = std::fs::read(&artifact).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "screenshot of {} bytes",
        png.len()
    );
    eprintln!("screenshot of the HTML report: {}", artifact.display());
    // It prints: a PDF kept beside the screenshot.
    let pdf = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("history-report.pdf");
    let profile = temp_dir();
    let printed = headless(
        &chromium,
        &proxy,
        profile.path(),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &page,
    );
    assert!(printed.status.success(), "{}", stderr(&printed));
    let pdf_bytes = std::fs::read(&pdf).expect("PDF written");
    assert!(
        pdf_bytes.starts_with(b"%PDF") && pdf_bytes.len() > 20_000,
        "PDF of {} bytes",
        pdf_bytes.len()
    );
    assert_eq!(
        proxy.page_requests(),
        Vec::<String>::new(),
        "the report made requests"
    );

    assert!(
        dom.contains("<h2>7. Evidence manifest</h2>"),
        "not rendered: {}",
        &dom[..dom.len().min(500)]
    );
    let percent = |value: &Value| match value.as_f64() {
        Some(rate) => format!("{:.2}%", rate * 100.0),
        None => "–".to_string(),
    };
    for criterion in json["criteria"].as_array().unwrap() {
        let id = criterion["id"].as_str().unwrap();
        let start = dom
            .find(&format!("<tr data-criterion=\"{id}\">"))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let row = &dom[start..start + dom[start..].find("</tr>").unwrap()];
        for (field, text) in [
            ("days_tested", criterion["days_tested"].to_string()),
            (
                "days_not_tested_or_partial",
                criterion["days_not_tested_or_partial"].to_string(),
            ),
            (
                "days_without_unsuppressed_failure",
                criterion["days_without_unsuppressed_failure"].to_string(),
            ),
            ("pass_rate_mean", percent(&criterion["pass_rate_mean"])),
            ("pass_rate_min", percent(&criterion["pass_rate_min"])),
            (
                "exceptions_opened",
                criterion["exceptions_opened"].to_string(),
            ),
            (
                "exceptions_open_at_end",
                criterion["exceptions_open_at_end"].to_string(),
            ),
        ] {
            assert!(
                row.contains(&format!("data-field=\"{field}\">{text}</td>")),
                "{id} {field} {text} not in {row}"
            );
        }
    }
    assert_eq!(
        dom.matches("<tr class=\"exception\">").count(),
        json["exceptions"].as_array().unwrap().len()
    );
    assert_eq!(dom.matches("<tr class=\"run\">").count(), 179);
    assert!(dom.contains("data-field=\"chain_status\">intact</span>"));
    // Resource names are text, never markup.
    assert!(
        dom.contains("=HYPERLINK(\"http://x\")")
            || dom.contains("=HYPERLINK(&quot;http://x&quot;)")
    );
}

/// A throwaway PostgreSQL server on loopback (Debian's package: .ci/test installs it), run
/// as the `postgres` user when the tests run as root; stopped when dropped.
struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PgServer {
    fn bin_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("SOC2SCAN_PG_BIN") {
            return Some(PathBuf::from(dir));
        }
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|bin| bin.join("pg_ctl").is_file())
            .collect();
        versions.sort();
        versions.pop()
    }

    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    /// Starts a server, or `None` when PostgreSQL is not installed (outside CI).
    fn start() -> Option<PgServer> {
        let Some(bin) = PgServer::bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the PostgreSQL store tests: install Debian's postgresql (.ci/test does)"
            );
            eprintln!("note: PostgreSQL not found; skipped the PostgreSQL store test");
            return None;
        };
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = tempfile::Builder::new()
            .prefix("soc2scan-pg-")
            .tempdir_in("/tmp")
            .unwrap();
        if as_postgres {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = PgServer {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = server.dir.path().join("data");
        let initdb = server
            .command("initdb")
            .args(["--auth=trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {}", stderr(&initdb));
        let options = format!(
            "-p {port} -k {} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off",
            server.dir.path().display()
        );
        let start = server
            .command("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(server.dir.path().join("log"))
            .arg("start")
            .output()
            .unwrap();
        assert!(
            start.status.success(),
            "pg_ctl start: {}{}",
            stdout(&start),
            stderr(&start)
        );
        Some(server)
    }

    /// A fresh database on the server, as a store URL.
    fn database(&self, name: &str) -> String {
        let mut client = postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port={} user=postgres dbname=postgres",
                self.port
            ),
            postgres::NoTls,
        )
        .expect("connect to the test server");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        format!(
            "postgres://postgres:not-a-real-secret@127.0.0.1:{}/{name}",
            self.port
        )
    }

    fn client(&self, name: &str) -> postgres::Client {
        postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port={} user=postgres dbname={name}",
                self.port
            ),
            postgres::NoTls,
        )
        .expect("connect")
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .arg("stop")
            .output();
    }
}

fn import_into(dir: &Path, files: &[PathBuf], store: &str) {
    std::fs::write(dir.join("soc2scan.toml"), CONFIG).expect("config");
    let mut args = vec!["history", "import", "--history", store];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let output = run(dir, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("not-a-real-secret"),
        "{}",
        stderr(&output)
    );
}

/// The report without what differs between two stores of the same runs: when each was
/// generated and recorded, the store's name and the hashes that cover the recording time.
fn comparable(mut report: Value) -> Value {
    for key in ["generated_at", "store", "manifest"] {
        report.as_object_mut().unwrap().remove(key);
    }
    report
}

#[test]
fn history_postgres_gives_the_same_report_and_detects_tampering() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let dir = temp_dir();
    let files = write_history(dir.path(), 180);
    import_into(dir.path(), &files, "h.db");
    let url = server.database("evidence");
    import_into(dir.path(), &files, &url);
    let sqlite = report_json(dir.path(), "2026-01-01", &[]);
    let output = run(
        dir.path(),
        &[
            "report",
            "--history",
            &url,
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-29",
            "--format",
            "json",
            "-o",
            "pg.json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let pg: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("pg.json")).unwrap())
            .unwrap();
    assert_eq!(
        pg["store"],
        format!("postgres://postgres:***@127.0.0.1:{}/evidence", server.port)
    );
    assert_eq!(pg["manifest"]["chain_status"], "intact");
    assert_eq!(pg["manifest"]["runs"].as_array().unwrap().len(), 179);
    // The hand-computed figures of the SQLite test hold on PostgreSQL.
    assert_eq!(comparable(pg.clone()), comparable(sqlite.clone()));
    assert_eq!(pg["criteria"][0]["days_without_unsuppressed_failure"], 67);
    assert_eq!(pg["criteria"][0]["remediation_median_seconds"], 10 * 86_400);
    let shas = |report: &Value| -> Vec<Value> {
        report["manifest"]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["snapshot_sha256"].clone())
            .collect()
    };
    assert_eq!(shas(&pg), shas(&sqlite));

    let verify = run(dir.path(), &["verify", "--history", &url]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains("intact: 179 runs checked, 179 snapshots re-hashed"),
        "{}",
        stdout(&verify)
    );
    assert!(!stdout(&verify).contains("not-a-real-secret"));

    // Tampering on PostgreSQL is detected as on SQLite.
    let mut client = server.client("evidence");
    client
        .batch_execute(
            "UPDATE spans SET outcome = 'pass' WHERE outcome = 'fail' AND first_seq = 10",
        )
        .unwrap();
    let verify = run(dir.path(), &["verify", "--history", &url]);
    assert_eq!(code(&verify), 1, "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains("run #10: its content no longer matches its content hash"),
        "{}",
        stdout(&verify)
    );
    client
        .batch_execute("DELETE FROM runs WHERE seq = 50")
        .unwrap();
    let verify = run(dir.path(), &["verify", "--history", &url]);
    assert!(
        stdout(&verify).contains("run #50 is missing"),
        "{}",
        stdout(&verify)
    );

    // A scan recorded into PostgreSQL: its SARIF command line masks the password.
    let july = dir.path().join("july.json");
    std::fs::write(&july, synthetic_day(day("2026-07-01")).unwrap()).unwrap();
    let output = run(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            july.to_str().unwrap(),
            "--record",
            "--history",
            &url,
            "-o",
            "sarif=s.sarif",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let sarif = std::fs::read_to_string(dir.path().join("s.sarif")).unwrap();
    assert!(
        sarif.contains("postgres://postgres:***@127.0.0.1"),
        "{sarif}"
    );
    for text in [&sarif, &stderr(&output)] {
        assert!(!text.contains("not-a-real-secret"));
    }

    // A newer schema is refused and left alone.
    let newer = server.database("newer");
    import_into(dir.path(), &files[..2], &newer);
    let mut client = server.client("newer");
    client
        .batch_execute("UPDATE soc2scan_meta SET value = '7' WHERE key = 'schema_version'")
        .unwrap();
    let output = run(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            files[3].to_str().unwrap(),
            "--record",
            "--history",
            &newer,
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("schema version 7, newer than this soc2scan"),
        "{}",
        stderr(&output)
    );
    let runs: i64 = client
        .query_one("SELECT count(*) FROM runs", &[])
        .unwrap()
        .get(0);
    assert_eq!(runs, 2);
    // An unreachable server: exit 2 naming it, the password masked.
    let output = run(
        dir.path(),
        &[
            "history",
            "--history",
            "postgres://postgres:not-a-real-secret@127.0.0.1:1/evidence",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("postgres://postgres:***@127.0.0.1:1/evidence: cannot connect"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("not-a-real-secret"));
}

#[test]
fn history_postgres_two_concurrent_recorders_keep_the_sequence_gapless() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let dir = temp_dir();
    std::fs::write(dir.path().join("soc2scan.toml"), CONFIG).unwrap();
    let snapshot_file = dir.path().join("snap.json");
    std::fs::write(&snapshot_file, synthetic_day(day("2026-03-01")).unwrap()).unwrap();
    let url = server.database("shared");
    // Create the store first, so both recorders find the schema.
    let first = run(
        dir.path(),
        &[
            "scan",
            "--snapshot",
            snapshot_file.to_str().unwrap(),
            "--record",
            "--history",
            &url,
            "-q",
        ],
    );
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    let recorders: Vec<_> = (0..2)
        .map(|_| {
            let (dir, url, snapshot) =
                (dir.path().to_path_buf(), url.clone(), snapshot_file.clone());
            std::thread::spawn(move || {
                for _ in 0..8 {
                    let output = soc2scan_in(
                        &dir,
                        &[
                            "scan",
                            "--snapshot",
                            snapshot.to_str().unwrap(),
                            "--record",
                            "--history",
                            &url,
                            "-q",
                        ],
                    );
                    // Exit 1: vol-c fails (high) on 03-01.
                    assert_eq!(code(&output), 1, "{}", stderr(&output));
                }
            })
        })
        .collect();
    for recorder in recorders {
        recorder.join().expect("recorder");
    }
    let listing = run(
        dir.path(),
        &["history", "--history", &url, "--format", "json"],
    );
    let listing: Value = serde_json::from_str(&stdout(&listing)).unwrap();
    let seqs: Vec<i64> = listing["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=17).collect::<Vec<_>>());
    let verify = run(dir.path(), &["verify", "--history", &url]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
}

#[test]
fn history_docs_name_every_field_of_the_report_model() {
    let dir = temp_dir();
    let files = write_history(dir.path(), 80);
    import(dir.path(), &files);
    let report = report_json(dir.path(), "2026-01-01", &[]);
    let docs = std::fs::read_to_string(crate::common::root().join("docs/history.md")).unwrap();
    let mut objects = vec![
        ("report", report.clone()),
        ("period", report["period"].clone()),
        ("scope", report["scope"].clone()),
        ("scope.targets[]", report["scope"]["targets"][0].clone()),
        ("method", report["method"].clone()),
        ("criteria[]", report["criteria"][0].clone()),
        ("daily[]", report["daily"][0].clone()),
        (
            "daily[].criteria",
            report["daily"][0]["criteria"]["CC6.1"].clone(),
        ),
        ("exceptions[]", report["exceptions"][0].clone()),
        ("coverage", report["coverage"].clone()),
        ("coverage.gaps[]", report["coverage"]["gaps"][0].clone()),
        ("suppressions[]", report["suppressions"][0].clone()),
        ("manifest", report["manifest"].clone()),
        ("manifest.runs[]", report["manifest"]["runs"][0].clone()),
        (
            "rule_set_changes[]",
            report["scope"]["rule_set_changes"][0].clone(),
        ),
    ];
    let mut missing = Vec::new();
    for (name, object) in objects.drain(..) {
        let object = object
            .as_object()
            .unwrap_or_else(|| panic!("{name} is not an object"));
        for key in object.keys() {
            let documented = docs.contains(&format!("`{key}`"))
                || docs.contains(&format!("`{key}/"))
                || docs.contains(&format!("/`{key}`"));
            if !documented {
                missing.push(format!("{name}.{key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/history.md does not name: {missing:?}"
    );
}

/// `snapshot aws --record` and `scan aws --record` against moto: the live runs land in the
/// history with the very snapshot bytes written, and the counters the scan reported.
#[cfg(feature = "aws")]
mod live {
    use super::*;

    use crate::aws::moto_server;

    fn aws(dir: &Path, endpoint: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_soc2scan"))
            .args(args)
            .args(["--endpoint-url", endpoint, "--regions", "eu-west-1"])
            .current_dir(dir)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("SOC2SCAN_HISTORY")
            .output()
            .expect("the soc2scan binary runs")
    }

    #[test]
    fn history_live_snapshot_and_scan_record_into_one_chain() {
        let Some(python) = moto_server::moto_python() else {
            return;
        };
        let moto = moto_server::start_moto(&python, &[]);
        let seeded = std::process::Command::new(&python)
            .arg(crate::common::root().join("tests/support/seed_moto.py"))
            .args(["--endpoint", &moto.endpoint(), "--regions", "eu-west-1"])
            .output()
            .expect("seeding runs");
        assert!(seeded.status.success(), "{}", stderr(&seeded));
        let dir = temp_dir();
        let snap = aws(
            dir.path(),
            &moto.endpoint(),
            &[
                "snapshot",
                "aws",
                "-o",
                "snap.json",
                "--record",
                "--history",
                "h.db",
            ],
        );
        assert_eq!(code(&snap), 0, "{}", stderr(&snap));
        assert!(
            stderr(&snap).contains("recorded run #1 in sqlite:h.db"),
            "{}",
            stderr(&snap)
        );
        let scan = aws(
            dir.path(),
            &moto.endpoint(),
            &[
                "scan",
                "aws",
                "--record",
                "--history",
                "h.db",
                "-o",
                "json=r.json",
                "--fail-on",
                "none",
            ],
        );
        assert_eq!(code(&scan), 0, "{}", stderr(&scan));
        let listing = run(
            dir.path(),
            &["history", "--history", "h.db", "--format", "json"],
        );
        let listing: Value = serde_json::from_str(&stdout(&listing)).unwrap();
        let runs = listing["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0]["source"], "snapshot");
        assert_eq!(runs[1]["source"], "scan");
        assert_eq!(runs[0]["complete"], true);
        let written = std::fs::read(dir.path().join("snap.json")).unwrap();
        assert_eq!(runs[0]["snapshot_sha256"], sha256(&written));
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap())
                .unwrap();
        let summary = &report["summary"];
        assert_eq!(runs[1]["passed"], summary["passed"], "{summary}");
        assert_eq!(runs[1]["failed"], summary["failed"], "{summary}");
        assert_eq!(
            runs[1]["not_evaluated"], summary["not_evaluated"],
            "{summary}"
        );
        assert_eq!(runs[1]["suppressed"], 0);
        assert!(runs[1]["failed"].as_u64().unwrap() > 0);
        let verify = run(dir.path(), &["verify", "--history", "h.db"]);
        assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    }
}
