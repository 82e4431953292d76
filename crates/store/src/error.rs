//! What can go wrong when opening or using the registry's storage, each with the next step to
//! take. Messages are written for the person at the terminal, not for the developer.

use std::path::PathBuf;

/// Every failure of the store. `Display` says what happened and what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The `--database` value is not a URL or path this program understands.
    #[error(
        "cannot use database '{given}': {reason}. Give a file path (./shangyun-data/registry.db), \
         sqlite://PATH, or postgres://USER@HOST:PORT/DATABASE"
    )]
    BadUrl { given: String, reason: String },

    /// The SQLite file or its directory cannot be created or written.
    #[error(
        "cannot write the database at {}: {reason}. Check that the directory exists or can be \
         created and that you may write to it, or choose another place with --database or \
         SHANGYUN_DATA",
        path.display()
    )]
    Unwritable { path: PathBuf, reason: String },

    /// The file exists but is not an SQLite database (or is damaged).
    #[error(
        "{} is not a shangyun database (SQLite says: {reason}). Point --database at the \
         registry.db file or at an empty place",
        path.display()
    )]
    NotADatabase { path: PathBuf, reason: String },

    /// Another process holds the database's write lock longer than the wait allows.
    #[error(
        "the database {target} is locked by another program (another shangyun import, or an \
         open sqlite3 shell with a transaction). Wait for it to finish or close it, then run \
         again"
    )]
    Locked { target: String },

    /// The PostgreSQL server cannot be reached.
    #[error(
        "cannot reach the PostgreSQL server for {target}: {reason}. Check that the server is \
         running and that host and port are right (pg_isready -h HOST -p PORT)"
    )]
    Unreachable { target: String, reason: String },

    /// The PostgreSQL server refused the user or password.
    #[error(
        "PostgreSQL refused the login for {target}: {reason}. Check the user name and password \
         in the URL (postgres://USER:PASSWORD@HOST/DATABASE)"
    )]
    AuthFailed { target: String, reason: String },

    /// The PostgreSQL database named in the URL does not exist.
    #[error(
        "the PostgreSQL database in {target} does not exist. Create it first \
         (createdb NAME) or name an existing one in the URL"
    )]
    NoSuchDatabase { target: String },

    /// The database holds a schema version this program does not know (it was written by a
    /// newer shangyun), or an applied migration was changed.
    #[error(
        "the database schema of {target} does not match this program: {reason}. Use the \
         shangyun version that created it, or a newer one"
    )]
    SchemaMismatch { target: String, reason: String },

    /// A record handed to the store breaks an invariant the importer should have checked.
    #[error("record {uscc}: {reason}")]
    InvalidRecord { uscc: String, reason: String },

    /// A filter with a malformed code or unknown class name.
    #[error("invalid filter: {reason}")]
    InvalidFilter { reason: String },

    /// An import journal id that does not exist.
    #[error("no import with id {0} in the journal")]
    NoSuchImport(i64),

    /// Stored JSON that cannot be read back (damaged by hand-editing, or a newer writer).
    #[error("stored {what} of {key} cannot be read: {reason}")]
    Corrupt {
        what: &'static str,
        key: String,
        reason: String,
    },

    /// Any other database error, with the server's or library's own words.
    #[error("database error on {target}: {source}")]
    Database {
        target: String,
        #[source]
        source: sqlx::Error,
    },
}

impl StoreError {
    /// Classifies a driver error raised while talking to `target` (a redacted URL or a path).
    pub(crate) fn from_sqlx(target: &str, err: sqlx::Error) -> Self {
        let target = target.to_owned();
        if let Some(db) = err.as_database_error() {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let message = db.message().to_owned();
            return match code.as_str() {
                // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), with extended codes.
                "5" | "6" | "261" | "262" | "517" | "773" => StoreError::Locked { target },
                // SQLite: SQLITE_NOTADB (26), SQLITE_CORRUPT (11).
                "26" | "11" => StoreError::NotADatabase {
                    path: PathBuf::from(target),
                    reason: message,
                },
                // SQLite: SQLITE_READONLY (8 + extended), SQLITE_CANTOPEN (14), SQLITE_IOERR (10...).
                "8" | "264" | "520" | "776" | "1032" | "14" => StoreError::Unwritable {
                    path: PathBuf::from(target),
                    reason: message,
                },
                // PostgreSQL: invalid_authorization_specification, invalid_password.
                "28000" | "28P01" => StoreError::AuthFailed {
                    target,
                    reason: message,
                },
                // PostgreSQL: invalid_catalog_name.
                "3D000" => StoreError::NoSuchDatabase { target },
                // PostgreSQL: cannot_connect_now (server starting up or shutting down).
                "57P03" => StoreError::Unreachable {
                    target,
                    reason: message,
                },
                _ => StoreError::Database {
                    target,
                    source: err,
                },
            };
        }
        match err {
            sqlx::Error::Io(io) => StoreError::Unreachable {
                target,
                reason: io.to_string(),
            },
            sqlx::Error::PoolTimedOut => StoreError::Unreachable {
                target,
                reason: "no connection could be opened in time".to_owned(),
            },
            sqlx::Error::Migrate(m) => StoreError::from_migrate(&target, *m),
            other => StoreError::Database {
                target,
                source: other,
            },
        }
    }

    pub(crate) fn from_migrate(target: &str, err: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError as M;
        match err {
            M::Execute(e) | M::ExecuteMigration(e, _) => StoreError::from_sqlx(target, e),
            M::VersionMissing(v) => StoreError::SchemaMismatch {
                target: target.to_owned(),
                reason: format!("it has migration {v}, which this program does not know"),
            },
            M::VersionMismatch(v) => StoreError::SchemaMismatch {
                target: target.to_owned(),
                reason: format!("migration {v} was applied with different contents"),
            },
            M::Dirty(v) => StoreError::SchemaMismatch {
                target: target.to_owned(),
                reason: format!("migration {v} failed half-way earlier; restore a backup"),
            },
            other => StoreError::SchemaMismatch {
                target: target.to_owned(),
                reason: other.to_string(),
            },
        }
    }

    pub(crate) fn corrupt(what: &'static str, key: &str, reason: impl ToString) -> Self {
        StoreError::Corrupt {
            what,
            key: key.to_owned(),
            reason: reason.to_string(),
        }
    }
}

/// Shorthand for results of this crate.
pub type StoreResult<T> = Result<T, StoreError>;
