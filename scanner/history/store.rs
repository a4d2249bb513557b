//! The store: append a run (in one transaction), read the history back, on SQLite or
//! PostgreSQL ([`super::backend`]).
//!
//! Appends are writers' transactions: SQLite's write lock (`BEGIN IMMEDIATE`, waiting up to
//! 30 s) or a PostgreSQL advisory lock, so two recorders into one store get consecutive
//! sequence numbers and a chain without gaps.

use super::backend::{Database, DbError, DbErrorKind, Mode, Sql, Value};
use super::location::StoreLocation;
use super::run::{
    changes_digest, coverage_digest, run_hash, suppressions_body, CoverageRow, NewRun, Opened,
    Outcome, RunContent, SuppressionRecord, GENESIS,
};
use super::schema::{Migration, MIGRATIONS, SCHEMA_VERSION};
use super::{sha256_hex, time_text, HistoryError};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Whether a command writes to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Append runs (creates the store if missing, migrates an older schema forward).
    Write,
    /// Read only (the store must exist and have this build's schema).
    Read,
}

/// An open store.
pub struct Store {
    database: Database,
    label: String,
    /// A PostgreSQL URL's password, masked in every message.
    secret: Option<String>,
}

/// A run as stored, every column as text exactly as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// Sequence number.
    pub seq: i64,
    /// When recorded.
    pub recorded_at: String,
    /// `scan`, `snapshot` or `import`.
    pub source: String,
    /// Evaluating version.
    pub tool_version: String,
    /// Collection start.
    pub started_at: String,
    /// Collection end (the run's time).
    pub collected_at: String,
    /// Collecting version.
    pub snapshot_tool_version: String,
    /// Targets (JSON).
    pub targets: String,
    /// Complete.
    pub complete: bool,
    /// Rule set hash.
    pub ruleset: String,
    /// Suppression set hash.
    pub suppression_set: String,
    /// Snapshot hash.
    pub snapshot: String,
    /// Per-rule counters (JSON).
    pub counters: String,
    /// Resources by kind (JSON).
    pub kinds: String,
    /// Content hash.
    pub content_hash: String,
    /// Previous run's hash.
    pub prev_hash: String,
    /// This run's hash.
    pub run_hash: String,
}

/// A subject as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRow {
    /// Rule id.
    pub rule: String,
    /// Subject id.
    pub subject: String,
    /// Kind.
    pub kind: String,
    /// Provider.
    pub provider: String,
    /// Account.
    pub account: String,
    /// Region.
    pub region: String,
    /// Name when first seen.
    pub name: Option<String>,
}

/// A verdict span as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanRow {
    /// Subject id (key of [`History::subjects`]).
    pub subject: i64,
    /// First run.
    pub first_seq: i64,
    /// Last run, `None` while open.
    pub last_seq: Option<i64>,
    /// Outcome (as stored; `verify` reports one it cannot read).
    pub outcome: String,
    /// Suppression id.
    pub suppression: Option<i64>,
    /// Message of its first run.
    pub message: String,
}

/// Everything in a store but the snapshots' bytes.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// `head_seq` and `head_hash` from `soc2scan_meta`, when set.
    pub meta_head: Option<(i64, String)>,
    /// Runs by sequence number.
    pub runs: Vec<RunRow>,
    /// Rule sets: hash → canonical JSON.
    pub rulesets: BTreeMap<String, String>,
    /// Suppression sets: hash → canonical JSON.
    pub suppression_sets: BTreeMap<String, String>,
    /// Suppressions by id.
    pub suppressions: BTreeMap<i64, SuppressionRecord>,
    /// Snapshots: hash → size.
    pub snapshots: BTreeMap<String, i64>,
    /// Coverage by run.
    pub coverage: BTreeMap<i64, Vec<CoverageRow>>,
    /// Subjects by id.
    pub subjects: HashMap<i64, SubjectRow>,
    /// Every span, by subject then first run.
    pub spans: Vec<SpanRow>,
}

/// What an append produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The run's sequence number.
    pub seq: i64,
    /// Its hash.
    pub run_hash: String,
    /// Spans opened and closed.
    pub changes: usize,
}

/// The message of a database failure while `doing` something.
fn describe(doing: &str, error: DbError) -> HistoryError {
    let message = match error.kind {
        DbErrorKind::NotADatabase => {
            "not a soc2scan history store: the file is not an SQLite database".to_string()
        }
        DbErrorKind::Busy => {
            format!("{doing}: the store stayed locked by another writer for 30 s")
        }
        DbErrorKind::ReadOnly => format!("{doing}: the store is read-only"),
        DbErrorKind::Other => format!("{doing}: {}", error.message),
    };
    HistoryError::Store {
        store: String::new(),
        message,
    }
}

impl From<DbError> for HistoryError {
    fn from(error: DbError) -> HistoryError {
        describe("using the store", error)
    }
}

