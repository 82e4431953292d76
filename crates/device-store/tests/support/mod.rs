//! Throw-away databases: an SQLite file in a temp dir, or a fresh schema on the PostgreSQL
//! server named by `SHANGYUN_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`),
//! dropped afterwards. An unreachable server FAILS the PostgreSQL tests unless
//! `SHANGYUN_SKIP_POSTGRES=1`.

#![allow(dead_code)]

use shangyun_device_store::DeviceStore;
use shangyun_store::DatabaseLocation;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

pub struct TestDb {
    pub location: DatabaseLocation,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

impl TestDb {
    pub async fn sqlite() -> Result<TestDb, Box<dyn std::error::Error + Send + Sync>> {
        let dir = tempfile::tempdir()?;
        let location = DatabaseLocation::parse(&dir.path().join("registry.db").to_string_lossy())?;
        Ok(TestDb {
            location,
            cleanup: Cleanup::Sqlite(dir),
        })
    }

    /// `None` when PostgreSQL tests are skipped on purpose.
    pub async fn postgres() -> Result<Option<TestDb>, Box<dyn std::error::Error + Send + Sync>> {
        if std::env::var("SHANGYUN_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("SHANGYUN_SKIP_POSTGRES=1: PostgreSQL test skipped");
            return Ok(None);
        }
        let admin_url = std::env::var("SHANGYUN_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "devices_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.map_err(|e| {
            format!(
                "PostgreSQL at {admin_url} is unreachable ({e}); start it, point \
                 SHANGYUN_TEST_POSTGRES elsewhere, or set SHANGYUN_SKIP_POSTGRES=1"
            )
        })?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let location =
            DatabaseLocation::parse(&format!("{admin_url}{sep}options[search_path]={schema}"))?;
        Ok(Some(TestDb {
            location,
            cleanup: Cleanup::Postgres { admin_url, schema },
        }))
    }

    pub async fn store(&self) -> Result<DeviceStore, shangyun_device_store::DeviceStoreError> {
        DeviceStore::open_location(&self.location).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup {
            shangyun_test_postgres::drop_schema_blocking(admin_url, schema);
        }
    }
}

/// Runs an async test case `fn(TestDb) -> TestResult` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> $crate::support::TestResult {
                    super::$case($crate::support::TestDb::sqlite().await?).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> $crate::support::TestResult {
                    match $crate::support::TestDb::postgres().await? {
                        Some(db) => super::$case(db).await,
                        None => Ok(()),
                    }
                }
            )*
        }
    };
}
