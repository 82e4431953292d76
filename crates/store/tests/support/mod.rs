//! Test databases: a temp-dir SQLite file, or a fresh schema on the PostgreSQL server named by
//! `SHANGYUN_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`), dropped
//! afterwards. An unreachable server FAILS the PostgreSQL tests unless
//! `SHANGYUN_SKIP_POSTGRES=1`.

#![allow(dead_code)]

use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::{DatabaseLocation, EnterpriseRecord, OpenOptions, Registry};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A registry on a throw-away database, and how to open it again.
pub struct TestDb {
    pub registry: Registry,
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
        let registry = Registry::open_location(&location, &options()).await?;
        Ok(TestDb {
            registry,
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
        let admin_url = postgres_url();
        let schema = unique_schema();
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
        let location = DatabaseLocation::parse(&with_search_path(&admin_url, &schema))?;
        let cleanup = Cleanup::Postgres { admin_url, schema };
        let registry = Registry::open_location(&location, &options()).await?;
        Ok(Some(TestDb {
            registry,
            location,
            cleanup,
        }))
    }

    /// A second, independent handle on the same database.
    pub async fn reopen(&self) -> Result<Registry, shangyun_store::StoreError> {
        Registry::open_location(&self.location, &options()).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup {
            shangyun_test_postgres::drop_schema_blocking(admin_url, schema);
        }
    }
}

fn options() -> OpenOptions {
    OpenOptions {
        actor: "tester".to_owned(),
        ..OpenOptions::default()
    }
}

pub fn postgres_url() -> String {
    std::env::var("SHANGYUN_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_owned())
}

pub fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options[search_path]={schema}")
}

fn unique_schema() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "shangyun_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// An enterprise with a USCC-shaped key (not check-digit valid: the store does not validate).
pub fn enterprise(n: u32, region: &str, industry: &str) -> Enterprise {
    Enterprise {
        uscc: uscc(n, region),
        name: format!("测试企业{n}有限公司"),
        registered_region: region.to_owned(),
        operating_region: None,
        industry: industry.to_owned(),
        founded: chrono::NaiveDate::from_ymd_opt(2010, 5, 17),
        contact_name: Some("李四".to_owned()),
        contact_phone: Some("13800000000".to_owned()),
        contact_email: None,
    }
}

pub fn uscc(n: u32, region: &str) -> String {
    format!("91{region}{n:09}Y")
}

/// Figures with the three size metrics (persons, 万元, 万元).
pub fn figures(
    uscc: &str,
    year: i32,
    employees: i64,
    revenue: f64,
    assets: Option<f64>,
) -> AnnualFigures {
    AnnualFigures {
        uscc: uscc.to_owned(),
        year,
        employees: Some(employees),
        revenue: Some(revenue),
        main_business_revenue: Some(revenue * 0.9),
        assets,
        rd_spend: Some(revenue * 0.05),
        rd_staff: Some(employees / 5),
        net_profit: Some(revenue * 0.08),
        debt_ratio: Some(45.5),
        ip_class1: Some(1),
        ip_class1_high_value: Some(0),
        ip_class2: Some(2),
        energy_kwh: None,
    }
}

pub fn record(n: u32, region: &str, industry: &str, years: &[(i32, i64, f64)]) -> EnterpriseRecord {
    let e = enterprise(n, region, industry);
    let f = years
        .iter()
        .map(|&(y, emp, rev)| figures(&e.uscc, y, emp, rev, Some(rev)))
        .collect();
    EnterpriseRecord::new(e, f)
}
