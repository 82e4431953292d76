//! The two backends. Every statement is written once: SQLite accepts PostgreSQL's `$1`
//! placeholders (sqlx binds `$NNN` by number), and the statements use only syntax both
//! understand (`ON CONFLICT`, `RETURNING`, partial unique indexes). [`on_db!`] expands a body
//! once per backend so that rows decode into concrete types.

use crate::error::{DeviceStoreError, DeviceStoreResult};
use shangyun_store::DatabaseLocation;
use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` (inside an async block: `?` and `return` stay in it) with `$pool` bound to
/// the backend's pool.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => async { $body }.await,
            $crate::db::Db::Postgres($pool) => async { $body }.await,
        }
    };
}
pub(crate) use on_db;

/// Opens a write transaction. On SQLite it takes the write lock at `BEGIN IMMEDIATE`: a
/// deferred transaction that reads first and writes later fails at once with SQLITE_BUSY when
/// another connection wrote in between (the busy timeout does not cover that upgrade).
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>,
    > + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// Our own migrations table: the registry's `_sqlx_migrations` may share the database.
const MIGRATIONS_TABLE: &str = "_devices_migrations";

const MIGRATIONS: &[(i64, &str, &str, &str)] = &[(
    1,
    "devices",
    include_str!("../migrations/sqlite/0001_devices.sql"),
    include_str!("../migrations/postgres/0001_devices.sql"),
)];

fn migrator(sqlite: bool) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, lite, pg)| {
            Migration::new(
                version,
                description.into(),
                MigrationType::Simple,
                SqlStr::from_static(if sqlite { lite } else { pg }),
                false,
            )
        })
        .collect();
    let mut m = Migrator::with_migrations(migrations);
    m.dangerous_set_table_name(MIGRATIONS_TABLE);
    m
}

impl Db {
    /// Opens the database (creating an SQLite file when missing) and applies migrations.
    pub(crate) async fn open(location: &DatabaseLocation) -> DeviceStoreResult<(Db, String)> {
        let target = location.display_target();
        let err = |e: sqlx::Error| DeviceStoreError::db(&target, e);
        let migration_failed = |e: sqlx::migrate::MigrateError| DeviceStoreError::Database {
            target: target.clone(),
            message: format!("migration failed: {e}"),
        };
        let db = match location {
            DatabaseLocation::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| DeviceStoreError::Database {
                        target: target.clone(),
                        message: format!("cannot create {}: {e}", dir.display()),
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .statement_cache_capacity(128);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .min_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(err)?;
                migrator(true).run(&pool).await.map_err(migration_failed)?;
                Db::Sqlite(pool)
            }
            DatabaseLocation::Postgres { url } => {
                let options = PgConnectOptions::from_str(url).map_err(err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .min_connections(0)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(err)?;
                migrator(false).run(&pool).await.map_err(migration_failed)?;
                Db::Postgres(pool)
            }
        };
        Ok((db, target))
    }

    /// Whether the registry's `enterprises` table is in this database.
    pub(crate) async fn has_registry(&self) -> Result<bool, sqlx::Error> {
        match self {
            Db::Sqlite(pool) => {
                let n: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'enterprises'",
                )
                .fetch_one(pool)
                .await?;
                Ok(n > 0)
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT to_regclass('enterprises') IS NOT NULL")
                    .fetch_one(pool)
                    .await
            }
        }
    }

    pub(crate) async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}