/// `describe` as a `map_err` argument.
fn ctx(doing: &'static str) -> impl Fn(DbError) -> HistoryError {
    move |error| describe(doing, error)
}

/// The failure of a transaction that also runs the caller's code.
enum Failure<E> {
    History(HistoryError),
    Caller(E),
}

impl<E> From<DbError> for Failure<E> {
    fn from(error: DbError) -> Failure<E> {
        Failure::History(error.into())
    }
}

impl<E> From<HistoryError> for Failure<E> {
    fn from(error: HistoryError) -> Failure<E> {
        Failure::History(error)
    }
}

fn tables(sql: &mut dyn Sql) -> Result<Vec<String>, HistoryError> {
    let query = sql.dialect().tables_query();
    sql.query(query, &[])
        .map_err(ctx("reading the schema"))?
        .into_iter()
        .map(|row| row[0].text().map_err(ctx("reading the schema")))
        .collect()
}

/// The schema version: `0` for an empty database; an error for a database that is not a
/// soc2scan store.
fn schema_version(sql: &mut dyn Sql) -> Result<i64, HistoryError> {
    let tables = tables(sql)?;
    if tables.is_empty() {
        return Ok(0);
    }
    if !tables.iter().any(|t| t == "soc2scan_meta") {
        return Err(HistoryError::Store {
            store: String::new(),
            message: "not a soc2scan history store: the database has tables but no \
                      soc2scan_meta (left unchanged)"
                .to_string(),
        });
    }
    let rows = sql
        .query(
            "SELECT value FROM soc2scan_meta WHERE key = 'schema_version'",
            &[],
        )
        .map_err(ctx("reading the schema version"))?;
    let version = rows.first().and_then(|row| row[0].text().ok());
    version
        .as_deref()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v >= 1)
        .ok_or_else(|| HistoryError::Store {
            store: String::new(),
            message: format!(
                "not a soc2scan history store: schema_version is {} (left unchanged)",
                version.as_deref().unwrap_or("missing")
            ),
        })
}

fn set_meta(sql: &mut dyn Sql, key: &str, value: String) -> Result<(), DbError> {
    sql.execute(
        "INSERT INTO soc2scan_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[Value::Text(key.to_string()), Value::Text(value)],
    )
    .map(|_| ())
}

fn meta(sql: &mut dyn Sql, key: &str) -> Result<Option<String>, DbError> {
    let rows = sql.query(
        "SELECT value FROM soc2scan_meta WHERE key = ?1",
        &[Value::Text(key.to_string())],
    )?;
    rows.into_iter().next().map(|row| row[0].text()).transpose()
}

impl Store {
    /// Opens the store at `location` for `access`.
    pub fn open(location: &StoreLocation, access: Access) -> Result<Store, HistoryError> {
        Store::open_with(location, access, MIGRATIONS, SCHEMA_VERSION)
    }

    /// Opens with a given migration list (tests exercise the migration mechanism with it).
    pub fn open_with(
        location: &StoreLocation,
        access: Access,
        migrations: &[Migration],
        schema_version: i64,
    ) -> Result<Store, HistoryError> {
        let label = location.display();
        let error = |message: String| HistoryError::Store {
            store: label.clone(),
            message,
        };
        let database = match location {
            StoreLocation::Sqlite(path) => {
                let exists = path.exists();
                if exists && !path.is_file() {
                    return Err(error("is not a file".to_string()));
                }
                let flags =
                    match access {
                        Access::Read if !exists => return Err(error(
                            "no history store here (record runs with `soc2scan scan … --record`, \
                             or name the store with --history / SOC2SCAN_HISTORY)"
                                .to_string(),
                        )),
                        Access::Read => rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                        Access::Write => {
                            if !exists {
                                let parent = match path.parent() {
                                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                                    _ => Path::new("."),
                                };
                                if !parent.is_dir() {
                                    return Err(error(format!(
                                        "cannot create the store: directory {} does not exist",
                                        parent.display()
                                    )));
                                }
                            }
                            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                                | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
                        }
                    } | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
                Database::sqlite(path, flags)
                    .map_err(|e| error(format!("cannot open: {}", e.message)))?
            }
            StoreLocation::Postgres(url) => {
                let secret = super::location::password(url);
                Database::postgres(url).map_err(|e| {
                    let mut message = format!("cannot connect: {}", e.message);
                    if let Some(secret) = &secret {
                        message = message.replace(secret.as_str(), "***");
                    }
                    error(message)
                })?
            }
        };
        let secret = match location {
            StoreLocation::Postgres(url) => super::location::password(url),
            StoreLocation::Sqlite(_) => None,
        };
        let mut store = Store {
            database,
            label,
            secret,
        };
        store.check_schema(access, migrations, schema_version)?;
        Ok(store)
    }

