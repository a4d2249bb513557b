//! The evidence history at a year's size: 365 daily runs of an account with about 20,000
//! verdicts, 1% of them changing each day, recorded into SQLite and into PostgreSQL.
//!
//! ```sh
//! cargo bench --no-default-features --bench history
//! ```
//!
//! Reports, per store: the time to record one run (building the run from the evaluated
//! report — the snapshot compressed and hashed — and appending it; the scan and the
//! evaluation are not timed), the store's size without the snapshots, the time of a
//! full-year report in each format (open, read back, check the chain, compute, render),
//! and of a full `verify` (with every snapshot re-hashed).
//!
//! The verdicts are those of the rule engine on the synthetic snapshot
//! (`scanner/synthetic.rs`) sized to about 20,000 verdicts; each day flips the outcome of
//! 1% of them (chosen by a fixed pseudo-random sequence) and the snapshot bytes carry the
//! day's collection time, so every run stores a distinct snapshot.
//!
//! PostgreSQL: a throwaway server of Debian's package on loopback, started like the tests'
//! (as the `postgres` user when run as root); skipped with a note when not installed.
//! `SOC2SCAN_BENCH_RUNS` changes the number of runs (e.g. 30 for a quick run).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::{Duration, TimeZone, Utc};
use soc2scan::history::location::StoreLocation;
use soc2scan::history::period::{build, ReportRequest};
use soc2scan::history::render;
use soc2scan::history::run::{rules_run, NewRun, Outcome, RunSource, SnapshotEvidence};
use soc2scan::history::store::Access;
use soc2scan::history::verify::{verify_chain, verify_snapshots};
use soc2scan::history::Store;
use soc2scan::output::suppress::Suppressions;
use soc2scan::rules::{all_rules, Engine, RuleRun};
use soc2scan::synthetic;
use std::path::PathBuf;
use std::time::Instant;

const TARGET_VERDICTS: usize = 20_000;

