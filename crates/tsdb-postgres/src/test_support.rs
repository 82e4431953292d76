//! A throw-away schema on the test server for tests (ours and other crates'): the server is
//! `SHANGYUN_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`); the schema is
//! unique per call and dropped when the value is dropped.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AssertSqlSafe, Connection};

use crate::PgTsdb;

/// The default test server.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The test server's URL.
pub fn postgres_url() -> String {
    std::env::var("SHANGYUN_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_owned())
}

/// A fresh schema and a store on it.
pub struct TestSchema {
    /// The store.
    pub db: PgTsdb,
    /// URL whose connections use the schema (open a second node with it).
    pub url: String,
    /// The schema's name.
    pub schema: String,
    admin_url: String,
}

impl std::ops::Deref for TestSchema {
    type Target = PgTsdb;
    fn deref(&self) -> &PgTsdb {
        &self.db
    }
}

impl TestSchema {
    /// Creates a unique schema and opens a store on it with `max_connections`.
    pub async fn create(
        max_connections: u32,
    ) -> Result<TestSchema, Box<dyn std::error::Error + Send + Sync>> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let admin_url = postgres_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "tsdb_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.map_err(|e| {
            format!("PostgreSQL at {admin_url} is unreachable ({e}); set SHANGYUN_TEST_POSTGRES")
        })?;
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options[search_path]={schema}");
        let db = PgTsdb::connect(&url, max_connections).await?;
        Ok(TestSchema {
            db,
            url,
            schema,
            admin_url,
        })
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.admin_url.clone(), self.schema.clone());
        // Drop may run inside a runtime: use a thread with its own.
        let done = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
                        let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                            "DROP SCHEMA IF EXISTS {schema} CASCADE"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            }
        });
        let _ = done.join();
    }
}