    /// How messages name the store.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Names the store in an error from inside a transaction (and masks a password).
    fn relabel(&self, error: HistoryError) -> HistoryError {
        match error {
            HistoryError::Store { store, mut message } => {
                if let Some(secret) = &self.secret {
                    message = message.replace(secret.as_str(), "***");
                }
                HistoryError::Store {
                    store: if store.is_empty() {
                        self.label.clone()
                    } else {
                        store
                    },
                    message,
                }
            }
            other => other,
        }
    }

    /// Runs `work` in a transaction of `mode`.
    fn transaction<T>(
        &mut self,
        mode: Mode,
        work: impl FnOnce(&mut dyn Sql) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let result = self.database.transaction(mode, work);
        result.map_err(|e| self.relabel(e))
    }

    fn check_schema(
        &mut self,
        access: Access,
        migrations: &[Migration],
        schema_version: i64,
    ) -> Result<(), HistoryError> {
        let version = self.transaction(Mode::Read, schema_version_of)?;
        if version > schema_version {
            return Err(self.relabel(HistoryError::Store {
                store: String::new(),
                message: format!(
                    "the store has schema version {version}, newer than this soc2scan {} \
                     understands (version {schema_version}); use a newer soc2scan (the store \
                     was not changed)",
                    crate::VERSION
                ),
            }));
        }
        if version == schema_version {
            return Ok(());
        }
        if access == Access::Read {
            return Err(self.relabel(HistoryError::Store {
                store: String::new(),
                message: if version == 0 {
                    "empty: not a soc2scan history store".to_string()
                } else {
                    format!(
                        "the store has schema version {version}; this soc2scan writes version \
                         {schema_version}: migrate it first with `soc2scan history migrate`"
                    )
                },
            }));
        }
        // Applies every migration after the current version, in one writer's transaction
        // (another process may have migrated while this one waited for the lock).
        self.transaction(Mode::Write, |sql| {
            let dialect = sql.dialect();
            let current = schema_version_of(sql)?;
            if current > schema_version {
                return Err(HistoryError::Store {
                    store: String::new(),
                    message: format!("the store has schema version {current}, newer than this soc2scan understands"),
                });
            }
            if current == 0 {
                sql.execute(
                    "CREATE TABLE soc2scan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    &[],
                )
                .map_err(ctx("creating the store"))?;
            }
            for migration in migrations.iter().filter(|m| m.version > current) {
                for statement in migration.statements {
                    sql.execute(&dialect.ddl(statement), &[])
                        .map_err(ctx("migrating the schema"))?;
                }
                set_meta(sql, "schema_version", migration.version.to_string())
                    .map_err(ctx("migrating the schema"))?;
            }
            Ok(())
        })
    }

    /// The newest run's sequence number, hash and collection time.
    pub fn head(&mut self) -> Result<Option<(i64, String, String)>, HistoryError> {
        self.transaction(Mode::Read, |sql| {
            let rows = sql
                .query(
                    "SELECT seq, run_hash, collected_at FROM runs ORDER BY seq DESC LIMIT 1",
                    &[],
                )
                .map_err(ctx("reading the newest run"))?;
            rows.into_iter()
                .next()
                .map(|row| -> Result<_, DbError> {
                    Ok((row[0].int()?, row[1].text()?, row[2].text()?))
                })
                .transpose()
                .map_err(ctx("reading the newest run"))
        })
    }

    /// The run that recorded a snapshot, if any.
    pub fn run_of_snapshot(&mut self, sha256: &str) -> Result<Option<i64>, HistoryError> {
        self.transaction(Mode::Read, |sql| {
            let rows = sql
                .query(
                    "SELECT min(seq) FROM runs WHERE snapshot = ?1",
                    &[Value::Text(sha256.to_string())],
                )
                .map_err(ctx("looking up a snapshot"))?;
            match rows.first() {
                Some(row) => row[0].opt_int_value().map_err(ctx("looking up a snapshot")),
                None => Ok(None),
            }
        })
    }

    /// Appends runs one after another in one transaction: all or none. Each run is made
    /// only when the previous one is stored, so a long import holds one snapshot at a time.
    pub fn append_each<E: From<HistoryError>>(
        &mut self,
        runs: impl Iterator<Item = Result<(NewRun, Vec<String>), E>>,
    ) -> Result<Vec<Appended>, E> {
        let result = self.database.transaction(Mode::Write, |sql| {
            let mut appended = Vec::new();
            for run in runs {
                let (run, rules_run) = run.map_err(Failure::Caller)?;
                appended.push(append_in(sql, &run, &rules_run)?);
            }
            Ok::<_, Failure<E>>(appended)
        });
        match result {
            Ok(appended) => Ok(appended),
            Err(Failure::History(error)) => Err(self.relabel(error).into()),
            Err(Failure::Caller(error)) => Err(error),
        }
    }

    /// Appends one run.
    pub fn append(
        &mut self,
        run: NewRun,
        rules_run: Vec<String>,
    ) -> Result<Appended, HistoryError> {
        let mut appended =
            self.append_each(std::iter::once(Ok::<_, HistoryError>((run, rules_run))))?;
        appended.pop().ok_or_else(|| {
            self.relabel(HistoryError::Store {
                store: String::new(),
                message: "the append recorded nothing".to_string(),
            })
        })
    }