fn runs() -> usize {
    std::env::var("SOC2SCAN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(365)
}

fn seconds(d: std::time::Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    let rank = ((sorted.len() as f64) * p).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The base run: a real evaluation of a synthetic snapshot of about 20,000 verdicts.
fn base() -> (NewRun, Vec<String>, String) {
    let engine = Engine::new(
        all_rules()
            .iter()
            .map(|r| RuleRun::with_defaults(*r))
            .collect(),
    );
    let mut size = 4_000;
    loop {
        let snapshot = synthetic::snapshot(size);
        let report = engine.evaluate(&snapshot);
        let count = report.evaluations.len();
        if count >= TARGET_VERDICTS * 95 / 100 {
            let json = format!("{}\n", snapshot.to_json_pretty().expect("json"));
            let run = NewRun::from_report(
                &report,
                &Suppressions::default(),
                RunSource::Scan,
                json.as_bytes(),
                Utc::now(),
            );
            return (run, rules_run(&report), json);
        }
        size = size * TARGET_VERDICTS / count.max(1) + 1;
    }
}

struct Figures {
    first: std::time::Duration,
    record: Vec<std::time::Duration>,
    size_without_snapshots: u64,
    size_total: u64,
    reports: Vec<(&'static str, std::time::Duration, usize)>,
    verify: std::time::Duration,
}

fn record_year(location: &StoreLocation, base: &(NewRun, Vec<String>, String)) -> Figures {
    let (run, rules, json) = base;
    let mut store = Store::open(location, Access::Write).expect("open store");
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 6, 0, 0)
        .single()
        .expect("time");
    let collected = "\"finished_at\": \"";
    let mut verdicts = run.verdicts.clone();
    let flippable: Vec<usize> = (0..verdicts.len())
        .filter(|&i| verdicts[i].outcome != Outcome::NotEvaluated)
        .collect();
    let per_day = verdicts.len() / 100;
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut times = Vec::new();
    let mut first = std::time::Duration::ZERO;
    for day in 0..runs() {
        if day > 0 {
            for _ in 0..per_day {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let index = flippable[(state % flippable.len() as u64) as usize];
                let verdict = &mut verdicts[index];
                verdict.outcome = match verdict.outcome {
                    Outcome::Pass => Outcome::Fail,
                    _ => Outcome::Pass,
                };
                verdict.message = if verdict.outcome == Outcome::Fail {
                    format!("{} fails (synthetic change)", verdict.subject)
                } else {
                    String::new()
                };
            }
        }
        let time = start + Duration::days(day as i64);
        // The day's snapshot: the same document with the day's collection time.
        let bytes = match json.find(collected) {
            Some(at) => {
                let value_start = at + collected.len();
                let value_end = value_start + json[value_start..].find('"').unwrap_or(0);
                format!(
                    "{}{}{}",
                    &json[..value_start],
                    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    &json[value_end..]
                )
            }
            None => format!("{json}{day}"),
        };
        let mut day_run = NewRun {
            collected_at: time,
            started_at: time - Duration::minutes(5),
            recorded_at: time + Duration::minutes(1),
            verdicts: verdicts.clone(),
            ..run.clone()
        };
        let started = Instant::now();
        day_run.snapshot = SnapshotEvidence::of(bytes.as_bytes());
        store.append(day_run, rules.clone()).expect("append");
        let elapsed = started.elapsed();
        if day == 0 {
            first = elapsed;
        } else {
            times.push(elapsed);
        }
    }
    times.sort();
    let (size_without_snapshots, size_total) = sizes(location, &mut store);
    drop(store);
    let mut reports = Vec::new();
    for format in ["json", "markdown", "html", "csv"] {
        let started = Instant::now();
        let mut store = Store::open(location, Access::Read).expect("open");
        let history = store.load().expect("load");
        let verification = verify_chain(&history, |_| true);
        let request = ReportRequest {
            from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            to: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
            time_zone: "Europe/Berlin".to_string(),
            criteria: Vec::new(),
            generated_at: Utc::now(),
        };
        let report = build(&history, &verification, store.label(), &request).expect("report");
        let bytes = match format {
            "json" => render::json(&report).len(),
            "markdown" => render::markdown(&report).len(),
            "html" => render::html(&report).len(),
            _ => render::csv_bundle(&report)
                .iter()
                .map(|(_, text)| text.len())
                .sum(),
        };
        reports.push((format, started.elapsed(), bytes));
    }
    let started = Instant::now();
    let mut store = Store::open(location, Access::Read).expect("open");
    let history = store.load().expect("load");
    let mut verification = verify_chain(&history, |_| true);
    verify_snapshots(&mut store, &history, |_| true, &mut verification).expect("verify");
    assert!(verification.intact(), "{:?}", verification.problems);
    let verify = started.elapsed();
    Figures {
        first,
        record: times,
        size_without_snapshots,
        size_total,
        reports,
        verify,
    }
}

/// Total size and size without the snapshots.
fn sizes(location: &StoreLocation, store: &mut Store) -> (u64, u64) {
    match location {
        StoreLocation::Sqlite(path) => {
            let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let copy = path.with_extension("nosnapshots.db");
            let _ = std::fs::remove_file(&copy);
            // No write is in progress: a file copy is the store as it stands.
            std::fs::copy(path, &copy).expect("copy the store");
            let connection = rusqlite::Connection::open(&copy).expect("copy opens");
            connection
                .execute_batch("DELETE FROM snapshots; VACUUM;")
                .expect("vacuum");
            drop(connection);
            let without = std::fs::metadata(&copy).map(|m| m.len()).unwrap_or(0);
            let _ = std::fs::remove_file(&copy);
            (without, total)
        }
        StoreLocation::Postgres(_) => {
            let rows = store
                .query_raw(
                    "SELECT (SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'snapshots'), \
                     (SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND c.relkind = 'r')",
                )
                .expect("sizes");
            let int = |v: &soc2scan::history::backend::Value| v.int().unwrap_or(0) as u64;
            (int(&rows[0][0]), int(&rows[0][1]))
        }
    }
}

fn print(name: &str, figures: &Figures, verdicts: usize) {
    let record = &figures.record;
    println!(
        "\n## {name}: {} runs of {verdicts} verdicts, 1% changing a day\n",
        record.len() + 1
    );
    println!("| figure | value |\n|---|---:|");
    println!(
        "| first run (every verdict new) | {} |",
        seconds(figures.first)
    );
    if !record.is_empty() {
        println!(
            "| record one run: median | {} |",
            seconds(percentile(record, 0.5))
        );
        println!(
            "| record one run: 90th percentile | {} |",
            seconds(percentile(record, 0.9))
        );
        println!(
            "| record one run: slowest | {} |",
            seconds(*record.last().unwrap_or(&figures.first))
        );
    }
    println!(
        "| store without snapshots | {:.1} MB |",
        figures.size_without_snapshots as f64 / 1e6
    );
    println!(
        "| store with snapshots | {:.1} MB |",
        figures.size_total as f64 / 1e6
    );
    for (format, time, bytes) in &figures.reports {
        println!(
            "| full-year report, {format} ({:.1} MB) | {} |",
            *bytes as f64 / 1e6,
            seconds(*time)
        );
    }
    println!(
        "| verify, every snapshot re-hashed | {} |",
        seconds(figures.verify)
    );
}

struct PgServer {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PgServer {
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

    fn start() -> Option<PgServer> {
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("pg_ctl").is_file())
            .collect();
        bins.sort();
        let bin = bins.pop()?;
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = std::env::temp_dir().join(format!("soc2scan-bench-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        if as_postgres {
            std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .ok()?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let server = PgServer {
            dir,
            bin,
            port,
            as_postgres,
        };
        let data = server.dir.join("data");
        let ok = server
            .command("initdb")
            .args(["--auth=trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        // Durable commits, as a team's server would run.
        let options = format!("-p {port} -k {} -h 127.0.0.1", server.dir.display());
        let ok = server
            .command("pg_ctl")
            .args(["-w", "-D"])
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(server.dir.join("log"))
            .arg("start")
            .output()
            .ok()?
            .status
            .success();
        ok.then_some(server)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.dir.join("data"))
            .arg("stop")
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let base = base();
    let verdicts = base.0.verdicts.len();
    println!(
        "# soc2scan evidence history: {} rules, {verdicts} verdicts per run, snapshot {:.1} MB",
        base.1.len(),
        base.2.len() as f64 / 1e6
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = StoreLocation::Sqlite(dir.path().join("history.db"));
    let figures = record_year(&sqlite, &base);
    print("SQLite", &figures, verdicts);
    match PgServer::start() {
        Some(server) => {
            let mut client = postgres::Client::connect(
                &format!(
                    "host=127.0.0.1 port={} user=postgres dbname=postgres",
                    server.port
                ),
                postgres::NoTls,
            )
            .expect("connect");
            client
                .batch_execute("CREATE DATABASE bench")
                .expect("create database");
            let location = StoreLocation::Postgres(format!(
                "postgres://postgres@127.0.0.1:{}/bench",
                server.port
            ));
            let figures = record_year(&location, &base);
            print("PostgreSQL", &figures, verdicts);
        }
        None => println!("\nPostgreSQL: not installed here (apt-get install postgresql); skipped"),
    }
}
