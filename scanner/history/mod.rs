//! The evidence history: every recorded run of soc2scan, kept so that a period of scheduled
//! scans becomes SOC 2 Type II evidence (docs/history.md).
//!
//! - [`location`]: where the store is (`--history URL`, `SOC2SCAN_HISTORY`, `[history] url`).
//! - [`schema`]: the versioned schema and its forward migrations.
//! - [`run`]: what one run is (built from an evaluated [`soc2scan_rules::Report`]) and how its
//!   content is hashed into the chain.
//! - [`store`]: append a run, read everything back; [`backend`]: SQLite or PostgreSQL.
//! - [`verify`]: recompute the chain, re-hash every stored snapshot.
//! - [`period`]: the period report model (the canonical JSON) and how its figures are
//!   computed; [`render`] turns it into Markdown, a CSV bundle and HTML.
//!
//! The store keeps verdict *spans*: one row per (rule, subject) and stretch of consecutive
//! runs with the same outcome, so a year of daily runs costs the changes, not every verdict
//! of every run. A subject missing from a run closes its span: it is never carried forward.

pub mod backend;
pub mod location;
pub mod period;
pub mod render;
pub mod run;
pub mod schema;
pub mod store;
pub mod verify;

pub use location::StoreLocation;
pub use store::Store;

/// Why the history store could not be used. Every message names the store.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The location is not a store URL this build understands.
    #[error("--history {given:?}: {message}")]
    Location {
        /// What was given (redacted of any password).
        given: String,
        /// What was wrong and what is expected.
        message: String,
    },
    /// The store could not be opened, read or written.
    #[error("{store}: {message}")]
    Store {
        /// The store, as shown to users (never with a password).
        store: String,
        /// What went wrong.
        message: String,
    },
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Hex SHA-256 of bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// A time as stored and hashed: RFC 3339 in UTC with as many fractional digits as it has.
pub(crate) fn time_text(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Parses a stored time.
pub(crate) fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&chrono::Utc))
}