    /// The runs, by sequence number.
    pub fn runs(&mut self) -> Result<Vec<RunRow>, HistoryError> {
        self.transaction(Mode::Read, read_runs)
    }

    /// Everything but the snapshots' bytes, from one consistent view.
    pub fn load(&mut self) -> Result<History, HistoryError> {
        self.transaction(Mode::Read, |sql| {
            load_in(sql).map_err(ctx("reading the history"))
        })
    }

    /// Calls `visit` with each stored snapshot: hash, recorded size, encoding, stored bytes.
    pub fn for_each_snapshot(
        &mut self,
        mut visit: impl FnMut(&str, i64, &str, &[u8]),
    ) -> Result<(), HistoryError> {
        self.transaction(Mode::Read, |sql| {
            let listing = sql
                .query(
                    "SELECT sha256, size, encoding FROM snapshots ORDER BY sha256",
                    &[],
                )
                .map_err(ctx("reading snapshots"))?;
            for row in listing {
                let sha = row[0].text().map_err(ctx("reading snapshots"))?;
                let size = row[1].int().map_err(ctx("reading snapshots"))?;
                let encoding = row[2].text().map_err(ctx("reading snapshots"))?;
                let body = sql
                    .query(
                        "SELECT body FROM snapshots WHERE sha256 = ?1",
                        &[Value::Text(sha.clone())],
                    )
                    .map_err(ctx("reading snapshots"))?
                    .into_iter()
                    .next()
                    .map(|mut row| row.swap_remove(0).into_blob())
                    .transpose()
                    .map_err(ctx("reading snapshots"))?
                    .unwrap_or_default();
                visit(&sha, size, &encoding, &body);
            }
            Ok(())
        })
    }

    /// The stored bytes of one snapshot, decompressed.
    pub fn snapshot_bytes(&mut self, sha256: &str) -> Result<Option<Vec<u8>>, HistoryError> {
        let body = self.transaction(Mode::Read, |sql| {
            sql.query(
                "SELECT body FROM snapshots WHERE sha256 = ?1",
                &[Value::Text(sha256.to_string())],
            )
            .map_err(ctx("reading a snapshot"))?
            .into_iter()
            .next()
            .map(|mut row| row.swap_remove(0).into_blob())
            .transpose()
            .map_err(ctx("reading a snapshot"))
        })?;
        body.map(|gzip| {
            super::run::gunzip(&gzip).map_err(|e| {
                self.relabel(HistoryError::Store {
                    store: String::new(),
                    message: format!("snapshot {sha256} cannot be decompressed: {e}"),
                })
            })
        })
        .transpose()
    }

    /// Runs statements outside soc2scan's logic, in one transaction (tests that tamper with
    /// a store, the benchmark's size measurement).
    #[doc(hidden)]
    pub fn execute_raw(&mut self, statements: &[&str]) -> Result<(), HistoryError> {
        self.transaction(Mode::Write, |sql| {
            for statement in statements {
                sql.execute(statement, &[])
                    .map_err(ctx("running a statement"))?;
            }
            Ok(())
        })
    }

    /// Runs one query outside soc2scan's logic (tests, the benchmark).
    #[doc(hidden)]
    pub fn query_raw(&mut self, query: &str) -> Result<Vec<Vec<Value>>, HistoryError> {
        self.transaction(Mode::Read, |sql| {
            sql.query(query, &[]).map_err(ctx("running a query"))
        })
    }
}

fn schema_version_of(sql: &mut dyn Sql) -> Result<i64, HistoryError> {
    schema_version(sql)
}

fn read_runs(sql: &mut dyn Sql) -> Result<Vec<RunRow>, HistoryError> {
    let rows = sql
        .query(
            "SELECT seq, recorded_at, source, tool_version, started_at, collected_at,
                    snapshot_tool_version, targets, complete, ruleset, suppression_set,
                    snapshot, counters, kinds, content_hash, prev_hash, run_hash
             FROM runs ORDER BY seq",
            &[],
        )
        .map_err(ctx("reading runs"))?;
    rows.into_iter()
        .map(|row| -> Result<RunRow, DbError> {
            Ok(RunRow {
                seq: row[0].int()?,
                recorded_at: row[1].text()?,
                source: row[2].text()?,
                tool_version: row[3].text()?,
                started_at: row[4].text()?,
                collected_at: row[5].text()?,
                snapshot_tool_version: row[6].text()?,
                targets: row[7].text()?,
                complete: row[8].int()? != 0,
                ruleset: row[9].text()?,
                suppression_set: row[10].text()?,
                snapshot: row[11].text()?,
                counters: row[12].text()?,
                kinds: row[13].text()?,
                content_hash: row[14].text()?,
                prev_hash: row[15].text()?,
                run_hash: row[16].text()?,
            })
        })
        .collect::<Result<_, _>>()
        .map_err(ctx("reading runs"))
}

