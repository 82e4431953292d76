//! The web layer's own tables (accounts, sessions, API tokens) on the registry's database:
//! a pool of its own on the same SQLite file or PostgreSQL URL, with its own migrations
//! recorded in `_shangyun_web_migrations`, so the store's schema and migration history stay
//! untouched.

use crate::error::WebError;
use shangyun_store::DatabaseLocation;
use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The table sqlx records this crate's applied migrations in.
const MIGRATION_TABLE: &str = "_shangyun_web_migrations";

/// (version, description, SQLite text, PostgreSQL text). Never edit an applied file; add one.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[(
    1,
    "accounts",
    include_str!("../migrations/sqlite/0001_accounts.sql"),
    include_str!("../migrations/postgres/0001_accounts.sql"),
)];

/// A pool on either backend. Every statement is written once with `$N` placeholders, which
/// both SQLite and PostgreSQL accept.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Db {
    /// Opens a pool on `location` (the registry has already created the SQLite file) and
    /// applies pending migrations.
    pub async fn open(location: &DatabaseLocation) -> Result<Db, WebError> {
        let target = location.display_target();
        let err = |e: sqlx::Error| WebError::Database {
            target: target.clone(),
            reason: e.to_string(),
        };
        let db = match location {
            DatabaseLocation::Sqlite { path } => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                Db::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(4)
                        .connect_with(options)
                        .await
                        .map_err(err)?,
                )
            }
            DatabaseLocation::Postgres { url } => {
                let options = PgConnectOptions::from_str(url).map_err(err)?;
                Db::Postgres(
                    PgPoolOptions::new()
                        .max_connections(8)
                        .acquire_timeout(Duration::from_secs(10))
                        .connect_with(options)
                        .await
                        .map_err(err)?,
                )
            }
        };
        db.migrate().await.map_err(|e| WebError::Database {
            target,
            reason: format!("migrating the account tables: {e}"),
        })?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        let postgres = matches!(self, Db::Postgres(_));
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sqlite, pg)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    SqlStr::from_static(if postgres { pg } else { sqlite }),
                    false,
                )
            })
            .collect();
        let mut migrator = Migrator::with_migrations(migrations);
        migrator.dangerous_set_table_name(MIGRATION_TABLE);
        with_pool!(self, pool => migrator.run(pool).await)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
