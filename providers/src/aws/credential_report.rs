//! The IAM credential report: a CSV with one row per user (and one for the root user).
//!
//! Values are dates (`2024-05-01T10:00:00+00:00`), booleans (`true`/`false`) or one of
//! AWS's placeholders: `N/A` (nothing to report: no password, no key, never used),
//! `no_information` (not used since AWS began tracking) and `not_supported` (not tracked
//! for this kind of credential). The report never holds secrets or access key ids.

use crate::model::{AccessKey, LastUsed, UserCredentials};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The report's rows, by user name. The `<root_account>` row is left out: root facts
/// come from `GetAccountSummary`.
#[derive(Debug, Default)]
pub(crate) struct CredentialReport {
    users: HashMap<String, UserCredentials>,
    /// When IAM generated the report (`GeneratedTime`), set by the caller.
    pub(crate) generated_at: Option<DateTime<Utc>>,
}

impl CredentialReport {
    /// The credential facts of one user, if the report has a row for it (a user created
    /// after the report was generated has none).
    pub(crate) fn user(&self, user_name: &str) -> Option<&UserCredentials> {
        self.users.get(user_name)
    }

    /// Number of user rows.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.users.len()
    }
}

/// Why the report could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum ReportError {
    /// Not valid CSV (an unclosed quote).
    #[error("the credential report is not valid CSV: {0}")]
    Csv(String),
    /// A column the scanner reads is missing from the header.
    #[error("the credential report has no {0:?} column")]
    MissingColumn(&'static str),
    /// A value is not what the column holds.
    #[error("the credential report row of {user:?}, column {column}: expected {expected}, found {found:?}")]
    Value {
        user: String,
        column: &'static str,
        expected: &'static str,
        found: String,
    },
}

const ROOT_ROW: &str = "<root_account>";

struct Columns {
    user: usize,
    password_enabled: usize,
    password_last_used: usize,
    password_last_changed: usize,
    mfa_active: usize,
    keys: [KeyColumns; 2],
}

struct KeyColumns {
    active: usize,
    last_rotated: usize,
    last_used: usize,
}

/// Parses the CSV text of `GetCredentialReport`.
pub(crate) fn parse(text: &str) -> Result<CredentialReport, ReportError> {
    let records = parse_csv(text)?;
    let mut rows = records
        .into_iter()
        .filter(|r| r.iter().any(|f| !f.is_empty()));
    let Some(header) = rows.next() else {
        return Err(ReportError::MissingColumn("user"));
    };
    let find = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(ReportError::MissingColumn(name))
    };
    let key = |n: u8| -> Result<KeyColumns, ReportError> {
        let (active, rotated, used) = if n == 1 {
            (
                "access_key_1_active",
                "access_key_1_last_rotated",
                "access_key_1_last_used_date",
            )
        } else {
            (
                "access_key_2_active",
                "access_key_2_last_rotated",
                "access_key_2_last_used_date",
            )
        };
        Ok(KeyColumns {
            active: find(active)?,
            last_rotated: find(rotated)?,
            last_used: find(used)?,
        })
    };
    let columns = Columns {
        user: find("user")?,
        password_enabled: find("password_enabled")?,
        password_last_used: find("password_last_used")?,
        password_last_changed: find("password_last_changed")?,
        mfa_active: find("mfa_active")?,
        keys: [key(1)?, key(2)?],
    };
    let mut report = CredentialReport::default();
    for row in rows {
        let field = |index: usize| row.get(index).map(|s| s.trim()).unwrap_or("");
        let user = field(columns.user);
        if user == ROOT_ROW || user.is_empty() {
            continue;
        }
        let value = |index: usize, column: &'static str| Cell {
            user,
            column,
            text: field(index),
        };
        let mut access_keys = Vec::new();
        for (slot, key) in (1u8..).zip(&columns.keys) {
            let (active_column, rotated_column, used_column) = if slot == 1 {
                (
                    "access_key_1_active",
                    "access_key_1_last_rotated",
                    "access_key_1_last_used_date",
                )
            } else {
                (
                    "access_key_2_active",
                    "access_key_2_last_rotated",
                    "access_key_2_last_used_date",
                )
            };
            let active = value(key.active, active_column).boolean()?;
            let last_rotated = value(key.last_rotated, rotated_column).optional_time()?;
            // A slot with an inactive key and no rotation date has no key at all.
            if active || last_rotated.is_some() {
                access_keys.push(AccessKey {
                    slot,
                    active,
                    last_rotated,
                    last_used: value(key.last_used, used_column).last_used()?,
                });
            }
        }
        let credentials = UserCredentials {
            password_enabled: value(columns.password_enabled, "password_enabled").boolean()?,
            password_last_used: value(columns.password_last_used, "password_last_used")
                .last_used()?,
            password_last_changed: value(columns.password_last_changed, "password_last_changed")
                .optional_time()?,
            mfa_active: value(columns.mfa_active, "mfa_active").boolean()?,
            access_keys,
        };
        report.users.insert(user.to_string(), credentials);
    }
    Ok(report)
}

/// One value of the report, with what is needed to say where it came from.
struct Cell<'a> {
    user: &'a str,
    column: &'static str,
    text: &'a str,
}