fn load_in(sql: &mut dyn Sql) -> Result<History, DbError> {
    let mut history = History {
        runs: read_runs(sql).map_err(|e| DbError {
            kind: DbErrorKind::Other,
            message: e.to_string(),
        })?,
        ..History::default()
    };
    let pairs = |sql: &mut dyn Sql, query: &str| -> Result<Vec<(String, String)>, DbError> {
        sql.query(query, &[])?
            .into_iter()
            .map(|row| Ok((row[0].text()?, row[1].text()?)))
            .collect()
    };
    let meta: HashMap<String, String> = pairs(sql, "SELECT key, value FROM soc2scan_meta")?
        .into_iter()
        .collect();
    if let (Some(seq), Some(hash)) = (meta.get("head_seq"), meta.get("head_hash")) {
        history.meta_head = Some((seq.parse().unwrap_or(-1), hash.clone()));
    }
    history.rulesets = pairs(sql, "SELECT sha256, body FROM rulesets")?
        .into_iter()
        .collect();
    history.suppression_sets = pairs(sql, "SELECT sha256, body FROM suppression_sets")?
        .into_iter()
        .collect();
    for row in sql.query(
        "SELECT id, rule, resource, reason, expires FROM suppressions",
        &[],
    )? {
        history.suppressions.insert(
            row[0].int()?,
            SuppressionRecord {
                rule: row[1].text()?,
                resource: row[2].text()?,
                reason: row[3].text()?,
                expires: row[4].text()?,
            },
        );
    }
    for row in sql.query("SELECT sha256, size FROM snapshots", &[])? {
        history.snapshots.insert(row[0].text()?, row[1].int()?);
    }
    for row in sql.query(
        "SELECT c.run, u.provider, u.account, u.region, u.kind, u.service, u.resource,
                c.failure_kind, c.message
         FROM coverage c JOIN units u ON u.id = c.unit",
        &[],
    )? {
        let failure = match row[7].opt_text_value()? {
            Some(kind) => Some((kind, row[8].opt_text_value()?.unwrap_or_default())),
            None => None,
        };
        history
            .coverage
            .entry(row[0].int()?)
            .or_default()
            .push(CoverageRow {
                provider: row[1].text()?,
                account: row[2].text()?,
                region: row[3].text()?,
                kind: row[4].text()?,
                service: row[5].text()?,
                resource: row[6].text()?,
                failure,
            });
    }
    for row in sql.query(
        "SELECT id, rule, subject, kind, provider, account, region, name FROM subjects",
        &[],
    )? {
        history.subjects.insert(
            row[0].int()?,
            SubjectRow {
                rule: row[1].text()?,
                subject: row[2].text()?,
                kind: row[3].text()?,
                provider: row[4].text()?,
                account: row[5].text()?,
                region: row[6].text()?,
                name: row[7].opt_text_value()?,
            },
        );
    }
    for row in sql.query(
        "SELECT subject, first_seq, last_seq, outcome, suppression, message FROM spans
         ORDER BY subject, first_seq",
        &[],
    )? {
        history.spans.push(SpanRow {
            subject: row[0].int()?,
            first_seq: row[1].int()?,
            last_seq: row[2].opt_int_value()?,
            outcome: row[3].text()?,
            suppression: row[4].opt_int_value()?,
            message: row[5].text()?,
        });
    }
    Ok(history)
}

