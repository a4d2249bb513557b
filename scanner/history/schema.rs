//! The store's schema: a version number in `soc2scan_meta`, and forward migrations applied
//! in order, each in the transaction that records the new version. A store whose version
//! is newer than this build's is refused and never altered; an older one is migrated when
//! it is opened for writing (`--record`, `history import`, `history migrate`), and read-only
//! commands ask for that first.
//!
//! Tables (docs/history.md describes every column):
//!
//! - `soc2scan_meta(key, value)`: `schema_version`, and the chain's head (`head_seq`,
//!   `head_hash`), updated with every append, so removing the newest runs is detected.
//! - `runs`: one row per run, with its gapless sequence number, times, source, versions,
//!   targets, completeness, the hashes of its rule set, suppressions and snapshot, its
//!   per-rule counters and resource counts by kind, and its content, previous and run hashes.
//! - `rulesets(sha256, body)` and `suppression_sets(sha256, body)`: canonical JSON, stored
//!   once however many runs share them.
//! - `suppressions(id, rule, resource, reason, expires)`: each suppression once.
//! - `snapshots(sha256, size, encoding, body)`: the snapshots, gzip-compressed.
//! - `units(id, provider, account, region, kind, service, resource)` and
//!   `coverage(run, unit, failure_kind, message)`: each run's coverage table.
//! - `subjects(id, rule, subject, kind, provider, account, region, name)` and
//!   `spans(subject, first_seq, last_seq, outcome, suppression, message)`: verdict spans;
//!   `last_seq` is NULL while the span is open (its outcome held in the newest run).

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// One forward migration: the version it produces and its statements.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version after it.
    pub version: i64,
    /// SQL statements, run in order.
    pub statements: &'static [&'static str],
}

/// Every migration, oldest first. Version 1 creates the schema.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    statements: &[
        "CREATE TABLE rulesets (sha256 TEXT PRIMARY KEY, body TEXT NOT NULL)",
        "CREATE TABLE suppression_sets (sha256 TEXT PRIMARY KEY, body TEXT NOT NULL)",
        "CREATE TABLE suppressions (
            id INTEGER PRIMARY KEY,
            rule TEXT NOT NULL,
            resource TEXT NOT NULL,
            reason TEXT NOT NULL,
            expires TEXT NOT NULL,
            UNIQUE (rule, resource, reason, expires))",
        "CREATE TABLE snapshots (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            encoding TEXT NOT NULL,
            body BLOB NOT NULL)",
        "CREATE TABLE runs (
            seq INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            started_at TEXT NOT NULL,
            collected_at TEXT NOT NULL,
            snapshot_tool_version TEXT NOT NULL,
            targets TEXT NOT NULL,
            complete INTEGER NOT NULL,
            ruleset TEXT NOT NULL,
            suppression_set TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            counters TEXT NOT NULL,
            kinds TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            run_hash TEXT NOT NULL)",
        "CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            provider TEXT NOT NULL,
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            kind TEXT NOT NULL,
            service TEXT NOT NULL,
            resource TEXT NOT NULL,
            UNIQUE (provider, account, region, kind, resource))",
        "CREATE TABLE coverage (
            run INTEGER NOT NULL,
            unit INTEGER NOT NULL,
            failure_kind TEXT,
            message TEXT,
            PRIMARY KEY (run, unit))",
        "CREATE TABLE subjects (
            id INTEGER PRIMARY KEY,
            rule TEXT NOT NULL,
            subject TEXT NOT NULL,
            kind TEXT NOT NULL,
            provider TEXT NOT NULL,
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            name TEXT,
            UNIQUE (rule, subject))",
        "CREATE TABLE spans (
            subject INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER,
            outcome TEXT NOT NULL,
            suppression INTEGER,
            message TEXT NOT NULL,
            PRIMARY KEY (subject, first_seq))",
        "CREATE INDEX spans_open ON spans (subject) WHERE last_seq IS NULL",
    ],
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_in_order_and_end_at_the_schema_version() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