impl Cell<'_> {
    fn error(&self, expected: &'static str) -> ReportError {
        ReportError::Value {
            user: self.user.to_string(),
            column: self.column,
            expected,
            found: self.text.to_string(),
        }
    }

    fn boolean(&self) -> Result<bool, ReportError> {
        if self.text.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if self.text.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(self.error("true or false"))
        }
    }

    fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(self.text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// A date, or nothing (`N/A`, `not_supported`, `no_information`).
    fn optional_time(&self) -> Result<Option<DateTime<Utc>>, ReportError> {
        match self.text {
            "N/A" | "not_supported" | "no_information" => Ok(None),
            _ => self
                .time()
                .map(Some)
                .ok_or_else(|| self.error("a date, N/A, no_information or not_supported")),
        }
    }

    fn last_used(&self) -> Result<LastUsed, ReportError> {
        match self.text {
            "N/A" | "no_information" => Ok(LastUsed::Never),
            "not_supported" => Ok(LastUsed::Unknown),
            _ => self
                .time()
                .map(|at| LastUsed::Used { at })
                .ok_or_else(|| self.error("a date, N/A, no_information or not_supported")),
        }
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"` (a doubled quote
/// inside quotes is one quote), records ended by LF or CRLF.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ReportError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(ReportError::Csv("a quoted field is not closed".to_string()));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    fn time(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A report as AWS writes it: the root row, a console user with MFA and two keys, a
    /// key-only user, a user whose password was never used, one with an inactive key.
    fn fixture() -> String {
        [
            HEADER,
            "<root_account>,arn:aws:iam::111122223333:root,2019-01-01T00:00:00+00:00,not_supported,2024-05-01T09:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "alice,arn:aws:iam::111122223333:user/alice,2020-02-03T04:05:06+00:00,true,2024-05-20T08:00:00+00:00,2024-01-01T00:00:00+00:00,2024-03-31T00:00:00+00:00,true,true,2024-02-01T00:00:00+00:00,2024-05-19T12:00:00+00:00,eu-west-1,s3,true,2023-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
            "ci-bot,arn:aws:iam::111122223333:user/ci-bot,2021-06-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2021-06-01T00:00:00+00:00,no_information,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "bob,arn:aws:iam::111122223333:user/bob,2022-01-01T00:00:00+00:00,true,no_information,2022-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "\"carol,ops\",arn:aws:iam::111122223333:user/carol,2022-01-01T00:00:00+00:00,false,not_supported,not_supported,not_supported,false,false,2022-02-02T00:00:00+00:00,not_supported,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]
        .join("\n")
            + "\n"
    }

    #[test]
    fn parses_every_kind_of_value() {
        let report = parse(&fixture()).unwrap();
        assert_eq!(report.len(), 4, "the root row is not a user");

        let alice = report.user("alice").unwrap();
        assert_eq!(
            alice,
            &UserCredentials {
                password_enabled: true,
                password_last_used: LastUsed::Used {
                    at: time("2024-05-20T08:00:00Z")
                },
                password_last_changed: Some(time("2024-01-01T00:00:00Z")),
                mfa_active: true,
                access_keys: vec![
                    AccessKey {
                        slot: 1,
                        active: true,
                        last_rotated: Some(time("2024-02-01T00:00:00Z")),
                        last_used: LastUsed::Used {
                            at: time("2024-05-19T12:00:00Z")
                        },
                    },
                    AccessKey {
                        slot: 2,
                        active: true,
                        last_rotated: Some(time("2023-01-01T00:00:00Z")),
                        last_used: LastUsed::Never,
                    },
                ],
            }
        );

        let bot = report.user("ci-bot").unwrap();
        assert!(!bot.password_enabled);
        assert_eq!(bot.password_last_used, LastUsed::Never, "N/A is never");
        assert_eq!(bot.password_last_changed, None);
        assert_eq!(bot.access_keys.len(), 1);
        assert_eq!(
            bot.access_keys[0].last_used,
            LastUsed::Never,
            "no_information is never"
        );

        let bob = report.user("bob").unwrap();
        assert_eq!(bob.password_last_used, LastUsed::Never);
        assert!(bob.access_keys.is_empty(), "false + N/A is no key at all");

        let carol = report.user("carol,ops").unwrap();
        assert_eq!(carol.password_last_used, LastUsed::Unknown);
        assert_eq!(carol.password_last_changed, None);
        assert_eq!(
            carol.access_keys,
            vec![AccessKey {
                slot: 1,
                active: false,
                last_rotated: Some(time("2022-02-02T00:00:00Z")),
                last_used: LastUsed::Unknown,
            }],
            "an inactive key that exists is kept"
        );
    }

    #[test]
    fn crlf_and_quotes() {
        let text = fixture().replace('\n', "\r\n");
        assert_eq!(parse(&text).unwrap().len(), 4);
        let quoted = parse_csv("a,\"b \"\"x\"\"\",c\r\n").unwrap();
        assert_eq!(quoted, vec![vec!["a", "b \"x\"", "c"]]);
    }

    #[test]
    fn header_only_is_an_empty_report() {
        assert_eq!(parse(&format!("{HEADER}\n")).unwrap().len(), 0);
    }

    #[test]
    fn malformed_reports_are_errors() {
        assert_eq!(parse("").unwrap_err(), ReportError::MissingColumn("user"));
        assert_eq!(
            parse("user,arn\nalice,x\n").unwrap_err(),
            ReportError::MissingColumn("password_enabled")
        );
        let bad_bool = fixture().replace(
            "bob,arn:aws:iam::111122223333:user/bob,2022-01-01T00:00:00+00:00,true",
            "bob,arn:aws:iam::111122223333:user/bob,2022-01-01T00:00:00+00:00,yes",
        );
        assert_eq!(
            parse(&bad_bool).unwrap_err().to_string(),
            "the credential report row of \"bob\", column password_enabled: expected true or false, found \"yes\""
        );
        let bad_date = fixture().replace("2024-05-20T08:00:00+00:00", "yesterday");
        assert!(matches!(
            parse(&bad_date).unwrap_err(),
            ReportError::Value {
                column: "password_last_used",
                ..
            }
        ));
        assert!(matches!(
            parse("user,\"open\nx").unwrap_err(),
            ReportError::Csv(_)
        ));
    }
}