/// One append inside a writer's transaction.
fn append_in(
    sql: &mut dyn Sql,
    run: &NewRun,
    rules_run: &[String],
) -> Result<Appended, HistoryError> {
    let fail = |message: String| HistoryError::Store {
        store: String::new(),
        message,
    };
    let text = |t: &str| Value::Text(t.to_string());
    // The head: the newest run, which soc2scan_meta must agree with.
    let head: Option<(i64, String, String)> = sql
        .query(
            "SELECT seq, run_hash, collected_at FROM runs ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .and_then(|rows| {
            rows.into_iter()
                .next()
                .map(|row| Ok((row[0].int()?, row[1].text()?, row[2].text()?)))
                .transpose()
        })
        .map_err(ctx("reading the newest run"))?;
    if let Some((seq, _, collected)) = &head {
        if super::parse_time(collected).is_some_and(|newest| run.collected_at < newest) {
            return Err(fail(format!(
                "the snapshot was collected at {}, before the newest recorded run #{seq} \
                 ({collected}); the history keeps runs in collection order, so older snapshots \
                 are imported before newer runs are recorded (nothing was recorded)",
                time_text(run.collected_at)
            )));
        }
    }
    let meta_head = (
        meta(sql, "head_seq").map_err(ctx("reading the chain head"))?,
        meta(sql, "head_hash").map_err(ctx("reading the chain head"))?,
    );
    let consistent = match (&head, &meta_head) {
        (None, (None, None)) => true,
        (Some((seq, hash, _)), (Some(meta_seq), Some(meta_hash))) => {
            *meta_seq == seq.to_string() && meta_hash == hash
        }
        _ => false,
    };
    if !consistent {
        return Err(fail(format!(
            "the chain head in soc2scan_meta ({}) does not match the newest run ({}); the \
             store was changed outside soc2scan: run `soc2scan verify` (nothing was recorded)",
            meta_head.0.as_deref().unwrap_or("none"),
            head.as_ref()
                .map_or("none".to_string(), |(seq, _, _)| format!("#{seq}"))
        )));
    }
    let (seq, prev_hash) = match &head {
        Some((seq, hash, _)) => (seq + 1, hash.clone()),
        None => (1, GENESIS.to_string()),
    };

    let ruleset_body = run.ruleset.body();
    let ruleset_sha = sha256_hex(ruleset_body.as_bytes());
    sql.execute(
        "INSERT INTO rulesets (sha256, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        &[text(&ruleset_sha), Value::Text(ruleset_body)],
    )
    .map_err(ctx("storing the rule set"))?;
    let suppressions_text = suppressions_body(&run.suppressions);
    let suppressions_sha = sha256_hex(suppressions_text.as_bytes());
    sql.execute(
        "INSERT INTO suppression_sets (sha256, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        &[text(&suppressions_sha), Value::Text(suppressions_text)],
    )
    .map_err(ctx("storing the suppressions"))?;
    let mut suppression_ids = Vec::with_capacity(run.suppressions.len());
    for suppression in &run.suppressions {
        let params = [
            text(&suppression.rule),
            text(&suppression.resource),
            text(&suppression.reason),
            text(&suppression.expires),
        ];
        sql.execute(
            "INSERT INTO suppressions (rule, resource, reason, expires) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            &params,
        )
        .map_err(ctx("storing the suppressions"))?;
        let id = sql
            .query(
                "SELECT id FROM suppressions WHERE rule = ?1 AND resource = ?2 AND reason = ?3
                 AND expires = ?4",
                &params,
            )
            .and_then(|rows| {
                rows.first().map(|row| row[0].int()).unwrap_or_else(|| {
                    Err(DbError {
                        kind: DbErrorKind::Other,
                        message: "suppression not stored".to_string(),
                    })
                })
            })
            .map_err(ctx("storing the suppressions"))?;
        suppression_ids.push(id);
    }
    sql.execute(
        "INSERT INTO snapshots (sha256, size, encoding, body) VALUES (?1, ?2, 'gzip', ?3)
         ON CONFLICT DO NOTHING",
        &[
            text(&run.snapshot.sha256),
            Value::Int(run.snapshot.size as i64),
            Value::Blob(run.snapshot.gzip.clone()),
        ],
    )
    .map_err(ctx("storing the snapshot"))?;

    // Verdict spans: compare with the open spans, close what changed or vanished, open
    // what is new or changed.
    struct Open {
        subject: i64,
        first_seq: i64,
        outcome: String,
        suppression: Option<i64>,
        seen: bool,
    }
    let mut open: HashMap<(String, String), Open> = HashMap::new();
    let rows = sql
        .query(
            "SELECT s.rule, s.subject, sp.subject, sp.first_seq, sp.outcome, sp.suppression
             FROM spans sp JOIN subjects s ON s.id = sp.subject WHERE sp.last_seq IS NULL",
            &[],
        )
        .map_err(ctx("reading open spans"))?;
    for row in rows {
        let read = || -> Result<_, DbError> {
            Ok((
                (row[0].text()?, row[1].text()?),
                Open {
                    subject: row[2].int()?,
                    first_seq: row[3].int()?,
                    outcome: row[4].text()?,
                    suppression: row[5].opt_int_value()?,
                    seen: false,
                },
            ))
        };
        let (key, span) = read().map_err(ctx("reading open spans"))?;
        open.insert(key, span);
    }
    const CLOSE: &str = "UPDATE spans SET last_seq = ?3 WHERE subject = ?1 AND first_seq = ?2";
    let mut opened: Vec<Opened<'_>> = Vec::new();
    let mut closed: Vec<(&str, &str)> = Vec::new();
    let mut closed_keys: Vec<(String, String)> = Vec::new();
    for verdict in &run.verdicts {
        let suppression = verdict.suppression.map(|index| suppression_ids[index]);
        let key = (verdict.rule.clone(), verdict.subject.clone());
        let subject = match open.get_mut(&key) {
            Some(span)
                if span.outcome == verdict.outcome.as_str() && span.suppression == suppression =>
            {
                span.seen = true;
                continue;
            }
            Some(span) => {
                span.seen = true;
                sql.execute(
                    CLOSE,
                    &[
                        Value::Int(span.subject),
                        Value::Int(span.first_seq),
                        Value::Int(seq - 1),
                    ],
                )
                .map_err(ctx("closing spans"))?;
                closed.push((verdict.rule.as_str(), verdict.subject.as_str()));
                span.subject
            }
            None => {
                sql.execute(
                    "INSERT INTO subjects (rule, subject, kind, provider, account, region, name)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                    &[
                        text(&verdict.rule),
                        text(&verdict.subject),
                        text(&verdict.kind),
                        text(&verdict.provider),
                        text(&verdict.account),
                        text(&verdict.region),
                        Value::opt_text(verdict.name.as_deref()),
                    ],
                )
                .map_err(ctx("storing subjects"))?;
                sql.query(
                    "SELECT id FROM subjects WHERE rule = ?1 AND subject = ?2",
                    &[text(&verdict.rule), text(&verdict.subject)],
                )
                .and_then(|rows| {
                    rows.first().map(|row| row[0].int()).unwrap_or_else(|| {
                        Err(DbError {
                            kind: DbErrorKind::Other,
                            message: "subject not stored".to_string(),
                        })
                    })
                })
                .map_err(ctx("storing subjects"))?
            }
        };
        sql.execute(
            "INSERT INTO spans (subject, first_seq, last_seq, outcome, suppression, message)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
            &[
                Value::Int(subject),
                Value::Int(seq),
                text(verdict.outcome.as_str()),
                Value::opt_int(suppression),
                text(&verdict.message),
            ],
        )
        .map_err(ctx("opening spans"))?;
        opened.push(Opened {
            rule: &verdict.rule,
            subject: &verdict.subject,
            outcome: verdict.outcome,
            suppression: verdict.suppression.map(|index| &run.suppressions[index]),
            message: &verdict.message,
        });
    }
    for (key, span) in &open {
        if !span.seen {
            sql.execute(
                CLOSE,
                &[
                    Value::Int(span.subject),
                    Value::Int(span.first_seq),
                    Value::Int(seq - 1),
                ],
            )
            .map_err(ctx("closing spans"))?;
            closed_keys.push(key.clone());
        }
    }
    closed.extend(closed_keys.iter().map(|(r, s)| (r.as_str(), s.as_str())));
    let changes = opened.len() + closed.len();
    let changes_sha = changes_digest(opened.into_iter(), closed.into_iter());

    // Coverage. A unit listed twice keeps its first row, as the primary key does.
    let mut seen_units = std::collections::HashSet::new();
    let coverage_rows: Vec<&CoverageRow> = run
        .coverage
        .iter()
        .filter(|row| {
            seen_units.insert((
                &row.provider,
                &row.account,
                &row.region,
                &row.kind,
                &row.resource,
            ))
        })
        .collect();
    let mut unit_ids: HashMap<(String, String, String, String, String), i64> = HashMap::new();
    for row in sql
        .query(
            "SELECT id, provider, account, region, kind, resource FROM units",
            &[],
        )
        .map_err(ctx("storing coverage"))?
    {
        let read = || -> Result<_, DbError> {
            Ok((
                (
                    row[1].text()?,
                    row[2].text()?,
                    row[3].text()?,
                    row[4].text()?,
                    row[5].text()?,
                ),
                row[0].int()?,
            ))
        };
        let (key, id) = read().map_err(ctx("storing coverage"))?;
        unit_ids.insert(key, id);
    }
    for row in &coverage_rows {
        let key = (
            row.provider.clone(),
            row.account.clone(),
            row.region.clone(),
            row.kind.clone(),
            row.resource.clone(),
        );
        let unit = match unit_ids.get(&key) {
            Some(id) => *id,
            None => {
                let params = [
                    text(&row.provider),
                    text(&row.account),
                    text(&row.region),
                    text(&row.kind),
                    text(&row.resource),
                ];
                sql.execute(
                    "INSERT INTO units (provider, account, region, kind, resource, service)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    &[params.to_vec(), vec![text(&row.service)]].concat(),
                )
                .map_err(ctx("storing coverage"))?;
                let id = sql
                    .query(
                        "SELECT id FROM units WHERE provider = ?1 AND account = ?2 AND region = ?3
                         AND kind = ?4 AND resource = ?5",
                        &params,
                    )
                    .and_then(|rows| {
                        rows.first().map(|r| r[0].int()).unwrap_or_else(|| {
                            Err(DbError {
                                kind: DbErrorKind::Other,
                                message: "unit not stored".to_string(),
                            })
                        })
                    })
                    .map_err(ctx("storing coverage"))?;
                unit_ids.insert(key, id);
                id
            }
        };
        let (kind, message) = match &row.failure {
            Some((kind, message)) => (Value::Text(kind.clone()), Value::Text(message.clone())),
            None => (Value::NullText, Value::NullText),
        };
        sql.execute(
            "INSERT INTO coverage (run, unit, failure_kind, message) VALUES (?1, ?2, ?3, ?4)",
            &[Value::Int(seq), Value::Int(unit), kind, message],
        )
        .map_err(ctx("storing coverage"))?;
    }
    let coverage_sha = coverage_digest(coverage_rows.into_iter());

    let counters = run.counters(rules_run);
    let counters_text = serde_json::to_string(&counters).unwrap_or_default();
    let kinds_text = serde_json::to_string(&run.kinds).unwrap_or_default();
    let targets_text = serde_json::to_string(&run.targets).unwrap_or_default();
    let recorded_at = time_text(run.recorded_at);
    let started_at = time_text(run.started_at);
    let collected_at = time_text(run.collected_at);
    let content = RunContent {
        format: "soc2scan-run",
        format_version: 1,
        seq,
        recorded_at: &recorded_at,
        source: run.source.as_str(),
        tool_version: &run.tool_version,
        started_at: &started_at,
        collected_at: &collected_at,
        snapshot_tool_version: &run.snapshot_tool_version,
        targets: &targets_text,
        complete: run.complete,
        ruleset_sha256: &ruleset_sha,
        suppressions_sha256: &suppressions_sha,
        snapshot_sha256: &run.snapshot.sha256,
        snapshot_size: run.snapshot.size,
        counters: &counters,
        kinds: &run.kinds,
        coverage_sha256: &coverage_sha,
        changes_sha256: &changes_sha,
    };
    let content_hash = content.hash();
    let hash = run_hash(&prev_hash, &content_hash);
    sql.execute(
        "INSERT INTO runs (seq, recorded_at, source, tool_version, started_at, collected_at,
                           snapshot_tool_version, targets, complete, ruleset,
                           suppression_set, snapshot, counters, kinds, content_hash,
                           prev_hash, run_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        &[
            Value::Int(seq),
            Value::Text(recorded_at.clone()),
            text(run.source.as_str()),
            text(&run.tool_version),
            Value::Text(started_at.clone()),
            Value::Text(collected_at.clone()),
            text(&run.snapshot_tool_version),
            Value::Text(targets_text.clone()),
            Value::Int(i64::from(run.complete)),
            text(&ruleset_sha),
            text(&suppressions_sha),
            text(&run.snapshot.sha256),
            Value::Text(counters_text),
            Value::Text(kinds_text),
            Value::Text(content_hash.clone()),
            Value::Text(prev_hash.clone()),
            Value::Text(hash.clone()),
        ],
    )
    .map_err(ctx("storing the run"))?;
    set_meta(sql, "head_seq", seq.to_string()).map_err(ctx("updating the chain head"))?;
    set_meta(sql, "head_hash", hash.clone()).map_err(ctx("updating the chain head"))?;
    Ok(Appended {
        seq,
        run_hash: hash,
        changes,
    })
}

