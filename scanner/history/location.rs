//! Where the history store is: `--history URL`, else `SOC2SCAN_HISTORY`, else `url` under
//! `[history]` in soc2scan.toml, else `./soc2scan-history.db`.
//!
//! | form | store |
//! |---|---|
//! | `sqlite:evidence/history.db`, `sqlite://evidence/history.db`, `sqlite:///var/soc2/h.db` | an SQLite file (relative to the working directory unless absolute) |
//! | `evidence/history.db` (no scheme) | the same |
//! | `postgres://user:password@host:5432/db?sslmode=disable`, `postgresql://…` | PostgreSQL (the tables in the connection's current schema; connections are not encrypted: reach the server over loopback, a Unix socket or a tunnel) |
//!
//! A URL's password is never shown: every message and output names the store through
//! [`StoreLocation::display`], which masks it.

use super::HistoryError;
use std::path::PathBuf;

/// The default store when nothing names one.
pub const DEFAULT_STORE: &str = "./soc2scan-history.db";

/// The environment variable naming the store.
pub const STORE_ENV: &str = "SOC2SCAN_HISTORY";

/// A parsed store location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (kept whole, shown only through [`redact`]).
    Postgres(String),
}

impl StoreLocation {
    /// Parses a store URL or path.
    pub fn parse(given: &str) -> Result<StoreLocation, HistoryError> {
        let trimmed = given.trim();
        let error = |message: &str| HistoryError::Location {
            given: redact(trimmed),
            message: message.to_string(),
        };
        if trimmed.is_empty() {
            return Err(error(
                "empty; give an SQLite file (sqlite:PATH or a plain path) or postgres://…",
            ));
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(StoreLocation::Postgres(trimmed.to_string()));
        }
        let path = if let Some(rest) = strip_prefix_ignore_case(trimmed, "sqlite://") {
            rest
        } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "sqlite:") {
            rest
        } else if let Some((scheme, _)) = trimmed.split_once("://") {
            return Err(HistoryError::Location {
                given: redact(trimmed),
                message: format!(
                    "unknown store scheme {scheme:?}; expected sqlite:PATH, a plain path or \
                     postgres://…"
                ),
            });
        } else {
            trimmed
        };
        if path.is_empty() {
            return Err(error("names no file; expected sqlite:PATH"));
        }
        Ok(StoreLocation::Sqlite(PathBuf::from(path)))
    }

    /// How messages and outputs name the store (a password, if any, masked).
    pub fn display(&self) -> String {
        match self {
            StoreLocation::Sqlite(path) => format!("sqlite:{}", path.display()),
            StoreLocation::Postgres(url) => redact(url),
        }
    }
}

/// Chooses the store: the flag, else the environment, else the configuration, else the
/// default. (clap reads `SOC2SCAN_HISTORY` into the flag's value.)
pub fn resolve(flag: Option<&str>, config: Option<&str>) -> Result<StoreLocation, HistoryError> {
    StoreLocation::parse(flag.or(config).unwrap_or(DEFAULT_STORE))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    (text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &text[prefix.len()..])
}

/// The password of a URL's `user:password@`, percent-decoded as the client reads it and as
/// typed, for masking in messages.
pub fn password(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

/// A URL with any `user:password@` password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}{tail}")
            } else {
                format!("{scheme}://{userinfo}@{host}{tail}")
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_forms() {
        let sqlite = |p: &str| StoreLocation::Sqlite(PathBuf::from(p));
        assert_eq!(
            StoreLocation::parse("sqlite:evidence/history.db").unwrap(),
            sqlite("evidence/history.db")
        );
        assert_eq!(
            StoreLocation::parse("sqlite:///var/h.db").unwrap(),
            sqlite("/var/h.db")
        );
        assert_eq!(
            StoreLocation::parse("SQLite://rel.db").unwrap(),
            sqlite("rel.db")
        );
        assert_eq!(StoreLocation::parse("h.db").unwrap(), sqlite("h.db"));
        assert_eq!(
            resolve(None, None).unwrap(),
            sqlite("./soc2scan-history.db")
        );
        assert_eq!(resolve(Some("a.db"), Some("b.db")).unwrap(), sqlite("a.db"));
        assert_eq!(resolve(None, Some("b.db")).unwrap(), sqlite("b.db"));
    }

    #[test]
    fn postgres_urls_are_shown_without_passwords() {
        let location = StoreLocation::parse("postgres://scanner:hunter2@db:5432/evidence").unwrap();
        assert_eq!(
            location.display(),
            "postgres://scanner:***@db:5432/evidence"
        );
        assert_eq!(
            password("postgres://scanner:hunter2@db:5432/evidence").as_deref(),
            Some("hunter2")
        );
        assert_eq!(password("postgres://scanner@db/evidence"), None);
    }

    #[test]
    fn bad_locations_are_refused() {
        let error = StoreLocation::parse("mysql://x").unwrap_err().to_string();
        assert!(error.contains("unknown store scheme \"mysql\""), "{error}");
        assert!(StoreLocation::parse("sqlite:").is_err());
        assert!(StoreLocation::parse("  ").is_err());
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("postgres://u:p@h/db?x=@"),
            "postgres://u:***@h/db?x=@"
        );
    }
}
