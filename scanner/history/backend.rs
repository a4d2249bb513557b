//! The two databases a store can live in, behind one small interface: statements with
//! positional parameters (`?1`, `?2`, … — rewritten to `$1`, `$2`, … for PostgreSQL), run
//! inside a transaction that is either a writer's (serialised with every other writer) or a
//! reader's (one consistent view).
//!
//! - SQLite through rusqlite: a writer's transaction is `BEGIN IMMEDIATE` (waiting up to
//!   30 s for another writer); statements are cached.
//! - PostgreSQL through tokio-postgres (its blocking client): a writer's transaction first
//!   takes a transaction-scoped advisory lock, so two recorders append one after the other
//!   and the sequence stays gapless; a reader's is `REPEATABLE READ`. Statements are
//!   prepared once per transaction.

use std::collections::HashMap;
use std::time::Duration;

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL read back.
    Null,
    /// A NULL parameter of an integer column.
    NullInt,
    /// A NULL parameter of a text column.
    NullText,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Value {
    /// `Int`, or `NullInt` for `None`.
    pub fn opt_int(value: Option<i64>) -> Value {
        value.map_or(Value::NullInt, Value::Int)
    }

    /// `Text`, or `NullText` for `None`.
    pub fn opt_text(value: Option<&str>) -> Value {
        value.map_or(Value::NullText, |t| Value::Text(t.to_string()))
    }

    /// Text of a text value.
    pub fn text(&self) -> Result<String, DbError> {
        match self {
            Value::Text(text) => Ok(text.clone()),
            other => Err(DbError::other(format!("expected text, found {other:?}"))),
        }
    }

    /// Text, or `None` for NULL.
    pub fn opt_text_value(&self) -> Result<Option<String>, DbError> {
        match self {
            Value::Null | Value::NullText => Ok(None),
            other => other.text().map(Some),
        }
    }

    /// An integer.
    pub fn int(&self) -> Result<i64, DbError> {
        match self {
            Value::Int(value) => Ok(*value),
            other => Err(DbError::other(format!(
                "expected an integer, found {other:?}"
            ))),
        }
    }

    /// An integer, or `None` for NULL.
    pub fn opt_int_value(&self) -> Result<Option<i64>, DbError> {
        match self {
            Value::Null | Value::NullInt => Ok(None),
            other => other.int().map(Some),
        }
    }

    /// Bytes.
    pub fn into_blob(self) -> Result<Vec<u8>, DbError> {
        match self {
            Value::Blob(bytes) => Ok(bytes),
            other => Err(DbError::other(format!("expected bytes, found {other:?}"))),
        }
    }
}

/// What kind of database failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// Another writer held the lock too long.
    Busy,
    /// The file is not a database.
    NotADatabase,
    /// The store cannot be written.
    ReadOnly,
    /// Anything else.
    Other,
}

/// A database failure, with the database's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    /// Its kind.
    pub kind: DbErrorKind,
    /// The message.
    pub message: String,
}

impl DbError {
    fn other(message: String) -> DbError {
        DbError {
            kind: DbErrorKind::Other,
            message,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> DbError {
        let kind = match &error {
            rusqlite::Error::SqliteFailure(code, _) => match code.code {
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    DbErrorKind::Busy
                }
                rusqlite::ErrorCode::NotADatabase => DbErrorKind::NotADatabase,
                rusqlite::ErrorCode::ReadOnly => DbErrorKind::ReadOnly,
                _ => DbErrorKind::Other,
            },
            _ => DbErrorKind::Other,
        };
        DbError {
            kind,
            message: error.to_string(),
        }
    }
}

impl From<postgres::Error> for DbError {
    fn from(error: postgres::Error) -> DbError {
        let kind = match error.code() {
            Some(code) if *code == postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION => {
                DbErrorKind::ReadOnly
            }
            Some(code) if *code == postgres::error::SqlState::LOCK_NOT_AVAILABLE => {
                DbErrorKind::Busy
            }
            _ => DbErrorKind::Other,
        };
        // The database's own message (with its detail), never the connection settings.
        let message = match error.as_db_error() {
            Some(db) => format!("{}: {}", db.severity(), db.message()),
            None => error.to_string(),
        };
        DbError { kind, message }
    }
}

/// Statements inside one transaction.
pub trait Sql {
    /// Runs a statement, returning the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    /// Runs a query, returning every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError>;
    /// Which database this is.
    fn dialect(&self) -> Dialect;
}

/// The SQL differences that matter to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// The query listing the tables of the store's schema.
    pub fn tables_query(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
            Dialect::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema()"
            }
        }
    }

    /// A schema statement written for SQLite, in this dialect: 64-bit integers, identity
    /// keys, byte strings.
    pub fn ddl(self, statement: &str) -> String {
        match self {
            Dialect::Sqlite => statement.to_string(),
            Dialect::Postgres => statement
                .replace(
                    "INTEGER PRIMARY KEY",
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                )
                .replace("INTEGER", "BIGINT")
                .replace("BLOB", "BYTEA"),
        }
    }
}