/// The outcome of a stored span, if readable.
pub fn span_outcome(span: &SpanRow) -> Option<Outcome> {
    Outcome::parse(&span.outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::schema::Migration;

    const V2: Migration = Migration {
        version: 2,
        statements: &["ALTER TABLE runs ADD COLUMN note TEXT"],
    };

    fn schema_of(store: &mut Store) -> i64 {
        store.transaction(Mode::Read, schema_version_of).unwrap()
    }

    #[test]
    fn migrations_apply_forward_and_a_newer_store_is_refused_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let location = StoreLocation::Sqlite(dir.path().join("h.db"));
        let mut v1 = Store::open_with(&location, Access::Write, &MIGRATIONS[..1], 1).unwrap();
        assert_eq!(schema_of(&mut v1), 1);
        v1.execute_raw(&["INSERT INTO rulesets (sha256, body) VALUES ('x', '{}')"])
            .unwrap();
        drop(v1);
        // Read-only opening of an older store asks for the migration and changes nothing.
        let mut with_v2 = MIGRATIONS[..1].to_vec();
        with_v2.push(V2);
        let error = Store::open_with(&location, Access::Read, &with_v2, 2)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("soc2scan history migrate"), "{error}");
        // Opening for writing migrates forward and keeps the data.
        let mut v2 = Store::open_with(&location, Access::Write, &with_v2, 2).unwrap();
        assert_eq!(schema_of(&mut v2), 2);
        let kept = v2.query_raw("SELECT count(*) FROM rulesets").unwrap();
        assert_eq!(kept, vec![vec![Value::Int(1)]]);
        v2.execute_raw(&["UPDATE runs SET note = 'x'"]).unwrap();
        drop(v2);
        // The version-1 build refuses the version-2 store, read or write.
        let bytes = std::fs::read(dir.path().join("h.db")).unwrap();
        for access in [Access::Read, Access::Write] {
            let error = Store::open_with(&location, access, &MIGRATIONS[..1], 1)
                .err()
                .unwrap()
                .to_string();
            assert!(error.contains("schema version 2, newer than"), "{error}");
        }
        assert_eq!(std::fs::read(dir.path().join("h.db")).unwrap(), bytes);
    }

    #[test]
    fn a_foreign_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute("CREATE TABLE t (x)", []).unwrap();
        drop(other);
        let error = Store::open(&StoreLocation::Sqlite(path), Access::Write)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("no soc2scan_meta"), "{error}");
    }
}
