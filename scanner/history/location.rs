//! Where the history store is: `--history URL`, else `SOC2SCAN_HISTORY`, else `url` under
//! `[history]` in soc2scan.toml, else `./soc2scan-history.db`.
//!
//! | form | store |
//! |---|---|
//! | `sqlite:evidence/history.db`, `sqlite://evidence/history.db`, `sqlite:///var/soc2/h.db` | an SQLite file (relative to the working directory unless absolute) |
//! | `evidence/history.db` (no scheme) | the same |
//! | `postgres://user:password@host:5432/db`, `postgresql://…` | PostgreSQL (not in this build: refused with a message) |
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
                "empty; give an SQLite file (sqlite:PATH or a plain path)",
            ));
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Err(error(
                "PostgreSQL stores are not supported by this build of soc2scan; use an SQLite \
                 file (sqlite:PATH)",
            ));
        }
        let path = if let Some(rest) = strip_prefix_ignore_case(trimmed, "sqlite://") {
            rest
        } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "sqlite:") {
            rest
        } else if let Some((scheme, _)) = trimmed.split_once("://") {
            return Err(HistoryError::Location {
                given: redact(trimmed),
                message: format!(
                    "unknown store scheme {scheme:?}; expected sqlite:PATH or a plain path"
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
    fn bad_locations_are_refused_without_showing_passwords() {
        let error = StoreLocation::parse("postgres://scanner:hunter2@db:5432/evidence")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
        assert!(
            error.contains("postgres://scanner:***@db:5432/evidence"),
            "{error}"
        );
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