/// A writer's or a reader's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Serialised with every other writer.
    Write,
    /// A consistent view.
    Read,
}

/// An open database.
pub enum Database {
    /// SQLite.
    Sqlite(rusqlite::Connection),
    /// PostgreSQL.
    Postgres(Box<postgres::Client>),
}

/// The advisory lock key every soc2scan writer takes on PostgreSQL ("soc2scan" in ASCII,
/// truncated to 63 bits).
const POSTGRES_LOCK: i64 = 0x736f_6332_7363_616e;

impl Database {
    /// Opens an SQLite file with these flags.
    pub fn sqlite(path: &std::path::Path, flags: rusqlite::OpenFlags) -> Result<Database, DbError> {
        let connection = rusqlite::Connection::open_with_flags(path, flags)?;
        connection.busy_timeout(Duration::from_secs(30))?;
        Ok(Database::Sqlite(connection))
    }

    /// Connects to PostgreSQL.
    pub fn postgres(url: &str) -> Result<Database, DbError> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| DbError::other(format!("not a PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let client = config.connect(postgres::NoTls)?;
        Ok(Database::Postgres(Box::new(client)))
    }

    /// Runs `work` in a transaction, committing when it succeeds.
    pub fn transaction<T, E: From<DbError>>(
        &mut self,
        mode: Mode,
        work: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Database::Sqlite(connection) => {
                let behavior = match mode {
                    Mode::Write => rusqlite::TransactionBehavior::Immediate,
                    Mode::Read => rusqlite::TransactionBehavior::Deferred,
                };
                let transaction = connection
                    .transaction_with_behavior(behavior)
                    .map_err(DbError::from)?;
                let mut sql = SqliteSql(&transaction);
                let result = work(&mut sql)?;
                transaction.commit().map_err(DbError::from)?;
                Ok(result)
            }
            Database::Postgres(client) => {
                let mut builder = client.build_transaction();
                if mode == Mode::Read {
                    builder = builder
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true);
                }
                let mut transaction = builder.start().map_err(DbError::from)?;
                if mode == Mode::Write {
                    transaction
                        .execute("SELECT pg_advisory_xact_lock($1)", &[&POSTGRES_LOCK])
                        .map_err(DbError::from)?;
                }
                let mut sql = PostgresSql {
                    transaction,
                    statements: HashMap::new(),
                };
                let result = work(&mut sql)?;
                sql.transaction.commit().map_err(DbError::from)?;
                Ok(result)
            }
        }
    }
}

struct SqliteSql<'a>(&'a rusqlite::Transaction<'a>);

fn sqlite_param(value: &Value) -> rusqlite::types::Value {
    match value {
        Value::Null | Value::NullInt | Value::NullText => rusqlite::types::Value::Null,
        Value::Int(v) => rusqlite::types::Value::Integer(*v),
        Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
        Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

impl Sql for SqliteSql<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut statement = self.0.prepare_cached(sql)?;
        let params: Vec<rusqlite::types::Value> = params.iter().map(sqlite_param).collect();
        Ok(statement.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError> {
        let mut statement = self.0.prepare_cached(sql)?;
        let columns = statement.column_count();
        let params: Vec<rusqlite::types::Value> = params.iter().map(sqlite_param).collect();
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for index in 0..columns {
                values.push(match row.get_ref(index)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                    rusqlite::types::ValueRef::Real(v) => Value::Text(v.to_string()),
                    rusqlite::types::ValueRef::Text(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                    rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
}

struct PostgresSql<'a> {
    transaction: postgres::Transaction<'a>,
    statements: HashMap<String, postgres::Statement>,
}

/// `?1` → `$1`.
fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl PostgresSql<'_> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.transaction.prepare(&postgres_placeholders(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

fn postgres_params(params: &[Value]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|value| -> Box<dyn postgres::types::ToSql + Sync> {
            match value {
                Value::Null | Value::NullText => Box::new(None::<String>),
                Value::NullInt => Box::new(None::<i64>),
                Value::Int(v) => Box::new(*v),
                Value::Text(t) => Box::new(t.clone()),
                Value::Blob(b) => Box::new(b.clone()),
            }
        })
        .collect()
}

impl Sql for PostgresSql<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let boxed = postgres_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        Ok(self.transaction.execute(&statement, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError> {
        use postgres::types::Type;
        let statement = self.statement(sql)?;
        let boxed = postgres_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let rows = self.transaction.query(&statement, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (index, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let value = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(index)?.map(Value::Int)
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(index)?
                        .map(|v| Value::Int(i64::from(v)))
                } else if *ty == Type::BYTEA {
                    row.try_get::<_, Option<Vec<u8>>>(index)?.map(Value::Blob)
                } else {
                    row.try_get::<_, Option<String>>(index)?.map(Value::Text)
                };
                values.push(value.unwrap_or(Value::Null));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_ddl_translate_for_postgres() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?'"
        );
        assert_eq!(
            Dialect::Postgres.ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, b BLOB)"),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL, b BYTEA)"
        );
    }
}
