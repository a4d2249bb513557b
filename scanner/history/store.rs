//! The SQLite store: append a run (in one transaction), read the history back.
//!
//! Appends take SQLite's write lock first (`BEGIN IMMEDIATE`, waiting up to 30 s for
//! another recorder), so two recorders on one file get consecutive sequence numbers and a
//! chain without gaps.

use super::location::StoreLocation;
use super::run::{
    changes_digest, coverage_digest, run_hash, suppressions_body, CoverageRow, NewRun, Opened,
    Outcome, RunContent, SuppressionRecord, GENESIS,
};
use super::schema::{Migration, MIGRATIONS, SCHEMA_VERSION};
use super::{sha256_hex, time_text, HistoryError};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

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
    connection: Connection,
    label: String,
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
        let StoreLocation::Sqlite(path) = location;
        let label = location.display();
        let error = |message: String| HistoryError::Store {
            store: label.clone(),
            message,
        };
        let exists = path.exists();
        if exists && !path.is_file() {
            return Err(error("is not a file".to_string()));
        }
        let flags = match access {
            Access::Read if !exists => {
                return Err(error(
                    "no history store here (record runs with `soc2scan scan … --record`, or \
                     name the store with --history / SOC2SCAN_HISTORY)"
                        .to_string(),
                ))
            }
            Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
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
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
            }
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags)
            .map_err(|e| error(format!("cannot open: {e}")))?;
        connection
            .busy_timeout(Duration::from_secs(30))
            .map_err(|e| error(format!("cannot open: {e}")))?;
        let mut store = Store { connection, label };
        store.check_schema(access, migrations, schema_version)?;
        Ok(store)
    }

    /// How messages name the store.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn error(&self, message: String) -> HistoryError {
        HistoryError::Store {
            store: self.label.clone(),
            message,
        }
    }

    fn db(&self, doing: &'static str) -> impl Fn(rusqlite::Error) -> HistoryError + '_ {
        move |e| {
            let message = match &e {
                rusqlite::Error::SqliteFailure(code, _)
                    if code.code == rusqlite::ErrorCode::NotADatabase =>
                {
                    "not a soc2scan history store: the file is not an SQLite database".to_string()
                }
                rusqlite::Error::SqliteFailure(code, _)
                    if code.code == rusqlite::ErrorCode::DatabaseBusy =>
                {
                    format!("{doing}: the store stayed locked by another writer for 30 s")
                }
                _ => format!("{doing}: {e}"),
            };
            self.error(message)
        }
    }

    /// The schema version, `0` for an empty database; refuses a database that is not a
    /// soc2scan store.
    fn schema_version(&self) -> Result<i64, HistoryError> {
        let tables: Vec<String> = {
            let mut statement = self
                .connection
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .map_err(self.db("reading the schema"))?;
            let rows = statement
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(self.db("reading the schema"))?;
            rows.collect::<Result<_, _>>()
                .map_err(self.db("reading the schema"))?
        };
        if tables.is_empty() {
            return Ok(0);
        }
        if !tables.iter().any(|t| t == "soc2scan_meta") {
            return Err(self.error(
                "not a soc2scan history store: the database has tables but no soc2scan_meta \
                 (left unchanged)"
                    .to_string(),
            ));
        }
        let version: Option<String> = self
            .connection
            .query_row(
                "SELECT value FROM soc2scan_meta WHERE key = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.db("reading the schema version"))?;
        version
            .as_deref()
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v >= 1)
            .ok_or_else(|| {
                self.error(format!(
                    "not a soc2scan history store: schema_version is {} (left unchanged)",
                    version.as_deref().unwrap_or("missing")
                ))
            })
    }

    fn check_schema(
        &mut self,
        access: Access,
        migrations: &[Migration],
        schema_version: i64,
    ) -> Result<(), HistoryError> {
        let version = self.schema_version()?;
        if version > schema_version {
            return Err(self.error(format!(
                "the store has schema version {version}, newer than this soc2scan {} \
                 understands (version {schema_version}); use a newer soc2scan (the store was \
                 not changed)",
                crate::VERSION
            )));
        }
        if version == schema_version {
            return Ok(());
        }
        if access == Access::Read {
            return Err(self.error(if version == 0 {
                "empty: not a soc2scan history store".to_string()
            } else {
                format!(
                    "the store has schema version {version}; this soc2scan writes version \
                     {schema_version}: migrate it first with `soc2scan history migrate`"
                )
            }));
        }
        self.migrate(version, migrations)
    }

    /// Applies every migration after `from` in one transaction.
    fn migrate(&mut self, from: i64, migrations: &[Migration]) -> Result<(), HistoryError> {
        let label = self.label.clone();
        let db = |doing: &'static str| {
            let label = label.clone();
            move |e: rusqlite::Error| HistoryError::Store {
                store: label.clone(),
                message: format!("{doing}: {e}"),
            }
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db("starting the migration"))?;
        // Another process may have migrated while this one waited for the lock.
        let current: i64 = if from == 0 {
            let has_meta: bool = transaction
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'soc2scan_meta'",
                    [],
                    |row| row.get::<_, i64>(0),
                )
                .map_err(db("reading the schema"))?
                > 0;
            if has_meta {
                transaction
                    .query_row(
                        "SELECT value FROM soc2scan_meta WHERE key = 'schema_version'",
                        [],
                        |row| row.get::<_, String>(0),
                    )
                    .map_err(db("reading the schema version"))?
                    .parse()
                    .unwrap_or(0)
            } else {
                transaction
                    .execute(
                        "CREATE TABLE soc2scan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                        [],
                    )
                    .map_err(db("creating the store"))?;
                0
            }
        } else {
            from
        };
        for migration in migrations.iter().filter(|m| m.version > current) {
            for statement in migration.statements {
                transaction
                    .execute(statement, [])
                    .map_err(db("migrating the schema"))?;
            }
            transaction
                .execute(
                    "INSERT INTO soc2scan_meta (key, value) VALUES ('schema_version', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![migration.version.to_string()],
                )
                .map_err(db("migrating the schema"))?;
        }
        transaction.commit().map_err(db("migrating the schema"))
    }

    /// The newest run's sequence number, hash and collection time.
    pub fn head(&self) -> Result<Option<(i64, String, String)>, HistoryError> {
        self.connection
            .query_row(
                "SELECT seq, run_hash, collected_at FROM runs ORDER BY seq DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(self.db("reading the newest run"))
    }

    /// The run that recorded a snapshot, if any.
    pub fn run_of_snapshot(&self, sha256: &str) -> Result<Option<i64>, HistoryError> {
        self.connection
            .query_row(
                "SELECT min(seq) FROM runs WHERE snapshot = ?1",
                params![sha256],
                |row| row.get::<_, Option<i64>>(0),
            )
            .map_err(self.db("looking up a snapshot"))
    }

    /// Appends runs one after another in one transaction: all or none. Each run is made
    /// only when the previous one is stored, so a long import holds one snapshot at a time.
    pub fn append_each<E: From<HistoryError>>(
        &mut self,
        runs: impl Iterator<Item = Result<(NewRun, Vec<String>), E>>,
    ) -> Result<Vec<Appended>, E> {
        let label = self.label.clone();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| busy_or(&label, "starting the append", e))?;
        let mut appended = Vec::new();
        for run in runs {
            let (run, rules_run) = run?;
            appended.push(append_in(&transaction, &label, &run, &rules_run)?);
        }
        transaction
            .commit()
            .map_err(|e| busy_or(&label, "committing the run", e))?;
        Ok(appended)
    }

    /// Appends one run.
    pub fn append(
        &mut self,
        run: NewRun,
        rules_run: Vec<String>,
    ) -> Result<Appended, HistoryError> {
        let mut appended =
            self.append_each(std::iter::once(Ok::<_, HistoryError>((run, rules_run))))?;
        appended
            .pop()
            .ok_or_else(|| self.error("the append recorded nothing".to_string()))
    }

    /// The runs, by sequence number.
    pub fn runs(&self) -> Result<Vec<RunRow>, HistoryError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT seq, recorded_at, source, tool_version, started_at, collected_at,
                        snapshot_tool_version, targets, complete, ruleset, suppression_set,
                        snapshot, counters, kinds, content_hash, prev_hash, run_hash
                 FROM runs ORDER BY seq",
            )
            .map_err(self.db("reading runs"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(RunRow {
                    seq: row.get(0)?,
                    recorded_at: row.get(1)?,
                    source: row.get(2)?,
                    tool_version: row.get(3)?,
                    started_at: row.get(4)?,
                    collected_at: row.get(5)?,
                    snapshot_tool_version: row.get(6)?,
                    targets: row.get(7)?,
                    complete: row.get::<_, i64>(8)? != 0,
                    ruleset: row.get(9)?,
                    suppression_set: row.get(10)?,
                    snapshot: row.get(11)?,
                    counters: row.get(12)?,
                    kinds: row.get(13)?,
                    content_hash: row.get(14)?,
                    prev_hash: row.get(15)?,
                    run_hash: row.get(16)?,
                })
            })
            .map_err(self.db("reading runs"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.db("reading runs"))
    }

    /// Everything but the snapshots' bytes.
    pub fn load(&self) -> Result<History, HistoryError> {
        let mut history = History {
            runs: self.runs()?,
            ..History::default()
        };
        let db = self.db("reading the history");
        let meta: HashMap<String, String> = self
            .query_all("SELECT key, value FROM soc2scan_meta", |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .into_iter()
            .collect();
        if let (Some(seq), Some(hash)) = (meta.get("head_seq"), meta.get("head_hash")) {
            history.meta_head = Some((seq.parse().unwrap_or(-1), hash.clone()));
        }
        history.rulesets = self
            .query_all("SELECT sha256, body FROM rulesets", |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .into_iter()
            .collect();
        history.suppression_sets = self
            .query_all("SELECT sha256, body FROM suppression_sets", |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .into_iter()
            .collect();
        history.suppressions = self
            .query_all(
                "SELECT id, rule, resource, reason, expires FROM suppressions",
                |row| {
                    Ok((
                        row.get(0)?,
                        SuppressionRecord {
                            rule: row.get(1)?,
                            resource: row.get(2)?,
                            reason: row.get(3)?,
                            expires: row.get(4)?,
                        },
                    ))
                },
            )?
            .into_iter()
            .collect();
        history.snapshots = self
            .query_all("SELECT sha256, size FROM snapshots", |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .into_iter()
            .collect();
        let coverage = self.query_all(
            "SELECT c.run, u.provider, u.account, u.region, u.kind, u.service, u.resource,
                    c.failure_kind, c.message
             FROM coverage c JOIN units u ON u.id = c.unit",
            |row| {
                let failure = match (
                    row.get::<_, Option<String>>(7)?,
                    row.get::<_, Option<String>>(8)?,
                ) {
                    (Some(kind), message) => Some((kind, message.unwrap_or_default())),
                    (None, _) => None,
                };
                Ok((
                    row.get::<_, i64>(0)?,
                    CoverageRow {
                        provider: row.get(1)?,
                        account: row.get(2)?,
                        region: row.get(3)?,
                        kind: row.get(4)?,
                        service: row.get(5)?,
                        resource: row.get(6)?,
                        failure,
                    },
                ))
            },
        )?;
        for (run, row) in coverage {
            history.coverage.entry(run).or_default().push(row);
        }
        history.subjects = self
            .query_all(
                "SELECT id, rule, subject, kind, provider, account, region, name FROM subjects",
                |row| {
                    Ok((
                        row.get(0)?,
                        SubjectRow {
                            rule: row.get(1)?,
                            subject: row.get(2)?,
                            kind: row.get(3)?,
                            provider: row.get(4)?,
                            account: row.get(5)?,
                            region: row.get(6)?,
                            name: row.get(7)?,
                        },
                    ))
                },
            )?
            .into_iter()
            .collect();
        history.spans = self.query_all(
            "SELECT subject, first_seq, last_seq, outcome, suppression, message FROM spans
             ORDER BY subject, first_seq",
            |row| {
                Ok(SpanRow {
                    subject: row.get(0)?,
                    first_seq: row.get(1)?,
                    last_seq: row.get(2)?,
                    outcome: row.get(3)?,
                    suppression: row.get(4)?,
                    message: row.get(5)?,
                })
            },
        )?;
        drop(db);
        Ok(history)
    }

    fn query_all<T>(
        &self,
        sql: &str,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, HistoryError> {
        let mut statement = self
            .connection
            .prepare(sql)
            .map_err(self.db("reading the history"))?;
        let rows = statement
            .query_map([], map)
            .map_err(self.db("reading the history"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.db("reading the history"))
    }

    /// Calls `visit` with each stored snapshot: hash, recorded size, encoding, stored bytes.
    pub fn for_each_snapshot(
        &self,
        mut visit: impl FnMut(&str, i64, &str, &[u8]),
    ) -> Result<(), HistoryError> {
        let mut statement = self
            .connection
            .prepare("SELECT sha256, size, encoding, body FROM snapshots ORDER BY sha256")
            .map_err(self.db("reading snapshots"))?;
        let mut rows = statement.query([]).map_err(self.db("reading snapshots"))?;
        while let Some(row) = rows.next().map_err(self.db("reading snapshots"))? {
            let sha: String = row.get(0).map_err(self.db("reading snapshots"))?;
            let size: i64 = row.get(1).map_err(self.db("reading snapshots"))?;
            let encoding: String = row.get(2).map_err(self.db("reading snapshots"))?;
            let body = row
                .get_ref(3)
                .map_err(self.db("reading snapshots"))?
                .as_blob()
                .unwrap_or_default();
            visit(&sha, size, &encoding, body);
        }
        Ok(())
    }

    /// The stored bytes of one snapshot, decompressed.
    pub fn snapshot_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, HistoryError> {
        let body: Option<Vec<u8>> = self
            .connection
            .query_row(
                "SELECT body FROM snapshots WHERE sha256 = ?1",
                params![sha256],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.db("reading a snapshot"))?;
        body.map(|gzip| {
            super::run::gunzip(&gzip)
                .map_err(|e| self.error(format!("snapshot {sha256} cannot be decompressed: {e}")))
        })
        .transpose()
    }

    /// Raw access for tests that tamper with a store.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.connection
    }
}

fn busy_or(label: &str, doing: &str, e: rusqlite::Error) -> HistoryError {
    let message = match &e {
        rusqlite::Error::SqliteFailure(code, _)
            if code.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            format!("{doing}: the store stayed locked by another writer for 30 s")
        }
        rusqlite::Error::SqliteFailure(code, _) if code.code == rusqlite::ErrorCode::ReadOnly => {
            format!("{doing}: the store is read-only")
        }
        _ => format!("{doing}: {e}"),
    };
    HistoryError::Store {
        store: label.to_string(),
        message,
    }
}

/// One append inside an open transaction.
fn append_in(
    transaction: &rusqlite::Transaction<'_>,
    label: &str,
    run: &NewRun,
    rules_run: &[String],
) -> Result<Appended, HistoryError> {
    let db = |doing: &'static str| move |e: rusqlite::Error| busy_or(label, doing, e);
    let fail = |message: String| HistoryError::Store {
        store: label.to_string(),
        message,
    };
    // The head: the newest run, which soc2scan_meta must agree with.
    let head: Option<(i64, String, String)> = transaction
        .query_row(
            "SELECT seq, run_hash, collected_at FROM runs ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .map_err(db("reading the newest run"))?;
    if let Some((seq, _, collected)) = &head {
        if super::parse_time(collected).is_some_and(|newest| run.collected_at < newest) {
            return Err(fail(format!(
                "the snapshot was collected at {}, before the newest recorded run #{seq}                  ({collected}); the history keeps runs in collection order, so older snapshots                  are imported before newer runs are recorded (nothing was recorded)",
                time_text(run.collected_at)
            )));
        }
    }
    let meta = |key: &str| -> Result<Option<String>, HistoryError> {
        transaction
            .query_row(
                "SELECT value FROM soc2scan_meta WHERE key = ?1",
                params![key],
                |row| row.get(0),
            )
            .optional()
            .map_err(db("reading the chain head"))
    };
    let meta_head = (meta("head_seq")?, meta("head_hash")?);
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
    transaction
        .execute(
            "INSERT INTO rulesets (sha256, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![ruleset_sha, ruleset_body],
        )
        .map_err(db("storing the rule set"))?;
    let suppressions_text = suppressions_body(&run.suppressions);
    let suppressions_sha = sha256_hex(suppressions_text.as_bytes());
    transaction
        .execute(
            "INSERT INTO suppression_sets (sha256, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![suppressions_sha, suppressions_text],
        )
        .map_err(db("storing the suppressions"))?;
    let mut suppression_ids = Vec::with_capacity(run.suppressions.len());
    for suppression in &run.suppressions {
        transaction
            .execute(
                "INSERT INTO suppressions (rule, resource, reason, expires) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
                params![
                    suppression.rule,
                    suppression.resource,
                    suppression.reason,
                    suppression.expires
                ],
            )
            .map_err(db("storing the suppressions"))?;
        let id: i64 = transaction
            .query_row(
                "SELECT id FROM suppressions WHERE rule = ?1 AND resource = ?2 AND reason = ?3
                 AND expires = ?4",
                params![
                    suppression.rule,
                    suppression.resource,
                    suppression.reason,
                    suppression.expires
                ],
                |row| row.get(0),
            )
            .map_err(db("storing the suppressions"))?;
        suppression_ids.push(id);
    }
    transaction
        .execute(
            "INSERT INTO snapshots (sha256, size, encoding, body) VALUES (?1, ?2, 'gzip', ?3)
             ON CONFLICT DO NOTHING",
            params![
                run.snapshot.sha256,
                run.snapshot.size as i64,
                run.snapshot.gzip
            ],
        )
        .map_err(db("storing the snapshot"))?;

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
    {
        let mut statement = transaction
            .prepare(
                "SELECT s.rule, s.subject, sp.subject, sp.first_seq, sp.outcome, sp.suppression
                 FROM spans sp JOIN subjects s ON s.id = sp.subject WHERE sp.last_seq IS NULL",
            )
            .map_err(db("reading open spans"))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                    Open {
                        subject: row.get(2)?,
                        first_seq: row.get(3)?,
                        outcome: row.get(4)?,
                        suppression: row.get(5)?,
                        seen: false,
                    },
                ))
            })
            .map_err(db("reading open spans"))?;
        for row in rows {
            let (key, span) = row.map_err(db("reading open spans"))?;
            open.insert(key, span);
        }
    }
    let mut close = transaction
        .prepare("UPDATE spans SET last_seq = ?3 WHERE subject = ?1 AND first_seq = ?2")
        .map_err(db("closing spans"))?;
    let mut insert_span = transaction
        .prepare(
            "INSERT INTO spans (subject, first_seq, last_seq, outcome, suppression, message)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
        )
        .map_err(db("opening spans"))?;
    let mut insert_subject = transaction
        .prepare(
            "INSERT INTO subjects (rule, subject, kind, provider, account, region, name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        )
        .map_err(db("storing subjects"))?;
    let mut find_subject = transaction
        .prepare("SELECT id FROM subjects WHERE rule = ?1 AND subject = ?2")
        .map_err(db("storing subjects"))?;
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
                close
                    .execute(params![span.subject, span.first_seq, seq - 1])
                    .map_err(db("closing spans"))?;
                closed.push((verdict.rule.as_str(), verdict.subject.as_str()));
                span.subject
            }
            None => {
                insert_subject
                    .execute(params![
                        verdict.rule,
                        verdict.subject,
                        verdict.kind,
                        verdict.provider,
                        verdict.account,
                        verdict.region,
                        verdict.name
                    ])
                    .map_err(db("storing subjects"))?;
                find_subject
                    .query_row(params![verdict.rule, verdict.subject], |row| row.get(0))
                    .map_err(db("storing subjects"))?
            }
        };
        insert_span
            .execute(params![
                subject,
                seq,
                verdict.outcome.as_str(),
                suppression,
                verdict.message
            ])
            .map_err(db("opening spans"))?;
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
            close
                .execute(params![span.subject, span.first_seq, seq - 1])
                .map_err(db("closing spans"))?;
            closed_keys.push(key.clone());
        }
    }
    closed.extend(closed_keys.iter().map(|(r, s)| (r.as_str(), s.as_str())));
    let changes = opened.len() + closed.len();
    let changes_sha = changes_digest(opened.into_iter(), closed.into_iter());

    // Coverage.
    let mut insert_unit = transaction
        .prepare(
            "INSERT INTO units (provider, account, region, kind, service, resource)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )
        .map_err(db("storing coverage"))?;
    let mut find_unit = transaction
        .prepare(
            "SELECT id FROM units WHERE provider = ?1 AND account = ?2 AND region = ?3
             AND kind = ?4 AND resource = ?5",
        )
        .map_err(db("storing coverage"))?;
    let mut insert_coverage = transaction
        .prepare("INSERT INTO coverage (run, unit, failure_kind, message) VALUES (?1, ?2, ?3, ?4)")
        .map_err(db("storing coverage"))?;
    // A unit listed twice keeps its first row, as the primary key does.
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
    for row in &coverage_rows {
        insert_unit
            .execute(params![
                row.provider,
                row.account,
                row.region,
                row.kind,
                row.service,
                row.resource
            ])
            .map_err(db("storing coverage"))?;
        let unit: i64 = find_unit
            .query_row(
                params![
                    row.provider,
                    row.account,
                    row.region,
                    row.kind,
                    row.resource
                ],
                |r| r.get(0),
            )
            .map_err(db("storing coverage"))?;
        let (kind, message) = match &row.failure {
            Some((kind, message)) => (Some(kind.as_str()), Some(message.as_str())),
            None => (None, None),
        };
        insert_coverage
            .execute(params![seq, unit, kind, message])
            .map_err(db("storing coverage"))?;
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
    transaction
        .execute(
            "INSERT INTO runs (seq, recorded_at, source, tool_version, started_at, collected_at,
                               snapshot_tool_version, targets, complete, ruleset,
                               suppression_set, snapshot, counters, kinds, content_hash,
                               prev_hash, run_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                seq,
                recorded_at,
                run.source.as_str(),
                run.tool_version,
                started_at,
                collected_at,
                run.snapshot_tool_version,
                targets_text,
                i64::from(run.complete),
                ruleset_sha,
                suppressions_sha,
                run.snapshot.sha256,
                counters_text,
                kinds_text,
                content_hash,
                prev_hash,
                hash
            ],
        )
        .map_err(db("storing the run"))?;
    for (key, value) in [("head_seq", seq.to_string()), ("head_hash", hash.clone())] {
        transaction
            .execute(
                "INSERT INTO soc2scan_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(db("updating the chain head"))?;
    }
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

    fn schema_of(store: &Store) -> i64 {
        store.schema_version().unwrap()
    }

    #[test]
    fn migrations_apply_forward_and_a_newer_store_is_refused_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let location = StoreLocation::Sqlite(dir.path().join("h.db"));
        let v1 = Store::open_with(&location, Access::Write, &MIGRATIONS[..1], 1).unwrap();
        assert_eq!(schema_of(&v1), 1);
        v1.connection
            .execute("INSERT INTO rulesets (sha256, body) VALUES ('x', '{}')", [])
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
        let v2 = Store::open_with(&location, Access::Write, &with_v2, 2).unwrap();
        assert_eq!(schema_of(&v2), 2);
        let kept: i64 = v2
            .connection
            .query_row("SELECT count(*) FROM rulesets", [], |row| row.get(0))
            .unwrap();
        assert_eq!(kept, 1);
        v2.connection
            .execute("UPDATE runs SET note = 'x'", [])
            .unwrap();
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
        let other = Connection::open(&path).unwrap();
        other.execute("CREATE TABLE t (x)", []).unwrap();
        drop(other);
        let error = Store::open(&StoreLocation::Sqlite(path), Access::Write)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("no soc2scan_meta"), "{error}");
    }
}
